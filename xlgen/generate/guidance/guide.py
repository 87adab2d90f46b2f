"""The 填表说明 sheet: how to fill the form, what the colours mean, what the 填报检查 checks.

Its rules are written from the template (weights, lists, grades and their bands, the guide
sentence of each rule of its [checks]), so they say what the form's validations and checks enforce. One numbered rule per row; a legend of the
colours shows each colour on a cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlgen.layout import selfcheck as chk
from xlgen.generate.guidance import conditional
from xlgen.generate.limits import ROW_HEIGHT
from xlgen.layout.model import Layout, per_layout
from xlgen.generate.guidance.printsetup import MIN_ROW_PT, PAD_PX, PAPER_A4, UNIT_PX, text_height
from xlgen.generate.styles import FIXED_FILL, INPUT_FILL, TEXT_FORMAT
from xlgen.generate.guidance.validation import amount_unit, band_text
from xlgen.generate.xlsxcall import checked
from xlgen.template.model import Template

SHEET = "填表说明"
TEXT_WIDTH = 110.0


def rules(layout: Layout, password: bool) -> list[str]:
    """The numbered rules, each only where the form has what it speaks of (a form without tasks,
    operators or grades is not told how to fill them)."""
    t = layout.template
    kinds = {c.type for table in (t.tasks, t.indicators) for c in table.columns}
    grades = "；".join(f"“{g.label}”：{band_text(g)}" for g in t.grades)
    lock = "已设密码保护" if password else "已保护（无密码）"
    measures = {c.type: c.label for c in t.indicators.columns if c.type in ("operator", "unit")}
    lists = "、".join(f"{label}（{' '.join(t.operators)}）" if kind == "operator" else label
                      for kind, label in measures.items())
    weights = "，".join(f"{label}分值合计应为 {total:g}" for label, table, total in
                       ((t.tasks.label, t.tasks, t.weight_tasks), (t.indicators.label, t.indicators, t.weight_indicators))
                       if any(c.type == "weight" for c in table.columns))
    return [
        "黄色底色的单元格是填报项，只有这些单元格可以填写；标题、固定的指标名称和公式单元格已锁定。",
        f"浅蓝色底色的单元格由财政部门下达，不得修改：{fixed_fields(layout)}。文件中记录并封存了这些值，"
        "报送后逐项核对，任何改动都会使核验不通过。",
        *([f"在空白行自行增加的指标只能使用下达分值之外的余额（{t.indicators.label}分值合计应为 "
           f"{t.weight_indicators:g}）；下达的分值已合计 {t.weight_indicators:g} 时不能再增加计分指标，"
           "需增加的请报财政部门在下达时列入。"] if t.spare_kinds else []),
        f"{computed_cells(layout)}由公式自动计算，请勿改动，也不要把公式结果粘贴为数值。",
        *([f"{lists}{'和定性指标的全年完成值' if t.grades else ''}请从下拉列表中选择；"
           f"定性指标（指标值为文字）不填{'和'.join(measures.values())}。"] if lists else []),
        *([f"金额（{amount_unit(t)}）填不小于 0 的数字；分值填大于 0 的数字：{weights}。"] if "amount" in kinds
          else [f"分值填大于 0 的数字：{weights}。"] if weights else []),
        *(["指标值和全年完成值填数字，不带单位、符号或文字；百分比填数字，如 95 表示 95%。"]
          if {"target", "actual"} & kinds else []),
        *([f"{_score_label(t)}按各行评分标准填写：0 至本行分值"
           f"{'（写在指标名称中，如“（5分）”）' if t.points_in_tree else ''}之间的数字。"] if "score" in kinds else []),
        *([f"指标不适用时，在{t.indicators.column(t.indicators.applies).label}中选择“{t.indicators.not_applicable}”："
           "该行不评分、不必填写，总分按其余指标的分值折算。"] if t.indicators.not_applicable else []),
        *([f"定性指标：先在全年完成值中选择等级，再在完成程度中填写该等级区间内的数值（0～1 的小数）：{grades}。"]
          if t.grades else []),
        *(rule.guide for rule in t.checks if rule.guide),  # each rule of [checks] says what it asks
        "单元格的行高最多 409 磅（Excel 的上限）：偏差原因分析、改进措施等文字过长时，表中和打印只显示开头部分，"
        "全文仍保存在单元格中，核验时会提示；各栏的大约字数见其输入提示，请精简到能完整显示。",
        f"表末的“{chk.TITLE}”随填写实时检查以上各项；每项结论应为“{chk.PASS}”，"
        f"最后一行“{chk.TITLE}结论”为“{chk.PASS}”后再报送。",
        f"工作表{lock}：可以选择单元格、调整行高和列宽，不能插入或删除行列；工作簿结构也已保护，"
        "不能增删、改名或取消隐藏工作表。输入被拒绝时，请按提示更正。",
        "不要另存为其他格式或复制到新工作簿后报送：文件中记录了模板和版本，用于核对。",
    ]


def computed_cells(layout: Layout) -> str:
    """What the form computes, by table: 年度主要任务的项目执行率和得分、绩效指标的完成程度和得分、总评价得分."""
    t = layout.template
    parts = [f"{table.label}的{'和'.join(c.label for c in table.columns if c.type == 'computed')}"
             for table in (t.tasks, t.indicators) if any(c.type == "computed" for c in table.columns)]
    subtotals = ["各" + {"level1": "一级", "level2": "二级"}[t.subtotals] + "指标的小计"] if t.subtotals else []
    header = [f.label or f.field for f in t.header_fields() if f.type == "computed"]
    return "、".join([*parts, *subtotals, t.total_label, *header])


def fixed_fields(layout: Layout) -> str:
    """The labels of what the bureau sets (template [fixed]), by section (fields the form has)."""
    t = layout.template
    heads = {f.field: f.hint or f.field for f in t.header_fields()}
    heads |= {hrow.fields[0].field: hrow.label for hrow in t.header if len(hrow.fields) == 1}
    inputs = t.header_inputs()
    parts = ["、".join(heads.get(f, f) for f in t.fixed.get("header", ()) if f in inputs)]
    for label, table, section in ((t.tasks.label, t.tasks, "tasks"), (t.indicators.label, t.indicators, "indicators")):
        columns = {c.field: c.label for c in table.columns}
        chosen = [columns[f] for f in t.fixed.get(section, ()) if f in columns]
        if chosen:
            parts.append(f"{label}的{'、'.join(chosen)}")
    return "；".join(p for p in parts if p)


def legend() -> list[tuple[str, dict[str, Any]]]:
    return [
        ("填报项（可填写）", {"bg_color": INPUT_FILL}),
        ("由财政部门下达，不得修改", {"bg_color": FIXED_FILL}),
        ("必填项未填写", {"bg_color": conditional.REQUIRED_FILL}),
        ("需补充或有误的行", {"bg_color": conditional.PROBLEM_FILL, "font_color": conditional.PROBLEM_FONT}),
        (f"检查结论：{chk.PASS}", {"bg_color": conditional.PASS_FILL, "font_color": conditional.PASS_FONT}),
        (f"检查结论：{chk.FAIL}", {"bg_color": conditional.PROBLEM_FILL, "font_color": conditional.PROBLEM_FONT}),
        (f"检查结论：{chk.VERIFY}（提示项，请核实，不影响结论）",
         {"bg_color": conditional.VERIFY_FILL, "font_color": conditional.VERIFY_FONT}),
    ]


def write_guide(wb: Any, layout: Layout, password: bool, out: Path) -> None:
    ws = wb.add_worksheet(SHEET)
    title = wb.add_format({**TEXT_FORMAT, "font_size": 14, "bold": True})
    text = wb.add_format(dict(TEXT_FORMAT))
    number = wb.add_format({**TEXT_FORMAT, "align": "center"})
    checked(ws.set_column(0, 0, 5), "guide column", out)
    checked(ws.set_column(1, 1, TEXT_WIDTH), "guide column", out)
    checked(ws.merge_range(0, 0, 0, 1, SHEET, title), "guide title", out)
    checked(ws.set_row(0, 24), "guide title row", out)
    row = 2
    by_password = _sized_by_password(layout)
    if password not in by_password:
        by_password[password] = _sized_rules(layout, password)
    sized = by_password[password]
    for i, (rule, height) in enumerate(sized, 1):
        checked(ws.write_number(row, 0, i, number), "guide rule", out)
        checked(ws.write_string(row, 1, rule, text), "guide rule", out)
        checked(ws.set_row(row, height), "guide row", out)
        row += 1
    row += 1
    checked(ws.write_string(row, 1, "颜色说明", wb.add_format({**TEXT_FORMAT, "bold": True})), "guide legend", out)
    for label, colours in legend():
        row += 1
        checked(ws.write_blank(row, 0, None, wb.add_format({"border": 1, **colours})), "guide legend", out)
        checked(ws.write_string(row, 1, label, text), "guide legend", out)
    ws.set_paper(PAPER_A4)
    ws.fit_to_pages(1, 0)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


@per_layout
def _sized_by_password(layout: Layout) -> dict[bool, list[tuple[str, float]]]:
    """A layout's sized rules, with and without a password (the rule on protection differs)."""
    return {}


def _sized_rules(layout: Layout, password: bool) -> list[tuple[str, float]]:
    """Each rule and the height (points) of its row: the same in every workbook of a layout."""
    width_px = TEXT_WIDTH * UNIT_PX - PAD_PX
    return [(rule, min(ROW_HEIGHT, max(MIN_ROW_PT, text_height(rule, width_px)))) for rule in rules(layout, password)]


def _score_label(t: Template) -> str:
    """What the form calls its typed score (自评得分, 得分)."""
    return next((c.label for c in t.indicators.columns if c.type == "score"), "得分")
