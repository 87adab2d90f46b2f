"""Rosters: one row per department (an .xlsx or a .csv), turned into fills for a template.

Rosters come as Excel, WPS and LibreOffice export them: UTF-8 (with or without a BOM) or GBK
CSV, or .xlsx; a title row or two above the header row; a 序号 column; headers that are the
template's field names, the form's own labels or their common variants (full- or half-width
brackets, spaces, a （万元） suffix, 部门（单位）名称, 单位编码 …); amounts with thousands
separators; full-width digits. Codes are text: a code an .xlsx stores as a number (its leading
zeros gone, long ones shown as 7.0301E+05) is refused with the fix. An .xlsx roster may add a
sheet of tasks (任务/tasks) and one of indicators (指标/indicators), each with the department's
code in a column. Every problem of the file is reported at once, each with its sheet, row and
column; a department whose indicator weights do not add up to the template's total is one.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlgen.formula.references import col_letters
from xlgen.errors import ErrorCode, Field, Said, XlgenError, said
from xlgen.errors.roster import RosterCode
from xlgen.findings import Finding, Text
from xlgen.intake.package import open_workbook
from xlgen.intake.sheet import read_sheet
from xlgen.names import INDICATORS, TASKS
from xlgen.template.fill import Fill, indicator_inputs
from xlgen.template.model import NUMBER_OR_TEXT, TEXT, Template, input_columns, value_kind

MAX_ROWS = 100_000  # bound what a roster may make us read
MAX_COLUMNS = 200
MAX_CELLS = 2_000_000
TASK_SHEETS = ("任务", TASKS)
INDICATOR_SHEETS = ("指标", INDICATORS)
CODE_NAMES = ("department_code", "部门编码", "code")
# what departments' rosters call the two columns every roster has (compared after _norm)
ALIASES = {
    "department_code": ("部门编码", "单位编码", "部门代码", "单位代码", "部门(单位)编码", "部门(单位)代码",
                        "预算单位编码", "预算单位代码"),
    "department_name": ("部门名称", "单位名称", "部门全称", "单位全称", "部门(单位)名称", "部门(单位)全称",
                        "预算单位名称"),
}
SKIPPED = ("序号", "编号", "no", "no.", "#")  # a row number column, not data
HEADER_SEARCH = 10  # title rows above the header: the header is the first of these rows naming 2 columns
_TOTAL_ROW = re.compile(r"(合计|小计|总计|共计|合\s*计)[:：]?")
_THOUSANDS = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_SCIENTIFIC = re.compile(r"\d+(\.\d+)?[eE][+-]?\d+")


def _norm(text: str) -> str:
    """A header as compared: full-width forms folded (（）→(), ０→0), spaces and a 万元 unit
    dropped, letters in lower case."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()
    return re.sub(r"(\(万元\)|万元)$", "", folded) or folded


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
        self.all_rows = rows
        self.use_header(0)
        self.problems: list[XlgenError] = []
        self.ignored: list[str] = []  # unknown columns, as "D（联系人）"
        self.totals: list[int] = []  # 合计/小计 rows skipped, as the spreadsheet numbers them
        self.bad: set[tuple[int, int]] = set()  # (row, column) of the values refused: not empty cells

    def use_header(self, at: int) -> None:
        """Row ``at`` holds the column names; the rows above it (a title) are not read."""
        self.first = at
        self.header = [str(v).strip() if v is not None else "" for v in
                       (self.all_rows[at] if at < len(self.all_rows) else [])]
        self.rows = self.all_rows[at + 1:]

    def find_header(self, known: dict[str, tuple[str, str]]) -> bool:
        """Skip title rows: the header is the first row naming two known columns."""
        for at, raw in enumerate(self.all_rows[:HEADER_SEARCH]):
            if sum(1 for v in raw if v is not None and _norm(str(v)) in known) >= 2:
                self.use_header(at)
                return True
        return False

    def error_column(self, index: int, code: RosterCode, /, **fields: Field) -> XlgenError:
        return XlgenError(code, file=self.path, sheet=self.name, column=col_letters(index),
                          name=self.header[index] if index < len(self.header) else "", **fields)

    def error_cell(self, row: int, index: int, code: RosterCode, /, **fields: Field) -> XlgenError:
        return XlgenError(code, file=self.path, sheet=self.name, row=row + self.first + 2,
                          column=col_letters(index), name=self.header[index], **fields)

    def columns(self, known: dict[str, tuple[str, str]]) -> list[_Column]:
        """Map each header to a field; an unknown header is a problem (a typo must not vanish)."""
        self.find_header(known)
        cols: list[_Column] = []
        seen: dict[str, int] = {}
        for i, head in enumerate(self.header):
            if not head or _norm(head) in SKIPPED:
                continue
            if _norm(head) not in known:  # 联系人, 备注 …: ignored, and said once (a typo stays visible)
                self.ignored.append(f"{col_letters(i)}（{head}）")
                continue
            field, kind = known[_norm(head)]
            if field in seen:
                first = col_letters(seen[field])
                self.problems.append(self.error_column(i, RosterCode.COLUMN_REPEATS, first=first, field=field))
                continue
            seen[field] = i
            cols.append(_Column(i, field, kind))
        return cols

    def records(self, cols: list[_Column]) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row, values) of each row that is not empty and whose code, if it has a column, is
        readable (a bad value is a problem of the sheet; a bad code, its row's only one)."""
        for r, raw in enumerate(self.rows):
            if all(v is None or str(v).strip() == "" for v in raw):
                continue
            if any(isinstance(v, str) and _TOTAL_ROW.fullmatch(unicodedata.normalize("NFKC", v).replace(" ", ""))
                   for v in raw[:4]):
                self.totals.append(r + self.first + 2)  # a 合计/小计 row under the departments: not one
                continue
            record = {}
            bad_code = False
            for c in cols:
                value = raw[c.index] if c.index < len(raw) else None
                parsed = _parse(value, c.kind, c.field)
                if isinstance(parsed, _Bad):
                    self.bad.add((r, c.index))
                    self.problems.append(self.error_cell(r, c.index, parsed.code, value=parsed.value))
                    bad_code = bad_code or c.field == "department_code"
                elif parsed is not None:
                    record[c.field] = parsed
            if not bad_code:
                yield r, record


@dataclass(frozen=True)
class _Bad:
    code: RosterCode
    value: Any  # the cell's value, as its message shows it


def _parse(value: Any, kind: str, field: str = "") -> Any:
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    if kind == TEXT:
        if field.endswith("_code"):
            return _code(value)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()
    if isinstance(value, bool):
        return _Bad(RosterCode.NOT_A_NUMBER, value)
    if isinstance(value, (int, float)):
        return float(value)
    text = unicodedata.normalize("NFKC", str(value)).strip()  # full-width digits, ．and ，
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")  # 1,234.50 as Excel shows it
    try:
        number = float(text)
    except ValueError:
        return str(value).strip() if kind == NUMBER_OR_TEXT else _Bad(RosterCode.NOT_A_NUMBER, value)
    return number if number == number and abs(number) != float("inf") else _Bad(RosterCode.NOT_A_NUMBER, value)


def _code(value: Any) -> Any:
    """A code as text, digits folded to half-width; a number is refused: the spreadsheet has
    dropped its leading zeros or will show it as 7.0301E+05."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _Bad(RosterCode.CODE_A_NUMBER, int(value) if isinstance(value, float) and value.is_integer() else value)
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if _SCIENTIFIC.fullmatch(text):
        return _Bad(RosterCode.CODE_SCIENTIFIC, value)
    return text


def _shown(known: dict[str, tuple[str, str]]) -> Text:
    """The column names an error lists: in Chinese each field's label with its name (either is
    a column name), in English the names (their Chinese labels also do)."""
    fields = sorted({field for field, _kind in known.values()})
    return Text("、".join(f"{_label(known, f)}（{f}）" if _label(known, f) else f for f in fields), ", ".join(fields))


def _label(known: dict[str, tuple[str, str]], field: str) -> str:
    """The first Chinese name of ``field``'s column ("" when it has none)."""
    return next((name for name, (f, _kind) in known.items() if f == field and not name.isascii()), "")


def _header_columns(template: Template) -> dict[str, tuple[str, str]]:
    """Header (as _norm compares it) → (field, kind) of the department sheet."""
    known: dict[str, tuple[str, str]] = {}
    inputs = template.header_inputs()
    for hrow in template.header:
        for f in hrow.fields:
            if f.field not in inputs:  # computed (自评总分): nothing a roster gives
                continue
            known[_norm(f.field)] = (f.field, value_kind(f.type))
            if f.hint and f.hint != "万元":  # a hint that names the field, not its unit
                known.setdefault(_norm(f.hint), (f.field, value_kind(f.type)))
            if f.label:  # a field's own label on the form (实施单位 beside 主管部门)
                known.setdefault(_norm(f.label), (f.field, value_kind(f.type)))
        if len(hrow.fields) == 1 and hrow.fields[0].field in inputs:
            known.setdefault(_norm(hrow.label), (hrow.fields[0].field, value_kind(hrow.fields[0].type)))
    for field, names in ALIASES.items():
        for name in names:
            known.setdefault(_norm(name), (field, TEXT))
    return known


def _table_columns(types: dict[str, str], labels: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Header → (field, kind) of a task or indicator sheet: field names, column labels, 部门编码."""
    known = {_norm(n): ("department_code", TEXT) for n in (*CODE_NAMES, *ALIASES["department_code"])}
    for name, kind in types.items():
        known[_norm(name)] = (name, value_kind(kind))
        if name in labels:
            known.setdefault(_norm(labels[name]), (name, value_kind(kind)))
    return known


class Roster(list[RosterEntry]):
    """The departments of a roster (a list, as callers use it), with what reading it noted: the
    columns ignored, the 合计 rows skipped, the bureau's columns left open."""

    def __init__(self, entries: list[RosterEntry], notes: list[Said]) -> None:
        super().__init__(entries)
        self.notes = notes


LEAVE_OPEN = "--leave-open"


def load_roster(path: Path, template: Template, leave_open: bool = False) -> Roster:
    """The departments of the roster, each as a fill; every problem of the file at once. Every
    column that fills one of the bureau's fixed header cells (the template's ``[fixed] header``)
    must be there, unless ``leave_open``: those cells are then left for the department to type."""
    sheets = _read(path)
    known = _header_columns(template)
    side = {n for names in (TASK_SHEETS, INDICATOR_SHEETS) for n in names}
    # the departments' sheet is found by its headers (a cover page or a notes sheet before it is passed over)
    main = next((sh for sh in sheets if sh.name.strip().lower() not in side and sh.find_header(known)), sheets[0])
    cols = main.columns(known)
    fields = {c.field for c in cols}
    for need in ("department_code", "department_name"):
        if need not in fields:
            label = _label(known, need)
            raise _problems(path, [*main.problems, XlgenError(RosterCode.COLUMN_MISSING, file=path, sheet=main.name,
                                                              label=label, field=need)])
    notes: list[Said] = []
    inputs = template.header_inputs()
    missing = [f for f in template.fixed.get("header", ()) if f in inputs and f not in fields]
    if missing:
        named = Text("、".join(f"「{_label(known, f) or f}」（{f}）" for f in missing),
                     ", ".join(f"{f} ({_label(known, f)})" if _label(known, f) else f for f in missing))
        if not leave_open:
            main.problems.append(XlgenError(RosterCode.FIXED_COLUMNS_MISSING, file=path, sheet=main.name,
                                            template=template.id, columns=named))
        else:
            notes.append(said(RosterCode.LEFT_OPEN, columns=named))
    # the bureau's columns that are there: an empty cell in one is refused like a missing column
    bureau = [c for c in cols if c.field in template.fixed.get("header", ()) and c.field in inputs
              and c.field not in ("department_code", "department_name")]  # these two: their own errors
    left_open: list[str] = []  # with --leave-open: the empty cells left for the departments, as "E7"
    entries: dict[str, RosterEntry] = {}
    code_col = next(c.index for c in cols if c.field == "department_code")
    name_col = next(c.index for c in cols if c.field == "department_name")
    for r, record in main.records(cols):
        code = record.get("department_code")
        for c in cols:
            if isinstance(record.get(c.field), float) and record[c.field] < 0:
                main.problems.append(main.error_cell(r, c.index, RosterCode.NEGATIVE, value=record[c.field]))
        for c in (c for c in bureau if c.field not in record and (r, c.index) not in main.bad):
            if leave_open:
                left_open.append(f"{col_letters(c.index)}{r + main.first + 2}")
            else:
                main.problems.append(main.error_cell(r, c.index, RosterCode.BUREAU_CELL_EMPTY))
        if code and not record.get("department_name"):
            main.problems.append(main.error_cell(r, name_col, RosterCode.NAME_EMPTY))
        if not code:
            main.problems.append(main.error_cell(r, code_col, RosterCode.CODE_EMPTY))
        elif code in entries:
            main.problems.append(main.error_cell(r, code_col, RosterCode.CODE_REPEATS, code=code, earlier=entries[code].row))
        else:
            entries[code] = RosterEntry(row=r + main.first + 2, fill=Fill(header=record))
    if not entries and not main.problems:
        raise XlgenError(RosterCode.NO_DEPARTMENT, file=path, sheet=main.name)
    by_name = {s.name.strip().lower(): s for s in sheets if s is not main}
    tables = ((TASK_SHEETS, input_columns(template.tasks.columns), template.tasks),
              (INDICATOR_SHEETS, indicator_inputs(template), template.indicators))
    weights_from: _Sheet | None = None
    for names, types, table in tables:
        sheet = next((by_name[n] for n in names if n in by_name), None)
        if sheet is None:
            continue
        scols = sheet.columns(_table_columns(types, {c.field: c.label for c in table.columns}))
        index = {c.field: c.index for c in scols}
        for r, record in sheet.records(scols):
            code = record.pop("department_code", None)
            if code not in entries:
                sheet.problems.append(sheet.error_cell(r, index.get("department_code", 0), RosterCode.CODE_UNKNOWN, code=code))
                continue
            fill = entries[code].fill
            if table is template.tasks:
                fill.tasks.append(record)
            elif not record.get("name"):
                sheet.problems.append(sheet.error_cell(r, index.get("name", 0), RosterCode.INDICATOR_NAME_EMPTY))
            elif not fill.add_indicator(template, record):
                sheet.problems.append(sheet.error_cell(r, index.get("name", 0), RosterCode.INDICATOR_UNKNOWN,
                                                       indicator=record["name"], template=template.id))
            else:
                weights_from = sheet
    problems = [p for s in sheets for p in s.problems]
    if weights_from is not None:
        problems += _weights(weights_from, template, list(entries.values()))
    if problems:
        raise _problems(path, problems)
    if left_open:
        notes.append(said(RosterCode.CELLS_LEFT_OPEN, sheet=main.name,
                          cells=Text("、".join(left_open), ", ".join(left_open))))
    for sh in sheets:
        if sh.ignored:
            notes.append(said(RosterCode.COLUMNS_IGNORED, sheet=sh.name,
                              columns=Text("、".join(sh.ignored), ", ".join(sh.ignored))))
        if sh.totals:
            notes.append(said(RosterCode.TOTALS_SKIPPED, sheet=sh.name,
                              rows=Text("、".join(map(str, sh.totals)), ", ".join(map(str, sh.totals)))))
    return Roster(list(entries.values()), notes)


def _weights(sheet: _Sheet, template: Template, entries: list[RosterEntry]) -> list[XlgenError]:
    """A department whose indicators' weights (the tree's, its own targets' and its own rows')
    do not add up to the template's total: its form could never score 100."""
    out = []
    for e in entries:
        given = [e.fill.indicators.get(t.name, {}).get("weight", t.weight) for t in template.tree]
        given += [x.get("weight") for x in e.fill.extra_indicators]
        if any(not isinstance(w, float) for w in given):
            continue  # a weight left to the department
        total = round(sum(w for w in given if isinstance(w, float)), 6)
        if total != round(template.weight_indicators, 6):
            out.append(XlgenError(RosterCode.WEIGHTS_SUM, file=sheet.path, sheet=sheet.name, code=e.code, total=total,
                                  expected=template.weight_indicators))
    return out


def _problems(path: Path, problems: list[XlgenError]) -> XlgenError:
    """One error for every problem of the file, each on its own line (one alone: itself)."""
    if len(problems) == 1:
        return problems[0]
    return XlgenError(ErrorCode.ROSTER_PROBLEMS, file=path, count=len(problems), problems=Text(
        "\n".join("  " + p.message_in("zh") for p in problems), "\n".join("  " + p.message_in("en") for p in problems)))


def _read(path: Path) -> list[_Sheet]:
    if not path.is_file():
        raise XlgenError(ErrorCode.FILE_MISSING, file=path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [_read_csv(path)]
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".xls":
        return _read_xls(path)
    raise XlgenError(RosterCode.NOT_A_ROSTER, file=path)


def _read_xls(path: Path) -> list[_Sheet]:
    """The sheets of an Excel 97–2003 roster, values only (xlrd reads no formula, no macro)."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, struct.error, AssertionError … on a damaged file
        raise XlgenError(RosterCode.XLS_UNREADABLE, file=path, error=type(exc).__name__, said=str(exc)) from None
    sheets = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if sheet.nrows > MAX_ROWS + 1 or sheet.nrows * min(sheet.ncols, MAX_COLUMNS) > MAX_CELLS:
                raise XlgenError(RosterCode.SHEET_TOO_LONG, file=path, sheet=sheet.name, limit=MAX_ROWS)
            rows = [[_xls_value(sheet.cell(r, c)) for c in range(min(sheet.ncols, MAX_COLUMNS))]
                    for r in range(sheet.nrows)]
            sheets.append(_Sheet(path, sheet.name, rows))
    finally:
        book.release_resources()
    return sheets


def _xls_value(cell: Any) -> Any:
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value  # text as str, numbers and dates as float


def _read_csv(path: Path) -> _Sheet:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK by default
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise XlgenError(RosterCode.CSV_ENCODING, file=path)
    rows = []
    for i, row in enumerate(csv.reader(text.splitlines())):
        if i > MAX_ROWS:
            raise XlgenError(RosterCode.CSV_TOO_LONG, file=path, limit=MAX_ROWS)
        rows.append(list(row[:MAX_COLUMNS]))
    return _Sheet(path, path.stem, rows)


def _read_xlsx(path: Path) -> list[_Sheet]:
    """The sheets of an .xlsx roster, read through the reader's safe path (``safezip``'s
    checks, DTDs refused, parts inflated with a cap, rows and columns bounded), as a returned
    workbook is: never openpyxl on a file that came from outside."""
    pkg = open_workbook(path)
    if isinstance(pkg, Finding):
        raise XlgenError(RosterCode.XLSX_UNREADABLE, file=path, reason=pkg.params["reason"])
    pkg.max_strings = MAX_ROWS * 4  # a roster holds more distinct texts than a form
    sheets = []
    for ref in pkg.sheets:
        sheet = read_sheet(pkg, ref, MAX_ROWS + 1, MAX_COLUMNS, max_cells=MAX_CELLS, memo=False)
        if isinstance(sheet, Finding):
            raise XlgenError(RosterCode.SHEET_UNREADABLE, file=path, sheet=ref.name, reason=sheet.params["reason"])
        rows: list[list[Any]] = [[] for _ in range(1 + max((r for r, _c in sheet.cells), default=-1))]
        for (r, c), cell in sorted(sheet.cells.items()):
            if r < 0 or c < 0:
                continue
            row = rows[r]
            row.extend([None] * (c + 1 - len(row)))
            row[c] = cell.value
        sheets.append(_Sheet(path, ref.name, rows))
    return sheets
