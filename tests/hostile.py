"""Hostile and broken returned files, built by the tests (never checked in): each builder copies a
good returned workbook with one thing wrong, or writes a file from scratch.

Zips are written by ``write_zip`` from raw entries, so that a test can state any size, flag or
name it wants (a lying header, an encrypted flag, a duplicate or a path name). A bomb's deflate
stream is built from one compressed block repeated (``repeated_deflate``): a file of a few MB
that inflates to gigabytes costs milliseconds to make.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from xlgen.engine import col_letters

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
WORKBOOK = "xl/workbook.xml"
CUSTOM = "docProps/custom.xml"
CONTENT_TYPES = "[Content_Types].xml"
XML_DECL = re.compile(r"^(<\?xml[^>]*\?>)?")


# ----------------------------------------------------------------------------- raw zips
@dataclass(frozen=True)
class Raw:
    """A zip entry as stored: its payload (deflated or stored), declared size and CRC."""

    name: str
    payload: bytes
    size: int
    crc: int
    method: int = 8
    flags: int = 0x800  # UTF-8 name


def deflate(content: bytes, level: int = 6) -> bytes:
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(content) + c.flush()


def raw(name: str, content: bytes) -> Raw:
    return Raw(name, deflate(content), len(content), zlib.crc32(content))


def entries(path: Path) -> list[Raw]:
    """The entries of a zip, re-deflated, in order."""
    with zipfile.ZipFile(path) as zf:
        return [raw(i.filename, zf.read(i.filename)) for i in zf.infolist()]


def write_zip(dst: Path, items: Sequence[Raw]) -> Path:
    """A plain zip (no ZIP64: declared sizes below 4 GiB) holding exactly ``items``."""
    out = bytearray()
    central = bytearray()
    for e in items:
        name = e.name.encode("utf-8")
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, e.flags, e.method, 0, 0x21, e.crc,
                           len(e.payload), e.size, len(name), 0) + name + e.payload
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, e.flags, e.method, 0, 0x21, e.crc,
                               len(e.payload), e.size, len(name), 0, 0, 0, 0, 0, offset) + name
    start = len(out)
    out += central
    out += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(items), len(items), len(central), start, 0)
    dst.write_bytes(bytes(out))
    return dst


def with_parts(src: Path, dst: Path, change: Callable[[list[Raw]], list[Raw]]) -> Path:
    return write_zip(dst, change(entries(src)))


def edit(src: Path, dst: Path, part: str, change: Callable[[bytes], bytes]) -> Path:
    """Copy ``src`` with the content of ``part`` replaced by ``change(content)``."""
    def apply(items: list[Raw]) -> list[Raw]:
        out = []
        for e in items:
            if e.name == part:
                content = zlib.decompress(e.payload, -15)
                new = change(content)
                assert new != content, f"the edit changed nothing in {part}"
                e = raw(part, new)
            out.append(e)
        return out
    return with_parts(src, dst, apply)


def edit_text(src: Path, dst: Path, part: str, change: Callable[[str], str]) -> Path:
    return edit(src, dst, part, lambda b: change(b.decode("utf-8")).encode("utf-8"))


def repeated_deflate(prefix: bytes, block: bytes, count: int, suffix: bytes) -> tuple[bytes, int, int]:
    """(raw deflate, size, CRC) of prefix + block × count + suffix, from ONE compressed block:
    after a full flush the compressor starts afresh, so the same block compresses to the same
    bytes, which are repeated. The CRC is computed over the whole (about 1 s per 2 GiB)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    one = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    two = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    assert one == two, "a full flush must make the block compress the same way again"
    tail = c.compress(suffix) + c.flush()
    crc = zlib.crc32(prefix)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(suffix, crc)
    return head + one * count + tail, len(prefix) + len(block) * count + len(suffix), crc


# ----------------------------------------------------------------------------- not a workbook
def ole2(dst: Path, streams: Sequence[str]) -> Path:
    """An OLE2 compound file's first sectors: the signature and a directory naming ``streams``
    (enough for a reader to tell an .xls from an encrypted workbook)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHH", 0x3E, 3, 0xFFFE) + b"\0" * 482
    directory = b"".join((name.encode("utf-16-le") + b"\0\0").ljust(64, b"\0") + b"\0" * 64
                         for name in ["Root Entry", *streams])
    dst.write_bytes(header + directory.ljust(4096, b"\0"))
    return dst


# ----------------------------------------------------------------------------- XML bombs
LAUGHS = ('<!DOCTYPE {root} [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + "]>")
XXE = '<!DOCTYPE {root} [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
XXE_PARAMETER = '<!DOCTYPE {root} [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>'


def root_name(xml: str) -> str:
    m = re.search(r"<([A-Za-z_][\w.:-]*)", XML_DECL.sub("", xml, count=1))
    assert m is not None
    return m.group(1)


def with_doctype(doctype: str, padding: str = "") -> Callable[[str], str]:
    """Insert a DTD after the XML declaration (``padding`` first: whitespace is allowed there)."""
    def change(xml: str) -> str:
        decl = XML_DECL.match(xml)
        at = decl.end() if decl else 0
        return xml[:at] + padding + doctype.format(root=root_name(xml)) + xml[at:]
    return change


def utf16_with_doctype(doctype: str) -> Callable[[bytes], bytes]:
    """The part re-encoded as UTF-16 (with its BOM and declaration), a DTD in front."""
    def change(content: bytes) -> bytes:
        xml = content.decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
        return with_doctype(doctype)(xml).encode("utf-16")
    return change


# ----------------------------------------------------------------------------- sheet edits
def before_sheet_data_end(extra: bytes) -> Callable[[bytes], bytes]:
    def change(xml: bytes) -> bytes:
        at = xml.index(b"</sheetData>")
        return xml[:at] + extra + xml[at:]
    return change


def without_dimension(xml: bytes) -> bytes:
    return re.sub(rb"<dimension [^>]*/>", b"", xml, count=1)


def many_rows(first: int, rows: int, cells: int) -> bytes:
    """``rows`` rows of ``cells`` numbers each, from row ``first`` (1-based), A1 references."""
    letters = [col_letters(c).encode() for c in range(cells)]
    out = []
    for r in range(first, first + rows):
        rb = str(r).encode()
        out.append(b'<row r="' + rb + b'">' + b"".join(b'<c r="' + col + rb + b'"><v>' + rb + b"</v></c>"
                                                       for col in letters) + b"</row>")
    return b"".join(out)


def widen_rows(rows: Sequence[int], first_col: int, last_col: int) -> Callable[[bytes], bytes]:
    """Cells added at the end of existing rows, columns first_col..last_col (0-based)."""
    def change(xml: bytes) -> bytes:
        for r in rows:
            m = re.search(rb'<row r="%d"[^>]*?(?:/>|>.*?</row>)' % r, xml, re.S)
            assert m is not None, f"no row {r}"
            row = m.group(0)
            cells = b"".join(b'<c r="%s%d"><v>1</v></c>' % (col_letters(c).encode(), r)
                             for c in range(first_col, last_col + 1))
            new = row[:-2] + b">" + cells + b"</row>" if row.endswith(b"/>") else row[:-6] + cells + b"</row>"
            xml = xml[:m.start()] + new + xml[m.end():]
        return xml
    return change


def rename_sheet(old: str, new: str, names_too: bool) -> Callable[[str], str]:
    def change(xml: str) -> str:
        xml = xml.replace(f'<sheet name="{old}"', f'<sheet name="{new}"', 1)
        if names_too:
            xml = xml.replace(f"'{old}'!", f"'{new}'!").replace(f">{old}!", f">{new}!")
        return xml
    return change


def drop_sheet(name: str) -> Callable[[str], str]:
    def change(xml: str) -> str:
        return re.sub(rf'<sheet name="{name}"[^>]*/>', "", xml, count=1)
    return change


def add_entry(entry: Raw) -> Callable[[list[Raw]], list[Raw]]:
    return lambda items: [*items, entry]


def drop_entry(name: str) -> Callable[[list[Raw]], list[Raw]]:
    return lambda items: [e for e in items if e.name != name]


def replace_entry(name: str, new: Raw) -> Callable[[list[Raw]], list[Raw]]:
    return lambda items: [new if e.name == name else e for e in items]


def flag_entry(name: str, flags: int) -> Callable[[list[Raw]], list[Raw]]:
    return lambda items: [replace(e, flags=e.flags | flags) if e.name == name else e for e in items]


def corrupt_deflate(name: str) -> Callable[[list[Raw]], list[Raw]]:
    """Bytes in the middle of the part's deflate stream overwritten (headers intact)."""
    def change(items: list[Raw]) -> list[Raw]:
        out = []
        for e in items:
            if e.name == name:
                mid = len(e.payload) // 2
                e = replace(e, payload=e.payload[:mid] + b"\xff" * 32 + e.payload[mid + 32:])
            out.append(e)
        return out
    return change


def external_link_part(items: list[Raw]) -> list[Raw]:
    """A workbook-level link to another workbook (xl/externalLinks/externalLink1.xml)."""
    out = []
    for e in items:
        content = zlib.decompress(e.payload, -15)
        if e.name == "xl/_rels/workbook.xml.rels":
            content = content.replace(b"</Relationships>", (
                b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>'))
            e = raw(e.name, content)
        out.append(e)
    link = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="http://schemas.'
            b'openxmlformats.org/spreadsheetml/2006/main"><externalBook r:id="rId1" xmlns:r="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships"/></externalLink>')
    rels = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
            b'Target="file:///C:/secret/other.xlsx" TargetMode="External"/></Relationships>')
    return [*out, raw("xl/externalLinks/externalLink1.xml", link),
            raw("xl/externalLinks/_rels/externalLink1.xml.rels", rels)]
