"""A sheet as a grid of values with its merged cells: what a form xlgen did not make is read from.

An .xlsx goes through the reader's safe path (``safezip``'s checks, DTDs refused, parts inflated
with a cap, rows and columns bounded); its merged ranges are scanned from the sheet's bytes.
An .xls (OLE2) is read with xlrd for its values and merges only, after the same size checks:
no formula of a legacy file is needed, and none is ever evaluated. Nothing here raises on a
bad file: ``open_grids`` returns the grids or an ``unreadable`` finding.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlgen.errors import said
from xlgen.errors.intake import IntakeCode
from xlgen.findings import Code, Finding, finding
from xlgen.formula.references import col_index
from xlgen.intake.celltext import as_text
from xlgen.intake.package import Package, damaged, open_workbook, unreadable
from xlgen.intake.sheet import read_sheet
from xlgen.intake.safezip import OLE2, Refused, encrypted, ole2_reason, read_bytes

MAX_ROWS = 1_000  # rows read of a legacy sheet (the form has about 60)
MAX_COLS = 64  # … and columns (it has about 20)
MAX_SHEETS = 10  # visible sheets tried
MAX_MERGES = 5_000  # merged ranges kept per sheet
MAX_MERGED = 200_000  # cells of merged ranges followed (a form merges a few hundred)
_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref\s*=\s*[\"']([A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?)[\"']")
_A1 = re.compile(r"([A-Z]{1,3})(\d+)")
CARRY = 256  # bytes kept between chunks so that a mergeCell element split by a chunk is still seen


@dataclass
class Grid:
    """The values of one sheet (0-based (row, col), file coordinates) and its merged ranges."""

    path: Path
    sheet: str
    cells: dict[tuple[int, int], Any]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    package: Package | None = None  # the .xlsx package (None for an .xls)

    def __post_init__(self) -> None:
        # merged ranges clipped to what is read, and at most MAX_MERGED cells followed in all
        self.merges = [(r1, c1, min(r2, MAX_ROWS - 1), min(c2, MAX_COLS - 1))
                       for r1, c1, r2, c2 in self.merges if r1 < MAX_ROWS and c1 < MAX_COLS]
        self._top: dict[tuple[int, int], tuple[int, int]] = {}
        for r1, c1, r2, c2 in self.merges:
            if len(self._top) + (r2 - r1 + 1) * (c2 - c1 + 1) > MAX_MERGED:
                break
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    self._top.setdefault((r, c), (r1, c1))

    def origin(self, row: int, col: int) -> tuple[int, int]:
        """The cell holding what (row, col) shows: the first cell of its merged range, or itself."""
        return self._top.get((row, col), (row, col))

    def value(self, row: int, col: int) -> Any:
        return self.cells.get(self.origin(row, col))

    def text(self, row: int, col: int) -> str:
        return as_text(self.value(row, col)).strip()

    def span(self, row: int, col: int) -> tuple[int, int]:
        """The columns the cell at (row, col) covers (its merged range's, or its own)."""
        r0, c0 = self.origin(row, col)
        for r1, c1, r2, c2 in self.merges:
            if (r1, c1) == (r0, c0):
                return c1, c2
        return col, col

    @property
    def rows(self) -> int:
        return 1 + max((r for r, _ in self.cells), default=-1)

    @property
    def cols(self) -> int:
        return 1 + max((c for _, c in self.cells), default=-1)


def open_grids(path: Path) -> list[Grid] | Finding:
    """The visible sheets of ``path`` (.xlsx or .xls) as grids, or an ``unreadable`` finding."""
    try:
        data = read_bytes(Path(path))
        if data[:8] == OLE2:
            if encrypted(data):  # an encrypted .xlsx is an OLE2 file too; xlrd cannot open it
                raise Refused(ole2_reason(data))
            return _xls_grids(Path(path), data)
        pkg = open_workbook(Path(path))
        if isinstance(pkg, Finding):
            return pkg
        return _xlsx_grids(pkg)
    except Refused as exc:
        return finding(Code.UNREADABLE, reason=exc.reason)
    except Exception as exc:  # a damaged file: a finding, never a traceback
        return damaged(exc)


def _xlsx_grids(pkg: Package) -> list[Grid] | Finding:
    grids = []
    for ref in [s for s in pkg.sheets if s.state == "visible"][:MAX_SHEETS]:
        sheet = read_sheet(pkg, ref, MAX_ROWS, MAX_COLS)
        if isinstance(sheet, Finding):
            return sheet
        cells = {pos: c.value for pos, c in sheet.cells.items() if c.value is not None and c.value != ""}
        grids.append(Grid(pkg.path, ref.name, cells, list(_merges(pkg.zip.chunks(ref.part))), pkg))
    return grids


def _merges(chunks: Iterator[bytes]) -> Iterator[tuple[int, int, int, int]]:
    """The merged ranges of a sheet part, scanned from its bytes (inside the read bounds)."""
    seen: set[bytes] = set()
    tail = b""
    for chunk in chunks:
        data = tail + chunk
        for m in _MERGE.finditer(data):
            if m.group(1) in seen or len(seen) >= MAX_MERGES:
                continue
            seen.add(m.group(1))
            ends = [_A1.fullmatch(part) for part in m.group(1).decode().split(":")]
            points = [(int(e.group(2)) - 1, col_index(e.group(1))) for e in ends if e]
            if not points:
                continue
            (r1, c1), (r2, c2) = points[0], points[-1]
            yield min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)
        tail = data[-CARRY:]


def _xls_grids(path: Path, data: bytes) -> list[Grid] | Finding:
    """An .xls workbook's visible sheets, values only (xlrd; formatting_info for the merges)."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception as exc:  # damaged, or encrypted (a FILEPASS record): xlrd says which
        return unreadable(said(IntakeCode.XLS_UNREADABLE, said=str(exc)[:250]))
    grids = []
    for index in range(min(book.nsheets, MAX_SHEETS * 3)):
        sh = book.sheet_by_index(index)
        if sh.visibility != 0:
            continue
        cells: dict[tuple[int, int], Any] = {}
        for r in range(min(sh.nrows, MAX_ROWS)):
            for c in range(min(sh.row_len(r), MAX_COLS)):
                value = _xls_value(sh.cell(r, c), xlrd)
                if value is not None and value != "":
                    cells[(r, c)] = value
        merges = [(rlo, clo, rhi - 1, chi - 1) for rlo, rhi, clo, chi in sh.merged_cells[:MAX_MERGES]]
        grids.append(Grid(path, sh.name, cells, merges))
        if len(grids) >= MAX_SHEETS:
            break
    return grids


def _xls_value(cell: Any, xlrd: Any) -> Any:
    kind = cell.ctype
    if kind in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_DATE):
        return float(cell.value)
    if kind == xlrd.XL_CELL_TEXT:
        return str(cell.value)
    if kind == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if kind == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#N/A")
    return None
