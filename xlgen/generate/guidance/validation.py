"""Data validation of every input cell: dropdowns, number rules, text lengths, grade bands.

Each input gets one ``<dataValidation>`` with a Chinese input message (what to enter) and a
stop alert (why a value was refused). Dropdowns refer to the hidden list sheet's defined names
(``lists.py``); the qualitative 完成程度 is held inside the band of the grade picked in 全年完成值
by a custom formula built by ``layout.band_rule``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlgen.generate import limits
from xlgen.generate.guidance import lists, printsetup
from xlgen.layout.model import Layout, Slot, TREE_FIELDS, per_layout
from xlgen.names import FOOTER, GOALS, HEADER, INDICATORS, TASKS
from xlgen.template.model import QUALITATIVE, Grade, Template
from xlgen.generate.xlsxcall import checked, multi_range, same_rule_groups

SHORT_TEXT = 200  # names, codes, projects, qualitative targets
LONG_TEXT = 2000  # goals, 偏差原因分析, 改进措施
ANY_NUMBER = (-999999999999, 999999999999)  # "a number": Excel's decimal rule needs bounds
LONG_TEXT_TYPES = ("cause",)


def write_validations(ws: Any, layout: Layout, out: Path) -> None:
    for first, options in plan(layout):
        checked(ws.data_validation(first.row, first.col, first.bottom, first.last_col, dict(options)),
                f"the data validation of {first.key}", out)


@per_layout
def rule_groups(layout: Layout) -> list[list[Slot]]:
    """The inputs of ``layout`` grouped by the one data validation each group gets (every input
    has one): what the generator writes, and what the verifier expects to find still there."""
    # a score bounded by its row's own points (no 分值 column) is a rule of its own per number
    return same_rule_groups(layout.input_slots(), lambda s: (
        s.section, s.field, kind_of(layout, s), layout.points(s.index) if s.section == INDICATORS else None))


@per_layout
def plan(layout: Layout) -> list[tuple[Slot, dict[str, Any]]]:
    """One rule per group of like inputs: its first slot and its XlsxWriter options."""
    return [(group[0], {**rule(layout, group[0]), **multi_range(group)}) for group in rule_groups(layout)]


def template_key(layout: Layout, slot: Slot) -> str:
    """The template key a rule's texts and formula come from (where to shorten it)."""
    kind = kind_of(layout, slot)
    if kind == "band":
        return "grades"
    if slot.section == HEADER:
        return HEADER
    return f"{slot.section}.columns ({name_of(layout, slot)})"


def name_of(layout: Layout, slot: Slot) -> str:
    """What the cell is called on the form (its column heading, or the header field's hint)."""
    t = layout.template
    if slot.section in (HEADER, FOOTER):
        for row in t.footer if slot.section == FOOTER else t.header:
            for f in row.fields:
                if f.field == slot.field:
                    return (f.label or row.label) if f.type == "amount" or not f.hint else f.hint
    table = {TASKS: t.tasks, GOALS: t.goals, INDICATORS: t.indicators}[slot.section]
    return table.column(slot.field).label


def kind_of(layout: Layout, slot: Slot) -> str:
    """The rule an input follows: list_<kind>, amount, weight, score, number, band, text, long_text."""
    row_kind = layout.indicator_rows[slot.index].kind if slot.section == INDICATORS else ""
    if slot.type == "operator":
        return "list_operators"
    if slot.type == "unit":
        return "list_units"
    if slot.type == "applies":
        return "list_applies"
    if slot.type == "amount":
        return "amount"
    if slot.type == "weight":
        return "weight"
    if slot.type == "score":  # a score the evaluator types by the row's 评分标准
        return "score"
    if slot.type == "target":
        return "text" if row_kind == QUALITATIVE else "number"
    if slot.type == "actual":
        return "list_grades" if row_kind == QUALITATIVE else "number"
    if slot.type == "computed":  # the qualitative 完成程度, an input
        return "band"
    if slot.section == GOALS or slot.type in LONG_TEXT_TYPES or (
            slot.section == INDICATORS and slot.field not in TREE_FIELDS):
        return "long_text"
    return "text"


def rule(layout: Layout, slot: Slot) -> dict[str, Any]:
    """XlsxWriter data_validation options for the input ``slot``."""
    t = layout.template
    name = name_of(layout, slot)
    kind = kind_of(layout, slot)
    if kind.startswith("list_"):
        src = layout.lists[kind[5:]]
        shown = "、".join(src.values)
        what = {"list_operators": "定性指标不填。", "list_units": "定性指标不填。",
                "list_grades": "选定后，在完成程度中填写该等级区间内的数值。",
                "list_applies": "指标适用时留空；选定后本行不评分，其余指标得分按比例折算。"}[kind]
        opts: dict[str, Any] = {"validate": "list", "source": f"={src.name}", "ignore_blank": True}
        message = f"请从下拉列表中选择{name}" + (f"（{shown}）" if len(shown) <= 60 else "") + "；" + what
        error = f"{name}只能从下拉列表中选择，不能输入列表以外的内容。"
        return {**opts, **_messages(name, message, f"{name}不在列表中", error)}
    if kind == "amount":
        unit = amount_unit(t)
        return {"validate": "decimal", "criteria": ">=", "value": 0,
                **_messages(name, f"请填写{name}：不小于 0 的数字（{unit}），不要带单位或文字。",
                            "金额无效", f"{name}须为不小于 0 的数字，不能带单位、逗号或文字。")}
    if kind == "weight":
        total = t.weight_tasks if slot.section == TASKS else t.weight_indicators
        table = t.tasks.label if slot.section == TASKS else t.indicators.label
        return {"validate": "decimal", "criteria": ">", "value": 0,
                **_messages(name, f"请填写{name}：大于 0 的数字；{table}的分值合计应为 {total:g}。",
                            "分值无效", f"{name}须为大于 0 的数字。")}
    points = layout.points(slot.index) if slot.section == INDICATORS else None
    if kind == "score" and points is not None:  # no 分值 column: the row's points bound it here too
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": points,
                **_messages(name, f"请按评分标准填写{name}：0 至 {points:g}（本行分值）之间的数字。",
                            "得分无效", f"{name}须为 0 至 {points:g}（本行分值）之间的数字。")}
    if kind == "score":  # 0..分值: the upper bound is the 填报检查's and verify's (it differs by row)
        return {"validate": "decimal", "criteria": ">=", "value": 0,
                **_messages(name, f"请按评分标准填写{name}：0 至本行分值之间的数字。",
                            "得分无效", f"{name}须为不小于 0 的数字，且不超过本行分值。")}
    if kind == "number":
        return {"validate": "decimal", "criteria": "between", "minimum": ANY_NUMBER[0], "maximum": ANY_NUMBER[1],
                **_messages(name, f"请填写{name}：数字，与指标值同一度量单位（如 95 表示 95%）。",
                            f"{name}须为数字", f"{name}须为数字，不能带单位、符号或文字（如 ≥95、95%、九十五）。")}
    if kind == "band":
        bands = "；".join(f"{g.label}：{band_text(g)}" for g in t.grades)
        message = f"请填写{name}：0～1 的小数（如 0.9），须在全年完成值所选等级的区间内：{bands}"
        if limits.length(message) > limits.PROMPT:
            message = f"请填写{name}：0～1 的小数（如 0.9），须在全年完成值所选等级的区间内。"
        formula = layout.band_rule(slot.index, lists.grade_names(layout))
        return {"validate": "custom", "value": "=" + formula, "ignore_blank": True,
                **_messages(name, message, f"{name}不在等级区间内",
                            f"{name}须为数字，且在全年完成值所选等级的区间内；请先在全年完成值中选择等级。")}
    limit = LONG_TEXT if kind == "long_text" else SHORT_TEXT
    hint = ("完成程度低于 100% 时，须在偏差原因分析中至少填写一项，并填写改进措施。"
            if slot.type == "cause" or slot.field == "measures" else "")
    fits = printsetup.shown_chars(layout, slot)
    if fits < limit:  # Excel's rows stop at 409 pt: say where a longer text is cut
        hint += f"超过约 {fits} 字时，表中和打印只显示开头部分（全文仍保存在单元格中），请精简。"
    return {"validate": "length", "criteria": "<=", "value": limit,
            **_messages(name, f"请填写{name}（文字，最多 {limit} 字）。{hint}", "文字过长",
                        f"{name}最多 {limit} 字，请精简。")}


def _messages(name: str, message: str, error_title: str, error: str) -> dict[str, Any]:
    return {"input_title": name[:32], "input_message": message,
            "error_title": error_title[:32], "error_message": error, "error_type": "stop"}


def amount_unit(t: Template) -> str:
    """What amounts are counted in (金额单位：万元), from the unit note or the amount columns' labels."""
    said = t.unit_note + "".join(c.label for c in t.tasks.columns)
    return "金额单位：万元" if "万元" in said else "金额单位：元" if "元" in said else "金额"


def band_text(grade: Grade) -> str:
    """A grade's band of 完成程度, as the input message and 填表说明 word it."""
    return f"{grade.min:g} ≤ 完成程度 {'≤' if grade.max_inclusive else '<'} {grade.max:g}"
