"""Placing a template: where every field sits (build_layout), the rows of each table and the
merges of the indicator tree. The 填报检查 block is ``selfcheckblock.py``'s; placeholders become
cells in ``formulas.py``.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any

from xlgen.layout.selfcheckblock import CheckBlock
from xlgen.layout.formulas import ref, substitute
from xlgen.layout.model import (FIXED, FORMULA, INPUT, MEASURE_TYPES, REQUIRED_ALWAYS, REQUIRED_IN_USE, TREE_FIELDS,
                                IndicatorRow, Layout, Slot, a1_range, excel_number)
from xlgen.names import FOOTER, GOALS, HEADER, INDICATORS, TASKS, TOTAL
from xlgen.template.model import QUALITATIVE, QUANTITATIVE, Column, FormulaSpec, Template, TreeIndicator


def build_layout(template: Template, task_count: int, extra: int | tuple[str, ...],
                 tasks_closed: tuple[int, ...] = ()) -> Layout:
    """Place the template with ``task_count`` task rows and, under its tree, the rows of
    ``extra``: their kinds (a department's own indicators, then spare rows), or a number of
    quantitative spare rows. ``tasks_closed``: the task rows the bureau did not set when it set
    others (values.closed_tasks), closed: a department adds no task, and no money, to the bureau's."""
    kinds = (QUANTITATIVE,) * extra if isinstance(extra, int) else extra
    if template.tasks.funding is not None:  # the funding rows are the form's, never more or fewer
        task_count = template.tasks.funding.rows
    if TASKS not in template.sections:
        task_count = 0
    return _build_layout(template, task_count, kinds, tuple(i for i in tasks_closed if i < task_count))


@functools.lru_cache(maxsize=64)
def _build_layout(template: Template, task_count: int, kinds: tuple[str, ...], tasks_closed: tuple[int, ...] = ()) -> Layout:
    rows = [IndicatorRow(i, _kind(t), t) for i, t in enumerate(template.tree)]
    rows += [IndicatorRow(len(rows) + j, kind, None) for j, kind in enumerate(kinds)]
    placer = Placer(Layout(template, task_count, tuple(rows), tasks_closed=tasks_closed))
    placer.place()
    return replace(placer.lay, last_row=placer.last_row, print_titles=placer.print_titles,
                   form_last_row=placer.form_last_row, form_first_row=placer.form_first_row,
                   title_row=placer.title_row, year_row=placer.year_row,
                   year_cols=placer.year_cols)


def _kind(t: TreeIndicator) -> str:
    if t.actual:
        return "linked"
    return QUALITATIVE if t.qualitative else QUANTITATIVE


class Placer(CheckBlock):
    """Places the form's cells: title, header, tasks, goals, indicators, total; then the 填报检查."""

    def place(self) -> None:
        t = self.t
        self.header(screen=True)  # the rows that do not print: above the printed form
        self.form_first_row = self.row
        self.title()
        self.header()
        for section in t.sections:  # the form's tables, top to bottom
            {TASKS: self.tasks, GOALS: self.goals, INDICATORS: self.indicators}[section]()
        self.total()
        self.header(FOOTER)
        self.form_last_row = self.row - 1  # what prints; the 填报检查 block follows, off the page
        self.place_helpers(self.rule_rows())
        self.checks()
        self.last_row = self.row - 1
        for key, spec, section, index in self.pending:
            s = self.lay.slots[key]
            formula = substitute(self.lay, spec, section, index)
            applies = self.lay.applies(section, index) if s.section == INDICATORS else ""
            if applies:  # a row marked not applicable is not scored (F9): its computed cells stay blank
                formula = f'IF({applies},{formula},"")'
            self.lay.slots[key] = replace(s, formula=formula)

    def title(self) -> None:
        """The title, the year line (written with the workbook's year) and the template's
        ``unit_note`` where the province prints it: the form's first line, or right of the year."""
        t = self.t
        r = self.row
        if t.unit_note and t.unit_note_at == "top":
            self.label(r, 0, t.unit_note, "note_top", last_col=self.print_right)
            r += 1
        self.title_row, self.year_row = r, r + 1
        self.label(r, 0, t.title, "title", last_col=self.print_right)
        self.year_cols = (0, self.print_right)
        if t.unit_note and t.unit_note_at == "year":
            # the note over the last columns, as many as its text needs (about 3 characters a
            # column); the year over the others, from column A
            cols = min(max(2, -(-len(t.unit_note) // 3)), max(1, self.print_right // 3))
            self.year_cols = (0, self.print_right - cols)
            self.label(r + 1, self.print_right - cols + 1, t.unit_note, "note", last_col=self.print_right)
        self.row = r + 2

    def header(self, section: str = HEADER, screen: bool = False) -> None:
        """The header rows (or, under the total, the footer's): labels and fields, left to right;
        with ``screen``, the header rows on the screen only (``print = false``)."""
        for hrow in self.t.footer if section == FOOTER else self.t.header:
            if section == HEADER and hrow.printed == screen:
                continue
            r = self.row
            if hrow.label_span:
                self.label(r, 0, hrow.label, "label", last_col=hrow.label_span - 1)
            col = hrow.label_span
            for f in hrow.fields:
                if f.label:
                    self.label(r, col, f.label, "label", last_col=col + f.label_span - 1)
                    col += f.label_span
                self.field_slot(section, -1, f.field, f.type, f.formula, r, col, col + f.span - 1,
                                REQUIRED_ALWAYS if f.required else "")
                col += f.span
            if col <= self.print_right:
                self.label(r, col, "", "blank", last_col=self.print_right)
            self.row += 1

    def field_slot(self, section: str, index: int, fld: str, kind: str, formula: str, r: int, col: int,
                   last_col: int, required: str, fmt: str = "") -> None:
        """A header, footer or task field's cell: a formula where its type is computed (its
        [formulas] key waits in ``pending`` until every cell is placed), else an input, required
        as ``required`` says and the bureau's where [fixed] names its field for ``section``."""
        key = f"{section}[{index}].{fld}" if index >= 0 else f"{section}.{fld}"
        role = FORMULA if kind == "computed" else INPUT
        self.add(Slot(key, section, index, fld, r, col, last_col, role, kind, format=fmt,
                      required=required if role == INPUT else "",
                      bureau=role == INPUT and fld in self.t.fixed.get(section, ())))
        if role == FORMULA:
            self.pending.append((key, self.t.formulas[formula], section, index))

    def table_head(self, r: int, columns: tuple[Column, ...]) -> None:
        col = self.left
        for c in columns:
            self.label(r, col, c.label, "head" if c.label else "blank", last_col=col + c.span - 1)
            col += c.span

    def tasks(self) -> None:
        t, lay = self.t, self.lay
        top = self.row
        self.table_head(top, t.tasks.columns)
        for i in range(lay.task_count):
            r = top + 1 + i
            col = self.left
            for c in t.tasks.columns:
                last = col + c.span - 1
                fund = self.funding_cell(i, c, top + 1, col)
                if c.type == "blank" or isinstance(fund, str):
                    self.label(r, col, fund if isinstance(fund, str) else "", "label" if fund else "blank",
                               last_col=last)
                elif fund is not None:
                    self.add(replace(fund, row=r, last_col=last))
                elif i in lay.tasks_closed and c.type != "computed" and not c.formula:
                    # a row the bureau did not set: closed, as a row kind's unused cells (locked, blank, no input)
                    self.add(Slot(f"tasks[{i}].{c.field}", TASKS, i, c.field, r, col, last, FIXED, c.type))
                elif c.type == "weight" and lay.task_count == 1 == t.task_rows:
                    # one row holds the table's points: the form prints them (重庆's 执行率权重 10)
                    self.add(Slot(f"tasks[{i}].{c.field}", TASKS, i, c.field, r, col, last, FIXED, c.type,
                                  default=t.weight_tasks))
                else:
                    self.field_slot(TASKS, i, c.field, c.type, c.formula, r, col, last,
                                    REQUIRED_IN_USE if c.required else "", c.format)
                col += c.span
        bottom = top + max(lay.task_count, 1)
        if t.tasks.note:  # printed under the rows, across the table
            bottom += 1
            self.label(bottom, self.left, t.tasks.note, "table_note", last_col=self.print_right)
        self.section_label(top, t.tasks.label, bottom)
        lay.regions[TASKS] = (top + 1, self.left, top + lay.task_count, self.right)
        self.row = bottom + 1

    def funding_cell(self, i: int, c: Column, first: int, col: int) -> Slot | str | None:
        """What funding row ``i`` holds in column ``c``: a fixed label or weight, the total's sum
        of the sources beneath, the mark its sources print where they carry nothing ("/"), or
        None for an ordinary cell (the sources' amounts, the total's 执行率 and 得分)."""
        fund = self.t.tasks.funding
        if fund is None or c.type == "blank":
            return None
        key = f"tasks[{i}].{c.field}"
        if c.field == fund.label_field:
            return Slot(key, TASKS, i, c.field, first + i, col, col, FIXED, c.type, default=fund.label(i))
        if c.field in fund.sums:
            if i > 0:
                return None
            cells = a1_range(first + 1, col, first + fund.rows - 1, col)
            return Slot(key, TASKS, i, c.field, first, col, col, FORMULA, c.type, format=c.format,
                        formula=f'IF(COUNT({cells})=0,"",SUM({cells}))')
        if i > 0:
            return fund.mark if c.field in fund.marked else None
        if c.type == "weight":
            return Slot(key, TASKS, i, c.field, first, col, col, FIXED, c.type, default=self.t.weight_tasks)
        return None

    def goals(self) -> None:
        """The goals' blocks one under the other (``Table.blocks``): each its group's heading
        across the table, if it has one, its columns' headings, if labelled, then the values."""
        t = self.t
        top = r = self.row
        for group, columns in t.goals.blocks():
            if group:
                self.label(r, self.left, group, "head", last_col=self.left + sum(c.span for c in columns) - 1)
                r += 1
            if any(c.label for c in columns):
                self.table_head(r, columns)
                r += 1
            col = self.left
            for c in columns:
                if c.type == "blank":  # e.g. under a column that does not print
                    self.label(r, col, "", "blank", last_col=col + c.span - 1)
                else:
                    self.add(Slot(f"goals.{c.field}", GOALS, -1, c.field, r, col, col + c.span - 1, INPUT, c.type,
                                  required=REQUIRED_ALWAYS))
                col += c.span
            r += 1
        self.section_label(top, t.goals.label, r - 1)
        self.row = r

    def indicators(self) -> None:
        t, lay = self.t, self.lay
        top = self.row
        col = self.left
        groups: dict[str, list[int]] = {}
        # a group whose columns have no labels of their own is one heading over both rows: the
        # national 年度指标值 over its operator, number and unit (printed as ≥ 95 %)
        folded = {c.group for c in t.indicators.columns if c.group} - {
            c.group for c in t.indicators.columns if c.group and c.label}
        for c in t.indicators.columns:
            if c.group:
                groups.setdefault(c.group, []).append(col)
                if c.group not in folded:
                    self.label(top + 1, col, c.label, "head", last_col=col + c.span - 1)
                groups[c.group].append(col + c.span - 1)
            else:
                self.label(top, col, c.label, "head", last_row=top + 1, last_col=col + c.span - 1)
            col += c.span
        for name, cols in groups.items():
            self.label(top, min(cols), name, "head", last_row=top + 1 if name in folded else top, last_col=max(cols))
        first = top + 2
        self.print_titles = (top, top + 1)
        for ind in lay.indicator_rows:
            self.indicator_row(first + ind.index, ind)
        self.merge_tree(first)
        last = first + len(lay.indicator_rows) - 1
        self.section_label(top, t.indicators.label, max(last, top + 1))
        lay.regions[INDICATORS] = (first, self.left, last, self.right)
        self.row = max(last, top + 1) + 1

    def indicator_row(self, r: int, ind: IndicatorRow) -> None:
        t = self.t
        col = self.left
        tree = ind.tree
        for c in t.indicators.columns:
            key = f"indicators[{ind.index}].{c.field}"
            if tree is not None and tree.beneath and c.type == "score":
                # a block's head row: its 得分 is its own rows' (the rule reads their sum), no cell
                self.label(r, col, "", "blank", last_col=col + c.span - 1)
                col += c.span
                continue
            default: Any = tree.value(c.field) if tree is not None and (not tree.block or tree.named) else None
            role = INPUT
            formula: FormulaSpec | None = None
            if c.type == "computed":
                if ind.kind == QUALITATIVE and c.field == "degree":
                    role = INPUT  # the evaluator sets it inside the chosen grade's band
                else:  # the row's own rule (the tree's choice), else the column's
                    role, formula = FORMULA, t.formulas[(tree and tree.formula(c.field)) or c.formula]
            elif c.type == "actual" and ind.kind == "linked":
                assert tree is not None
                role, formula = FORMULA, t.formulas[tree.actual]
            elif tree is not None and (c.field in TREE_FIELDS or (c.type == "text" and default not in (None, ""))) \
                    and not (tree.block and not tree.named and c.field == "name"):  # an open row's name: the department's
                role = FIXED  # the tree's names and texts (指标性质, 评分标准) are the bureau's
            if c.field in t.indicators.unused_by(ind.kind):
                role, default = FIXED, None  # not used by the row's kind: locked and blank, no input
            if default == "":
                default = None
            self.add(Slot(key, INDICATORS, ind.index, c.field, r, col, col + c.span - 1, role, c.type,
                          default=default, format=c.format, required=_indicator_required(ind, c, role),
                          # the tree's texts are the bureau's wherever they are written locked (one
                          # rule: what the layout fixes is sealed), [fixed] names the rest
                          bureau=role == FIXED or (role != FORMULA and c.field in t.fixed.get(INDICATORS, ())
                                                   and not (tree is not None and tree.block and not tree.named))))  # an open row's: the department's
            if formula is not None:
                self.pending.append((key, formula, INDICATORS, ind.index))
            col += c.span

    def section_label(self, top: int, text: str, last_row: int) -> None:
        """A table's label in column A, down its rows (a form without labels has no column A)."""
        if self.left:
            self.label(top, 0, text, "section", last_row=last_row)

    def merge_tree(self, first: int) -> None:
        """Merge runs of equal 一级/二级指标 vertically, as the paper form does."""
        for fld in self.t.tiers:
            for i, j in tier_runs(self.lay.indicator_rows, self.t.tiers, fld):
                if j > i:
                    s = self.lay.slots[f"indicators[{i}].{fld}"]
                    self.lay.slots[s.key] = replace(s, last_row=first + j)
                    for k in range(i + 1, j + 1):
                        del self.lay.slots[f"indicators[{k}].{fld}"]

    def subtotals(self) -> None:
        """Above the total, one row per run of the tree's ``[total] subtotals`` tier: its label,
        the sum of its 分值 and of its 得分, in the columns of the total's (the weights' sum: left
        of the score where the total row has none)."""
        t, lay = self.t, self.lay
        if not t.subtotals:
            return
        weight = next((c.field for c in t.indicators.columns if c.type == "weight"), "weight")
        score_col = t.total_label_span + (1 if t.total_weight else 0)
        for n, (i, j) in enumerate(tier_runs(lay.indicator_rows, t.tiers, t.subtotals)):
            r = self.row
            tree = lay.indicator_rows[i].tree
            assert tree is not None  # runs are of tree rows
            self.label(r, 0, t.subtotal_label.replace("{tier}", getattr(tree, t.subtotals)), "label",
                       last_col=score_col - 2)
            for col, fld in ((score_col - 1, weight), (score_col, "score")):
                if fld == weight and t.points_in_tree:  # no 分值 column: the sum of the rows' points
                    points = "+".join(ref(lay, weight, INDICATORS, k) for k in range(i, j + 1)  # own rows: their block's
                                      if (tr := lay.indicator_rows[k].tree) is not None and not tr.block)
                    formula = f"ROUND({points},6)"
                else:
                    cells = [s for k in range(i, j + 1) if (s := lay.slots.get(f"indicators[{k}].{fld}"))]  # a block's head: none
                    rng = a1_range(cells[0].row, cells[0].col, cells[-1].row, cells[-1].col)
                    formula = f"ROUND(SUM({rng}),6)" if fld == weight else f'IF(COUNT({rng})=0,"",ROUND(SUM({rng}),2))'
                key = f"{SUBTOTAL}[{n}].{fld}"
                self.add(Slot(key, TOTAL, n, f"{SUBTOTAL}_{fld}", r, col, col, FORMULA, "computed", formula=formula))
            if score_col + 1 <= self.print_right:
                self.label(r, score_col + 1, "", "blank", last_col=self.print_right)
            self.row = r + 1

    def total(self) -> None:
        """The total row: its label, then (合计 forms) the weights' sum, then the total score."""
        t = self.t
        if not t.scored:  # a form without scores (衡山's) has no total row
            return
        self.subtotals()
        r = self.row
        col = t.total_label_span
        self.label(r, 0, t.total_label, "label", last_col=col - 1)
        if t.total_weight:
            weights = [f"SUM({ref(self.lay, f'{table}.{c.field}', '', -1)})" for table, tbl in
                       ((TASKS, t.tasks), (INDICATORS, t.indicators)) for c in tbl.columns
                       if c.type == "weight" and self.lay.column_slots(table, c.field)]
            if t.points_in_tree:  # no 分值 column: the tree's points
                weights.append(excel_number(sum(ind.weight or 0.0 for ind in t.tree)))
            self.add(Slot("total_weight", TOTAL, -1, "total_weight", r, col, col, FORMULA, "computed",
                          formula=f"ROUND({'+'.join(weights) or '0'},6)"))
            col += 1
        self.add(Slot(TOTAL, TOTAL, -1, TOTAL, r, col, col, FORMULA, "computed"))
        self.pending.append((TOTAL, t.formulas[t.total_formula], TOTAL, -1))
        if col + 1 <= self.print_right:
            self.label(r, col + 1, "", "blank", last_col=self.print_right)
        self.row = r + 1


SUBTOTAL = "subtotal"  # slots subtotal[n].weight / .score: the n-th tier's sums


def tier_runs(rows: tuple[IndicatorRow, ...], tiers: tuple[str, ...], fld: str) -> list[tuple[int, int]]:
    """The runs (first, last row index) of tree rows sharing tier ``fld`` and the tiers above it."""
    parents = tiers[:tiers.index(fld) + 1]
    runs = []
    i = 0
    while i < len(rows):
        tree = rows[i].tree
        j = i
        if tree is not None:
            key = tuple(getattr(tree, p) for p in parents)
            while j + 1 < len(rows) and rows[j + 1].tree is not None and \
                    tuple(getattr(rows[j + 1].tree, p) for p in parents) == key:
                j += 1
            runs.append((i, j))
        i = j + 1
    return runs


def _indicator_required(ind: IndicatorRow, col: Column, role: str) -> str:
    """Which inputs of an indicator row must be filled: the tree's always, a spare row's once used."""
    if role != INPUT or not col.required:
        return ""
    needed = col.type in MEASURE_TYPES or col.field in TREE_FIELDS
    if not needed:
        return ""
    return REQUIRED_ALWAYS if ind.tree is not None and not ind.tree.block else REQUIRED_IN_USE
