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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from xml.sax.saxutils import escape

from xlgen.formula.references import col_letters

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


# ----------------------------------------------------------------------------- hyperlinks and objects
SHEET_RELS = "xl/worksheets/_rels/sheet1.xml.rels"
RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# What follows <hyperlinks>, and what follows <oleObjects>/<controls>, in a sheet (the schema's order).
AFTER_HYPERLINKS = (b"printOptions", b"pageMargins", b"pageSetup", b"headerFooter", b"rowBreaks", b"colBreaks",
                    b"customProperties", b"cellWatches", b"ignoredErrors", b"smartTags", b"drawing",
                    b"legacyDrawing", b"legacyDrawingHF", b"picture", b"oleObjects", b"controls")
AFTER_OBJECTS = (b"webPublishItems", b"tableParts", b"extLst")


@dataclass(frozen=True)
class Rel:
    id: str
    type: str  # the last segment of the relationship type: hyperlink, oleObject, control …
    target: str
    external: bool = False


def in_sheet(fragment: bytes, before: Sequence[bytes], rels: Sequence[Rel],
             parts: Sequence[tuple[str, bytes, str]] = ()) -> Callable[[list[Raw]], list[Raw]]:
    """The form's sheet given ``fragment`` where the schema puts it (before the first element of
    ``before`` it holds, else at its end), its relationships part given ``rels`` (made when the
    sheet has none) and the package the ``parts`` (name, content, content type)."""
    def change(items: list[Raw]) -> list[Raw]:
        out = []
        entries_xml = "".join(
            f'<Relationship Id="{r.id}" Type="{RELS_NS}/{r.type}" Target="{escape(r.target, {chr(34): "&quot;"})}"'
            + (' TargetMode="External"' if r.external else "") + "/>" for r in rels).encode("utf-8")
        had_rels = any(e.name == SHEET_RELS for e in items)
        for e in items:
            content = zlib.decompress(e.payload, -15)
            if e.name == SHEET:
                at = min([m.start() for m in (re.search(rb"<(?:\w+:)?" + name + rb"\b", content) for name in before)
                          if m] + [content.rindex(b"</worksheet>")])
                e = raw(SHEET, content[:at] + fragment + content[at:])
            elif e.name == SHEET_RELS:
                e = raw(SHEET_RELS, content.replace(b"</Relationships>", entries_xml + b"</Relationships>"))
            elif e.name == CONTENT_TYPES:
                e = raw(CONTENT_TYPES, content.replace(b"</Types>", "".join(
                    f'<Override PartName="/{name}" ContentType="{kind}"/>' for name, _c, kind in parts).encode()
                    + b"</Types>"))
            out.append(e)
        if not had_rels:
            out.append(raw(SHEET_RELS, b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                                       b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                           + entries_xml + b"</Relationships>"))
        return out + [raw(name, content) for name, content, _kind in parts]
    return change


def hyperlinks(links: Iterable[tuple[str, int]], targets: Sequence[str]) -> Callable[[list[Raw]], list[Raw]]:
    """Hyperlinks stored as Excel stores them: ``<hyperlink ref="B5" r:id="…"/>`` on the form's
    sheet, each (cell, i) pointing to ``targets[i]``, an external relationship."""
    body = b"".join(b'<hyperlink ref="%s" r:id="xlgenLink%d"/>' % (cell.encode(), i) for cell, i in links)
    return in_sheet(b"<hyperlinks>" + body + b"</hyperlinks>", AFTER_HYPERLINKS,
                    [Rel(f"xlgenLink{i}", "hyperlink", t, external=True) for i, t in enumerate(targets)])


OLE_BIN = "xl/embeddings/oleObject1.bin"
ACTIVEX = "xl/activeX/activeX1.xml"

# An embedded OLE object (a "package" wrapping calc.exe, say): its bytes are an OLE2 compound file.
ole_object = in_sheet(
    b'<oleObjects><oleObject progId="Package" shapeId="1025" r:id="xlgenObject1"/></oleObjects>', AFTER_OBJECTS,
    [Rel("xlgenObject1", "oleObject", "../embeddings/oleObject1.bin")],
    [(OLE_BIN, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1016, "application/vnd.openxmlformats-officedocument.oleObject")])
# An ActiveX command button: its properties part and its binary (persisted by the control itself).
activex_control = in_sheet(
    b'<controls><control shapeId="1026" r:id="xlgenObject2" name="CommandButton1"/></controls>', AFTER_OBJECTS,
    [Rel("xlgenObject2", "control", "../activeX/activeX1.xml")],
    [(ACTIVEX, b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<ax:ocx ax:classid="{D7053240-CE69-11CD-'
               b'A777-00DD01143C57}" ax:persistence="persistStorage" xmlns:ax="http://schemas.microsoft.com/'
               b'office/2006/activeX"/>',
      "application/vnd.ms-office.activeX+xml"),
     ("xl/activeX/activeX1.bin", b"\x00" * 256, "application/vnd.ms-office.activeX")])
