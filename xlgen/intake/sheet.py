"""One sheet of a returned workbook, parsed in one streaming pass down to the rows the form
can occupy: constants, formulas with their saved values, protection, validations, links."""

from __future__ import annotations

import functools
from typing import Any
from xml.etree import ElementTree

from xlgen.findings import Finding, Text
from xlgen.formula.functions import XlError
from xlgen.formula.references import col_index, col_letters
from xlgen.intake.links import (
    MAX_LINKS,
    SHEET_DATA_END,
    guards_values,
    linked,
    outward,
    scan_links,
    scan_tail,
    sheet_data_end,
)
from xlgen.intake.package import (
    MAX_TEXT,
    Cell,
    Package,
    Sheet,
    SheetRef,
    local_name,
    rich_text,
    unreadable,
)
from xlgen.intake.refs import A1_RANGE, MAX_VALIDATIONS, sqref_ranges
from xlgen.intake.safezip import Prolog, Refused, Runs

MAX_CELLS = 100_000  # cells parsed in the rows read (a returned form has about 1,000)
# What an element is, by its local name: the tag of each element is looked up once per sheet.
_OTHER, _ROW, _V, _F, _IS, _PROTECTION, _VALIDATION = range(7)
_KINDS = {"row": _ROW, "v": _V, "f": _F, "is": _IS, "sheetProtection": _PROTECTION, "dataValidation": _VALIDATION}

# ----------------------------------------------------------------------------- one sheet
def read_sheet(pkg: Package, ref: SheetRef, max_row: int, max_col: int, max_cells: int = MAX_CELLS) -> Sheet | Finding:
    """Cells in rows < ``max_row`` and columns < ``max_col`` (at most ``max_cells`` parsed in
    those rows); protection, validations, links, hyperlinks, embedded objects."""
    if ref.part not in pkg.zip:
        return unreadable(Text(f"工作表「{ref.name}」的部件（{ref.part}）缺失",
                                f"the part of the sheet '{ref.name}' ({ref.part}) is missing"))
    try:
        return _read_sheet(pkg, ref, max_row, max_col, max_cells)
    except Refused as exc:
        return unreadable(exc.reason)
    except Exception as exc:
        return unreadable(Text(f"工作表「{ref.name}」（{ref.part}）已损坏（{type(exc).__name__}: {exc}）"[:300],
                                f"the sheet '{ref.name}' ({ref.part}) is damaged ({type(exc).__name__}: {exc})"[:300]))


def _read_sheet(pkg: Package, ref: SheetRef, max_row: int, max_col: int, max_cells: int) -> Sheet:
    """One streaming pass. The XML parser reads up to the end of <sheetData>, or up to the
    first row past ``max_row`` (rows come in order); what follows is held as bytes: the rest of
    <sheetData> is scanned for formulas linking outside, the tail (merges, protection,
    validations with their long prompts, conditional formats, hyperlinks, objects) for the
    elements we need; the sheet's relationships then give the hyperlinks' targets."""
    cells: dict[tuple[int, int], Cell] = {}
    strings_at: list[tuple[int, int, int, str | None, int]] = []  # (row, col, string index, formula, style)
    long_texts: list[tuple[str, int]] = []
    validations: list[list[tuple[int, int, int, int]]] = []
    external: list[tuple[str, str]] = []
    shared: dict[str, tuple[str, str]] = {}  # si → (master formula, master cell)
    protected = False
    room = MAX_VALIDATIONS  # validation ranges still kept
    row = -1
    parsed = 0  # cells parsed in the rows read
    guard, runs = Prolog(ref.part), Runs(ref.part)
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(events=("end",))
    kinds: dict[str, int] = {}  # tag (with its namespace, as the parser gives it) → what it is to us
    parsing = True  # the XML parser is fed
    data_ended = False  # </sheetData> seen
    window = b""
    rest = bytearray()  # what follows the parsed part
    for chunk in pkg.zip.chunks(ref.part):
        if not parsing:
            rest += chunk
            continue
        guard.feed(chunk)
        runs.feed(chunk)
        m = SHEET_DATA_END.search(window + chunk)
        if m:
            cut = m.end() - len(window)
            parser.feed(chunk[:cut])
            rest += chunk[cut:]
            parsing, data_ended = False, True
        else:
            parser.feed(chunk)
            window = chunk[-64:]
        for event in parser.read_events():
            elem: Any = event[-1]  # "end" events only: each carries its element
            tag = elem.tag
            what = kinds.get(tag)
            if what is None:
                what = kinds[tag] = _KINDS.get(local_name(tag), _OTHER)
            if what == _ROW:
                r = elem.get("r")
                row = int(r) - 1 if r else row + 1
                if row >= max_row:
                    parsing = False  # rows come in order: none further is read
                else:
                    parsed += len(elem)
                    if parsed > max_cells:
                        raise Refused(Text(
                            f"工作表「{ref.name}」前 {max_row} 行中的单元格超过 {max_cells} 个，超过读取上限",
                            f"the sheet '{ref.name}' has over {max_cells} cells in its first {max_row} rows, "
                            "more than xlgen reads"))
                col = -1
                for c in elem:
                    addr = c.get("r")
                    at = cell_col(addr) if addr else None
                    col = col + 1 if at is None else at
                    if not len(c):  # no value, formula or text: a styled blank holds nothing read here
                        continue
                    fel = vel = isel = None
                    for child in c:
                        ctag = child.tag
                        part = kinds.get(ctag)
                        if part is None:
                            part = kinds[ctag] = _KINDS.get(local_name(ctag), _OTHER)
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
                        formula = _formula(fel, where, shared, inside)
                        if len(external) < MAX_LINKS and linked(formula):
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
                            cells[(row, col)] = Cell(value, formula, xf)
                elem.clear()
            elif what == _PROTECTION:
                protected = elem.get("sheet", "0").lower() in ("1", "true")
            elif what == _VALIDATION and guards_values(elem.get("type", "none")):
                sqref = elem.get("sqref") or next((c.text or "" for c in elem if local_name(c.tag) == "sqref"), "")
                if room > 0:
                    validations.append(sqref_ranges(sqref, room))
                    room -= len(validations[-1]) or 1
                elem.clear()
    if not parsing and not data_ended:  # stopped at a row past the range: skip to </sheetData>
        end = sheet_data_end(rest)
        if len(external) < MAX_LINKS:
            external.extend(scan_links(rest, end, MAX_LINKS - len(external)))
        del rest[:end]
    tail = scan_tail(rest, room)
    protected = protected or tail.protected
    validations.extend(tail.validations)
    hyperlinks, objects = outward(pkg, ref, tail)
    if strings_at:
        strings = pkg.shared_strings(max(i for _r, _c, i, _f, _s in strings_at))
        for at_row, at_col, i, formula, xf in strings_at:
            value = strings[i] if i < len(strings) else None
            if i in pkg.long_strings:
                long_texts.append((f"{col_letters(at_col)}{at_row + 1}", pkg.long_strings[i]))
            if value is not None or formula is not None:
                cells[(at_row, at_col)] = Cell(value, formula, xf)
    return Sheet(ref.name, cells, protected, validations, external, long_texts, hyperlinks, objects)


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
