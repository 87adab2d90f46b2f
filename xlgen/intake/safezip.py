"""The safe opening layer: a file from outside checked as a zip before anything is inflated.

Every command that reads a workbook (verify, rollover, an .xlsx roster, preview) opens it here.
``open_zip`` reads the file once (at most ``MAX_FILE`` bytes), parses the zip's end record and
central directory itself and refuses, with a ``Refused`` naming the reason, before inflating
anything:

- a file that is empty, too large, not a zip, truncated, an OLE2 container (an .xls, or a
  workbook encrypted with a password: Excel stores those as OLE2);
- more than ``MAX_ENTRIES`` entries or a central directory over ``MAX_DIRECTORY`` bytes;
- a name with a path (``../``, ``/``, ``\\``, ``C:``) or a control character, two names that are
  the same part (OPC part names ignore case), an encrypted entry, a compression other than
  stored/deflate, a local header that disagrees with the directory, entries that overlap;
- a declared size over ``MAX_ENTRY`` per entry or ``MAX_TOTAL`` in all, or a compression ratio
  over ``MAX_RATIO`` (a zip bomb).

Parts are inflated by ``SafeZip.chunks`` with a hard cap: never more than the declared size
(which is at most ``MAX_PART``, or ``SMALL_PART`` for the metadata parts), whatever the deflate
stream holds, so a lying header cannot make a bomb; then the size and CRC are checked.

No part may hold a DTD (OPC forbids them, and a DTD is what billion laughs and XXE need):
``open_zip`` runs every XML part's prolog through expat with defusedxml's handlers, stopping at
the root element (a part stored byte for byte as one that passed, as a form's theme or styles in
every file, passes again without being inflated). Every part xlgen parses goes through the same
prolog guard (``Prolog``) again, then through ElementTree's C parser: the small parts whole, the
sheet and the shared strings streamed, because defusedxml offers no incremental parser (a
sheet must be read in pieces and left early) and its parser is ElementTree's pure-Python one,
several times slower; with no DTD, no entity can be declared, so none expands. In the
streamed parts a run of more than ``MAX_RUN`` bytes without markup is refused (``Runs``), so no
single text can fill the memory.
"""

from __future__ import annotations

import os
import re
import struct
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, NoReturn
from xml.parsers import expat

from xlgen.errors import Said, said
from xlgen.errors.intake import IntakeCode
from xlgen.intake.recent import Recent

MAX_FILE = 100 << 20  # bytes on disk
MAX_DIRECTORY = 1 << 20  # bytes of central directory (a workbook's is a few KB)
MAX_ENTRIES = 2000
MAX_ENTRY = 256 << 20  # declared uncompressed size of any one entry
MAX_TOTAL = 1 << 30  # declared uncompressed size of all entries
MAX_RATIO = 100  # uncompressed / compressed, for entries over RATIO_FROM (XML packs 5-30 times)
RATIO_FROM = 1 << 20
MAX_PART = 64 << 20  # what xlgen inflates of a sheet or the shared strings (both streamed)
MAX_RUN = 4 << 20  # bytes without a '<' in a streamed part: a text or attribute (a cell holds 32,767 characters)
SMALL_PART = 2 << 20  # … of the workbook, relationship, content-type and property parts
PROLOG_LIMIT = 1 << 20  # an XML part's root element must start within its first MiB
CHUNK = 1 << 16
MAX_BEGUN = 16  # parts a zip keeps half inflated by the prolog check, for their first read
MAX_REMEMBERED = 64 << 10  # compressed bytes of a part remembered as having passed (a form's are a few KB)
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XML_SUFFIXES = (".xml", ".rels")
MACRO_PARTS = re.compile(r"(^|/)vbaproject\.bin$|^xl/macrosheets/", re.I)
EMBEDDED_PARTS = re.compile(r"^xl/(?:embeddings|activeX)/", re.I)  # OLE objects, packages, ActiveX controls

_LOCAL, _CENTRAL, _END = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"
_END64, _LOCATOR64 = b"PK\x06\x06", b"PK\x06\x07"
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(rb"[\x00-\x1f]")


class Refused(Exception):
    """A file or part xlgen will not read, and why (in both languages)."""

    def __init__(self, reason: Said) -> None:
        super().__init__(reason.message_in("en"))
        self.reason = reason


class Entry(NamedTuple):  # made for every entry of every file opened
    name: str
    flags: int
    method: int
    crc: int
    compressed: int
    size: int
    offset: int  # of the local header
    start: int = 0  # of the data


def _mib(n: int) -> str:
    return f"{n / (1 << 20):.1f} MiB" if n < 1 << 30 else f"{n / (1 << 30):.1f} GiB"


# ----------------------------------------------------------------------------- opening
def read_file(path: Path) -> bytes:
    """The file's bytes, read once and never written; a Refused for what cannot be a workbook."""
    data = read_bytes(path)
    if data[:8] == OLE2:
        raise Refused(ole2_reason(data))
    return data


def read_bytes(path: Path) -> bytes:
    """The file's bytes (at most ``MAX_FILE``), read once; a Refused when missing, empty or too large."""
    try:
        with open(path, "rb") as fh:
            # sized by the file's length (a read of MAX_FILE + 1 first allocates all of it);
            # a file longer than it said (growing, or a device saying 0) is read on, as far
            size = os.fstat(fh.fileno()).st_size
            want = size + 1 if 0 < size <= MAX_FILE else MAX_FILE + 1
            data = fh.read(want)
            if len(data) == want <= MAX_FILE:
                data += fh.read(MAX_FILE + 1 - want)
    except OSError as exc:
        why = exc.strerror or str(exc)
        raise Refused(said(IntakeCode.CANNOT_OPEN, said=why)) from None
    if not data:
        raise Refused(said(IntakeCode.EMPTY))
    if len(data) > MAX_FILE:
        raise Refused(said(IntakeCode.TOO_LARGE, limit=_mib(MAX_FILE)))
    return data


def encrypted(data: bytes) -> bool:
    """Whether an OLE2 compound file is an OOXML workbook encrypted with a password."""
    return "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data


def ole2_reason(data: bytes) -> Said:
    """What an OLE2 compound file is, from its directory's stream names (UTF-16LE)."""
    if encrypted(data):
        return said(IntakeCode.ENCRYPTED)
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return said(IntakeCode.OLD_XLS)
    return said(IntakeCode.OLE2)


def open_zip(path: Path) -> SafeZip:
    """Check ``path`` as a zip (see the module's docstring): a ``SafeZip``, or ``Refused``."""
    zf = open_directory(path)
    for e in zf._entries.values():
        if e.name.lower().endswith(XML_SUFFIXES):
            _check_prolog(zf, e)
    return zf


# Parts whose prolog passed, by what they are stored as: a form's parts that are byte for byte
# alike in every file (theme, styles, workbook, relationships …) are checked once.
_PROLOG_PASSED = Recent(256)


def _check_prolog(zf: SafeZip, e: Entry) -> None:
    """``Prolog(e.name).check(zf.chunks(e.name, MAX_ENTRY))``, remembered: the check of the same
    stored entry (method, sizes, CRC and compressed bytes alike) passes again without inflating it.
    The pieces inflated are kept, with the inflation where it stopped, for the part's first read."""
    key = zf.stored(e.name) if e.compressed <= MAX_REMEMBERED else None
    if key is not None and _PROLOG_PASSED.get(key) is not None:
        return
    guard = Prolog(e.name)
    pieces: list[bytes] = []
    inflation = zf._inflate(e)
    for piece in inflation:
        pieces.append(piece)
        guard.feed(piece)
        if guard.done:
            break
    else:
        guard.feed(b"", final=True)
    if len(zf._begun) < MAX_BEGUN:
        zf._begun[e.name] = (pieces, inflation)
    if key is not None:
        _PROLOG_PASSED.keep(key, True)


def open_directory(path: Path) -> SafeZip:
    """``path`` checked as a zip up to its directory, its XML parts' prologs not looked at: for a
    reader that parses only small parts, each behind the guard (``package.parse_small``)."""
    data = read_file(path)
    return SafeZip(Path(path), data, _directory(data))


def _end_record(data: bytes) -> tuple[int, int, int, int]:
    """(entries, directory size, directory offset, directory end) from the end record(s)."""
    at = data.rfind(_END, max(0, len(data) - (1 << 16) - 22))
    if at < 0 or at + 22 > len(data):
        if data[:4] == _LOCAL:
            raise Refused(said(IntakeCode.ZIP_TRUNCATED))
        raise Refused(said(IntakeCode.NOT_A_ZIP))
    _sig, disk, cd_disk, _n_disk, entries, size, offset, _comment = struct.unpack_from("<4sHHHHIIH", data, at)
    end = at
    loc = at - 20
    has_locator = loc >= 0 and data[loc:loc + 4] == _LOCATOR64  # some writers add ZIP64 records always
    if has_locator or 0xFFFF == entries or 0xFFFFFFFF in (size, offset):
        if not has_locator:
            raise Refused(said(IntakeCode.ZIP64_LOCATOR))
        (rec,) = struct.unpack_from("<Q", data, loc + 8)
        if rec + 56 > loc or data[rec:rec + 4] != _END64:
            raise Refused(said(IntakeCode.ZIP64_END))
        _s, _sz, _v1, _v2, disk, cd_disk, _nd, entries, size, offset = struct.unpack_from("<4sQHHIIQQQQ", data, rec)
        end = rec
    if disk or cd_disk:
        raise Refused(said(IntakeCode.MULTI_PART))
    if offset + size != end:
        raise Refused(said(IntakeCode.DIRECTORY_MISPLACED))
    return entries, size, offset, end


def _directory(data: bytes) -> dict[str, Entry]:
    count, size, offset, end = _end_record(data)
    if count > MAX_ENTRIES or size > MAX_DIRECTORY:
        raise Refused(said(IntakeCode.TOO_MANY_ENTRIES, count=count, size=size, limit=MAX_ENTRIES))
    entries: dict[str, Entry] = {}
    seen: set[str] = set()
    total = 0
    pos = offset
    while pos < end:
        if not data.startswith(_CENTRAL, pos) or pos + 46 > end:
            raise Refused(said(IntakeCode.DIRECTORY_ENTRY))
        (_sig, _made, _need, flags, method, _time, _date, crc, csize, usize, nlen, elen, clen, _disk, _iattr,
         _eattr, local) = struct.unpack_from("<4sHHHHHHIIIHHHHHII", data, pos)
        raw = data[pos + 46:pos + 46 + nlen]
        at_extra = pos + 46 + nlen
        pos += 46 + nlen + elen + clen
        if pos > end:
            raise Refused(said(IntakeCode.DIRECTORY_OVERRUN))
        if 0xFFFFFFFF in (usize, csize, local):  # else no ZIP64 field is read
            usize, csize, local = _zip64(data[at_extra:at_extra + elen], usize, csize, local)
        # ASCII reads the same in both (and decodes fastest)
        name = raw.decode("ascii" if raw.isascii() else "utf-8" if flags & 0x800 else "cp437", errors="replace")
        _check_name(name, raw)
        folded = name.lower()
        if folded in seen:
            raise Refused(said(IntakeCode.PART_TWICE, name=name))
        seen.add(folded)
        if flags & 0x41:
            raise Refused(said(IntakeCode.ENTRY_ENCRYPTED, name=name))
        if method not in (0, 8):
            raise Refused(said(IntakeCode.ENTRY_METHOD, name=name, method=method))
        if method == 0 and csize != usize:
            raise Refused(said(IntakeCode.STORED_SIZES, name=name))
        if usize > MAX_ENTRY or (usize > RATIO_FROM and usize > MAX_RATIO * max(csize, 1)):
            ratio = usize / max(csize, 1)
            raise Refused(said(IntakeCode.ZIP_BOMB, name=name, size=_mib(usize), ratio=ratio, limit=MAX_RATIO,
                               most=_mib(MAX_ENTRY)))
        total += usize
        if total > MAX_TOTAL:
            raise Refused(said(IntakeCode.ZIP_BOMB_TOTAL, limit=_mib(MAX_TOTAL)))
        entries[name] = Entry(name, flags, method, crc, csize, usize, local, _data_start(data, raw, local, offset))
    if len(entries) != count:
        raise Refused(said(IntakeCode.ENTRY_COUNT))
    spans = sorted((e.offset, e.start + e.compressed, e.name) for e in entries.values())
    for (_a, a_end, a), (b_start, _b, b) in zip(spans, spans[1:]):
        if b_start < a_end:
            raise Refused(said(IntakeCode.ENTRIES_OVERLAP, first=a, second=b))
    if spans and spans[-1][1] > offset:
        raise Refused(said(IntakeCode.DATA_OVERRUN))
    return entries


def _zip64(extra: bytes, usize: int, csize: int, local: int) -> tuple[int, int, int]:
    """Sizes and offset from the ZIP64 extra field where the directory holds 0xFFFFFFFF."""
    if 0xFFFFFFFF not in (usize, csize, local):
        return usize, csize, local
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4:pos + 4 + length]
        pos += 4 + length
        if tag != 1:
            continue
        values = [struct.unpack_from("<Q", body, i)[0] for i in range(0, len(body) - 7, 8)]
        if usize == 0xFFFFFFFF and values:
            usize = values.pop(0)
        if csize == 0xFFFFFFFF and values:
            csize = values.pop(0)
        if local == 0xFFFFFFFF and values:
            local = values.pop(0)
        return usize, csize, local
    raise Refused(said(IntakeCode.ZIP64_EXTRA))


def _check_name(name: str, raw: bytes) -> None:
    pieces = name.split("/")
    if (not name or "\\" in name or name.startswith("/") or _DRIVE.match(name) or ".." in pieces
            or _CONTROL.search(raw) or "\x7f" in name):
        raise Refused(said(IntakeCode.UNSAFE_NAME, name=name))


def _data_start(data: bytes, raw: bytes, local: int, directory: int) -> int:
    if local + 30 > directory or data[local:local + 4] != _LOCAL:
        raise Refused(said(IntakeCode.LOCAL_HEADER))
    nlen: int
    elen: int
    nlen, elen = struct.unpack_from("<HH", data, local + 26)
    if data[local + 30:local + 30 + nlen] != raw:
        name = raw.decode("utf-8", errors="replace")
        raise Refused(said(IntakeCode.LOCAL_NAME, name=name))
    return local + 30 + nlen + elen


# ----------------------------------------------------------------------------- the package
class SafeZip:
    """A checked zip held in memory; parts are inflated on demand, each with a hard cap."""

    def __init__(self, path: Path, data: bytes, entries: dict[str, Entry]) -> None:
        self.path = path
        self._data = data
        self._entries = entries
        # part → (the pieces the prolog check inflated, the inflation suspended after them)
        self._begun: dict[str, tuple[list[bytes], Iterator[bytes]]] = {}

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def parts_like(self, pattern: re.Pattern[str]) -> list[str]:
        """The part names ``pattern`` finds, sorted."""
        return sorted(n for n in self._entries if pattern.search(n))

    @property
    def macros(self) -> list[str]:
        """Parts holding macros (a VBA project, Excel 4.0 macro sheets): reported, never run."""
        return self.parts_like(MACRO_PARTS)

    @property
    def embedded(self) -> list[str]:
        """Parts of embedded objects and ActiveX controls: reported, never opened."""
        return self.parts_like(EMBEDDED_PARTS)

    def read(self, name: str, limit: int = MAX_PART) -> bytes:
        return b"".join(self.chunks(name, limit))

    def _entry(self, name: str) -> Entry:
        e = self._entries.get(name)
        if e is None:
            raise Refused(said(IntakeCode.PART_MISSING, name=name))
        return e

    def size(self, name: str) -> int:
        """The part's declared (inflated) size."""
        return self._entry(name).size

    def stored(self, name: str) -> tuple[int, int, int, bytes]:
        """(method, size, CRC, compressed bytes) of a part: all that its inflated bytes, and
        every check made while inflating it, depend on (a key for what is kept of a part)."""
        e = self._entry(name)
        return e.method, e.size, e.crc, self._data[e.start:e.start + e.compressed]

    def chunks(self, name: str, limit: int = MAX_PART) -> Iterator[bytes]:
        """The part inflated, piece by piece: never more than its declared size, which must be
        at most ``limit``; at the end, the size and the CRC are checked. The first read of a
        part goes on from where the prolog check stopped (the same pieces, inflated once)."""
        e = self._entry(name)
        if e.size > limit:
            raise Refused(said(IntakeCode.PART_TOO_LARGE, name=name, size=_mib(e.size), limit=_mib(limit)))
        begun = self._begun.pop(name, None)
        if begun is None:
            yield from self._inflate(e)
        else:
            yield from begun[0]
            yield from begun[1]

    def _inflate(self, e: Entry) -> Iterator[bytes]:
        name = e.name
        raw = memoryview(self._data)[e.start:e.start + e.compressed]
        crc = 0
        produced = 0
        if e.method == 0:
            for i in range(0, len(raw), CHUNK):
                piece = bytes(raw[i:i + CHUNK])
                crc = zlib.crc32(piece, crc)
                produced += len(piece)
                yield piece
        else:
            inflate = zlib.decompressobj(-15)
            try:
                for i in range(0, len(raw), CHUNK):
                    pending: bytes | memoryview = raw[i:i + CHUNK]
                    while True:
                        out = inflate.decompress(pending, CHUNK)
                        produced += len(out)
                        if produced > e.size:
                            raise Refused(said(IntakeCode.PART_LIES, name=name, size=e.size))
                        if out:
                            crc = zlib.crc32(out, crc)
                            yield out
                        pending = inflate.unconsumed_tail
                        if not pending and len(out) < CHUNK:
                            break
                    if inflate.eof:
                        break
            except zlib.error as exc:
                raise Refused(said(IntakeCode.PART_CORRUPT, name=name, said=str(exc))) from None
            if not inflate.eof:
                raise Refused(said(IntakeCode.PART_TRUNCATED, name=name))
        if produced != e.size or crc != e.crc:
            raise Refused(said(IntakeCode.PART_CRC, name=name))


# ----------------------------------------------------------------------------- DTDs
class _Root(Exception):
    pass


class _Doctype(Exception):
    pass


def _doctype(*_args: Any) -> NoReturn:
    raise _Doctype


def _root(*_args: Any) -> NoReturn:
    raise _Root


class Runs:
    """Refuses a run of more than ``MAX_RUN`` bytes without a '<' across the chunks of a part:
    a text or attribute that long is no cell's (Excel keeps 32,767 characters), and the XML
    parser would hold all of it in memory at once."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.run = 0

    def feed(self, chunk: bytes | bytearray) -> None:
        first = chunk.find(b"<")
        if first < 0:
            self.run += len(chunk)
        else:
            self.run += first
            if self.run <= MAX_RUN:
                self.run = len(chunk) - 1 - chunk.rfind(b"<")
        if self.run > MAX_RUN:
            raise Refused(said(IntakeCode.LONG_TEXT, part=self.part, limit=_mib(MAX_RUN)))


class Prolog:
    """defusedxml's guard (``forbid_dtd``) on an expat parser that reads only up to the root
    element: feed it a part's first bytes; it raises ``Refused`` on a DTD. A DTD can stand only
    before the root element, so the rest is never looked at here. Expat itself decodes the
    bytes (whatever encoding the part declares) and namespaces are on, as in ElementTree: what
    ElementTree would read as a DTD, this reads as one first."""

    def __init__(self, part: str) -> None:
        self.part = part
        self.done = False
        self._seen = 0
        self._parser = expat.ParserCreate(namespace_separator="}")
        self._parser.StartDoctypeDeclHandler = _doctype
        self._parser.EntityDeclHandler = _doctype
        self._parser.UnparsedEntityDeclHandler = _doctype
        self._parser.ExternalEntityRefHandler = _doctype
        self._parser.StartElementHandler = _root

    def feed(self, data: bytes, final: bool = False) -> None:
        if self.done:
            return
        try:
            self._parser.Parse(data, final)
        except _Root:
            self._finish()
            return
        except _Doctype:
            self._finish()
            raise Refused(dtd_reason(self.part)) from None
        except expat.ExpatError:
            self._finish()  # not well-formed: the part's own parse says so, if it is ever read
            return
        self._seen += len(data)
        if final:
            self._finish()
        elif self._seen > PROLOG_LIMIT:
            self._finish()
            raise Refused(said(IntakeCode.NO_ROOT, part=self.part))

    def check(self, chunks: Iterable[bytes]) -> None:
        """Feed chunks until the root element starts (the rest is not inflated)."""
        for chunk in chunks:
            self.feed(chunk)
            if self.done:
                return
        self.feed(b"", final=True)

    def _finish(self) -> None:
        self.done = True
        self._parser.StartElementHandler = None


def dtd_reason(part: str) -> Said:
    return said(IntakeCode.DTD, part=part)
