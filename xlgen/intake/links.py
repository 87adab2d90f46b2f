"""What in a sheet reaches outside the workbook: formulas linking to other files or programs,
hyperlinks to anything but the web, embedded objects; and the part after <sheetData>
(protection, validations), found with byte searches, never parsed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.sax.saxutils import unescape

from xlgen.formula.references import STRING_LITERAL
from xlgen.intake.package import Package, SheetRef, relationships
from xlgen.intake.refs import A1_RANGE, MAX_VALIDATIONS, sqref_ranges
from xlgen.intake.recent import Recent

MAX_LINKS = 100  # formulas (and, apart, hyperlinks) linking outside kept per sheet
MAX_HYPERLINKS = 1_000  # hyperlink elements looked at per sheet (Excel allows 65,530; xlgen writes none)
_EXTERNAL = re.compile(r"\[[^\]]*\]|\|")  # [book.xlsx]Sheet!A1, [1]Sheet!A1, DDE app|topic!item
# Functions that reach another program or the network when the file is opened or clicked.
_CALLS = re.compile(r"(?<![A-Za-z0-9_])(?:WEBSERVICE|RTD|CALL|REGISTER\.ID|EXEC)\s*\(", re.I)
_HYPERLINK = re.compile(r"(?<![A-Za-z0-9_])HYPERLINK\s*\(\s*", re.I)
_WEB = ("http://", "https://", "mailto:", "#")  # link targets that open no local file or program
# Relationships of a sheet to an embedded object (OLE object, package) or an ActiveX control.
OBJECT_RELS = frozenset({"oleObject", "control", "package"})

@functools.lru_cache(maxsize=4096)  # a form's formulas repeat in every file: each text looked at once
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


SHEET_DATA_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>|<(?:[A-Za-z_][\w.-]*:)?sheetData\s*/>")
_PREFIX = re.compile(rb"(?:[A-Za-z_][\w.-]*:)?")
# One attribute of a start tag; matched one after another, so a value that quotes another
# attribute (a prompt or tooltip holding ` r:id="…"`) is never read as one.
_ATTRIBUTE = re.compile(rb"([^\s=/>]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_SQREF = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sqref\s*>([^<]*)<")
_DV_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?dataValidation\s*>")
# A formula element whose text may link outside (checked in full by ``linked``).
_SUSPECT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*>([^<]*(?:\[|\||(?i:hyperlink|webservice|rtd|call|register|exec))[^<]*)<")
_CELL_REF = re.compile(rb"\sr\s*=\s*[\"']([A-Z]{1,3}\d+)[\"']")


def guards_values(kind: str) -> bool:
    """Whether a data validation of this type limits what a cell takes: ``none`` (no type
    attribute means none) is "any value", which LibreOffice writes when a user turns a
    validation off and keeps its input message."""
    return kind.strip().lower() != "none"


def sheet_data_end_in(data: bytes | bytearray, start: int) -> re.Match[bytes] | None:
    """The first </sheetData> (or <sheetData/>) in ``data`` from ``start``: each occurrence of
    the name is tried where its tag opens (a regular expression run over the whole part would
    try every '<' of every cell)."""
    at = data.find(b"sheetData", start)
    while at >= 0:
        lt = data.rfind(b"<", start, at)
        if lt >= 0:
            m = SHEET_DATA_END.match(data, lt)
            if m is not None:
                return m
        at = data.find(b"sheetData", at + 9)
    return None


def sheet_data_end(data: bytes | bytearray) -> int:
    """Offset just after </sheetData> (the whole part when it cannot be told)."""
    at = data.rfind(b"sheetData")
    if at < 0:
        return len(data)
    m = SHEET_DATA_END.search(data, max(0, at - 64), at + 64)
    return m.end() if m else len(data)


def scan_links(data: bytes | bytearray, end: int, most: int) -> list[tuple[str, str]]:
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


def scan_tail(tail: bytes | bytearray, room: int = MAX_VALIDATIONS) -> _Tail:
    """Sheet protection, data validation ranges, the first ``MAX_HYPERLINKS`` hyperlinks that
    name a relationship, and the object elements in the part after <sheetData>: scanned once
    for the same bytes (a form's tail, alike in the files of a form), a copy of it handed out."""
    key = (bytes(tail), room) if len(tail) <= MAX_KEPT_TAIL else None
    kept = _TAILS.kept(key, lambda: _scan_tail(tail, room))
    return _Tail(kept.protected, [list(r) for r in kept.validations], list(kept.hyperlinks), list(kept.objects))


MAX_KEPT_TAIL = 256 << 10  # bytes of a tail kept as the key to its scan (a form's: some 30 KB)
_TAILS = Recent(32)  # (tail, room) → its scan


def _scan_tail(tail: bytes | bytearray, room: int) -> _Tail:
    """``scan_tail`` itself. A start tag ends before the next '<' (no '<' may appear in an
    attribute value), so each element's attributes are found with byte searches, whatever its
    long prompt texts hold."""
    out = _Tail()
    for _end, attrs in _start_tags(tail, b"sheetProtection"):
        out.protected = attrs.get(b"sheet", b"").strip().lower() in (b"1", b"true")
    for end, attrs in _start_tags(tail, b"dataValidation"):
        if not guards_values(attrs.get(b"type", b"none").decode("ascii", "replace")):
            continue
        sqref = attrs.get(b"sqref")
        if sqref is None:  # x14: <xm:sqref> inside the element
            close = _DV_END.search(tail, end)
            inner = _SQREF.search(tail, end, close.start()) if close else None
            sqref = inner.group(1) if inner else b""
        if room <= 0:
            break
        out.validations.append(sqref_ranges(sqref.decode("utf-8", "replace"), room))
        room -= len(out.validations[-1]) or 1
    for seen, (_end, attrs) in enumerate(_start_tags(tail, b"hyperlink")):
        if seen == MAX_HYPERLINKS:
            break
        rid = next((v for k, v in attrs.items() if k.endswith(b":id")), None)
        if rid is not None:  # without one, a link to a place in this workbook (location=)
            m = A1_RANGE.match(attrs.get(b"ref", b"").decode("ascii", "replace").strip().upper())
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


def outward(pkg: Package, ref: SheetRef, tail: _Tail) -> tuple[list[tuple[str | None, str]], list[str]]:
    """The sheet's hyperlinks to anything but the web, each at the cells of the hyperlinks looked
    at that name it (else at no cell: it may stand past MAX_HYPERLINKS), at most MAX_LINKS; and
    its embedded objects and controls (their parts, and the elements naming them)."""
    cells: dict[str, list[str | None]] = {}
    for cell, rid in tail.hyperlinks:
        cells.setdefault(rid, []).append(cell)
    links: list[tuple[str | None, str]] = []
    objects = list(tail.objects)
    for rid, kind, target, _mode in relationships(pkg.zip, ref.part):
        if kind == "hyperlink" and leaves_web(target):
            links.extend((cell, target[:300]) for cell in cells.get(rid, [None]))
        elif kind in OBJECT_RELS:
            objects.append(target)
    return links[:MAX_LINKS], objects


_TAG_END = (b" ", b"\t", b"\n", b"\r", b">", b"/")
