"""safezip on zips that other programs write legitimately (never refused), and on the tricks the
corpus does not reach through the whole command: overlapping entries, a stored entry that lies,
DTDs hidden behind comments, processing instructions or UTF-16."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from tests.helpers.hostile import LAUGHS, Raw, entries, with_doctype, write_zip

from xlgen.intake.safezip import Prolog, Refused, open_zip
from xlgen.verify.batch import verify_file
from xlgen.generate.workbook import Generated


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def passes(path: Path) -> None:
    result = verify_file(path)
    assert (result.status, [f.code.code for f in result.findings]) == ("pass", []), \
        [f.message("en") for f in result.findings]


class _Unseekable(io.RawIOBase):
    """A write-only stream: zipfile then writes data descriptors after each entry (bit 3)."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: bytes) -> int:  # type: ignore[override]
        self.data += b
        return len(b)


def test_zip64_records_data_descriptors_stored_entries_folders_and_comments_are_read(
        sample: Generated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    content = parts(sample.path)
    # ZIP64: zipfile writes ZIP64 extra fields and end records past these (lowered) limits
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1000)
    monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 5)
    z64 = tmp_path / "zip64.xlsx"
    with zipfile.ZipFile(z64, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in content.items():
            zf.writestr(name, data)
    monkeypatch.undo()
    assert b"PK\x06\x06" in z64.read_bytes()  # the ZIP64 end record is there
    passes(z64)
    # data descriptors, a folder entry, a stored part, an extra field, an archive comment
    stream = _Unseekable()
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.comment = "saved by another program".encode()
        zf.writestr(zipfile.ZipInfo("xl/"), b"")
        for name, data in content.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 1, 12, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".rels") else zipfile.ZIP_DEFLATED
            info.extra = struct.pack("<HHBI", 0x5455, 5, 1, 1714564800)  # extended timestamp
            zf.writestr(info, data)
    streamed = tmp_path / "streamed.xlsx"
    streamed.write_bytes(bytes(stream.data))
    with zipfile.ZipFile(streamed) as zf:
        assert all(i.flag_bits & 0x08 for i in zf.infolist() if i.filename != "xl/")
    passes(streamed)


def test_overlapping_entries_are_refused(tmp_path: Path) -> None:
    """Entry B's local header and data sit inside entry A's stored data: inflating both would
    count B's bytes twice (the trick of non-recursive zip bombs)."""
    inner_name, inner = b"b.xml", b"<b/>"
    local_b = struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 0, 0, 0x21, zlib.crc32(inner), len(inner), len(inner),
                          len(inner_name), 0) + inner_name + inner
    a = Raw("a.bin", local_b, len(local_b), zlib.crc32(local_b), method=0, flags=0)
    path = write_zip(tmp_path / "overlap.xlsx", [a])
    data = bytearray(path.read_bytes())
    # add B to the central directory, pointing into A's data
    end = data.rindex(b"PK\x05\x06")
    cd_start = struct.unpack_from("<I", data, end + 16)[0]
    a_start = 30 + len(b"a.bin")
    entry_b = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 0, 0, 0x21, zlib.crc32(inner), len(inner),
                          len(inner), len(inner_name), 0, 0, 0, 0, 0, a_start) + inner_name
    central = bytes(data[cd_start:end]) + entry_b
    rebuilt = bytes(data[:cd_start]) + central + struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 2, 2, len(central),
                                                            cd_start, 0)
    path.write_bytes(rebuilt)
    with pytest.raises(Refused, match="overlap"):
        open_zip(path)


def test_a_stored_entry_that_lies_about_its_size_is_refused(sample: Generated, tmp_path: Path) -> None:
    items = entries(sample.path)
    items = [Raw(e.name, zlib.decompress(e.payload, -15), e.size + 10, e.crc, method=0) if e.name.endswith(".rels")
             else e for e in items]
    with pytest.raises(Refused, match="sizes differ"):
        open_zip(write_zip(tmp_path / "stored.xlsx", items))


@pytest.mark.parametrize("prefix", [
    "",
    "<!-- a comment first -->",
    "<?xml-stylesheet href='x'?>\n<!-- > -->",
    " " * 70_000,  # past the first 64 KiB, where a check of the first chunk alone would stop looking
])
def test_a_dtd_is_found_behind_whatever_the_prolog_allows(prefix: str) -> None:
    xml = with_doctype(LAUGHS, prefix)('<?xml version="1.0" encoding="UTF-8"?><worksheet>&lol9;</worksheet>')
    data = xml.encode("utf-8")
    with pytest.raises(Refused, match="DTD"):
        Prolog("xl/worksheets/sheet1.xml").check(data[i:i + 4096] for i in range(0, len(data), 4096))
    for encoding in ("utf-16-le", "utf-16-be"):  # no BOM: expat tells UTF-16 from '<' and a zero byte
        raw = xml.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode(encoding)
        with pytest.raises(Refused, match="DTD"):
            Prolog("part.xml").check([raw])


def test_the_prolog_guard_stops_at_the_root_element() -> None:
    guard = Prolog("part.xml")
    guard.check([b'<?xml version="1.0"?><root>', b"<!DOCTYPE is not a DTD here, it is broken XML>"])
    assert guard.done  # the rest of the part is never looked at
