"""What a verification run shows: a line per file on the terminal, and the summary workbook.

``write_report`` writes ``--report SUMMARY.xlsx`` with XlsxWriter, the sheet a bureau forwards:

- 汇总: one row per department (with ``--distributed``: every distributed department, those that
  returned nothing too, then the files of no department), its status in words and colour,
  总评价得分, 等级, error and warning counts and the file name; autofilter, frozen header, A4
  landscape;
- 问题清单: every finding, its field named as the form names it;
- 图表: counts by status, by grade and by score band (live formulas over 汇总) and native charts
  of them.

Every text is written as text (``write_string``): a name or message beginning with '=' stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from rich.cells import cell_len
from rich.table import Table
from rich.text import Text as RichText

from xlgen.findings import Code
from xlgen.formula.references import col_letters
from xlgen.generate.guidance.printsetup import PAPER_A4
from xlgen.outputs import XLSX, write_atomic
from xlgen.lang import Text, fill, pick
from xlgen.verify.reconcile import DUPLICATE, MISSING, UNEXPECTED, UNTOUCHED, Reconciled
from xlgen.template.model import known_templates
from xlgen.verify.result import ERRORED, FAIL, PASS, FileResult, status_counts

STATUS = {
    "zh": {PASS: "通过", FAIL: "未通过", ERRORED: "无法读取", MISSING: "未报送", DUPLICATE: "重复报送",
           UNTOUCHED: "未填写", UNEXPECTED: "非本次分发"},
    "en": {PASS: "pass", FAIL: "fail", ERRORED: "error", MISSING: "missing", DUPLICATE: "duplicate",
           UNTOUCHED: "untouched", UNEXPECTED: "unexpected"},
}
# (fill, font) of a status cell: Excel's own good/bad/neutral pairs, grey for nothing returned
COLOURS = {PASS: ("#C6EFCE", "#006100"), FAIL: ("#FFC7CE", "#9C0006"), ERRORED: ("#E4DFEC", "#7030A0"),
           MISSING: ("#D9D9D9", "#404040"), DUPLICATE: ("#FFEB9C", "#9C5700"),
           UNTOUCHED: ("#FCE4D6", "#C65911"), UNEXPECTED: ("#FFC7CE", "#9C0006")}
SEVERITY = {"zh": {"error": "错误", "warning": "警告"}, "en": {"error": "error", "warning": "warning"}}
SUMMARY_COLUMNS = {
    "zh": ("部门编码", "部门名称", "状态", "总评价得分", "等级", "错误数", "警告数", "文件"),
    "en": ("code", "department", "status", "total score", "grade", "errors", "warnings", "file"),
}
SUMMARY_WIDTHS = (12, 36, 11, 11, 7, 7, 7, 44)  # a Chinese character is two units wide
FINDING_COLUMNS = {
    "zh": ("部门编码", "部门名称", "文件", "单元格", "字段", "严重程度", "代码", "说明"),
    "en": ("code", "department", "file", "cell", "field", "severity", "code", "message"),
}
FINDING_WIDTHS = (12, 28, 30, 8, 30, 8, 22, 70)
SHEETS = {"zh": ("汇总", "问题清单", "图表"), "en": ("summary", "findings", "charts")}
CHART_HEADS = {
    "zh": (("状态", "数量"), ("等级", "部门数"), ("得分区间", "部门数")),
    "en": (("status", "count"), ("grade", "departments"), ("score band", "departments")),
}
CHART_TITLES = {"zh": ("报送情况", "等级分布", "总评价得分分布"),
                "en": ("returns by status", "departments by grade", "total scores")}
STATUS_COL, SCORE_COL, GRADE_COL, ERRORS_COL, WARNINGS_COL = 2, 3, 4, 5, 6
BANDS = ((0, 60), (60, 70), (70, 80), (80, 90), (90, None))  # score bands of the histogram


@dataclass
class Row:
    """One row of 汇总: a department, or a file of none."""

    code: str | None
    name: str | None
    status: str
    total_score: float | None = None
    grade: str | None = None
    errors: int | None = None
    warnings: int | None = None
    files: list[str] = field(default_factory=list)


def summary_rows(results: Sequence[FileResult], reconciled: Reconciled | None = None) -> list[Row]:
    """The rows of 汇总: each department of the distribution, then each file of none; without a
    distribution, one row per file."""
    if reconciled is None:
        return [_file_row(r, r.status) for r in results]
    rows = []
    for d in reconciled.departments:
        c = d.chosen if d.status not in (MISSING, DUPLICATE, UNTOUCHED) else None  # counts of a file that counts
        rows.append(Row(d.blank.code, d.blank.name, d.status, d.total_score, d.grade,
                        c.errors if c else None, c.warnings if c else None,
                        [Path(r.path).name for r in d.returned]))
    matched = {id(r) for d in reconciled.departments for r in d.returned}
    unexpected = {id(r) for r in reconciled.unexpected}
    rows += [_file_row(r, UNEXPECTED if id(r) in unexpected else r.status)
             for r in results if id(r) not in matched]
    return rows


def _file_row(r: FileResult, status: str) -> Row:
    counted = status != UNEXPECTED  # another distribution's score is none of this one's
    return Row(r.department, r.department_name, status, r.total_score if counted else None,
               r.grade if counted else None, r.errors, r.warnings, [Path(r.path).name])


def write_report(results: Sequence[FileResult], out: Path, lang: str = "zh", force: bool = False,
                 keep: Sequence[Path] = (), reconciled: Reconciled | None = None,
                 distributed: Path | None = None) -> Path:
    """Write the summary workbook atomically (never over an existing file without ``force``,
    never over one of ``keep``, the verified files)."""
    title = report_title(results, reconciled, distributed, lang)
    write_atomic(out, force, lambda tmp: _write(tmp, results, reconciled, lang, title), keep=keep, suffix=XLSX)
    return out


TITLE = Text("{year}年度部门（单位）整体绩效自评核验汇总", "{year} departments' performance self-evaluation: verification summary")
NO_YEAR = Text("部门（单位）整体绩效自评核验汇总", "departments' performance self-evaluation: verification summary")
SUBTITLE_DISTRIBUTED = Text("分发：{folder}（模板 {template} {version}，{departments} 个部门）；交回 {files} 个文件",
                            "distribution: {folder} (template {template} {version}, {departments} departments); "
                            "{files} files returned")
SUBTITLE_FILES = Text("{files} 个文件", "{files} files")
HEAD_ROW = 1  # the title above the column heads, on every sheet
FIRST_ROW = HEAD_ROW + 1


def report_title(results: Sequence[FileResult], reconciled: Reconciled | None, distributed: Path | None,
                 lang: str) -> tuple[str, str]:
    """(title, subtitle) of every sheet: the year and what was verified against what."""
    blanks = [d.blank for d in reconciled.departments] if reconciled is not None else []
    years = [b.year for b in blanks] or [r.year for r in results if r.year]
    year = max(set(years), key=years.count) if years else None
    title = fill(TITLE, {"year": year}, lang) if year else pick(NO_YEAR, lang)
    if reconciled is not None and blanks:
        folder = distributed.name if distributed is not None else ""
        sub = fill(SUBTITLE_DISTRIBUTED, {"folder": folder or "—", "template": blanks[0].template_id,
                                          "version": blanks[0].template_version, "departments": len(blanks),
                                          "files": len(results)}, lang)
    else:
        sub = fill(SUBTITLE_FILES, {"files": len(results)}, lang)
    return title, sub


def _write(tmp: Path, results: Sequence[FileResult], reconciled: Reconciled | None, lang: str,
           title: tuple[str, str]) -> None:
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    rows = summary_rows(results, reconciled)
    statuses = chart_statuses(reconciled, lang)
    fmt = _formats(wb)
    summary_name = _summary(wb, fmt, rows, lang, title)
    _findings(wb, fmt, [r for r in results if reconciled is None or reconciled.file_status(r) != UNTOUCHED], lang,
              title)
    _charts(wb, fmt, summary_name, rows, statuses, grades_of(results), lang, title)
    wb.close()


def chart_statuses(reconciled: Reconciled | None, lang: str) -> list[str]:
    """The statuses 图表 counts: a collection's all, plain files' pass, fail and error."""
    return [s for s in STATUS[lang] if reconciled is not None or s in (PASS, FAIL, ERRORED)]


def _title(ws: Any, fmt: dict[str, Any], title: tuple[str, str], columns: int) -> None:
    """Row 1: the title and, below it in the same merged cell, what was verified against what."""
    # one plain text: a rich string's second run would begin with the line break, which XlsxWriter
    # marks xml:space="preserve" on <t> of a run, where the schema does not allow it
    ws.merge_range(0, 0, 0, columns - 1, f"{title[0]}\n{title[1]}", fmt["title"])
    ws.set_row(0, 40)


def _formats(wb: Any) -> dict[str, Any]:
    base = {"border": 1, "valign": "vcenter", "font_name": "宋体", "font_size": 10}
    return {
        "head": wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "align": "center"}),
        "text": wb.add_format({**base, "text_wrap": True}),
        "score": wb.add_format({**base, "num_format": "0.00"}),
        "count": wb.add_format({**base, "num_format": "0"}),
        "title": wb.add_format({"font_name": "宋体", "font_size": 12, "bold": True, "text_wrap": True,
                                "align": "center", "valign": "vcenter"}),
        **{s: wb.add_format({**base, "bold": True, "align": "center", "bg_color": fill, "font_color": font})
           for s, (fill, font) in COLOURS.items()},
    }


def _page(ws: Any, columns: int, rows: int) -> None:
    """A4 landscape, one page wide, the header row on every page."""
    ws.set_paper(PAPER_A4)
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, HEAD_ROW)
    ws.set_footer("&C&P / &N")
    ws.freeze_panes(FIRST_ROW, 0)
    ws.autofilter(HEAD_ROW, 0, HEAD_ROW + max(rows, 1), columns - 1)


def _summary(wb: Any, fmt: dict[str, Any], rows: Sequence[Row], lang: str, title: tuple[str, str]) -> str:
    name = SHEETS[lang][0]
    ws = wb.add_worksheet(name)
    _title(ws, fmt, title, len(SUMMARY_COLUMNS[lang]))
    _head(ws, SUMMARY_COLUMNS[lang], SUMMARY_WIDTHS, fmt["head"])
    for i, row in enumerate(rows, start=FIRST_ROW):
        values: list[Any] = [row.code, row.name, STATUS[lang][row.status], row.total_score, row.grade,
                             row.errors, row.warnings, "\n".join(row.files)]  # several files: one a line
        for col, value in enumerate(values):
            style = fmt[row.status] if col == STATUS_COL else fmt["score"] if col == SCORE_COL else \
                fmt["count"] if col in (ERRORS_COL, WARNINGS_COL) else fmt["text"]
            _cell(ws, i, col, value, style)
        _fit_height(ws, i, values, SUMMARY_WIDTHS)
    _page(ws, len(SUMMARY_COLUMNS[lang]), len(rows))
    return name


def _findings(wb: Any, fmt: dict[str, Any], results: Sequence[FileResult], lang: str,
              title: tuple[str, str]) -> None:
    ws = wb.add_worksheet(SHEETS[lang][1])
    _title(ws, fmt, title, len(FINDING_COLUMNS[lang]))
    _head(ws, FINDING_COLUMNS[lang], FINDING_WIDTHS, fmt["head"])
    n = 0
    for r in results:
        for f in r.findings:
            values = (r.department, r.department_name, Path(r.path).name, f.cell, r.label(f),
                      SEVERITY[lang][f.severity], f.code.code, f.message(lang))
            for col, value in enumerate(values):
                _cell(ws, HEAD_ROW + 1 + n, col, value, fmt["text"])
            _fit_height(ws, HEAD_ROW + 1 + n, values, FINDING_WIDTHS)
            n += 1
    _page(ws, len(FINDING_COLUMNS[lang]), n)


LINE_POINTS = 13.5  # a line of 10-point 宋体, with its leading


def _fit_height(ws: Any, row: int, values: Sequence[Any], widths: Sequence[int]) -> None:
    """A row tall enough for its wrapped texts: neither Excel nor XlsxWriter sizes a row to wrapped
    text written by a program, so the lines each cell needs in its column's width (a Chinese
    character two units, as the widths count) are counted here."""
    lines = 1
    for value, width in zip(values, widths):
        if isinstance(value, str) and value:
            room = max(width - 1, 1)
            lines = max(lines, sum(max(1, -(-cell_len(part) // room)) for part in value.split("\n")))
    if lines > 1:
        ws.set_row(row, LINE_POINTS * lines + 3)


def grades_of(results: Sequence[FileResult]) -> list[str]:
    """The grades of the files' templates, best first (优 良 中 差)."""
    ids = {r.template for r in results}
    levels = {lv.label: lv.min for t in known_templates() if t.id in ids for lv in t.levels}
    for r in results:
        if r.grade and r.grade not in levels:
            levels[r.grade] = -1.0
    return sorted(levels, key=lambda g: -levels[g])


CHART_SIZE = (440, 320)  # pixels; three side by side fit A4 landscape at the sheet's scale
CHART_GAP = 24


def _charts(wb: Any, fmt: dict[str, Any], summary: str, rows: Sequence[Row], statuses: Sequence[str],
            grades: Sequence[str], lang: str, title: tuple[str, str]) -> None:
    ws = wb.add_worksheet(SHEETS[lang][2])
    tables = chart_tables(rows, statuses, grades, lang, summary)
    charts = []
    _title(ws, fmt, title, 8)
    for k, (table, (h1, h2), name) in enumerate(zip(tables, CHART_HEADS[lang], CHART_TITLES[lang])):
        c0 = 3 * k
        ws.set_column(c0, c0, 14)
        ws.set_column(c0 + 1, c0 + 1, 11)
        ws.write_string(HEAD_ROW, c0, h1, fmt["head"])
        ws.write_string(HEAD_ROW, c0 + 1, h2, fmt["head"])
        for i, (label, formula, cached) in enumerate(table, start=FIRST_ROW):
            ws.write_string(i, c0, label, fmt["text"])
            ws.write_formula(i, c0 + 1, "=" + formula, fmt["count"], cached)
        chart = wb.add_chart({"type": "column"})
        n = max(len(table), 1)
        chart.add_series({"name": name, "categories": [ws.name, FIRST_ROW, c0, FIRST_ROW + n - 1, c0],
                          "values": [ws.name, FIRST_ROW, c0 + 1, FIRST_ROW + n - 1, c0 + 1],
                          "data_labels": {"value": True}, **({"gap": 10} if k == 2 else {})})
        chart.set_title({"name": name, "name_font": {"size": 11, "bold": True}, "overlay": False})
        chart.set_legend({"none": True})
        most = max((cached for _l, _f, cached in table), default=0)
        chart.set_y_axis({"min": 0, "major_gridlines": {"visible": True},  # counts: whole numbers on the axis
                          **({"major_unit": 1} if most <= 10 else {})})
        chart.set_x_axis({"num_font": {"size": 9}})
        chart.set_size({"width": CHART_SIZE[0], "height": CHART_SIZE[1]})
        charts.append(chart)
    top = FIRST_ROW + max(len(STATUS[lang]), len(grades), len(BANDS)) + 1
    for k, chart in enumerate(charts):  # one anchor, placed apart by their own width: never over each other
        ws.insert_chart(top, 0, chart, {"x_offset": 5 + k * (CHART_SIZE[0] + CHART_GAP), "y_offset": 5,
                                        "object_position": 3})
    ws.set_paper(PAPER_A4)
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 1)
    ws.print_area(0, 0, top + CHART_SIZE[1] // 20 + 2, max(8, (3 * (CHART_SIZE[0] + CHART_GAP)) // 64 + 1))


def chart_tables(rows: Sequence[Row], statuses: Sequence[str], grades: Sequence[str], lang: str,
                 summary: str | None = None) -> list[list[tuple[str, str, float]]]:
    """The tables of 图表 (counts by status, grade and score band): (label, live formula over
    汇总, its value) each; the page draws the same. ``summary``: the name of 汇总."""
    quoted = "'" + (summary or SHEETS[lang][0]).replace("'", "''") + "'"
    last = max(len(rows), 1) + FIRST_ROW

    def column(col: int) -> str:
        letter = col_letters(col)
        return f"{quoted}!${letter}${FIRST_ROW + 1}:${letter}${last}"

    scores = [r.total_score for r in rows if r.total_score is not None]
    return [
        [(STATUS[lang][s], f'COUNTIF({column(STATUS_COL)},"{STATUS[lang][s]}")',
          float(sum(1 for r in rows if r.status == s))) for s in statuses],
        [(g, f'COUNTIF({column(GRADE_COL)},"{g}")', float(sum(1 for r in rows if r.grade == g))) for g in grades],
        [(_band(lo, hi), _band_formula(column(SCORE_COL), lo, hi),
          float(sum(1 for x in scores if x >= lo and (hi is None or x < hi)))) for lo, hi in BANDS],
    ]


def _band(lo: float, hi: float | None) -> str:
    return f"≥{lo:g}" if hi is None else f"{lo:g}–{hi:g}" if lo else f"<{hi:g}"


def _band_formula(scores: str, lo: float, hi: float | None) -> str:
    if hi is None:
        return f'COUNTIF({scores},">={lo:g}")'
    return f'COUNTIFS({scores},">={lo:g}",{scores},"<{hi:g}")'


def _head(ws: Any, columns: Sequence[str], widths: Sequence[int], fmt: Any) -> None:
    for col, (label, width) in enumerate(zip(columns, widths)):
        ws.write_string(HEAD_ROW, col, label, fmt)
        ws.set_column(col, col, width)
    ws.set_row(HEAD_ROW, 24)


def _cell(ws: Any, row: int, col: int, value: Any, fmt: Any = None) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, float(value), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


# ----------------------------------------------------------------------------- terminal
TOTAL_LABEL = Text("总评价得分", "total")
FINDINGS_TABLE_HEADS = (Text("严重程度", "severity"), Text("代码", "code"), Text("单元格", "cell"), Text("说明", "message"))
MORE_FINDINGS = Text("另有 {more} 条（见 --json 或 --report）", "{more} more (see --json or --report)")
FILES_SUMMARY = Text("{files} 个文件：通过 {passed}，未通过 {failed}，无法读取 {errors}",
                     "{files} files: {passed} pass, {failed} fail, {errors} error")
DEPARTMENTS_SUMMARY = Text("{departments} 个部门：{parts}；非本次分发的文件 {unexpected}；共 {files} 个文件",
                           "{departments} departments: {parts}; {unexpected} unexpected files; {files} files")
TASKS_OWN_SUMMARY = Text("；自行填写任务的部门 {count} 个（{codes}）", "; {count} departments typed their own tasks ({codes})")
MAX_LISTED = 10  # department codes a summary line names
STYLE = {PASS: "bold green", FAIL: "bold red", ERRORED: "bold magenta", MISSING: "bold", DUPLICATE: "bold yellow",
         UNTOUCHED: "yellow", UNEXPECTED: "bold red"}
STATUS_WIDTH = 10  # terminal cells of the longest status (非本次分发, unexpected)


def status_cell(status: str, lang: str) -> RichText:
    """The status, padded to STATUS_WIDTH terminal cells (a Chinese character takes two)."""
    label = STATUS[lang][status]
    return RichText(label + " " * max(STATUS_WIDTH - cell_len(label), 0), style=STYLE[status])


def headline(r: FileResult, lang: str = "zh", status: str | None = None) -> RichText:
    """One line per file: status, path, template, department, year, total and grade."""
    text = status_cell(status or r.status, lang)
    text.append(f" {r.path}")
    facts = [x for x in (r.template, r.department, r.department_name, str(r.year) if r.year else None) if x]
    if r.total_score is not None and status != UNTOUCHED:
        facts.append(f"{pick(TOTAL_LABEL, lang)} {r.total_score:g}" + (f" {r.grade}" if r.grade else ""))
    if facts:
        text.append("  (" + ", ".join(facts) + ")", style="dim")
    return text


def department_line(row: Row, lang: str = "zh") -> RichText:
    """One line per department: status, code and name, and what it returned."""
    text = status_cell(row.status, lang)
    text.append(f" {row.code or '—'} {row.name or ''}")
    if row.files:
        text.append("  (" + "、".join(row.files) + ")", style="dim")
    if row.status == DUPLICATE:  # what to do about it, on its own line
        text.append(pick(DUPLICATE_HINT, lang))
    return text


DUPLICATE_HINT = Text("  删去不用的一份，或加 --prefer newest 取最后保存的一份",
                      "  remove the one not meant, or pass --prefer newest to take the newest saved")


def findings_table(r: FileResult, lang: str = "zh", most: int = 40) -> Table:
    """The file's findings, the first ``most`` of them (the rest are in --json and --report)."""
    table = Table(*(pick(head, lang) for head in FINDINGS_TABLE_HEADS), show_lines=False, pad_edge=False, expand=False)
    table.columns[0].no_wrap = table.columns[1].no_wrap = table.columns[2].no_wrap = True
    table.columns[3].overflow = "fold"
    for f in r.findings[:most]:
        style = "red" if f.severity == "error" else "yellow"
        table.add_row(RichText(SEVERITY[lang][f.severity], style=style), f.code.code,
                      f.cell or "—", RichText(f.message(lang)))
    if len(r.findings) > most:
        more = len(r.findings) - most
        table.add_row("…", "", "", fill(MORE_FINDINGS, {"more": more}, lang))
    return table


def summary_line(results: Sequence[FileResult], lang: str = "zh", reconciled: Reconciled | None = None) -> str:
    counts = status_counts(results)
    if reconciled is None:
        return fill(FILES_SUMMARY, {"files": len(results), "passed": counts[PASS], "failed": counts[FAIL],
                                    "errors": counts[ERRORED]}, lang)
    by = reconciled.counts()
    shown = [s for s in STATUS[lang] if s != UNEXPECTED]
    parts = Text("，".join(f"{STATUS['zh'][s]} {by[s]}" for s in shown),
                 ", ".join(f"{by[s]} {STATUS['en'][s]}" for s in shown))
    line = fill(DEPARTMENTS_SUMMARY, {"departments": len(reconciled.departments), "parts": parts,
                                      "unexpected": len(reconciled.unexpected), "files": len(results)}, lang)
    own = [d.blank.code for d in reconciled.departments
           if d.chosen is not None and any(f.code is Code.TASKS_OWN for f in d.chosen.findings)]
    if own:  # the distribution set no tasks: the bureau sees who typed its own
        codes = ", ".join(own[:MAX_LISTED]) + (" …" if len(own) > MAX_LISTED else "")
        line += fill(TASKS_OWN_SUMMARY, {"count": len(own), "codes": codes}, lang)
    return line
