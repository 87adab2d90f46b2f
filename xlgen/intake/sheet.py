"""One sheet of a returned workbook, parsed in one pass (a form's sheet in one go, a large sheet
streamed down to the rows the form can occupy): constants, formulas with their saved values,
protection, validations, links."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from typing import Any
from xml.etree import ElementTree

from xlgen.errors import said
from xlgen.errors.intake import IntakeCode
from xlgen.findings import Finding
from xlgen.formula.functions import XlError
from xlgen.formula.references import col_index, col_letters
from xlgen.intake.links import (
    MAX_LINKS,
    guards_values,
    linked,
    outward,
    scan_links,
    scan_tail,
    sheet_data_end,
    sheet_data_end_in,
)
from xlgen.intake.package import (
    MAX_TEXT,
    Cell,
    Package,
    Sheet,
    SheetRef,
    ended_elements,
    local_name,
    rich_text,
    unreadable,
)
from xlgen.intake.rowmemo import RowCut, RowRead, rows_of
from xlgen.intake.refs import A1_RANGE, MAX_VALIDATIONS, sqref_ranges
from xlgen.intake.safezip import Prolog, Refused, Runs

MAX_CELLS = 100_000  # cells parsed in the rows read (a returned form has about 1,000)
# What an element is, by its local name: the tag of each element is looked up once per sheet.
_OTHER, _ROW, _V, _F, _IS, _PROTECTION, _VALIDATION, _SHEET_DATA = range(8)
_KINDS = {"row": _ROW, "v": _V, "f": _F, "is": _IS, "sheetProtection": _PROTECTION, "dataValidation": _VALIDATION,
          "sheetData": _SHEET_DATA}
ONE_PASS = 1 << 20  # bytes up to </sheetData> parsed in one go (a form's sheet is some 100 KB)

# ----------------------------------------------------------------------------- one sheet
def read_sheet(pkg: Package, ref: SheetRef, max_row: int, max_col: int, max_cells: int = MAX_CELLS,
               memo: bool = True) -> Sheet | Finding:
    """Cells in rows < ``max_row`` and columns < ``max_col`` (at most ``max_cells`` parsed in
    those rows); protection, validations, links, hyperlinks, embedded objects. With ``memo``
    rows read before in another file are taken as they were read (``rowmemo``)."""
    if ref.part not in pkg.zip:
        return unreadable(said(IntakeCode.SHEET_PART_MISSING, sheet=ref.name, part=ref.part))
    try:
        with _uncollected():
            return _read_sheet(pkg, ref, max_row, max_col, max_cells, memo)
    except Refused as exc:
        return unreadable(exc.reason)
    except Exception as exc:
        return unreadable(said(IntakeCode.SHEET_DAMAGED, sheet=ref.name, part=ref.part, error=type(exc).__name__,
                               said=str(exc)[:250]))


@contextlib.contextmanager
def _uncollected() -> Iterator[None]:
    """The garbage collector kept off while a sheet is read: its elements (some thousands a form)
    hold no cycles, reference counting frees them, yet they would outlive the young collections
    they set off and, moved to the oldest generation, set off full collections of the whole
    process (a tenth of verify's time)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class _Rows:
    """What the rows of a sheet hold, row by row as they are parsed: the cells of the range
    read, shared string indexes to look up, formulas linking outside (in every row parsed)."""

    def __init__(self, ref: SheetRef, max_row: int, max_col: int, max_cells: int) -> None:
        self.ref, self.max_row, self.max_col, self.max_cells = ref, max_row, max_col, max_cells
        self.cells: dict[tuple[int, int], Cell] = {}
        self.strings_at: list[tuple[int, int, int, str | None, int]] = []  # (row, col, string index, formula, style)
        self.long_texts: list[tuple[str, int]] = []
        self.external: list[tuple[str, str]] = []
        self.shared: dict[str, tuple[str, str]] = {}  # si → (master formula, master cell)
        self.kinds: dict[str, int] = {}  # tag (with its namespace, as the parser gives it) → what it is to us
        self.row = -1
        self.parsed = 0  # cells parsed in the rows read
        self.past = False  # a row past max_row was read

    def kind(self, tag: str) -> int:
        what = self.kinds.get(tag)
        if what is None:
            what = self.kinds[tag] = _KINDS.get(local_name(tag), _OTHER)
        return what

    def add(self, elem: Any) -> None:
        """One <row> element, ended."""
        self.take(self.read(elem))

    def take(self, read: RowRead) -> None:
        """A row's reading added to the sheet's, in the order of the rows."""
        self.row = read.row
        if read.row >= self.max_row:
            self.past = True  # rows come in order: none further is needed
        self.parsed += read.parsed
        self._bound(0)
        self.cells.update(read.cells)
        self.strings_at.extend(read.strings_at)
        self.long_texts.extend(read.long_texts)
        if len(self.external) < MAX_LINKS:
            self.external.extend(read.external[:MAX_LINKS - len(self.external)])

    def _bound(self, more: int) -> None:
        if self.parsed + more > self.max_cells:
            raise Refused(said(IntakeCode.SHEET_TOO_MANY_CELLS, sheet=self.ref.name, rows=self.max_row,
                               limit=self.max_cells))

    def read(self, elem: Any) -> RowRead:
        """One <row> element, read (the sheet's reading so far gives its number when it has
        none, and the masters of its shared formulas)."""
        r = elem.get("r")
        row = int(r) - 1 if r else self.row + 1
        max_row, max_col = self.max_row, self.max_col
        parsed = 0
        if row < max_row:
            parsed = len(elem)
            self._bound(parsed)  # refused before the row is walked
        kinds = self.kinds
        cells: list[tuple[tuple[int, int], Cell]] = []
        strings_at: list[tuple[int, int, int, str | None, int]] = []
        long_texts: list[tuple[str, int]] = []
        external: list[tuple[str, str]] = []
        col = -1
        for c in elem:
            addr = c.get("r")
            at = cell_col(addr) if addr else None
            col = col + 1 if at is None else at
            if not len(c):  # no value, formula or text: a styled blank holds nothing read here
                continue
            fel = vel = isel = None
            for child in c:
                part = kinds.get(child.tag)
                if part is None:
                    part = self.kind(child.tag)
                if part == _V:
                    vel = child
                elif part == _F:
                    fel = child
                elif part == _IS:
                    isel = child
            inside = row < max_row and col < max_col
            formula = None
            if fel is not None:
                where = f"{col_letters(col)}{row + 1}"
                formula = _formula(fel, where, self.shared, inside)
                if linked(formula):
                    external.append((where, formula))
            if inside:
                kind = c.get("t", "n")
                raw = vel.text if vel is not None else None
                style = c.get("s", "0")
                xf = int(style) if style.isdigit() else 0
                if kind == "s" and raw is not None and raw.strip().isdigit():
                    strings_at.append((row, col, int(raw), formula, xf))
                    continue
                value = _value(kind, raw, isel)
                if isinstance(value, str) and len(value) > MAX_TEXT:
                    long_texts.append((f"{col_letters(col)}{row + 1}", len(value)))
                    value = value[:MAX_TEXT]
                if value is not None or formula is not None:
                    cells.append(((row, col), Cell(value, formula, xf)))
        return RowRead(row, tuple(cells), tuple(strings_at), tuple(long_texts), tuple(external), parsed)


def _read_sheet(pkg: Package, ref: SheetRef, max_row: int, max_col: int, max_cells: int, memo: bool) -> Sheet:
    """The part up to the end of <sheetData> is parsed; what follows is held as bytes: the tail
    (merges, protection, validations with their long prompts, conditional formats, hyperlinks,
    objects) is scanned for the elements we need; the sheet's relationships then give the
    hyperlinks' targets.

    When </sheetData> comes within ``ONE_PASS`` bytes (a form's sheet: some 100 KB), that part
    is parsed in one go into a tree and its rows read from it. A larger sheet is streamed: the
    parser stops at the piece holding the first row past ``max_row`` (rows come in order), and
    the rest of <sheetData> is scanned for formulas linking outside."""
    rows = _Rows(ref, max_row, max_col, max_cells)
    protected = False
    room = MAX_VALIDATIONS  # validation ranges still kept
    validations: list[list[tuple[int, int, int, int]]] = []

    def other(elem: Any) -> None:
        """An element that is no row: protection and validations count wherever they stand."""
        nonlocal protected, room
        what = rows.kind(elem.tag)
        if what == _PROTECTION:
            protected = elem.get("sheet", "0").lower() in ("1", "true")
        elif what == _VALIDATION and guards_values(elem.get("type", "none")):
            sqref = elem.get("sqref") or next((c.text or "" for c in elem if local_name(c.tag) == "sqref"), "")
            if room > 0:
                validations.append(sqref_ranges(sqref, room))
                room -= len(validations[-1]) or 1

    guard, runs = Prolog(ref.part), Runs(ref.part)
    chunks = pkg.zip.chunks(ref.part)
    head = bytearray()  # the part read so far, while </sheetData> may still come within ONE_PASS
    cut = -1
    for chunk in chunks:
        guard.feed(chunk)
        runs.feed(chunk)
        start = max(0, len(head) - 64)
        head += chunk
        m = sheet_data_end_in(head, start)
        if m is not None and m.end() <= ONE_PASS:
            cut = m.end()
            break
        if m is not None or len(head) > ONE_PASS:
            break
    if cut >= 0:  # the common case: one parse (of the rows not read before), then the rows walked
        data = bytes(head[:cut])
        rest = head[cut:]
        for chunk in chunks:
            rest += chunk
        cut_rows = rows_of(data, m.start(), max_row, max_col) if memo and m is not None else None
        document = data if cut_rows is None else cut_rows.document
        root = _tree(document)
        if cut_rows is not None and not _as_cut(rows, root, cut_rows):
            cut_rows = None  # not laid out as the cut reads it: parsed whole
            if document is not data:
                root = _tree(data)
        for section in root:
            if rows.kind(section.tag) != _SHEET_DATA:
                for elem in section.iter():
                    other(elem)
            elif cut_rows is not None:
                _walk_cut(rows, cut_rows, list(section))
            else:
                for elem in section:
                    if rows.kind(elem.tag) == _ROW:
                        rows.add(elem)
                    else:
                        other(elem)
        data_ended = True
    else:
        rest, data_ended = _stream_rows(chunks, head, guard, runs, rows, other)
    if rows.past and not data_ended:  # stopped at a row past the range: skip to </sheetData>
        end = sheet_data_end(rest)
        if len(rows.external) < MAX_LINKS:
            rows.external.extend(scan_links(rest, end, MAX_LINKS - len(rows.external)))
        del rest[:end]
    tail = scan_tail(rest, room)
    protected = protected or tail.protected
    validations.extend(tail.validations)
    hyperlinks, objects = outward(pkg, ref, tail)
    cells, long_texts = rows.cells, rows.long_texts
    if rows.strings_at:
        strings = pkg.shared_strings(max(i for _r, _c, i, _f, _s in rows.strings_at))
        for at_row, at_col, i, formula, xf in rows.strings_at:
            value = strings[i] if i < len(strings) else None
            if i in pkg.long_strings:
                long_texts.append((f"{col_letters(at_col)}{at_row + 1}", pkg.long_strings[i]))
            if value is not None or formula is not None:
                cells[(at_row, at_col)] = Cell(value, formula, xf)
    return Sheet(ref.name, cells, protected, validations, rows.external, long_texts, hyperlinks, objects)


def _tree(data: bytes) -> Any:
    """The root as built so far: the root element is still open after </sheetData> (the parser
    is never closed, the rest is not XML it reads), and the builder hands it over."""
    builder = ElementTree.TreeBuilder()
    ElementTree.XMLParser(target=builder).feed(data)
    return builder.close()


def _as_cut(rows: _Rows, root: Any, cut: RowCut) -> bool:
    """Whether the document parsed holds one <sheetData> whose children are rows, one for each
    piece of the cut that was not known (see ``rowmemo``)."""
    sections = [s for s in root if rows.kind(s.tag) == _SHEET_DATA]
    return len(sections) == 1 and all(rows.kind(e.tag) == _ROW for e in sections[0]) and cut.parsed(list(sections[0]))


def _walk_cut(rows: _Rows, cut: RowCut, parsed: list[Any]) -> None:
    """The rows in their order: each read before taken as it was, the others read (and kept)."""
    fresh = iter(parsed)
    for piece, known in zip(cut.pieces, cut.known):
        if known is None:
            known = rows.read(next(fresh))
            cut.keep(piece, known)
        rows.take(known)


def _stream_rows(chunks: Iterator[bytes], head: bytearray, guard: Prolog, runs: Runs, rows: _Rows,
                 other: Callable[[Any], None]) -> tuple[bytearray, bool]:
    """A large sheet, streamed (``head``: its first bytes, already through the guards): rows are
    read as they end, until the piece holding the first row past the range or </sheetData>.
    (What follows the parsed part, whether </sheetData> was parsed.)"""
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(events=("end",))
    rest = bytearray()
    data_ended = False
    window = b""
    pending: Iterator[bytes] = iter([bytes(head)])
    fresh = False  # whether the pieces of ``pending`` still have to pass the guards
    while True:
        for chunk in pending:
            if rows.past or data_ended:
                rest += chunk
                continue
            if fresh:
                guard.feed(chunk)
                runs.feed(chunk)
            m = sheet_data_end_in(window + chunk, 0)
            if m:
                at = m.end() - len(window)
                parser.feed(chunk[:at])
                rest += chunk[at:]
                data_ended = True
            else:
                parser.feed(chunk)
                window = chunk[-64:]
            for elem in ended_elements(parser):
                if rows.kind(elem.tag) == _ROW:
                    rows.add(elem)
                    elem.clear()
                else:
                    other(elem)
                    if rows.kind(elem.tag) == _VALIDATION:
                        elem.clear()
        if fresh:
            return rest, data_ended
        pending, fresh = chunks, True


@functools.lru_cache(maxsize=65_536)  # the same addresses in every file of a form: each parsed once
def cell_col(addr: str) -> int | None:
    """The 0-based column of a cell's address (None when it is not one)."""
    am = A1_RANGE.match(addr)
    return col_index(am.group(1)) if am else None


def _formula(fel: Any, where: str, shared: dict[str, tuple[str, str]], inside: bool = True) -> str:
    """The formula text; a shared formula's follower translated from its master (only inside
    the range read: outside, the master alone is checked for links)."""
    text = (fel.text or "").strip()
    if fel.get("t") == "shared":
        si = fel.get("si", "")
        if text:
            shared[si] = (text, where)
        elif si in shared and inside:
            from openpyxl.formula.translate import Translator

            master, origin = shared[si]
            try:
                text = Translator("=" + master, origin).translate_formula(where)[1:]
            except Exception:  # a master it cannot tokenize: the cell is compared as holding it
                text = master
    return text[1:] if text.startswith("=") else text


def _value(kind: str, raw: str | None, isel: Any) -> Any:
    """A constant cell's value (shared strings are looked up by the caller: here an "s" cell
    holds no index)."""
    if kind == "inlineStr":
        return rich_text(isel) if isel is not None else None
    if raw is None or kind == "s":
        return None
    if kind in ("str", "d"):
        return raw
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "e":
        return XlError(raw.strip())
    if raw.strip() == "":
        return None
    try:
        return float(raw)
    except ValueError:
        return raw
