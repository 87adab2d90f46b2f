"""Read a returned workbook: its template, where its tables ended up, its inputs and formulas.

Stage one of verification (returned workbook → values → findings). The file is read, never
evaluated and never saved: a part holding a DTD is refused before parsing (as defusedxml's
``forbid_dtd``: no entity, so no entity bomb and no XXE), the sheet is parsed in one streaming
pass that keeps only the template's known range, and every formula cell gives its formula text
and its saved (cached) value together.

Why not openpyxl's loader: it reads a file either as formulas or as values (two loads, 15 ms each
for our form), parses the style sheet we do not need, and does not show sheet protection or data
validations in read-only mode. We use its formula ``Translator`` for Excel's shared formulas.

``open_workbook`` is the one place a file is opened: it returns a ``Package`` or an
``unreadable`` finding, never raises. In front of it, ``safezip`` checks the zip (declared sizes,
ratios, names, encryption, DTDs in every XML part) before anything is inflated, and inflates
each part with a hard cap. Work is bounded: the sheet is parsed only down to the rows the form
can occupy (the rest is byte-scanned for links, never parsed), at most ``MAX_CELLS`` cells;
shared strings are read only up to the last one the form's cells use; a text is kept to
Excel's 32,767 characters.

Cell positions come only from ``layout.py``: the layout of a returned file is rebuilt from its
template and the row counts found in it (defined names, else labels), and ``Returned.rows``
maps each layout row to the file's row, so rows inserted or deleted inside the tables are
followed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import unescape

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as DefusedTree

from xlgen.generate import provenance
from xlgen.formula.engine import STRING_LITERAL, XlError, col_index, col_letters, outside_strings
from xlgen.findings import Code, Finding, Text, finding
from xlgen.layout.model import FORMULA, Layout, Slot, build_layout, own_kind
from xlgen.intake.safezip import SMALL_PART, Prolog, Refused, Runs, SafeZip, dtd_reason, open_zip
from xlgen.template.model import QUALITATIVE, QUANTITATIVE, Template, known_templates

SLACK_ROWS = 400  # rows read below a template's default form when no defined name bounds it
TAIL_ROWS = 60  # rows read below the total (the 填报检查 block, notes)
MAX_CELLS = 100_000  # cells parsed in the rows read (a returned form has about 1,000)
MAX_STRINGS = 200_000  # shared strings read (a form's cells use a few hundred)
MAX_TEXT = 32_767  # Excel's limit on the text of a cell
MAX_LINKS = 100  # formulas (and, apart, hyperlinks) linking outside kept per sheet
MAX_HYPERLINKS = 1_000  # hyperlink elements looked at per sheet (Excel allows 65,530; xlgen writes none)
MAX_VALIDATIONS = 2_000  # data validation ranges kept per sheet (a form has a few dozen)
_REL_ID = re.compile(r"\}id$")
_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_EXTERNAL = re.compile(r"\[[^\]]*\]|\|")  # [book.xlsx]Sheet!A1, [1]Sheet!A1, DDE app|topic!item
# Functions that reach another program or the network when the file is opened or clicked.
_CALLS = re.compile(r"(?<![A-Za-z0-9_])(?:WEBSERVICE|RTD|CALL|REGISTER\.ID|EXEC)\s*\(", re.I)
_HYPERLINK = re.compile(r"(?<![A-Za-z0-9_])HYPERLINK\s*\(\s*", re.I)
_WEB = ("http://", "https://", "mailto:", "#")  # link targets that open no local file or program
# Relationships of a sheet to an embedded object (OLE object, package) or an ActiveX control.
OBJECT_RELS = frozenset({"oleObject", "control", "package"})
_WORD = re.compile(r"\S+")


# ----------------------------------------------------------------------------- the package
@dataclass(frozen=True)
class SheetRef:
    name: str
    part: str
    state: str  # visible | hidden | veryHidden


@dataclass(frozen=True)
class Cell:
    value: Any = None  # the saved value: float, str, bool, XlError or None
    formula: str | None = None  # formula text without the leading '=' (None: a constant)


@dataclass
class Package:
    """A workbook's parts, parsed as far as the workbook level (sheets come on demand)."""

    path: Path
    zip: SafeZip
    sheets: list[SheetRef]
    names: dict[str, str]  # defined name → reference text (global names, and local ones)
    properties: dict[str, str]  # custom document properties
    external_links: list[str]  # external workbook link parts or targets
    strings_part: str | None
    macros: list[str] = field(default_factory=list)  # parts holding macros (never run)
    embedded: list[str] = field(default_factory=list)  # parts of embedded objects and controls (never opened)
    _strings: list[str] = field(default_factory=list)
    _strings_done: bool = False
    long_strings: dict[int, int] = field(default_factory=dict)  # index → length, over MAX_TEXT
    max_strings: int = MAX_STRINGS

    def sheet(self, name: str) -> SheetRef | None:
        return next((s for s in self.sheets if s.name == name), None)

    def shared_strings(self, upto: int = MAX_STRINGS - 1) -> list[str]:
        """The shared strings up to index ``upto``: the part is parsed that far, no further."""
        if upto >= self.max_strings:
            raise Refused(Text(f"单元格引用了第 {upto + 1} 个共享字符串，超过读取上限 {self.max_strings}",
                               f"a cell uses shared string {upto + 1}; xlgen reads the first {self.max_strings}"))
        if self.strings_part and not self._strings_done and len(self._strings) <= upto:
            self._strings, self._strings_done = _read_strings(self, upto)
        return self._strings


@dataclass
class Sheet:
    """The cells of the known range of one sheet, and what the sheet says about protection."""

    name: str
    cells: dict[tuple[int, int], Cell]  # (row, col), 0-based, file coordinates
    protected: bool
    validations: list[list[tuple[int, int, int, int]]]  # each validation's ranges (r1, c1, r2, c2)
    external: list[tuple[str, str]]  # (A1, formula) of every formula linking outside, anywhere
    long_texts: list[tuple[str, int]] = field(default_factory=list)  # (A1, length) of texts cut to MAX_TEXT
    # (A1 of the hyperlink's first cell, or None when no hyperlink looked at names it; target) of
    # hyperlinks to anything but the web: a local file, a UNC or relative path, another scheme
    hyperlinks: list[tuple[str | None, str]] = field(default_factory=list)
    objects: list[str] = field(default_factory=list)  # embedded objects and controls: their parts or elements

    def text(self, row: int, col: int) -> str:
        cell = self.cells.get((row, col))
        return "" if cell is None else as_text(cell.value)


def open_workbook(path: Path) -> Package | Finding:
    """Open ``path`` as an OOXML workbook: a ``Package``, or an ``unreadable`` finding saying why."""
    try:
        zf = open_zip(Path(path))  # the file is read once and never written
        return _package(Path(path), zf)
    except Refused as exc:
        return _unreadable(exc.reason)
    except Exception as exc:  # a damaged part (XML, encoding …), MemoryError: a finding, never a traceback
        return _unreadable(Text(f"文件已损坏（{type(exc).__name__}: {exc}）"[:300],
                                f"the file is damaged ({type(exc).__name__}: {exc})"[:300]))


def _unreadable(reason: Text) -> Finding:
    return finding(Code.UNREADABLE, reason=reason)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _root(zf: SafeZip, part: str) -> Any:
    """A small part (workbook, relationships, properties), parsed whole by defusedxml."""
    data = zf.read(part, SMALL_PART)
    if not data.strip():
        raise Refused(Text(f"{part} 为空", f"{part} is empty"))
    try:
        return DefusedTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise Refused(dtd_reason(part)) from None


def _ended(parser: ElementTree.XMLPullParser[ElementTree.Element]) -> Iterator[ElementTree.Element]:
    """The elements the parser has read to their end since the last call (it is made for "end"
    events only, so each event carries an element)."""
    for event in parser.read_events():
        elem = event[-1]
        assert isinstance(elem, ElementTree.Element)
        yield elem


def _stream(chunks: Iterator[bytes], part: str,
            parser: ElementTree.XMLPullParser[ElementTree.Element]) -> Iterator[ElementTree.Element]:
    """The ended elements of a large part, streamed behind the prolog's DTD guard."""
    guard, runs = Prolog(part), Runs(part)
    for chunk in chunks:
        guard.feed(chunk)
        runs.feed(chunk)
        parser.feed(chunk)
        yield from _ended(parser)
    guard.feed(b"", final=True)
    parser.close()
    yield from _ended(parser)


def _rels(zf: SafeZip, part: str) -> list[tuple[str, str, str, str]]:
    """(id, type, target, mode) of the relationships of ``part`` ("" for the package's own);
    internal targets resolved to part names."""
    p = PurePosixPath(part)
    rels = str(p.parent / "_rels" / (p.name + ".rels")) if part else "_rels/.rels"
    if rels not in zf:
        return []
    out = []
    for rel in _root(zf, rels):
        mode = rel.get("TargetMode", "Internal")
        target = rel.get("Target", "")
        if mode != "External":
            target = _resolve(str(p.parent) if part else "", target)
        out.append((rel.get("Id", ""), rel.get("Type", "").rsplit("/", 1)[-1], target, mode))
    return out


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts: list[str] = [x for x in base.split("/") if x and x != "."]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _not_a_workbook(zf: SafeZip) -> Text:
    """Why a zip without xl/workbook.xml is not a workbook xlgen reads."""
    if "xl/workbook.bin" in zf:
        return Text("这是 .xlsb（二进制）工作簿，请另存为 .xlsx", "an .xlsb (binary) workbook; save it as .xlsx")
    if "mimetype" in zf and b"opendocument" in zf.read("mimetype", 200):
        return Text("这是 OpenDocument（.ods）文件，请另存为 .xlsx", "an OpenDocument (.ods) file; save it as .xlsx")
    if "word/document.xml" in zf or "ppt/presentation.xml" in zf:
        return Text("这是 Word 或 PowerPoint 文件，不是工作簿", "a Word or PowerPoint file, not a workbook")
    return Text("缺少工作簿部件（xl/workbook.xml）", "the workbook part (xl/workbook.xml) is missing")


def _package(path: Path, zf: SafeZip) -> Package:
    root_rels = _rels(zf, "")
    workbook = next((t for _, kind, t, _ in root_rels if kind == "officeDocument"), "xl/workbook.xml")
    if workbook not in zf:
        raise Refused(_not_a_workbook(zf))
    wb_rels = {}
    external = []
    strings_part = None
    for rid, kind, target, mode in _rels(zf, workbook):
        wb_rels[rid] = target
        if kind == "externalLink" or mode == "External":
            external.append(target)
        if kind == "sharedStrings":
            strings_part = target
    sheets: list[SheetRef] = []
    names: dict[str, str] = {}
    for elem in _root(zf, workbook).iter():
        tag = _local(elem.tag)
        if tag == "sheet":
            rid = next((v for k, v in elem.attrib.items() if _REL_ID.search(k)), "")
            sheets.append(SheetRef(elem.get("name", ""), wb_rels.get(rid, ""), elem.get("state", "visible")))
        elif tag == "definedName":
            names.setdefault(elem.get("name", ""), (elem.text or "").strip())
        elif tag == "externalReference":
            external.append(elem.get("id", "externalReference"))
    custom = next((t for _, kind, t, _ in root_rels if kind == "custom-properties"), "docProps/custom.xml")
    properties = _properties(zf, custom) if custom in zf else {}
    if strings_part and strings_part not in zf:
        raise Refused(Text(f"缺少共享字符串部件（{strings_part}）", f"the shared strings part ({strings_part}) is missing"))
    return Package(path, zf, sheets, names, properties, sorted(set(external)), strings_part, zf.macros, zf.embedded)


def _properties(zf: SafeZip, part: str) -> dict[str, str]:
    out = {}
    for prop in _root(zf, part):
        if _local(prop.tag) == "property" and len(prop):
            out[prop.get("name", "")] = (prop[0].text or "").strip()
    return out


def _read_strings(pkg: Package, upto: int) -> tuple[list[str], bool]:
    """The shared strings up to index ``upto`` (parsing stops there), and whether that is all."""
    assert pkg.strings_part
    strings: list[str] = []
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(events=("end",))
    for elem in _stream(pkg.zip.chunks(pkg.strings_part), pkg.strings_part, parser):
        tag = elem.tag
        if tag[-3:] == "}si" or tag == "si":
            text = _rich_text(elem)
            if len(text) > MAX_TEXT:
                pkg.long_strings[len(strings)] = len(text)
                text = text[:MAX_TEXT]
            strings.append(text)
            elem.clear()
            if len(strings) > upto:
                return strings, False
    return strings, True


def _rich_text(elem: Any) -> str:
    """The text of an <si> or <is>: its <t> runs, without phonetic (<rPh>) runs."""
    out = []
    for child in elem:
        tag = _local(child.tag)
        if tag == "t":
            out.append(child.text or "")
        elif tag == "r":
            out.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(out)


def linked(formula: str) -> bool:
    """Does the formula reach outside the workbook: another workbook ([book.xlsx]Sheet!A1, [1]…),
    a DDE link (app|topic!item), a function that calls a program or the network, or a HYPERLINK
    to anything but a web or mail address? String literals are data, not links."""
    if not ("[" in formula or "|" in formula or "(" in formula):
        return False
    masked = STRING_LITERAL.sub(lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', formula)
    if _EXTERNAL.search(masked) or _CALLS.search(masked):
        return True
    for m in _HYPERLINK.finditer(masked):
        literal = STRING_LITERAL.match(formula, m.end())
        if literal is None:
            return True  # the target is computed: it may name any file
        if leaves_web(literal.group(0)[1:-1].replace('""', '"')):
            return True
    return False


def leaves_web(target: str) -> bool:
    """Does a link target reach past the web and mail: a local file, a UNC or relative path,
    another scheme?"""
    return not target.strip().lower().startswith(_WEB)


# ----------------------------------------------------------------------------- one sheet
def read_sheet(pkg: Package, ref: SheetRef, max_row: int, max_col: int, max_cells: int = MAX_CELLS) -> Sheet | Finding:
    """Cells in rows < ``max_row`` and columns < ``max_col`` (at most ``max_cells`` parsed in
    those rows); protection, validations, links, hyperlinks, embedded objects."""
    if ref.part not in pkg.zip:
        return _unreadable(Text(f"工作表「{ref.name}」的部件（{ref.part}）缺失",
                                f"the part of the sheet '{ref.name}' ({ref.part}) is missing"))
    try:
        return _read_sheet(pkg, ref, max_row, max_col, max_cells)
    except Refused as exc:
        return _unreadable(exc.reason)
    except Exception as exc:
        return _unreadable(Text(f"工作表「{ref.name}」（{ref.part}）已损坏（{type(exc).__name__}: {exc}）"[:300],
                                f"the sheet '{ref.name}' ({ref.part}) is damaged ({type(exc).__name__}: {exc})"[:300]))


def _read_sheet(pkg: Package, ref: SheetRef, max_row: int, max_col: int, max_cells: int) -> Sheet:
    """One streaming pass. The XML parser reads up to the end of <sheetData>, or up to the
    first row past ``max_row`` (rows come in order); what follows is held as bytes: the rest of
    <sheetData> is scanned for formulas linking outside, the tail (merges, protection,
    validations with their long prompts, conditional formats, hyperlinks, objects) for the
    elements we need; the sheet's relationships then give the hyperlinks' targets."""
    cells: dict[tuple[int, int], Cell] = {}
    strings_at: list[tuple[int, int, int, str | None]] = []  # (row, col, shared string index, formula)
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
        m = _SHEET_DATA_END.search(window + chunk)
        if m:
            cut = m.end() - len(window)
            parser.feed(chunk[:cut])
            rest += chunk[cut:]
            parsing, data_ended = False, True
        else:
            parser.feed(chunk)
            window = chunk[-64:]
        for elem in _ended(parser):
            tag = elem.tag
            if tag[-4:] == "}row" or tag == "row":
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
                    am = _REF.match(addr) if addr else None
                    if am:
                        col = col_index(am.group(1))
                    else:
                        col += 1
                    fel = vel = isel = None
                    for child in c:
                        ctag = child.tag
                        if ctag[-2:] == "}v" or ctag == "v":
                            vel = child
                        elif ctag[-2:] == "}f" or ctag == "f":
                            fel = child
                        elif ctag[-3:] == "}is" or ctag == "is":
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
                        if kind == "s" and raw is not None and raw.strip().isdigit():
                            strings_at.append((row, col, int(raw), formula))
                            continue
                        value = _value(kind, raw, isel)
                        if isinstance(value, str) and len(value) > MAX_TEXT:
                            long_texts.append((f"{col_letters(col)}{row + 1}", len(value)))
                            value = value[:MAX_TEXT]
                        if value is not None or formula is not None:
                            cells[(row, col)] = Cell(value, formula)
                elem.clear()
                continue
            local = _local(tag)
            if local == "sheetProtection":
                protected = elem.get("sheet", "0").lower() in ("1", "true")
            elif local == "dataValidation":
                sqref = elem.get("sqref") or next((c.text or "" for c in elem if _local(c.tag) == "sqref"), "")
                if room > 0:
                    validations.append(_ranges(sqref, room))
                    room -= len(validations[-1]) or 1
                elem.clear()
    if not parsing and not data_ended:  # stopped at a row past the range: skip to </sheetData>
        end = _sheet_data_end(rest)
        if len(external) < MAX_LINKS:
            external.extend(_scan_links(rest, end, MAX_LINKS - len(external)))
        del rest[:end]
    tail = _scan_tail(rest, room)
    protected = protected or tail.protected
    validations.extend(tail.validations)
    hyperlinks, objects = _outward(pkg, ref, tail)
    if strings_at:
        strings = pkg.shared_strings(max(i for _r, _c, i, _f in strings_at))
        for at_row, at_col, i, formula in strings_at:
            value = strings[i] if i < len(strings) else None
            if i in pkg.long_strings:
                long_texts.append((f"{col_letters(at_col)}{at_row + 1}", pkg.long_strings[i]))
            if value is not None or formula is not None:
                cells[(at_row, at_col)] = Cell(value, formula)
    return Sheet(ref.name, cells, protected, validations, external, long_texts, hyperlinks, objects)


_SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>|<(?:[A-Za-z_][\w.-]*:)?sheetData\s*/>")
_PREFIX = re.compile(rb"(?:[A-Za-z_][\w.-]*:)?")
# One attribute of a start tag; matched one after another, so a value that quotes another
# attribute (a prompt or tooltip holding ` r:id="…"`) is never read as one.
_ATTRIBUTE = re.compile(rb"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_SQREF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sqref\s*>([^<]*)<")
_DV_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?dataValidation\s*>")
# A formula element whose text may link outside (checked in full by ``linked``).
_SUSPECT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*>([^<]*(?:\[|\||(?i:hyperlink|webservice|rtd|call|register|exec))[^<]*)<")
_CELL_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Z]{1,3}\d+)[\"']")


def _sheet_data_end(data: bytes | bytearray) -> int:
    """Offset just after </sheetData> (the whole part when it cannot be told)."""
    at = data.rfind(b"sheetData")
    if at < 0:
        return len(data)
    m = _SHEET_DATA_END.search(data, max(0, at - 64), at + 64)
    return m.end() if m else len(data)


def _scan_links(data: bytes | bytearray, end: int, most: int) -> list[tuple[str, str]]:
    """(A1, formula) of formulas linking outside in ``data[:end]``, a stretch of <sheetData>
    that is not parsed (rows past the form's range): byte searches, no XML parser."""
    out: list[tuple[str, str]] = []
    for m in _SUSPECT.finditer(data, 0, end):
        text = unescape(m.group(1).decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"}).strip()
        if not linked(text):
            continue
        lt = data.rfind(b"<", max(0, m.start() - 512), m.start())
        ref = _CELL_REF.search(data, lt, m.start()) if lt >= 0 else None
        out.append((ref.group(1).decode() if ref else "?", text[1:] if text.startswith("=") else text))
        if len(out) >= most:
            break
    return out


@dataclass
class _Tail:
    """What the part after <sheetData> says: protection, validations, hyperlinks, objects."""

    protected: bool = False
    validations: list[list[tuple[int, int, int, int]]] = field(default_factory=list)
    hyperlinks: list[tuple[str | None, str]] = field(default_factory=list)  # (first cell, relationship id)
    objects: list[str] = field(default_factory=list)  # <oleObjects>, <controls>


def _scan_tail(tail: bytes | bytearray, room: int = MAX_VALIDATIONS) -> _Tail:
    """Sheet protection, data validation ranges, the first ``MAX_HYPERLINKS`` hyperlinks that
    name a relationship, and the object elements in the part after <sheetData>.

    A start tag ends before the next '<' (no '<' may appear in an attribute value), so each
    element's attributes are found with byte searches, whatever its long prompt texts hold."""
    out = _Tail()
    for _end, attrs in _start_tags(tail, b"sheetProtection"):
        out.protected = attrs.get(b"sheet", b"").strip().lower() in (b"1", b"true")
    for end, attrs in _start_tags(tail, b"dataValidation"):
        sqref = attrs.get(b"sqref")
        if sqref is None:  # x14: <xm:sqref> inside the element
            close = _DV_END.search(tail, end)
            inner = _SQREF.search(tail, end, close.start()) if close else None
            sqref = inner.group(1) if inner else b""
        if room <= 0:
            break
        out.validations.append(_ranges(sqref.decode("utf-8", "replace"), room))
        room -= len(out.validations[-1]) or 1
    for seen, (_end, attrs) in enumerate(_start_tags(tail, b"hyperlink")):
        if seen == MAX_HYPERLINKS:
            break
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
        if rid is not None:  # without one, a link to a place in this workbook (location=)
            m = _REF.match(attrs.get(b"ref", b"").decode("ascii", "replace").strip().upper())
            out.hyperlinks.append((f"{m.group(1)}{m.group(2)}" if m else None, rid.decode("utf-8", "replace")))
    out.objects = [f"<{name.decode()}>" for name in (b"oleObjects", b"controls")
                   if next(_start_tags(tail, name), None) is not None]
    return out


def _start_tags(tail: bytes | bytearray, name: bytes) -> Iterator[tuple[int, dict[bytes, bytes]]]:
    """(offset of the next '<', attributes) of each start tag ``name`` (any prefix) in ``tail``."""
    pos = tail.find(name)
    while pos >= 0:
        after = pos + len(name)
        lt = tail.rfind(b"<", max(0, pos - 64), pos)
        if lt < 0 or not _PREFIX.fullmatch(tail, lt + 1, pos) or tail[after:after + 1] not in _TAG_END:
            pos = tail.find(name, after)
            continue
        end = tail.find(b"<", after)
        end = len(tail) if end < 0 else end
        yield end, {m.group(1): m.group(2) if m.group(2) is not None else m.group(3)
                    for m in _ATTRIBUTE.finditer(tail, after, end)}
        pos = tail.find(name, end)


def _outward(pkg: Package, ref: SheetRef, tail: _Tail) -> tuple[list[tuple[str | None, str]], list[str]]:
    """The sheet's hyperlinks to anything but the web, each at the cells of the hyperlinks looked
    at that name it (else at no cell: it may stand past MAX_HYPERLINKS), at most MAX_LINKS; and
    its embedded objects and controls (their parts, and the elements naming them)."""
    cells: dict[str, list[str | None]] = {}
    for cell, rid in tail.hyperlinks:
        cells.setdefault(rid, []).append(cell)
    links: list[tuple[str | None, str]] = []
    objects = list(tail.objects)
    for rid, kind, target, _mode in _rels(pkg.zip, ref.part):
        if kind == "hyperlink" and leaves_web(target):
            links.extend((cell, target[:300]) for cell in cells.get(rid, [None]))
        elif kind in OBJECT_RELS:
            objects.append(target)
    return links[:MAX_LINKS], objects


_TAG_END = (b" ", b"\t", b"\n", b"\r", b">", b"/")


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
        return _rich_text(isel) if isel is not None else None
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


def _ranges(sqref: str, most: int = MAX_VALIDATIONS) -> list[tuple[int, int, int, int]]:
    """The ranges of a space-separated list (at most ``most`` of them)."""
    out: list[tuple[int, int, int, int]] = []
    for piece in _WORD.finditer(sqref):
        if len(out) >= most:
            break
        m = _REF.match(piece.group(0).split("!")[-1])
        if m:
            r1, c1 = int(m.group(2)) - 1, col_index(m.group(1))
            r2, c2 = (int(m.group(4)) - 1, col_index(m.group(3))) if m.group(3) else (r1, c1)
            out.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return out


def parse_ref(text: str) -> tuple[str, tuple[int, int, int, int]] | None:
    """A defined name's reference ('Sheet'!$B$7:$Q$12) as (sheet, (r1, c1, r2, c2)), 0-based."""
    text = text.strip().lstrip("=")
    sheet, bang, ref = text.rpartition("!")
    if not bang:
        return None
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    ranges = _ranges(ref)
    if len(ranges) != 1:
        return None
    return sheet, ranges[0]


def as_text(value: Any) -> str:
    """A cell value as text: 12.63, 5 (not 5.0); None as ""."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    return str(value)


def norm(text: str) -> str:
    """Label text without whitespace (the seed wraps long labels with spaces)."""
    return "".join(text.split())


# ----------------------------------------------------------------------------- templates
def default_layout(t: Template) -> Layout:
    return build_layout(t, t.task_rows, t.spare_kinds)


def _extent(lay: Layout) -> tuple[int, int]:
    """(rows, columns) the layout occupies."""
    cols = max([s.last_col for s in lay.slots.values()] + [lab.last_col for lab in lay.labels]) + 1
    return lay.last_row + 1, cols


# ----------------------------------------------------------------------------- the returned file
@dataclass
class Returned:
    """A returned workbook read through its template's layout."""

    path: Path
    package: Package
    template: Template
    layout: Layout
    sheet: Sheet
    rows: dict[int, int | None]  # layout row → file row (None: the row was deleted)
    findings: list[Finding] = field(default_factory=list)

    @functools.cached_property
    def identity(self) -> bool:
        return all(k == v for k, v in self.rows.items())

    def file_row(self, row: int) -> int | None:
        return self.rows.get(row, row)

    @functools.cached_property
    def _layout_rows(self) -> dict[int, int]:
        return {v: k for k, v in self.rows.items() if v is not None}

    def layout_row(self, file_row: int) -> int | None:
        """The layout row that the file's row ``file_row`` holds (None: no row of the layout)."""
        return self._layout_rows.get(file_row)

    def where(self, slot: Slot) -> str | None:
        """The slot's A1 address in the file (None when its row was deleted)."""
        r = self.file_row(slot.row)
        return None if r is None else f"{col_letters(slot.col)}{r + 1}"

    def cell(self, slot: Slot) -> Cell | None:
        r = self.file_row(slot.row)
        return None if r is None else self.sheet.cells.get((r, slot.col))

    def value(self, slot: Slot) -> Any:
        c = self.cell(slot)
        return None if c is None else c.value

    def inputs(self) -> dict[str, Any]:
        """The value of every input and fixed slot, by slot key (None where empty)."""
        return {s.key: self.value(s) for s in self.layout.slots.values() if s.role != FORMULA}

    def range_a1(self, slots: list[Slot]) -> str | None:
        """The file range spanning ``slots`` (one column), e.g. L7:L12."""
        rows = [r for r in (self.file_row(s.row) for s in slots) if r is not None]
        if not rows:
            return None
        letters = col_letters(slots[0].col)
        first, last = min(rows), max(rows)
        return f"{letters}{first + 1}" + (f":{letters}{last + 1}" if last != first else "")

    def remap_formula(self, text: str) -> str:
        """A layout formula with every reference moved to where the file has that row."""
        if self.identity:
            return text
        return outside_strings(text, lambda part: _CELLREF.sub(self._move, part))

    def _move(self, m: re.Match[str]) -> str:
        d1, c1, d2, r1, tail = m.group(1), m.group(2), m.group(3), int(m.group(4)) - 1, m.group(5)
        if tail is None:
            new = self.file_row(r1)
            return f"{d1}{c1}{d2}{(new if new is not None else r1) + 1}"
        e1, c2, e2, r2 = m.group(6), m.group(7), m.group(8), int(m.group(9)) - 1
        # Excel and LibreOffice move a range's ends, not its inside: the file rows of its first
        # and last layout rows still there (a row the file has elsewhere, such as one inserted
        # inside the tree and read as an own row after it, does not widen the range)
        present = [r for r in map(self.file_row, range(r1, r2 + 1)) if r is not None]
        top, bottom = (present[0], present[-1]) if present else (r1, r2)
        return f"{d1}{c1}{d2}{top + 1}:{e1}{c2}{e2}{bottom + 1}"


_CELLREF = re.compile(
    r"(?<![A-Za-z0-9_.!$'\]])(\$?)([A-Z]{1,3})(\$?)(\d+)(:(\$?)([A-Z]{1,3})(\$?)(\d+))?(?![A-Za-z0-9_(!])")


def read_returned(path: Path) -> Returned | Finding:
    """Open ``path``, find its template and its tables: a ``Returned``, or why it cannot be read."""
    pkg = open_workbook(path)
    if isinstance(pkg, Finding):
        return pkg
    try:
        return _read_returned(pkg)
    except Refused as exc:
        return _unreadable(exc.reason)


def _read_returned(pkg: Package) -> Returned | Finding:
    if not pkg.sheets:
        return _unreadable(Text("工作簿中没有工作表", "the workbook has no sheets"))
    props = pkg.properties
    tid = props.get(provenance.PROP_TEMPLATE_ID)
    templates = known_templates()
    if tid:
        version = props.get(provenance.PROP_TEMPLATE_VERSION, "")
        same_id = [t for t in templates if t.id == tid]
        match = [t for t in same_id if t.version == version] or \
                [t for t in same_id if t.sha256 == props.get(provenance.PROP_TEMPLATE_SHA256)]
        if not match:
            known = ", ".join(f"{t.id} {t.version}" for t in templates) or "—"
            return finding(Code.UNKNOWN_TEMPLATE, reason=Text(
                f"文件记录的模板 {tid} {version} 不在已知模板中（已知：{known}）",
                f"the file names the template {tid} {version}, which is not known here (known: {known})"))
        layout = props.get(provenance.PROP_LAYOUT, provenance.LAYOUT_VERSION)  # none: made before the stamp
        if layout != provenance.LAYOUT_VERSION:
            made_by = props.get(provenance.PROP_XLGEN_VERSION, "?")
            return finding(Code.UNKNOWN_TEMPLATE, reason=Text(
                f"文件由 xlgen {made_by} 按版式 {layout} 生成，本程序按版式 {provenance.LAYOUT_VERSION} 读取；"
                f"请用 xlgen {made_by} 核验",
                f"the file was made by xlgen {made_by} with layout {layout}; this xlgen reads layout "
                f"{provenance.LAYOUT_VERSION}; verify it with xlgen {made_by}"))
        located = _locate(pkg, match[0], by_properties=True)
        assert located is not None
        return located
    # No provenance: recognise the form by its sheet, title and section labels.
    for t in templates:
        result = _locate(pkg, t, by_properties=False)
        if result is not None:
            return result
    return finding(Code.UNKNOWN_TEMPLATE, reason=Text(
        "文件没有 xlgen 的模板标记，其结构也不符合任何已知模板",
        "the file carries no xlgen template properties and its structure matches no known template"))


@dataclass
class _Anchors:
    header: list[int]  # file row of each header row
    tasks: tuple[int, int]  # first file row, count
    goals: int
    indicators: tuple[int, int]  # first and last file row
    total: int


def _locate(pkg: Package, t: Template, by_properties: bool) -> Returned | Finding | None:
    """The file read as template ``t``. Without provenance (``by_properties`` false), None when
    the file does not look like the form of ``t``."""
    base = default_layout(t)
    ref = _sheet_of(pkg, t)
    if ref is None:
        if not by_properties:
            return None
        names = ", ".join(s.name for s in pkg.sheets)
        return finding(Code.UNKNOWN_TEMPLATE, sheet=t.sheet, reason=Text(
            f"找不到工作表「{t.sheet}」（文件中的工作表：{names}）",
            f"the sheet '{t.sheet}' is missing (sheets in the file: {names})"))
    named = _named_ranges(pkg, ref.name)
    rows, cols = base.cached("reader_extent", lambda: _extent(base))
    max_row = rows + SLACK_ROWS  # the names come from the file: they may move the end up, never past this
    if "total" in named:
        max_row = min(max_row, named["total"][2] + 1 + TAIL_ROWS)
    sheet = read_sheet(pkg, ref, max_row, cols + 8)
    if isinstance(sheet, Finding):
        return sheet
    if not by_properties and norm(sheet.text(0, 0)) != norm(t.title):
        return None
    anchors = _anchors(t, base, named, sheet)
    if isinstance(anchors, Text):
        if not by_properties:
            return None
        return finding(Code.UNKNOWN_TEMPLATE, sheet=ref.name, reason=anchors)
    return _place(pkg, base, ref.name, sheet, anchors)


def _sheet_of(pkg: Package, t: Template) -> SheetRef | None:
    named = parse_ref(pkg.names.get(f"{provenance.NAME_PREFIX}tasks", ""))
    if named and pkg.sheet(named[0]):
        return pkg.sheet(named[0])
    if pkg.sheet(t.sheet):
        return pkg.sheet(t.sheet)
    if named:  # xlgen's names point to a sheet that is gone: deleted, not to be guessed
        return None
    visible = [s for s in pkg.sheets if s.state == "visible"]
    return visible[0] if len(visible) == 1 else None


def _named_ranges(pkg: Package, sheet: str) -> dict[str, tuple[int, int, int, int]]:
    """xlgen's defined names on ``sheet``, without the prefix: tasks, indicators, total, fields."""
    out = {}
    for name, text in pkg.names.items():
        if not name.startswith(provenance.NAME_PREFIX):
            continue
        parsed = parse_ref(text)
        if parsed and parsed[0] == sheet:
            out[name[len(provenance.NAME_PREFIX):]] = parsed[1]
    return out


def _anchors(t: Template, base: Layout, named: dict[str, tuple[int, int, int, int]], sheet: Sheet) -> _Anchors | Text:
    """Where the file's sections start: from the defined names, checked against the labels;
    from the labels in column A where a name is missing or points elsewhere."""
    labels: dict[str, list[int]] = {}
    for (r, c), cell in sheet.cells.items():
        if c == 0 and isinstance(cell.value, str):
            labels.setdefault(norm(cell.value), []).append(r)
    for rows in labels.values():
        rows.sort()

    def label_row(text: str, after: int = -1) -> int | None:
        return next((r for r in labels.get(norm(text), []) if r > after), None)

    def labelled(row: int | None, text: str) -> bool:
        return row is not None and row >= 0 and norm(sheet.text(row, 0)) == norm(text)

    def missing(what: str, what_en: str) -> Text:
        return Text(f"找不到「{what}」部分（行被删除或表格结构被修改）",
                    f"the section '{what_en}' cannot be found (rows deleted or the form restructured)")

    header = []
    after = 0
    for hrow in t.header:
        first = hrow.fields[0].field
        row = named[first][0] if first in named else None
        if not labelled(row, hrow.label):
            row = label_row(hrow.label, after)
        if row is None:
            return missing(hrow.label, hrow.label)
        header.append(row)
        after = row
    tasks = named.get("tasks")
    bottom = max((r for r, _c in sheet.cells), default=-1)  # the last row read
    if tasks and labelled(tasks[0] - 1, t.tasks.label) and tasks[2] <= bottom:
        task_rows = (tasks[0], tasks[2] - tasks[0] + 1)
    else:
        head = label_row(t.tasks.label, after)
        goals_head = label_row(t.goals.label, head if head is not None else after)
        if head is None or goals_head is None:
            return missing(t.tasks.label, "tasks")
        task_rows = (head + 1, goals_head - head - 1)
    after = task_rows[0] + task_rows[1] - 1
    goal_field = t.goals.columns[0].field
    goals = named[goal_field][0] if goal_field in named else None
    if not labelled(None if goals is None else goals - 1, t.goals.label):
        head = label_row(t.goals.label, after)
        if head is None:
            return missing(t.goals.label, "goals")
        goals = head + 1
    assert goals is not None
    total = named["total"][0] if "total" in named else None
    if not labelled(total, t.total_label):
        total = label_row(t.total_label, goals)
    if total is None:
        return missing(t.total_label, "total")
    ind = named.get("indicators")
    if ind and labelled(ind[0] - 2, t.indicators.label) and ind[2] < total:
        ind_rows = (ind[0], ind[2])
    else:
        head = label_row(t.indicators.label, goals)
        if head is None:
            return missing(t.indicators.label, "indicators")
        ind_rows = (head + 2, total - 1)
    if task_rows[1] < 1:
        return missing(t.tasks.label, "tasks")
    return _Anchors(header, task_rows, goals, ind_rows, total)


def _own_kinds(sheet: Sheet, rows: list[int], base: Layout) -> tuple[str, ...]:
    """The kinds of the file rows under the tree, as the generator decided them: quantitative
    where 完成程度 is a formula; otherwise by the target (text: qualitative), and an empty target
    is a qualitative spare row when the row has its 得分 formula. So a constant typed over a
    quantitative row's 完成程度 (its target a number) is still reported as such, and a row
    inserted without formulas is reported as a row without formulas."""
    slots = base.row_slots("indicators", len(base.template.tree)) or base.row_slots("indicators", 0)
    degree, target, score = slots.get("degree"), slots.get("target"), slots.get("score")
    if degree is None or target is None:
        return (QUANTITATIVE,) * len(rows)

    def kind(r: int) -> str:
        if _formula_at(sheet, r, degree.col):
            return QUANTITATIVE
        value = sheet.cells.get((r, target.col))
        if value is None or value.value is None or value.value == "":
            return QUALITATIVE if score is not None and _formula_at(sheet, r, score.col) else QUANTITATIVE
        return own_kind(value.value)

    return tuple(kind(r) for r in rows)


def _formula_at(sheet: Sheet, row: int, col: int) -> bool:
    cell = sheet.cells.get((row, col))
    return cell is not None and bool(cell.formula)


def _place(pkg: Package, base: Layout, sheet_name: str, sheet: Sheet, a: _Anchors) -> Returned:
    """Match the file's indicator rows to the tree (by 三级指标 name), build the layout for the
    counts found (``base``: the template's default layout), and map each layout row to the file's row."""
    t = base.template
    name_col = base.slots["indicators[0].name"].col if "indicators[0].name" in base.slots else 3
    tree_names = base.cached("reader_tree_names", lambda: {norm(ind.name): i for i, ind in enumerate(t.tree)})
    file_rows = list(range(a.indicators[0], a.indicators[1] + 1))
    tree_at: dict[int, int] = {}  # tree index → file row
    others: list[int] = []
    pointer = 0
    for r in file_rows:
        i = tree_names.get(norm(sheet.text(r, name_col)))
        if i is not None and i >= pointer and i not in tree_at:
            tree_at[i] = r
            pointer = i + 1
        else:
            others.append(r)
    # A tree row whose name was edited: the one unmatched row between its two neighbours.
    for i in range(len(t.tree)):
        if i in tree_at:
            continue
        lo = tree_at.get(i - 1, a.indicators[0] - 1 if i == 0 else None)
        hi = tree_at.get(i + 1, a.indicators[1] + 1 if i == len(t.tree) - 1 else None)
        if lo is not None and hi is not None and hi - lo == 2 and lo + 1 in others:
            tree_at[i] = lo + 1
            others.remove(lo + 1)
    lay = build_layout(t, a.tasks[1], _own_kinds(sheet, others, base))
    findings: list[Finding] = []
    explicit: dict[int, int | None] = {0: 0, 1: 1}
    for hrow, row in zip(t.header, a.header):
        explicit[lay.slots[f"header.{hrow.fields[0].field}"].row] = row
    t1 = lay.regions["tasks"][0]
    explicit[t1 - 1] = a.tasks[0] - 1
    for i in range(a.tasks[1]):
        explicit[t1 + i] = a.tasks[0] + i
    g = lay.slots[f"goals.{t.goals.columns[0].field}"].row
    explicit[g - 1], explicit[g] = a.goals - 1, a.goals
    first = lay.regions["indicators"][0]
    explicit[first - 2], explicit[first - 1] = a.indicators[0] - 2, a.indicators[0] - 1
    for i in range(len(t.tree)):
        explicit[first + i] = tree_at.get(i)
        if i not in tree_at:
            findings.append(finding(Code.ROW_DELETED, sheet=sheet_name, field=f"indicators[{i}].name",
                                    name=t.tree[i].name))
    for j, r in enumerate(others):
        explicit[first + len(t.tree) + j] = r
    explicit[lay.slots["total"].row] = a.total
    rows: dict[int, int | None] = {}
    anchor = (0, 0)
    for r in range(lay.last_row + 1):
        if r in explicit:
            at = explicit[r]
            rows[r] = at
            if at is not None:
                anchor = (r, at)
        else:
            rows[r] = anchor[1] + (r - anchor[0])
    return Returned(pkg.path, pkg, t, lay, sheet, rows, findings)
