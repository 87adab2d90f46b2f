"""Rows repeated across files are read once (#24, ``intake/rowmemo.py``): a sheet read with rows
taken from the memo is the sheet read whole, for the files xlgen writes and for parts laid out
otherwise (rows without numbers, shared formulas, comments hiding a row, another root); only
rows that can be read alone are kept, in their context, and the memo stays bounded."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers.hostile import edit
from xlgen.findings import Finding
from xlgen.generate.workbook import Generated
from xlgen.intake import rowmemo
from xlgen.intake.package import Package, Sheet, open_workbook
from xlgen.intake.sheet import read_sheet

SHEET = "xl/worksheets/sheet1.xml"
MAX_ROW, MAX_COL = 80, 40


@pytest.fixture(autouse=True)
def fresh_memo() -> Iterator[None]:
    rowmemo.MEMO.clear()
    yield
    rowmemo.MEMO.clear()


def read(path: Path, memo: bool, max_cells: int = 100_000) -> Sheet | Finding:
    pkg = open_workbook(path)
    assert isinstance(pkg, Package), pkg
    return read_sheet(pkg, pkg.sheets[0], MAX_ROW, MAX_COL, max_cells=max_cells, memo=memo)


def held() -> dict[bytes, rowmemo.RowRead]:
    """Every row the memo holds, whatever its context."""
    return {piece: r for table in rowmemo.MEMO.rows.values() for piece, r in table.items()}



def same_sheet(a: Sheet | Finding, b: Sheet | Finding) -> None:
    assert isinstance(a, Sheet) and isinstance(b, Sheet), (a, b)
    assert a.cells == b.cells
    assert (a.protected, a.validations, a.external, a.long_texts, a.hyperlinks, a.objects) == \
        (b.protected, b.validations, b.external, b.long_texts, b.hyperlinks, b.objects)


def variant(sample: Generated, tmp_path: Path, name: str, change: Callable[[bytes], bytes]) -> Path:
    return edit(sample.path, tmp_path / f"{name}.xlsx", SHEET, change)


def test_a_file_read_again_takes_its_rows_from_the_memo_and_reads_the_same(sample: Generated) -> None:
    whole = read(sample.path, memo=False)
    assert held() == {}  # read whole: nothing kept
    first = read(sample.path, memo=True)
    rows = held()
    assert isinstance(whole, Sheet) and len(rows) >= 40  # every row of the form kept (none shares a formula)
    assert {r.row for r in rows.values()} == set(range(len(rows)))
    again = read(sample.path, memo=True)
    same_sheet(first, whole)
    same_sheet(again, whole)
    assert whole.cells[(0, 0)].value  # the title, a shared string looked up per file
    assert any(c.formula for c in whole.cells.values())


def test_a_changed_row_is_parsed_and_the_others_are_taken(sample: Generated, tmp_path: Path) -> None:
    read(sample.path, memo=True)
    before = held()
    # the seed's 年初预算 amount, 175.41 in D4, becomes 99.5
    other = variant(sample, tmp_path, "amount", lambda b: b.replace(b"<v>175.41</v>", b"<v>99.5</v>", 1))
    got = read(other, memo=True)
    assert isinstance(got, Sheet) and got.cells[(3, 3)].value == 99.5
    same_sheet(got, read(other, memo=False))
    added = set(held()) - set(before)
    assert len(added) == 1 and next(iter(added)).startswith(b'<row r="4"')


def test_a_root_with_other_attributes_but_the_same_namespaces_shares_the_context(
        sample: Generated, tmp_path: Path) -> None:
    """Excel writes a root tag of its own per file (an id among its attributes): what the rows
    are read as depends on the namespaces it declares only."""
    read(sample.path, memo=True)
    tagged = variant(sample, tmp_path, "tagged", lambda b: b.replace(b"<worksheet ", b'<worksheet uid="{7}" ', 1))
    rows = rowmemo.MEMO.rows_taken
    same_sheet(read(tagged, memo=True), read(tagged, memo=False))
    assert len(rowmemo.MEMO.rows) == 1 and rowmemo.MEMO.rows_taken - rows == len(held())


@pytest.mark.parametrize("name, change", [
    # rows without their number: each one's number is the one before's plus one
    ("unnumbered", lambda b: re.sub(rb'<row r="[0-9]+"', b"<row", b)),
    # a comment that hides a row (its '<row' is no row): the part is parsed whole
    ("comment", lambda b: b.replace(b'<row r="3"', b'<!-- <row r="99"/> --><row r="3"', 1)),
    # a comment left open after the last row: it swallows </sheetData>, as the whole part reads it
    ("open comment", lambda b: b.replace(b"</sheetData>", b"<!-- </sheetData> -->", 1)),
    # a CDATA section in an inline text holding what looks like rows
    ("cdata", lambda b: b.replace(b'<c r="D4" s="6"><v>175.41</v></c>', b'<c r="D4" t="inlineStr"><is><t><![CDATA['
                                  b'</c></row><row r="5"><c r="A5"><v>1</v></c></row>]]></t></is></c>', 1)),
    # text between the rows
    ("text", lambda b: b.replace(b'</row><row r="5"', b'</row>\n  <row r="5"', 1)),
    # an element among the rows that is not a row
    ("stranger", lambda b: b.replace(b'</row><row r="5"', b'</row><foo/><row r="5"', 1)),
    # the rows under a prefix: the part is parsed whole
    ("prefixed", lambda b: b.replace(b"<worksheet xmlns=", b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/'
                                     b'spreadsheetml/2006/main" xmlns=', 1).replace(b"</worksheet>", b"</x:worksheet>")),
    # a row nested in a cell: not a row of the sheet
    ("nested", lambda b: b.replace(b"<v>175.41</v>", b'<v>175.41</v><row r="4"/>', 1)),
])
def test_parts_laid_out_otherwise_read_as_the_whole_part_reads_them(
        sample: Generated, tmp_path: Path, name: str, change: Callable[[bytes], bytes]) -> None:
    read(sample.path, memo=True)  # the memo holds every row of the form
    path = variant(sample, tmp_path, name, change)
    same_sheet(read(path, memo=True), read(path, memo=False))
    same_sheet(read(path, memo=True), read(path, memo=False))  # and once more, from what it kept


def test_a_row_that_would_swallow_the_rows_after_it_is_never_kept(sample: Generated, tmp_path: Path) -> None:
    """A row followed by an open comment reads as itself where it is the last row before
    </sheetData> (the part is parsed only so far), but would hide the rows after it anywhere
    else: rows holding a comment are never cut, so never kept."""
    last = variant(sample, tmp_path, "last", lambda b: re.sub(
        rb"(<row r=\"57\".*?</row>)</sheetData>", rb"\1<!-- </sheetData>", b, flags=re.S))
    assert isinstance(read(last, memo=True), Sheet)
    assert held() == {}  # the part holds a comment: read whole
    # the same row before a row in a comment: that row is no row
    hidden = variant(sample, tmp_path, "hidden", lambda b: re.sub(
        rb"(<row r=\"57\".*?</row>)</sheetData>", rb'\1<!-- <row r="58"><c r="A58"><v>1</v></c></row> --></sheetData>',
        b, flags=re.S))
    whole = read(hidden, memo=False)
    assert isinstance(whole, Sheet) and (57, 0) not in whole.cells
    same_sheet(read(hidden, memo=True), whole)


def test_rows_are_kept_only_when_they_read_alike_anywhere(sample: Generated, tmp_path: Path) -> None:
    unnumbered = variant(sample, tmp_path, "unnumbered", lambda b: re.sub(rb'<row r="[0-9]+"', b"<row", b))
    read(unnumbered, memo=True)
    assert held() == {}  # a row's number would come from the row before
    shared = variant(sample, tmp_path, "shared", lambda b: b.replace(
        b"<v>175.41</v>", b'<f t="shared" si="0" ref="D4:D4">1+1</f><v>2</v>', 1))
    read(shared, memo=True)
    assert held() and not any(b"shared" in piece for piece in held())  # its follower's text depends on the master


def test_a_row_is_read_in_its_own_context(sample: Generated, tmp_path: Path) -> None:
    """The same row bytes under another root tag (its namespaces) or another range are read again."""
    read(sample.path, memo=True)
    assert len(rowmemo.MEMO.rows) == 1
    declared = variant(sample, tmp_path, "ns", lambda b: b.replace(b"<worksheet ", b'<worksheet xmlns:q="urn:q" ', 1))
    same_sheet(read(declared, memo=True), read(declared, memo=False))
    assert len(rowmemo.MEMO.rows) == 2
    pkg = open_workbook(sample.path)
    assert isinstance(pkg, Package)
    narrow = read_sheet(pkg, pkg.sheets[0], 10, 5)
    assert isinstance(narrow, Sheet) and max(r for r, _c in narrow.cells) < 10 and max(c for _r, c in narrow.cells) < 5
    assert len(rowmemo.MEMO.rows) == 3


def test_the_cell_limit_holds_for_rows_taken_from_the_memo(sample: Generated) -> None:
    read(sample.path, memo=True)
    for memo in (True, False):
        refused = read(sample.path, memo=memo, max_cells=100)
        assert isinstance(refused, Finding), memo
        assert "100" in str(refused.params), refused.params


def test_the_memo_is_emptied_when_full(sample: Generated, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rowmemo, "HELD_MAX", 10)
    read(sample.path, memo=True)
    assert 0 < len(held()) <= 10 and rowmemo.MEMO.held == len(held())


def test_a_root_tag_behind_a_comment_gives_no_context(sample: Generated, tmp_path: Path) -> None:
    """A comment before the root may hold a tag like it: the context would then miss the real
    root's namespaces, and a row that needs one would read in a file that declares none."""
    def with_prefix(declared: bytes) -> Callable[[bytes], bytes]:
        return lambda b: b.replace(b"<worksheet ", b"<!--<worksheet>--><worksheet " + declared, 1).replace(
            b"<v>175.41</v>", b"<v>175.41</v><q:x/>", 1)

    declares = variant(sample, tmp_path, "declares", with_prefix(b'xmlns:q="urn:q" '))
    undeclared = variant(sample, tmp_path, "undeclared", with_prefix(b""))
    same_sheet(read(declares, memo=True), read(declares, memo=False))
    assert isinstance(read(undeclared, memo=False), Finding)  # an unbound prefix: not well-formed
    assert isinstance(read(undeclared, memo=True), Finding)
