"""Conditional formats: what the 填报检查 finds, shown where it is.

- an empty required input: orange (REQUIRED_FILL);
- a text in an input holding a number (a pasted 100%, 九十五): that cell light red (PROBLEM_FILL);
- a row breaking a per-row rule of the template's [checks] that asks for it (完成程度 < 1 without
  偏差原因分析 or 改进措施, 得分 outside 0..分值, a qualitative 完成程度 outside its grade's band,
  执行金额 > 下达金额, …): light red (PROBLEM_FILL);
- each check's 结论: green when 通过, red when 未通过.

Row rules read the hidden helper columns placed by ``layout/model.py``, so the highlight and the count
in the 填报检查 block come from the same formula.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from xlgen.layout import selfcheck as chk
from xlgen.formula.references import col_letters
from xlgen.layout import cellrules
from xlgen.layout.model import FORMULA, Layout, Slot, per_layout
from xlgen.generate.xlsxcall import checked, multi_range, same_rule_groups
from xlgen.names import INDICATORS, TASKS
from xlgen.template.rules import NUMBER

REQUIRED_FILL = "#F8CBAD"
PROBLEM_FILL, PROBLEM_FONT = "#FFC7CE", "#9C0006"
PASS_FILL, PASS_FONT = "#C6EFCE", "#006100"
VERIFY_FILL, VERIFY_FONT = "#FFEB9C", "#9C5700"  # Excel's 中性 (neutral) style: to be checked, not wrong


def write_conditional_formats(wb: Any, ws: Any, layout: Layout, out: Path) -> None:
    formats = {
        "required": wb.add_format({"bg_color": REQUIRED_FILL}),
        "problem": wb.add_format({"bg_color": PROBLEM_FILL, "font_color": PROBLEM_FONT}),
        "failed": wb.add_format({"bg_color": PROBLEM_FILL, "font_color": PROBLEM_FONT, "bold": True}),
        "passed": wb.add_format({"bg_color": PASS_FILL, "font_color": PASS_FONT, "bold": True}),
        "asked": wb.add_format({"bg_color": VERIFY_FILL, "font_color": VERIFY_FONT, "bold": True}),
    }
    for (r1, c1, r2, c2), options, fmt, what in _plan(layout):
        checked(ws.conditional_format(r1, c1, r2, c2, {**options, "format": formats[fmt]}), what, out)


Rule = tuple[tuple[int, int, int, int], dict[str, str], str, str]  # range, options, format, what


@per_layout
def _plan(layout: Layout) -> list[Rule]:
    """Every highlight of the form, in writing order: its range, XlsxWriter options without the
    format, the format's name and what it is (for an error). The same for every workbook of a
    layout, so worked out once."""
    rules: list[Rule] = []
    for first, options in _required_plan(layout):
        rules.append(((first.row, first.col, first.row, first.col), options, "required",
                      f"the conditional format of {first.key}"))
    for first, options in _text_in_number_plan(layout):
        rules.append(((first.row, first.col, first.row, first.col), options, "problem",
                      f"the conditional format of {first.key}"))
    for role, (r1, c1, r2, c2) in row_rule_ranges(layout).items():
        col = layout.helper_cols[role.split(".")[1]]
        rules.append(((r1, c1, r2, c2), {"type": "formula", "criteria": f"=${col_letters(col)}{r1 + 1}=1"},
                      "problem", f"the conditional format {role}"))
    warned = {rule.check_field + chk.STATUS_SUFFIX for rule in layout.template.checks if rule.warns}
    for slot in layout.slots.values():
        if slot.section == chk.SECTION and slot.role == FORMULA and (
                slot.field.endswith(chk.STATUS_SUFFIX) or slot.field == chk.OVERALL.field):
            verdicts: tuple[tuple[str, str], ...] = ((chk.FAIL, "failed"), (chk.PASS, "passed"))
            if slot.field in warned:  # a warning rule's row: to be checked, not wrong
                verdicts += ((chk.VERIFY, "asked"),)
            for text, fmt in verdicts:
                # 请核实 may go on with the value meant (请核实：是否应填 95？): it begins the text
                test = {"type": "formula", "criteria": f'=LEFT({slot.a1},{len(text)})="{text}"'} \
                    if text == chk.VERIFY else {"type": "cell", "criteria": "==", "value": f'"{text}"'}
                rules.append(((slot.row, slot.col, slot.row, slot.last_col), test, fmt,
                              f"the conditional format of {slot.key}"))
    return rules


def _required_plan(layout: Layout) -> list[tuple[Slot, dict[str, str]]]:
    """One highlight per column of required inputs (each cell, not its merge): first slot, options."""
    required_inputs = [s for s in layout.input_slots() if s.required]
    plan = []
    for group in same_rule_groups(required_inputs, lambda s: (s.section, s.field, s.required)):
        cells = [replace(s, last_row=s.row, last_col=s.col) for s in group]
        plan.append((group[0], {"type": "formula", "criteria": "=" + layout.required_blank(group[0]),
                                **multi_range(cells)}))
    return plan


def _text_in_number_plan(layout: Layout) -> list[tuple[Slot, dict[str, str]]]:
    """One highlight per column of inputs holding numbers: light red on the very cell holding a
    text (a pasted 100%, 九十五), by the number rule's own cell test (layout/cellrules.py)."""
    if NUMBER not in {rule.name for rule in layout.template.checks}:
        return []
    tests = dict(cellrules.form_tests(layout, NUMBER))
    for table in (TASKS, INDICATORS):
        for _table, index in {(s.section, s.index) for s in layout.input_slots() if s.section == table}:
            tests.update(cellrules.row_tests(layout, NUMBER, table, index))
    plan = []
    for group in same_rule_groups(tests, lambda s: (s.section, s.field)):
        cells = [replace(s, last_row=s.row, last_col=s.col) for s in group]
        plan.append((group[0], {"type": "formula", "criteria": "=" + tests[group[0]], **multi_range(cells)}))
    return plan


def row_rule_ranges(layout: Layout) -> dict[str, tuple[int, int, int, int]]:
    """"<table>.<role>" → the rows of that table carrying the rule, over the table's cells."""
    out = {}
    for table in (TASKS, INDICATORS):
        cells = [s for s in layout.slots.values() if s.section == table]
        if not cells:
            continue
        c1, c2 = min(s.col for s in cells), max(s.last_col for s in cells)
        for rule in layout.template.checks:
            rows = layout.helper_rows(table, rule.name) if rule.highlight else []
            if rows:
                out[f"{table}.{rule.name}"] = (min(rows), c1, max(rows), c2)
    return out
