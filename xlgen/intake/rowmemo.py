"""Rows that come back byte for byte in file after file, read once.

The returns of one form repeat most of their rows exactly: titles, headings, the labels of the
indicators, the live check's formulas with their saved results; only the rows a department typed
into differ. A sheet's part is cut into its rows' bytes; a row read before in the same context
(the part's declaration, the namespaces its root declares, the range read) is taken from here,
and only the others are parsed, together, in one document made of the part with the known rows
left out.

What a row's bytes are read as depends on nothing else once these hold (checked by ``rows_of``
and by the reader, ``sheet._as_cut``): the rows hold no comment, CDATA section or processing
instruction (which could hide a neighbour, or swallow the rows after it); a row kept starts with
its number (``r``) and holds no shared formula (a follower's text depends on an earlier row);
and the rows parsed came out as exactly the pieces left to parse, one row element each, as the
only children of <sheetData>. Every piece then holds one whole row element and nothing but text
after it, so that a row taken from here is the row the whole part would give; any other part is
parsed whole, as before. (Cutting the rows not known into their cells as well was tried and left
out: on returns of different departments it saved no instructions, 21.3 M a file either way.)
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import NamedTuple

from xlgen.intake.package import Cell

_ATTRIBUTES = rb"(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*"  # one after another: a '>' may stand in a value
_ROOT_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?worksheet" + _ATTRIBUTES + rb">")
_ATTRIBUTE = re.compile(rb"\s+([^\s=/>]+)\s*=\s*(?:\"[^\"]*\"|'[^']*')")
# Before the root: a byte order mark and the XML declaration at most (no comment can hide a tag).
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<\?xml[^<>]*\?>)?\s*")
_DATA_START = b"<sheetData>"
_ROW_START = re.compile(rb"<row[\s/>]")
_KEPT = b'<row r="'  # a row read here must carry its own number
HELD_MAX = 4_000  # rows held: a form has some 60, a row with its reading takes some 8 KB (32 MB at most)

Context = tuple[bytes, bytes, int, int]  # (declaration, namespaces declared by the root, max_row, max_col)


class RowRead(NamedTuple):
    """What one <row> holds of the range read."""

    row: int  # 0-based
    cells: tuple[tuple[tuple[int, int], Cell], ...]
    strings_at: tuple[tuple[int, int, int, str | None, int], ...]  # (row, col, string index, formula, style)
    long_texts: tuple[tuple[str, int], ...]
    external: tuple[tuple[str, str], ...]  # formulas linking outside (every one of the row)
    parsed: int  # cells parsed (in rows of the range)


@dataclass
class RowCut:
    """A sheet's part up to </sheetData>, cut into its rows; ``known`` the rows read before."""

    context: Context
    pieces: list[bytes]
    known: list[RowRead | None]  # per piece
    document: bytes  # the part with the known rows left out

    def parsed(self, rows: list[object]) -> bool:
        """Whether the rows parsed from ``document`` (the children of its <sheetData>, those
        that are rows) are the pieces not known, one each."""
        return len(rows) == self.known.count(None)

    def keep(self, piece: bytes, read: RowRead) -> None:
        if piece.startswith(_KEPT) and b"shared" not in piece:
            MEMO.keep(self.context, piece, read)


class RowMemo:
    """Rows read, per context; emptied when it holds ``HELD_MAX`` rows (a batch's memory stays
    bounded). Threads (the page runs batches in threads) share it: a row is added or looked up
    whole, and a row cleared away is only read again."""

    def __init__(self) -> None:
        self.rows: dict[Context, dict[bytes, RowRead]] = {}
        self.held = 0
        self.lock = threading.Lock()
        self.rows_cut = self.rows_taken = 0  # rows of the parts cut, and of those taken from here (for the benchmark)

    def keep(self, context: Context, piece: bytes, read: RowRead) -> None:
        with self.lock:
            if self.held >= HELD_MAX:
                self.rows.clear()
                self.held = 0
            self.rows.setdefault(context, {})[piece] = read
            self.held += 1

    def clear(self) -> None:
        with self.lock:
            self.rows.clear()
            self.held = self.rows_cut = self.rows_taken = 0


MEMO = RowMemo()


def rows_of(data: bytes, end: int, max_row: int, max_col: int) -> RowCut | None:
    """``data``: a sheet's part up to </sheetData> (which starts at ``end``); None when it is
    not laid out as this reads it (then it is parsed whole)."""
    start = data.find(_DATA_START)
    root = _ROOT_TAG.search(data, 0, start) if start >= 0 else None
    if root is None or _PROLOG.fullmatch(data, 0, root.start()) is None:
        return None
    start += len(_DATA_START)
    if data.find(b"<!", start, end) >= 0 or data.find(b"<?", start, end) >= 0:
        return None
    marks = [m.start() for m in _ROW_START.finditer(data, start, end)]
    if not marks or data[start:marks[0]].strip():
        return None
    marks.append(end)
    pieces = [data[a:b] for a, b in zip(marks, marks[1:])]
    # what the rows are read as depends on the namespaces the root declares, not on its other
    # attributes (Excel gives each sheet an id of its own there)
    namespaces = b" ".join(m.group(0).strip() for m in _ATTRIBUTE.finditer(root.group(0))
                           if m.group(1) == b"xmlns" or m.group(1).startswith(b"xmlns:"))
    context = (data[:root.start()], namespaces, max_row, max_col)
    table = MEMO.rows.get(context) or {}
    known = [table.get(p) for p in pieces]
    MEMO.rows_cut += len(pieces)
    MEMO.rows_taken += len(pieces) - known.count(None)
    if all(k is None for k in known):
        document = data
    else:
        document = b"".join([data[:start], *(p for p, k in zip(pieces, known) if k is None), data[end:]])
    return RowCut(context, pieces, known, document)
