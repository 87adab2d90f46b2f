"""The 填报检查 block's cells: each rule's hidden helper column and the rows counting them.

The rules come from the template's [checks] (template/rules.py): a helper column per rule, with
the rule's formula (or, for ``required`` and ``band``, one xlgen builds) on every table row it
applies to; under the total, the weight sums, a row counting each counted rule's breaking rows
and the verdict. ``placer.py`` places the rest of the form.
"""

from __future__ import annotations

import re

from xlgen.layout import selfcheck as chk
from xlgen.layout.formulas import ref
from xlgen.layout import cellrules
from xlgen.layout.model import (FORMULA, blank, REQUIRED_ALWAYS, REQUIRED_IN_USE, Label, Layout, Slot, a1_range,
                                excel_number, excel_string)
from xlgen.names import INDICATORS, TASKS
from xlgen.template import rules
from xlgen.template.model import PLACEHOLDER, FormulaSpec
from xlgen.template.rules import REQUIRED, Rule


class CheckBlock:
    """What places cells (the form's placer): the layout it fills, the row it is at, the
    formulas whose placeholders wait for every cell to be placed; and the 填报检查 block."""

    def __init__(self, lay: Layout) -> None:
        self.lay = lay
        self.t = lay.template
        self.right = lay.width - 1
        self.print_right = self.t.print_width - 1  # the printed form's last column (print = false: after it)
        self.left = self.t.label_cols  # the tables' first column: right of the labels' column A, if any
        self.row = 0
        self.last_row = 0  # the form's last row, once placed
        self.print_titles = (0, 0)  # rows repeated at the top of every printed page
        self.form_last_row = 0  # the printed form's last row: the 填报检查 block follows, off the page
        self.form_first_row = 0  # the printed form's first row: screen-only header rows above it
        self.title_row, self.year_row = 0, 1
        self.year_cols = (0, 0)  # the year line's columns (a unit_note may take the last ones)
        self.pending: list[tuple[str, FormulaSpec, str, int]] = []

    def label(self, row: int, col: int, text: str, style: str, last_row: int = -1, last_col: int = -1) -> None:
        self.lay.labels.append(Label(row, col, max(row, last_row), max(col, last_col), text, style))

    def add(self, slot: Slot) -> None:
        self.lay.slots[slot.key] = slot

    # -------------------------------------------------------------- 填报检查
    def rule_rows(self) -> dict[str, list[tuple[str, int]]]:
        """The table rows (table, index) each rule of [checks] applies to; a rule on none is left out."""
        t, lay = self.t, self.lay
        rows = {TASKS: range(lay.task_count), INDICATORS: range(len(lay.indicator_rows))}
        fields = {TASKS: set(t.row_fields(TASKS)), INDICATORS: set(t.row_fields(INDICATORS))}
        placed: dict[str, list[tuple[str, int]]] = {}
        for rule in t.checks:
            for table, indexes in rows.items():
                for i in indexes:
                    if rule.structural:
                        ok = bool(cellrules.row_tests(lay, rule.name, table, i))
                    else:
                        names = t.formulas[rule.formula].placeholders()
                        ok = set(names) <= fields[table] and (
                            table != TASKS or all("." in n or f"tasks[{i}].{n}" in lay.slots for n in names))
                    if ok:
                        placed.setdefault(rule.name, []).append((table, i))
        return placed

    def place_helpers(self, placed: dict[str, list[tuple[str, int]]]) -> None:
        """Per-row rule results in hidden columns right of the form, one column per rule, on the
        rows ``placed`` lists for it (``rule_rows``)."""
        t, lay = self.t, self.lay
        row_of: dict[tuple[str, int], int] = {}
        for s in lay.slots.values():  # one scan: the sheet row of every table row
            row_of.setdefault((s.section, s.index), s.row)
        helper_rows = []
        for k, rule in enumerate(r for r in t.checks if r.name in placed):
            # one empty column between the form and the hidden helpers: next to the print
            # area's edge, LibreOffice prints hidden numbers as (clipped) ###
            col = self.t.width + 1 + k
            lay.helper_cols[rule.name] = col
            for table, i in placed[rule.name]:
                row = row_of[(table, i)]
                helper_rows.append(row)
                key = f"{chk.HELPER}.{table}[{i}].{rule.name}"
                if rule.name == REQUIRED:
                    formula = self.required_count(table, i)
                elif rule.structural:
                    formula = cellrules.count(cellrules.row_tests(lay, rule.name, table, i))
                else:
                    formula = ""
                    self.pending.append((key, t.formulas[rule.formula], table, i))
                self.add(Slot(key, chk.HELPER, i, rule.name, row, col, col, FORMULA, "helper", formula=formula))
        if lay.helper_cols:
            first, last = min(lay.helper_cols.values()), max(lay.helper_cols.values())
            lay.regions["helpers"] = (min(helper_rows), first, max(helper_rows), last)

    def required_count(self, table: str, index: int) -> str:
        """How many required inputs of the row are empty."""
        inputs = self.lay.row_inputs(table, index)
        always = [(s, blank(s.a1)) for s in inputs if s.required == REQUIRED_ALWAYS]
        in_use = [(s, blank(s.a1)) for s in inputs if s.required == REQUIRED_IN_USE]
        parts = [cellrules.count(always)] if always else []
        if in_use:  # the row's in-use test once (layout.required_blank, per cell, has it for each)
            parts.append(f"IF({self.lay.in_use(table, index)},{cellrules.count(in_use)},0)")
        applies = self.lay.applies(table, index)
        if applies and parts:  # a row marked not applicable needs none of its inputs (F9)
            return f"IF({applies},{'+'.join(parts)},0)"
        return "+".join(parts) or "0"

    def checks(self) -> None:
        """The 填报检查 block under the total row: a value and 通过/未通过 per check, then the verdict."""
        t, lay = self.t, self.lay
        top = self.row
        # the values under the total's (a form without a total: three columns from the right)
        value_col = min(t.total_label_span or self.right - 2, self.right - 1)
        head, result, verdict = chk.HEADINGS
        self.label(top, 1, head, "head", last_col=value_col - 1)
        self.label(top, value_col, result, "head")
        self.label(top, value_col + 1, verdict, "head", last_col=self.right)
        r = top + 1
        statuses = []
        counted = [(c.field, c.label, self.weight_sum(c.field), False, "") for c in chk.WEIGHT_CHECKS]
        counted += [(rule.check_field, rule.label, (self.rule_count(rule.name), 0.0), rule.warns, self.fix_value(rule))
                    for rule in t.checks if rule.label]
        for field, text, (formula, expected), warns, fix in counted:
            if not formula:
                continue
            label = text.format(expected=excel_number(expected), tasks=t.tasks.label, indicators=t.indicators.label) \
                if field in rules.WEIGHT_CHECKS else text
            lay.check_labels[field] = label
            self.label(r, 1, label, "check", last_col=value_col - 1)
            value = Slot(f"{chk.SECTION}.{field}", chk.SECTION, -1, field, r, value_col, value_col,
                         FORMULA, "computed", formula=formula)
            self.add(value)
            otherwise = excel_string(chk.VERIFY if warns else chk.FAIL)  # a warning asks to check; the verdict ignores it
            if fix:  # one row breaks it: the value meant, 请核实：是否应填 95？
                otherwise = f'IF({value.a1}=1,{excel_string(chk.VERIFY + chk.FIX_BEFORE)}&{fix}&' \
                            f'{excel_string(chk.FIX_AFTER)},{otherwise})'
            status = f'IF({value.a1}={excel_number(expected)},{excel_string(chk.PASS)},{otherwise})'
            self.add(Slot(chk.status_key(field), chk.SECTION, -1, field + chk.STATUS_SUFFIX, r,
                          value_col + 1, self.right, FORMULA, "computed", formula=status))
            if not warns:
                statuses.append(self.lay.slots[chk.status_key(field)].a1)
            r += 1
        lay.check_labels[chk.OVERALL.field] = chk.OVERALL.label
        self.label(r, 1, chk.OVERALL.label, "check", last_col=value_col - 1)
        passed = ",".join(f"{a}={excel_string(chk.PASS)}" for a in statuses)
        self.add(Slot(f"{chk.SECTION}.{chk.OVERALL.field}", chk.SECTION, -1, chk.OVERALL.field, r, value_col,
                      self.right, FORMULA, "computed",
                      formula=f"IF(AND({passed}),{excel_string(chk.PASS)},{excel_string(chk.FAIL)})"))
        self.label(top, 0, chk.TITLE, "section", last_row=r)
        lay.regions["checks"] = (top + 1, value_col, r, self.right)
        self.row = r + 1

    def weight_sum(self, field: str) -> tuple[str, float]:
        """The formula of a weight check's value and the total it must have ("" without weights)."""
        t = self.t
        name, table, total = ((TASKS, t.tasks, t.weight_tasks) if field == rules.WEIGHT_CHECKS[0]
                              else (INDICATORS, t.indicators, t.weight_indicators))
        weight = next((c.field for c in table.columns if c.type == "weight"), "")
        if not weight or not self.lay.column_slots(name, weight):  # no such table, or no row of it
            return "", 0.0
        return f"ROUND(SUM({ref(self.lay, f'{name}.{weight}', '', -1)}),6)", total

    def fix_value(self, rule: Rule) -> str:
        """Formula: the rule's ``fix`` (a [formulas] key) on the one row breaking it, each
        placeholder the SUMIF of its column over the rows whose helper holds 1 ("": no fix)."""
        lay = self.lay
        col = lay.helper_cols.get(rule.name)
        if not rule.fix or col is None:
            return ""

        def column(m: re.Match[str]) -> str:
            fld = m.group(1).rpartition(".")[2]
            parts = []
            for table in (TASKS, INDICATORS):
                rows = lay.helper_rows(table, rule.name)
                cells = [s for s in lay.column_slots(table, fld) if s.row in rows]
                if cells:
                    r1, r2, at = min(rows), max(rows), cells[0].col
                    parts.append(f"SUMIF({a1_range(r1, col, r2, col)},1,{a1_range(r1, at, r2, at)})")
            return f"({'+'.join(parts)})" if parts else "0"

        return PLACEHOLDER.sub(column, self.t.formulas[rule.fix].formula)

    def rule_count(self, rule: str) -> str:
        """The formula counting the rows that break ``rule`` ("" when no row carries it)."""
        lay = self.lay
        col = lay.helper_cols.get(rule)
        if col is None:
            return ""
        sums = []
        for table_name in (TASKS, INDICATORS):
            rows = lay.helper_rows(table_name, rule)
            if rows:
                sums.append(f"SUM({a1_range(min(rows), col, max(rows), col)})")
        outside = cellrules.form_tests(lay, rule)  # the header's required or number cells
        if outside and sums:
            sums.append(cellrules.count(outside))
        return "+".join(sums)

