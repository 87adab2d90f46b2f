"""Rosters: one row per department (an .xlsx or a .csv), turned into fills for a template.

Columns are the template's header field names (department_code, …) or their Chinese labels.
An .xlsx roster may add a sheet of tasks (任务/tasks) and one of indicators (指标/indicators),
each with the department's code in its first column. Every error names the row and the column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlgen.formula.engine import col_letters
from xlgen.errors import ErrorCode, XlgenError
from xlgen.names import INDICATORS, TASKS
from xlgen.template.fill import Fill, indicator_inputs
from xlgen.template.model import NUMBER_OR_TEXT, TEXT, Template, input_columns, value_kind

MAX_ROWS = 100_000  # bound what a roster may make us read
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000
TASK_SHEETS = ("任务", TASKS)
INDICATOR_SHEETS = ("指标", INDICATORS)
CODE_NAMES = ("department_code", "部门编码", "code")


@dataclass(frozen=True)
class RosterEntry:
    row: int  # the roster row it came from (1-based, as the spreadsheet shows it)
    fill: Fill

    @property
    def code(self) -> str:
        return str(self.fill.header.get("department_code") or "")

    @property
    def name(self) -> str:
        return str(self.fill.header.get("department_name") or "")


@dataclass(frozen=True)
class _Column:
    index: int
    field: str
    kind: str  # template.value_kind: text | number | number_or_text


class _Sheet:
    """A table with a header row, from a csv file or an xlsx sheet."""

    def __init__(self, path: Path, name: str, rows: list[list[Any]]) -> None:
        self.path, self.name = path, name
        self.header = [str(v).strip() if v is not None else "" for v in (rows[0] if rows else [])]
        self.rows = rows[1:]

    def error_column(self, index: int, detail: str) -> XlgenError:
        return XlgenError(ErrorCode.ROSTER_COLUMN, file=self.path, sheet=self.name, column=col_letters(index),
                          name=self.header[index] if index < len(self.header) else "", detail=detail)

    def error_cell(self, row: int, index: int, detail: str) -> XlgenError:
        return XlgenError(ErrorCode.ROSTER_CELL, file=self.path, sheet=self.name, row=row + 2,
                          column=col_letters(index), name=self.header[index], detail=detail)

    def columns(self, known: dict[str, tuple[str, str]]) -> list[_Column]:
        """Map each header to a field; an unknown header is an error (a typo must not vanish)."""
        cols: list[_Column] = []
        seen: dict[str, int] = {}
        for i, head in enumerate(self.header):
            if not head:
                continue
            if head not in known:
                names = sorted({k for k in known if k.isascii()})
                raise self.error_column(i, f"not a known column; expected one of: {', '.join(names)} "
                                           "(or their Chinese labels)")
            field, kind = known[head]
            if field in seen:
                raise self.error_column(i, f"repeats column {col_letters(seen[field])} ({field})")
            seen[field] = i
            cols.append(_Column(i, field, kind))
        return cols

    def records(self, cols: list[_Column]) -> Iterator[tuple[int, dict[str, Any]]]:
        for r, raw in enumerate(self.rows):
            if all(v is None or str(v).strip() == "" for v in raw):
                continue
            record = {}
            for c in cols:
                value = raw[c.index] if c.index < len(raw) else None
                parsed = _parse(value, c.kind)
                if parsed is _BAD:
                    raise self.error_cell(r, c.index, f"{value!r} is not a number")
                if parsed is not None:
                    record[c.field] = parsed
            yield r, record


_BAD = object()


def _parse(value: Any, kind: str) -> Any:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if kind == TEXT:
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # a code typed as a number in a spreadsheet
        return str(value).strip()
    if isinstance(value, bool):
        return _BAD
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return str(value).strip() if kind == NUMBER_OR_TEXT else _BAD


def _header_columns(template: Template) -> dict[str, tuple[str, str]]:
    known: dict[str, tuple[str, str]] = {}
    inputs = template.header_inputs()
    for hrow in template.header:
        for f in hrow.fields:
            if f.field not in inputs:  # computed (自评总分): nothing a roster gives
                continue
            known[f.field] = (f.field, value_kind(f.type))
            if f.hint and f.hint != "万元":  # a hint that names the field, not its unit
                known.setdefault(f.hint, known[f.field])
        if len(hrow.fields) == 1 and hrow.fields[0].field in known:
            known.setdefault(hrow.label, known[hrow.fields[0].field])
    known.setdefault("部门名称", ("department_name", TEXT))
    known.setdefault("部门编码", ("department_code", TEXT))
    return known


def _table_columns(types: dict[str, str], labels: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Header → (field, kind) of a task or indicator sheet: field names, column labels, 部门编码."""
    known = {n: ("department_code", TEXT) for n in CODE_NAMES}
    for name, kind in types.items():
        known[name] = (name, value_kind(kind))
        if name in labels:
            known.setdefault(labels[name], known[name])
    return known


def load_roster(path: Path, template: Template) -> list[RosterEntry]:
    sheets = _read(path)
    main = sheets[0]
    cols = main.columns(_header_columns(template))
    fields = {c.field for c in cols}
    for need in ("department_code", "department_name"):
        if need not in fields:
            raise XlgenError(ErrorCode.ROSTER_FORMAT, file=path,
                             detail=f"sheet '{main.name}' has no column {need} (部门编码/部门名称) in its first row")
    entries: dict[str, RosterEntry] = {}
    code_col = next(c.index for c in cols if c.field == "department_code")
    for r, record in main.records(cols):
        code = record.get("department_code")
        if not code:
            raise main.error_cell(r, code_col, "the department code is empty")
        if code in entries:
            raise main.error_cell(r, code_col, f"code {code} already appears in row {entries[code].row}")
        entries[code] = RosterEntry(row=r + 2, fill=Fill(header=record))
    if not entries:
        raise XlgenError(ErrorCode.ROSTER_FORMAT, file=path, detail=f"sheet '{main.name}' lists no department")
    by_name = {s.name.strip().lower(): s for s in sheets[1:]}
    tables = ((TASK_SHEETS, input_columns(template.tasks.columns), template.tasks),
              (INDICATOR_SHEETS, indicator_inputs(template), template.indicators))
    for names, types, table in tables:
        sheet = next((by_name[n] for n in names if n in by_name), None)
        if sheet is None:
            continue
        scols = sheet.columns(_table_columns(types, {c.field: c.label for c in table.columns}))
        index = {c.field: c.index for c in scols}
        for r, record in sheet.records(scols):
            code = record.pop("department_code", None)
            if code not in entries:
                raise sheet.error_cell(r, index.get("department_code", 0),
                                       f"code {code!r} is not a department of the first sheet")
            fill = entries[code].fill
            if table is template.tasks:
                fill.tasks.append(record)
            elif not record.get("name"):
                raise sheet.error_cell(r, index.get("name", 0), "the indicator's name (三级指标) is empty")
            elif not fill.add_indicator(template, record):
                raise sheet.error_cell(r, index.get("name", 0),
                                       f"'{record['name']}' is not an indicator of template {template.id}; "
                                       "a new indicator also needs 一级指标 and 二级指标")
    return list(entries.values())


def _read(path: Path) -> list[_Sheet]:
    if not path.is_file():
        raise XlgenError(ErrorCode.FILE_MISSING, file=path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    raise XlgenError(ErrorCode.ROSTER_FORMAT, file=path, detail="a roster is an .xlsx or a .csv file")


def _read_csv(path: Path) -> _Sheet:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK by default
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise XlgenError(ErrorCode.ROSTER_FORMAT, file=path, detail="not UTF-8 or GB18030 text")
    rows = []
    for i, row in enumerate(csv.reader(text.splitlines())):
        if i > MAX_ROWS:
            raise XlgenError(ErrorCode.ROSTER_FORMAT, file=path, detail=f"more than {MAX_ROWS} rows")
        rows.append(list(row[:MAX_COLUMNS]))
    return _Sheet(path, path.stem, rows)


def _read_xlsx(path: Path) -> list[_Sheet]:
    """The sheets of an .xlsx roster, read through the reader's safe path (``safezip``'s
    checks, DTDs refused, parts inflated with a cap, rows and columns bounded), as a returned
    workbook is: never openpyxl on a file that came from outside."""
    from xlgen.findings import Finding
    from xlgen.intake.package import open_workbook
    from xlgen.intake.sheet import read_sheet

    pkg = open_workbook(path)
    if isinstance(pkg, Finding):
        raise XlgenError(ErrorCode.ROSTER_FORMAT, file=path, detail=f"cannot be read as .xlsx: {pkg.params['reason'].en}")
    pkg.max_strings = MAX_ROWS * 4  # a roster holds more distinct texts than a form
    sheets = []
    for ref in pkg.sheets:
        sheet = read_sheet(pkg, ref, MAX_ROWS + 1, MAX_COLUMNS, max_cells=MAX_CELLS)
        if isinstance(sheet, Finding):
            raise XlgenError(ErrorCode.ROSTER_FORMAT, file=path,
                             detail=f"sheet '{ref.name}' cannot be read: {sheet.params['reason'].en}")
        rows: list[list[Any]] = [[] for _ in range(1 + max((r for r, _c in sheet.cells), default=-1))]
        for (r, c), cell in sorted(sheet.cells.items()):
            if r < 0 or c < 0:
                continue
            row = rows[r]
            row.extend([None] * (c + 1 - len(row)))
            row[c] = cell.value
        sheets.append(_Sheet(path, ref.name, rows))
    return sheets
