"""What a verification run shows: a table per file on the terminal, and the summary workbook.

``write_report`` writes ``--report SUMMARY.xlsx`` with XlsxWriter: a sheet with one row per
file (department, year, template, status, total score, grade 优/良/中/差 by the template's
levels, error and warning counts), a sheet with every finding, and a small summary whose counts
are live formulas over the first sheet. Every text is written as text (``write_string``): a
department name or a message beginning with '=' stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import xlsxwriter
from rich.table import Table
from rich.text import Text as RichText

from xlgen.formula.engine import col_letters
from xlgen.verify.result import ERRORED, FAIL, PASS, FileResult, status_counts

STATUS = {
    "zh": {PASS: "通过", FAIL: "未通过", ERRORED: "无法读取"},
    "en": {PASS: "pass", FAIL: "fail", ERRORED: "error"},
}
SEVERITY = {"zh": {"error": "错误", "warning": "警告"}, "en": {"error": "error", "warning": "warning"}}
FILE_COLUMNS = {
    "zh": ("文件", "部门编码", "部门名称", "年度", "模板", "状态", "总评价得分", "等级", "错误数", "警告数"),
    "en": ("file", "department code", "department name", "year", "template", "status", "total score",
           "grade", "errors", "warnings"),
}
FINDING_COLUMNS = {
    "zh": ("文件", "部门编码", "工作表", "单元格", "代码", "严重程度", "字段", "说明"),
    "en": ("file", "department code", "sheet", "cell", "code", "severity", "field", "message"),
}
SHEETS = {"zh": ("文件", "问题", "汇总"), "en": ("files", "findings", "summary")}
SUMMARY_ROWS = {
    "zh": ("文件数", "通过", "未通过", "无法读取", "平均总评价得分"),
    "en": ("files", "pass", "fail", "error", "average total score"),
}
FILE_WIDTHS = (48, 12, 32, 8, 28, 10, 12, 8, 8, 8)
FINDING_WIDTHS = (48, 12, 10, 10, 22, 10, 28, 90)
STATUS_COL = 5
SCORE_COL = 6


def write_report(results: Sequence[FileResult], out: Path, lang: str = "zh", force: bool = False,
                 keep: Sequence[Path] = ()) -> Path:
    """Write the summary workbook atomically (never over an existing file without ``force``,
    never over one of ``keep``, the verified files)."""
    from xlgen.generate.workbook import XLSX, write_atomic

    write_atomic(out, force, lambda tmp: _write(tmp, results, lang), keep=keep, suffix=XLSX)
    return out


def _write(tmp: Path, results: Sequence[FileResult], lang: str) -> None:
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    score = wb.add_format({"num_format": "0.00"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    files_name, findings_name, summary_name = SHEETS[lang]
    status = STATUS[lang]

    ws = wb.add_worksheet(files_name)
    _head(ws, FILE_COLUMNS[lang], FILE_WIDTHS, head)
    for i, r in enumerate(results, start=1):
        row: list[Any] = [r.path, r.department, r.department_name, r.year, r.template, status[r.status],
                          r.total_score, r.level, r.errors, r.warnings]
        for col, value in enumerate(row):
            _cell(ws, i, col, value, score if col == SCORE_COL else None)
    _finish(ws, len(results), len(FILE_COLUMNS[lang]))

    wf = wb.add_worksheet(findings_name)
    _head(wf, FINDING_COLUMNS[lang], FINDING_WIDTHS, head)
    n = 0
    for r in results:
        for f in r.findings:
            n += 1
            for col, value in enumerate((r.path, r.department, f.sheet, f.cell, f.code.code,
                                         SEVERITY[lang][f.severity], f.field, f.message(lang))):
                _cell(wf, n, col, value, wrap if col == 7 else None)
    _finish(wf, n, len(FINDING_COLUMNS[lang]))

    wsum = wb.add_worksheet(summary_name)
    wsum.set_column(0, 0, 20)
    wsum.set_column(1, 1, 12)
    last = max(len(results), 1) + 1
    quoted = "'" + files_name.replace("'", "''") + "'"
    status_col, score_col = col_letters(STATUS_COL), col_letters(SCORE_COL)
    status_range = f"{quoted}!${status_col}$2:${status_col}${last}"
    score_range = f"{quoted}!${score_col}$2:${score_col}${last}"
    scores = [r.total_score for r in results if r.total_score is not None]
    counts = status_counts(results)
    labels = SUMMARY_ROWS[lang]
    rows: list[tuple[str, str, Any]] = [
        (labels[0], f"COUNTA({quoted}!$A$2:$A${last})", float(len(results))),
        (labels[1], f'COUNTIF({status_range},"{status[PASS]}")', float(counts[PASS])),
        (labels[2], f'COUNTIF({status_range},"{status[FAIL]}")', float(counts[FAIL])),
        (labels[3], f'COUNTIF({status_range},"{status[ERRORED]}")', float(counts[ERRORED])),
        (labels[4], f'IF(COUNT({score_range})>0,ROUND(SUM({score_range})/COUNT({score_range}),2),"")',
         round(sum(scores) / len(scores), 2) if scores else ""),
    ]
    for i, (label, formula, cached) in enumerate(rows):
        wsum.write_string(i, 0, label, head)
        wsum.write_formula(i, 1, "=" + formula, score if i == 4 else None, cached)
    wb.close()


def _head(ws: Any, columns: Sequence[str], widths: Sequence[int], fmt: Any) -> None:
    for col, (label, width) in enumerate(zip(columns, widths)):
        ws.write_string(0, col, label, fmt)
        ws.set_column(col, col, width)
    ws.freeze_panes(1, 0)


def _finish(ws: Any, rows: int, columns: int) -> None:
    ws.autofilter(0, 0, max(rows, 1), columns - 1)


def _cell(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    if value is None or value == "":
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


# ----------------------------------------------------------------------------- terminal
STYLE = {PASS: "bold green", FAIL: "bold red", ERRORED: "bold magenta"}


def headline(r: FileResult, lang: str = "zh") -> RichText:
    """One line per file: status, path, template, department, year, total and grade."""
    text = RichText()
    text.append(f"{STATUS[lang][r.status]:<6}", style=STYLE[r.status])
    text.append(f" {r.path}")
    facts = [x for x in (r.template, r.department, r.department_name, str(r.year) if r.year else None) if x]
    if r.total_score is not None:
        label = "总评价得分" if lang == "zh" else "total"
        facts.append(f"{label} {r.total_score:g}" + (f" {r.level}" if r.level else ""))
    if facts:
        text.append("  (" + ", ".join(facts) + ")", style="dim")
    return text


def findings_table(r: FileResult, lang: str = "zh", most: int = 40) -> Table:
    """The file's findings, the first ``most`` of them (the rest are in --json and --report)."""
    heads = ("严重程度", "代码", "单元格", "说明") if lang == "zh" else ("severity", "code", "cell", "message")
    table = Table(*heads, show_lines=False, pad_edge=False, expand=False)
    table.columns[0].no_wrap = table.columns[1].no_wrap = table.columns[2].no_wrap = True
    table.columns[3].overflow = "fold"
    for f in r.findings[:most]:
        style = "red" if f.severity == "error" else "yellow"
        table.add_row(RichText(SEVERITY[lang][f.severity], style=style), f.code.code,
                      f.cell or "—", RichText(f.message(lang)))
    if len(r.findings) > most:
        more = len(r.findings) - most
        table.add_row("…", "", "", f"另有 {more} 条（见 --json 或 --report）" if lang == "zh"
                      else f"{more} more (see --json or --report)")
    return table


def summary_line(results: Sequence[FileResult], lang: str = "zh") -> str:
    counts = status_counts(results)
    if lang == "zh":
        return f"{len(results)} 个文件：通过 {counts[PASS]}，未通过 {counts[FAIL]}，无法读取 {counts[ERRORED]}"
    return f"{len(results)} files: {counts[PASS]} pass, {counts[FAIL]} fail, {counts[ERRORED]} error"
