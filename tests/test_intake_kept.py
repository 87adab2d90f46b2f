"""What the intake keeps from one file to the next (a form's alike parts checked and parsed once,
a part's first pieces inflated once, a sheet's tail scanned once), each compared with the path
it shortens: the same results, the same refusals; and a part crafted to look alike (the same
size and CRC, other bytes) is checked and read afresh."""

from __future__ import annotations

import os
import zipfile
import zlib
from pathlib import Path
from xml.etree import ElementTree

import defusedxml.ElementTree as DefusedTree
import pytest
from defusedxml import DefusedXmlException
from tests.helpers.hostile import LAUGHS, XXE, XXE_PARAMETER, Raw, entries, raw, with_doctype, write_zip

from xlgen.generate.workbook import Generated
from xlgen.intake import links, package, safezip
from xlgen.intake.package import _properties, _read_strings, open_workbook, parse_small, rich_text
from xlgen.intake.recent import Recent
from xlgen.intake.safezip import Refused, SafeZip, open_zip

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def forge_crc(data: bytes, at: list[int], target: int) -> bytes:
    """``data`` with the bytes at ``at`` set to letters from '@' to 'O' (their low four bits
    chosen) so that its CRC-32 is ``target``: CRC-32 is affine in the bits of a message of a
    given length, so the bits are found by elimination over GF(2)."""
    base = bytearray(data)
    for i in at:
        base[i] = 0x40
    zero = zlib.crc32(bytes(len(base)))
    pivots: dict[int, tuple[int, int]] = {}  # leading bit → (effect on the CRC, bits flipped)
    for j in range(4 * len(at)):
        flip = bytearray(len(base))
        flip[at[j // 4]] = 1 << (j % 4)
        effect, mask = zlib.crc32(flip) ^ zero, 1 << j
        while effect:
            top = effect.bit_length() - 1
            if top not in pivots:
                pivots[top] = (effect, mask)
                break
            effect, mask = effect ^ pivots[top][0], mask ^ pivots[top][1]
    want, mask = zlib.crc32(base) ^ target, 0
    while want:
        effect, bits = pivots[want.bit_length() - 1]
        want, mask = want ^ effect, mask ^ bits
    for k, i in enumerate(at):
        base[i] = 0x40 | (mask >> (4 * k)) & 0xF
    assert zlib.crc32(base) == target
    return bytes(base)


def alike(original: bytes, other: bytes) -> bytes:
    """``other`` padded to the length of ``original`` and forged to its CRC (the last 12 bytes
    before the padding's end are the forged ones)."""
    assert len(other) + 12 <= len(original)
    padded = other + b"@" * (len(original) - len(other))
    return forge_crc(padded, list(range(len(padded) - 12, len(padded))), zlib.crc32(original))


def one_part_zip(path: Path, name: str, content: bytes) -> Path:
    return write_zip(path, [raw(name, content)])


# ----------------------------------------------------------------------------- small parts
def _outcome_defused(data: bytes) -> tuple[str, str]:
    try:
        return "tree", ElementTree.tostring(DefusedTree.fromstring(data, forbid_dtd=True), encoding="unicode")
    except DefusedXmlException:
        return "dtd", ""
    except ElementTree.ParseError as exc:
        return "ParseError", str(exc)


def _outcome_small(data: bytes) -> tuple[str, str]:
    try:
        return "tree", ElementTree.tostring(parse_small(data, "docProps/custom.xml"), encoding="unicode")
    except Refused as exc:
        assert "DTD" in str(exc), str(exc)
        return "dtd", ""
    except ElementTree.ParseError as exc:
        return "ParseError", str(exc)


_DOC = '<?xml version="1.0" encoding="UTF-8"?><Properties xmlns="urn:p" xmlns:vt="urn:vt"><property name="a"><vt:lpwstr>x &amp; &#20013; y</vt:lpwstr></property></Properties>'
HOSTILE_SMALL = {
    "plain": _DOC.encode(),
    "laughs": with_doctype(LAUGHS)(_DOC).encode(),
    "xxe": with_doctype(XXE)(_DOC.replace("x &amp;", "&xxe;")).encode(),
    "xxe-parameter": with_doctype(XXE_PARAMETER)(_DOC).encode(),
    "dtd-behind-a-comment": with_doctype("<!DOCTYPE Properties>", "<!-- c --><?pi x?>")(_DOC).encode(),
    "dtd-in-utf-16": with_doctype("<!DOCTYPE Properties>")(_DOC.replace("UTF-8", "UTF-16")).encode("utf-16"),
    "undefined-entity": _DOC.replace("x &amp;", "&nope;").encode(),
    "not-well-formed": _DOC.replace("</property>", "").encode(),
    "junk-after-the-root": (_DOC + "<!DOCTYPE late>").encode(),
    "latin-1": _DOC.replace("UTF-8", "ISO-8859-1").replace("x &amp;", "caf\u00e9").encode("latin-1"),
    "no-root": b'<?xml version="1.0"?><!-- nothing -->',
}


@pytest.mark.parametrize("name", sorted(HOSTILE_SMALL))
def test_a_small_part_parses_as_defusedxml_parses_it(name: str) -> None:
    data = HOSTILE_SMALL[name]
    assert _outcome_small(data) == _outcome_defused(data)


def test_every_small_part_of_a_form_parses_as_defusedxml_parses_it(sample: Generated) -> None:
    with zipfile.ZipFile(sample.path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist() if n.endswith((".xml", ".rels"))}
    assert {"xl/workbook.xml", "docProps/custom.xml", "_rels/.rels"} <= set(parts)
    for name, data in parts.items():
        outcome = _outcome_small(data)
        assert outcome[0] == "tree" and outcome == _outcome_defused(data), name


def _custom(owner: str) -> bytes:
    return _DOC.replace('name="a"', 'name="owner"').replace("x &amp; &#20013; y", owner).encode()


def test_a_part_forged_to_the_size_and_crc_of_a_parsed_one_is_parsed_afresh(tmp_path: Path) -> None:
    first = _custom("bureau") + b"<!-- " + b" " * 40 + b" -->"
    a = one_part_zip(tmp_path / "a.zip", "docProps/custom.xml", first)
    assert _properties(open_zip(a), "docProps/custom.xml") == {"owner": "bureau"}  # parsed, and kept
    b = one_part_zip(tmp_path / "b.zip", "docProps/custom.xml",
                     _forged_behind_comment(first, _custom("dept!") + b"<!--"))
    zb = open_zip(b)
    assert zb.stored("docProps/custom.xml")[1:3] == open_zip(a).stored("docProps/custom.xml")[1:3]  # size, CRC alike
    assert _properties(zb, "docProps/custom.xml") == {"owner": "dept!"}


def _forged_behind_comment(original: bytes, body: bytes) -> bytes:
    """``body`` (which ends inside an open comment) filled to the length of ``original``, the
    comment closed, the letters before the close forged to ``original``'s CRC."""
    fill = len(original) - len(body) - 3
    assert fill >= 12
    padded = body + b"@" * fill + b"-->"
    at = list(range(len(body) + fill - 12, len(body) + fill))
    return forge_crc(padded, at, zlib.crc32(original))


# ----------------------------------------------------------------------------- the prolog check
def test_a_part_forged_to_the_size_and_crc_of_a_checked_one_is_checked_afresh(tmp_path: Path) -> None:
    good = b'<?xml version="1.0"?><root>' + b"x" * 200 + b"</root>"
    a = one_part_zip(tmp_path / "a.zip", "xl/part.xml", good)
    open_zip(a)  # passes, and is remembered
    body = with_doctype(XXE)('<?xml version="1.0"?><root>&xxe;</root>').encode() + b"<!--"
    b = one_part_zip(tmp_path / "b.zip", "xl/part.xml", _forged_behind_comment(good, body))
    zb = SafeZip(b, b.read_bytes(), safezip._directory(b.read_bytes()))
    assert zb.stored("xl/part.xml")[1:3] == open_zip(a).stored("xl/part.xml")[1:3]  # size, CRC alike
    with pytest.raises(Refused, match="DTD"):
        open_zip(b)


def test_a_form_opened_again_inflates_no_part_for_its_check(sample: Generated,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    open_zip(sample.path)
    inflated: list[str] = []
    real = SafeZip._inflate

    def counted(self: SafeZip, e: safezip.Entry):  # type: ignore[no-untyped-def]
        inflated.append(e.name)
        return real(self, e)

    monkeypatch.setattr(SafeZip, "_inflate", counted)
    zf = open_zip(sample.path)
    assert inflated == [] and zf._begun == {}


def test_a_part_read_after_the_check_is_what_a_fresh_read_gives(sample: Generated) -> None:
    safezip._PROLOG_PASSED.clear()
    zf = open_zip(sample.path)
    assert zf._begun  # the check left parts half inflated
    with zipfile.ZipFile(sample.path) as plain:
        for name in plain.namelist():
            assert zf.read(name) == plain.read(name), name
    assert zf._begun == {}


def test_a_wrong_crc_is_still_found_by_the_read_that_goes_on_from_the_check(sample: Generated, tmp_path: Path) -> None:
    sheet = "xl/worksheets/sheet1.xml"
    items = [Raw(e.name, e.payload, e.size, e.crc ^ 1) if e.name == sheet else e for e in entries(sample.path)]
    path = write_zip(tmp_path / "crc.xlsx", items)
    safezip._PROLOG_PASSED.clear()
    zf = open_zip(path)  # the check stops at the root element, before the CRC
    assert sheet in zf._begun
    fresh = SafeZip(path, zf._data, zf._entries)
    with pytest.raises(Refused) as went_on:
        zf.read(sheet)
    with pytest.raises(Refused) as afresh:
        fresh.read(sheet)
    assert str(went_on.value) == str(afresh.value) and "CRC" in str(went_on.value)


# ----------------------------------------------------------------------------- shared strings
def test_shared_strings_read_as_rich_text_reads_every_string(sample: Generated, tmp_path: Path) -> None:
    sis = [
        "<si><t>plain</t></si>",
        '<si><t xml:space="preserve"> spaced </t></si>',
        "<si><t/></si>",
        "<si/>",
        "<si><r><rPr><b/></rPr><t>bold</t></r><r><t> and not</t></r></si>",
        "<si><t>base</t><rPh sb=\"0\" eb=\"1\"><t>phonetic</t></rPh><phoneticPr fontId=\"1\"/></si>",
        "<si><r><t>one run</t></r></si>",
        "<si><rPh><t>only phonetic</t></rPh></si>",
        "<si><t>a &amp; b &#20013;</t></si>",
    ]
    part = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="9">' + "".join(sis) + "</sst>").encode()
    items = [raw(e.name, part) if e.name == "xl/sharedStrings.xml" else e for e in entries(sample.path)]
    pkg = open_workbook(write_zip(tmp_path / "strings.xlsx", items))
    assert isinstance(pkg, package.Package)
    old = [rich_text(si) for si in ElementTree.fromstring(part)]
    assert old[4] == "bold and not" and old[5] == "base" and old[7] == ""
    for upto in range(len(sis) + 1):
        strings, done = _read_strings(pkg, upto)
        assert strings == old[:upto + 1] and done == (upto >= len(sis)), upto  # done: the part ended first


# ----------------------------------------------------------------------------- the sheet's tail
def test_a_tail_scanned_again_is_what_a_fresh_scan_gives(sample: Generated) -> None:
    with zipfile.ZipFile(sample.path) as zf:
        data = zf.read("xl/worksheets/sheet1.xml")
    tail = bytearray(data[links.sheet_data_end(data):])
    fresh = links._scan_tail(tail, 50)
    assert fresh.protected and fresh.validations
    first = links.scan_tail(tail, 50)
    first.validations[0].append((9, 9, 9, 9))  # a caller's change to its copy …
    first.validations.append([])
    again = links.scan_tail(bytes(tail), 50)
    assert again == fresh  # … is not kept
    assert links.scan_tail(tail, 1) == links._scan_tail(tail, 1) != fresh  # room is part of the key


# ----------------------------------------------------------------------------- the memo
def test_recent_lets_go_of_what_was_used_longest_ago() -> None:
    memo = Recent(2)
    memo.keep("a", 1)
    memo.keep("b", 2)
    assert memo.get("a") == 1  # a used now: b is the oldest
    memo.keep("c", 3)
    assert (memo.get("b"), memo.get("a"), memo.get("c"), len(memo)) == (None, 1, 3, 2)


def test_recent_makes_a_value_once_and_never_keeps_one_without_a_key() -> None:
    memo, made = Recent(4), []

    def make() -> str:
        made.append("x")
        return f"value {len(made)}"

    assert memo.kept("k", make) == memo.kept("k", make) == "value 1"
    assert memo.kept(None, make) == "value 2" and memo.kept(None, make) == "value 3"  # too large to keep
    assert (len(made), len(memo)) == (3, 1)


# ----------------------------------------------------------------------------- the workbook part
def test_the_same_workbook_part_with_other_relationships_names_other_sheet_parts(sample: Generated,
                                                                                 tmp_path: Path) -> None:
    first = open_workbook(sample.path)
    assert isinstance(first, package.Package) and first.sheets[0].part == "xl/worksheets/sheet1.xml"
    moved = []
    for e in entries(sample.path):
        if e.name == "xl/_rels/workbook.xml.rels":
            e = raw(e.name, zlib.decompress(e.payload, -15).replace(b"worksheets/sheet1.xml", b"worksheets/moved.xml"))
        elif e.name == "xl/worksheets/sheet1.xml":
            e = Raw("xl/worksheets/moved.xml", e.payload, e.size, e.crc)
        moved.append(e)
    again = open_workbook(write_zip(tmp_path / "moved.xlsx", moved))
    assert isinstance(again, package.Package)
    assert [s.part for s in again.sheets][:1] == ["xl/worksheets/moved.xml"]
    assert [s.name for s in again.sheets] == [s.name for s in first.sheets] and again.names == first.names
    again.sheets.clear()  # a package's lists are its own
    again.names.clear()
    third = open_workbook(sample.path)
    assert isinstance(third, package.Package) and third.sheets == first.sheets and third.names == first.names


# ----------------------------------------------------------------------------- reading the file
@pytest.mark.parametrize("told", [None, 0, 5, 17])  # the file's own length, a device's 0, too short
def test_a_file_is_read_whole_whatever_length_it_tells(told: int | None, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The read is sized by the length the file tells, and goes on past it up to MAX_FILE + 1
    bytes, as the one read of MAX_FILE + 1 bytes did."""
    path = tmp_path / "f.bin"
    monkeypatch.setattr(safezip, "MAX_FILE", 1000)
    if told is not None:
        monkeypatch.setattr(os, "fstat", lambda _fd: type("Told", (), {"st_size": told})())
    path.write_bytes(bytes(range(256)) * 4)  # 1,024 bytes: over the (lowered) limit
    with pytest.raises(Refused, match="the file is over 0.0 MiB: not a returned form"):
        safezip.read_bytes(path)
    path.write_bytes(bytes(range(256)) * 3 + b"end")
    assert safezip.read_bytes(path) == bytes(range(256)) * 3 + b"end"
    path.write_bytes(b"x" * 1000)  # the limit itself
    assert safezip.read_bytes(path) == b"x" * 1000
