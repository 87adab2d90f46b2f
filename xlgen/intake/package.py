"""A returned workbook's package: its parts, sheets, defined names, properties and shared strings.

``open_workbook`` is the one place a file is opened: it returns a ``Package`` or an
``unreadable`` finding, never raises. In front of it, ``safezip`` checks the zip before anything
is inflated; small parts are parsed whole, large ones streamed, each behind defusedxml's DTD guard.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple
from xml.etree import ElementTree

from xlgen.errors import Said, said
from xlgen.errors.intake import IntakeCode
from xlgen.findings import Code, Finding, finding
from xlgen.intake.celltext import as_text
from xlgen.intake.recent import Recent
from xlgen.intake.safezip import (
    SMALL_PART,
    Prolog,
    Refused,
    Runs,
    SafeZip,
    open_directory,
    open_zip,
)

MAX_STRINGS = 200_000  # shared strings read (a form's cells use a few hundred)
MAX_TEXT = 32_767  # Excel's limit on the text of a cell
MAX_XFS = 65_490  # cell formats read (Excel's limit on distinct cell formats per workbook)
_REL_ID = re.compile(r"\}id$")


# ----------------------------------------------------------------------------- the package
@dataclass(frozen=True)
class SheetRef:
    name: str
    part: str
    state: str  # visible | hidden | veryHidden


class Cell(NamedTuple):  # a tuple: made for every filled cell of every file read, at half a dataclass's cost
    value: Any = None  # the saved value: float, str, bool, XlError or None
    formula: str | None = None  # formula text without the leading '=' (None: a constant)
    style: int = 0  # index of its cell format (xf) in the style sheet: its number format


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
    styles_part: str | None = None
    macros: list[str] = field(default_factory=list)  # parts holding macros (never run)
    embedded: list[str] = field(default_factory=list)  # parts of embedded objects and controls (never opened)
    _strings: list[str] = field(default_factory=list)
    _strings_done: bool = False
    long_strings: dict[int, int] = field(default_factory=dict)  # index → length, over MAX_TEXT
    max_strings: int = MAX_STRINGS
    modified: str | None = None  # docProps/core.xml dcterms:modified, as saved (ISO 8601)

    def sheet(self, name: str) -> SheetRef | None:
        return next((s for s in self.sheets if s.name == name), None)

    def shared_strings(self, upto: int = MAX_STRINGS - 1) -> list[str]:
        """The shared strings up to index ``upto``: the part is parsed that far, no further."""
        if upto >= self.max_strings:
            raise Refused(said(IntakeCode.TOO_MANY_STRINGS, index=upto + 1, limit=self.max_strings))
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
        return unreadable(exc.reason)
    except Exception as exc:  # a damaged part (XML, encoding …), MemoryError: a finding, never a traceback
        return damaged(exc)


def document_properties(path: Path) -> dict[str, str] | Finding:
    """The custom document properties of the workbook at ``path`` alone (its sheets and names are
    not parsed): what a seal and a distributed blank's record need, at half the cost of a package.
    Its other parts are not inflated, and those it parses pass defusedxml's guard, DTDs refused."""
    try:
        zf = open_directory(Path(path))
        custom = next((t for _, kind, t, _ in relationships(zf, "") if kind == "custom-properties"), "docProps/custom.xml")
        return _properties(zf, custom) if custom in zf else {}
    except Refused as exc:
        return unreadable(exc.reason)
    except Exception as exc:  # a damaged part: a finding, never a traceback
        return damaged(exc)


def unreadable(reason: Said) -> Finding:
    return finding(Code.UNREADABLE, reason=reason)


def damaged(exc: Exception) -> Finding:
    """A damaged part (XML, encoding …) or MemoryError: the file's finding, never a traceback."""
    return unreadable(said(IntakeCode.DAMAGED, error=type(exc).__name__, said=str(exc)[:250]))


def local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _root(zf: SafeZip, part: str) -> Any:
    """A small part (workbook, relationships, properties), parsed whole; the same stored part
    (the workbook part and relationships of every file of a form) inflated and parsed once.
    The tree is only read, never changed."""
    def parse() -> Any:
        data = zf.read(part, SMALL_PART)
        if not data.strip():
            raise Refused(said(IntakeCode.PART_EMPTY, part=part))
        return parse_small(data, part)

    return _PARSED.kept(_stored(zf, part), parse)


def _stored(zf: SafeZip, part: str, *what: object) -> tuple[object, ...] | None:
    """The key of what is kept of ``part`` (``what`` says what is made of it): the part as
    stored; None when it is too large to keep."""
    return (*what, zf.stored(part)) if zf.size(part) <= MAX_KEPT else None


def parse_small(data: bytes, part: str) -> Any:
    """A part held whole, parsed as defusedxml's ``fromstring(data, forbid_dtd=True)`` would:
    its prolog through defusedxml's guard first (a DTD, hence any entity, refused), then
    ElementTree's C parser, which then meets no DTD (defusedxml's own parser is ElementTree's
    pure-Python one, several times slower)."""
    Prolog(part).feed(data, final=True)  # held whole: no limit on where the root starts
    return ElementTree.fromstring(data)


# What a part's bytes parsed into, by the part as stored (``SafeZip.stored``): a form's few
# alike parts stay; each file's own (its properties) pass through
_PARSED = Recent(128)
MAX_KEPT = 64 << 10  # bytes of a part kept parsed (a form's workbook part: some 6 KB; styles 8 KB)


def ended_elements(parser: ElementTree.XMLPullParser[ElementTree.Element]) -> Iterator[ElementTree.Element]:
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
        for event in parser.read_events():  # ended_elements in line: a part's every element passes here
            yield event[-1]  # type: ignore[misc]
    guard.feed(b"", final=True)
    parser.close()
    yield from ended_elements(parser)


def relationships(zf: SafeZip, part: str) -> list[tuple[str, str, str, str]]:
    """(id, type, target, mode) of the relationships of ``part`` ("" for the package's own);
    internal targets resolved to part names."""
    rels, folder = _rels_part(part)
    if rels not in zf:
        return []
    out = []
    for rel in _root(zf, rels):
        mode = rel.get("TargetMode", "Internal")
        target = rel.get("Target", "")
        if mode != "External":
            target = _resolve(folder, target)
        out.append((rel.get("Id", ""), rel.get("Type", "").rsplit("/", 1)[-1], target, mode))
    return out


@functools.lru_cache(maxsize=256)  # a form's few part names, in every file
def _rels_part(part: str) -> tuple[str, str]:
    """The relationships part of ``part`` ("" for the package's own), and the folder its
    relative targets start from."""
    p = PurePosixPath(part)
    return (str(p.parent / "_rels" / (p.name + ".rels")), str(p.parent)) if part else ("_rels/.rels", "")


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


def _not_a_workbook(zf: SafeZip) -> Said:
    """Why a zip without xl/workbook.xml is not a workbook xlgen reads."""
    if "xl/workbook.bin" in zf:
        return said(IntakeCode.XLSB)
    if "mimetype" in zf and b"opendocument" in zf.read("mimetype", 200):
        return said(IntakeCode.ODS)
    if "word/document.xml" in zf or "ppt/presentation.xml" in zf:
        return said(IntakeCode.WORD)
    return said(IntakeCode.WORKBOOK_MISSING)


def _package(path: Path, zf: SafeZip) -> Package:
    root_rels = relationships(zf, "")
    workbook = next((t for _, kind, t, _ in root_rels if kind == "officeDocument"), "xl/workbook.xml")
    if workbook not in zf:
        raise Refused(_not_a_workbook(zf))
    wb_rels = {}
    external = []
    strings_part = styles_part = None
    for rid, kind, target, mode in relationships(zf, workbook):
        wb_rels[rid] = target
        if kind == "externalLink" or mode == "External":
            external.append(target)
        if kind == "sharedStrings":
            strings_part = target
        elif kind == "styles":
            styles_part = target
    sheets, names, references = _workbook(zf, workbook, wb_rels)
    external += references
    custom = next((t for _, kind, t, _ in root_rels if kind == "custom-properties"), "docProps/custom.xml")
    properties = _properties(zf, custom) if custom in zf else {}
    if strings_part and strings_part not in zf:
        raise Refused(said(IntakeCode.STRINGS_MISSING, part=strings_part))
    core = next((t for _, kind, t, _ in root_rels if kind == "core-properties"), "docProps/core.xml")
    modified = _modified(zf, core) if core in zf else None
    return Package(path, zf, sheets, names, properties, sorted(set(external)), strings_part,
                   styles_part if styles_part in zf else None, zf.macros, zf.embedded, modified=modified)


def _workbook(zf: SafeZip, part: str, rels: dict[str, str]) -> tuple[list[SheetRef], dict[str, str], list[str]]:
    """The workbook part's sheets (their parts by the relationships ``rels``), defined names and
    external references: read once for the same part and relationships (a form's, in each file)."""
    def read() -> tuple[list[SheetRef], dict[str, str], list[str]]:
        sheets: list[SheetRef] = []
        names: dict[str, str] = {}
        external: list[str] = []
        for elem in _root(zf, part).iter():
            tag = local_name(elem.tag)
            if tag == "sheet":
                rid = next((v for k, v in elem.attrib.items() if _REL_ID.search(k)), "")
                sheets.append(SheetRef(elem.get("name", ""), rels.get(rid, ""), elem.get("state", "visible")))
            elif tag == "definedName":
                names.setdefault(elem.get("name", ""), (elem.text or "").strip())
            elif tag == "externalReference":
                external.append(elem.get("id", "externalReference"))
        return sheets, names, external

    kept = _PARSED.kept(_stored(zf, part, "workbook", tuple(rels.items())), read)
    return list(kept[0]), dict(kept[1]), list(kept[2])  # copies: a package's own


def _modified(zf: SafeZip, part: str) -> str | None:
    """When the file was last saved, by its core properties (Excel, WPS and LibreOffice write it)."""
    for elem in _root(zf, part):
        if local_name(elem.tag) == "modified" and (elem.text or "").strip():
            return (elem.text or "").strip()
    return None


def _properties(zf: SafeZip, part: str) -> dict[str, str]:
    out = {}
    for prop in _root(zf, part):
        if local_name(prop.tag) == "property" and len(prop):
            out[prop.get("name", "")] = (prop[0].text or "").strip()
    return out


def number_formats(pkg: Package) -> list[str] | None:
    """Each cell format's (xf's) number format code, by xf index: the style sheet's cellXfs with
    their numFmtId looked up in its numFmts, else among Excel's built-in formats (None: the style
    sheet is damaged, the formats cannot be told)."""
    if not pkg.styles_part:
        return []
    try:
        part = pkg.styles_part
        return list(_PARSED.kept(_stored(pkg.zip, part, "styles"), lambda: _number_formats(pkg, part)))
    except Exception:  # a damaged style sheet (Excel repairs it): no format is known
        return None


def _number_formats(pkg: Package, part: str) -> list[str]:
    from openpyxl.styles.numbers import BUILTIN_FORMATS

    codes: dict[int, str] = {}
    pending: list[int] = []  # numFmtIds of the xfs read since the last list of xfs ended
    ids: list[int] = []
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(events=("end",))
    for elem in _stream(pkg.zip.chunks(part), part, parser):
        tag = local_name(elem.tag)
        if tag == "numFmt":
            number = elem.get("numFmtId", "")
            if number.isdigit():
                codes[int(number)] = elem.get("formatCode", "")
        elif tag == "xf" and len(pending) < MAX_XFS:
            number = elem.get("numFmtId", "0")
            pending.append(int(number) if number.isdigit() else 0)
        elif tag in ("cellXfs", "cellStyleXfs"):
            if tag == "cellXfs":  # the cells' formats (cellStyleXfs: the named styles')
                ids = pending
            pending = []
            elem.clear()
    return [codes.get(i, BUILTIN_FORMATS.get(i, "General")) for i in ids]


def _read_strings(pkg: Package, upto: int) -> tuple[list[str], bool]:
    """The shared strings up to index ``upto`` (parsing stops there), and whether that is all."""
    assert pkg.strings_part
    strings: list[str] = []
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(events=("end",))
    for elem in _stream(pkg.zip.chunks(pkg.strings_part), pkg.strings_part, parser):
        tag = elem.tag
        if tag[-3:] == "}si" or tag == "si":
            # most strings are one plain <t>: read without rich_text's walk
            text = (elem[0].text or "") if len(elem) == 1 and elem[0].tag in _T else rich_text(elem)
            if len(text) > MAX_TEXT:
                pkg.long_strings[len(strings)] = len(text)
                text = text[:MAX_TEXT]
            strings.append(text)
            elem.clear()
            if len(strings) > upto:
                return strings, False
    return strings, True


_T = frozenset({"t", "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}t",
                "{http://purl.oclc.org/ooxml/spreadsheetml/main}t"})  # a text run, as the parser names it


def rich_text(elem: Any) -> str:
    """The text of an <si> or <is>: its <t> runs, without phonetic (<rPh>) runs."""
    out = []
    for child in elem:
        tag = local_name(child.tag)
        if tag == "t":
            out.append(child.text or "")
        elif tag == "r":
            out.extend(t.text or "" for t in child if local_name(t.tag) == "t")
    return "".join(out)
