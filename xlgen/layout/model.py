"""The layout: where every field of a template sits, and the formula of every computed cell.

Stage 2 of the pipeline. This is the one table of cell addresses in xlgen: the workbook writer
places what it lists, and the reader and the verifier read through it. A layout depends only on
the template and the row counts (tasks, extra indicator rows), so a returned file's layout is
rebuilt from its template and the counts found in it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field, replace
from collections.abc import Callable
from typing import Any, TypeVar

from xlgen.generate.addin import checks as chk
from xlgen.formula.engine import Program, build_program, col_letters
from xlgen.template import rules
from xlgen.template.rules import BAND, REQUIRED
from xlgen.template.model import (PLACEHOLDER, NUMBER, NUMBER_OR_TEXT, QUALITATIVE, QUANTITATIVE, Column, FormulaSpec, Template,
                       TreeIndicator, value_kind)

T = TypeVar("T")

INPUT, FORMULA, FIXED = "input", "formula", "fixed"
# Slot.required: an input that must be filled always, or once its row is in use (any input of
# the row filled: task rows, spare indicator rows).
REQUIRED_ALWAYS, REQUIRED_IN_USE = "always", "in_use"
TREE_FIELDS = ("level1", "level2", "name")  # fixed on tree rows, inputs on spare rows
LIST_SHEET = "lists"  # the hidden sheet holding the dropdown lists
# Column types of an indicator's measures: required on its row (a tree row's other inputs are texts)
MEASURE_TYPES = ("operator", "target", "unit", "actual", "weight", "computed")


def quote_sheet(name: str) -> str:
    """A sheet name as a formula or defined name refers to it."""
    return "'" + name.replace("'", "''") + "'"


def a1(row: int, col: int, absolute: bool = False) -> str:
    d = "$" if absolute else ""
    return f"{d}{col_letters(col)}{d}{row + 1}"


@dataclass(frozen=True)
class Slot:
    """One field's cell. ``key`` names it: header.department_code, tasks[2].rate, total."""

    key: str
    section: str
    index: int
    field: str
    row: int
    col: int
    last_col: int
    role: str  # input | formula | fixed
    type: str  # the template's column type (text, amount, weight, computed, …)
    formula: str = ""
    default: Any = None  # what the template pre-fills (tree targets, weights, names)
    last_row: int = -1
    format: str = ""
    required: str = ""  # "" | REQUIRED_ALWAYS | REQUIRED_IN_USE (inputs only)

    @property
    def a1(self) -> str:
        return a1(self.row, self.col)

    @property
    def bottom(self) -> int:
        return max(self.row, self.last_row)


@dataclass(frozen=True)
class Label:
    """Fixed text of the form (titles, headings), possibly merged over a block."""

    row: int
    col: int
    last_row: int
    last_col: int
    text: str
    style: str  # title | year | section | head | label | blank | check


@dataclass(frozen=True)
class IndicatorRow:
    index: int
    kind: str  # QUANTITATIVE | QUALITATIVE | linked
    tree: TreeIndicator | None  # None: a spare row for an indicator of the department's own


@dataclass(frozen=True)
class ListSource:
    """A dropdown list on the hidden list sheet, behind a defined name."""

    name: str  # defined name, e.g. xlgen_list_operators
    col: int
    values: tuple[str, ...]

    def ref(self, index: int | None = None) -> str:
        """The whole list, or its ``index``-th entry, as an absolute reference."""
        quoted = quote_sheet(LIST_SHEET)
        if index is not None:
            return f"={quoted}!{a1(index, self.col, True)}"
        return f"={quoted}!{a1(0, self.col, True)}:{a1(len(self.values) - 1, self.col, True)}"


@dataclass
class Layout:
    template: Template
    task_count: int
    indicator_rows: tuple[IndicatorRow, ...]
    slots: dict[str, Slot] = field(default_factory=dict)
    labels: list[Label] = field(default_factory=list)
    regions: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # name → r1,c1,r2,c2
    last_row: int = 0
    helper_cols: dict[str, int] = field(default_factory=dict)  # helper role → hidden column
    print_titles: tuple[int, int] = (0, 0)  # rows repeated at the top of every printed page
    check_labels: dict[str, str] = field(default_factory=dict)  # check field → its label

    @property
    def width(self) -> int:
        return self.template.width

    def slot(self, key: str) -> Slot:
        return self.slots[key]

    def row_slots(self, section: str, index: int) -> dict[str, Slot]:
        return {s.field: s for s in self.slots.values() if s.section == section and s.index == index}

    def formula_cells(self) -> dict[str, str]:
        return {s.a1: s.formula for s in self.slots.values() if s.role == FORMULA}

    def input_slots(self) -> list[Slot]:
        return [s for s in self.slots.values() if s.role == INPUT]

    @functools.cached_property
    def program(self) -> Program:
        return build_program(self.formula_cells())

    def holds_number(self, slot: Slot) -> bool:
        """Whether the input ``slot`` must hold a number: its column's value kind, resolved for
        its row (a target or actual is text on a qualitative row)."""
        kind = value_kind(slot.type)
        if kind == NUMBER_OR_TEXT:
            return slot.section == "indicators" and self.indicator_rows[slot.index].kind != QUALITATIVE
        return kind == NUMBER

    def cached(self, name: str, build: Callable[[], T]) -> T:
        """What an emitter derives from the layout alone (its rules and ranges), built once per
        layout rather than once per workbook: a distribution writes a thousand alike."""
        memo: dict[str, Any] = self.__dict__.setdefault("_memo", {})
        if name not in memo:
            memo[name] = build()
        built: T = memo[name]  # what ``build`` made for this name (a name is always built alike)
        return built

    # -------------------------------------------------------------- rules of the add-in
    @functools.cached_property
    def lists(self) -> dict[str, ListSource]:
        """Closed lists by kind (operators, units, grades), one column each on LIST_SHEET."""
        t = self.template
        kinds = (("operators", t.operators), ("units", t.units), ("grades", tuple(g.label for g in t.grades)))
        present = [(kind, values) for kind, values in kinds if values]
        return {kind: ListSource(f"xlgen_list_{kind}", col, tuple(values))
                for col, (kind, values) in enumerate(present)}

    def helper_rows(self, table: str, role: str) -> list[int]:
        """The rows of ``table`` whose hidden helper column ``role`` holds a rule result."""
        prefix = f"{chk.HELPER}.{table}["
        return [s.row for s in self.slots.values()
                if s.section == chk.HELPER and s.field == role and s.key.startswith(prefix)]

    def row_inputs(self, section: str, index: int) -> list[Slot]:
        return [s for s in self.slots.values() if s.section == section and s.index == index and s.role == INPUT]

    def in_use(self, section: str, index: int) -> str:
        """Formula: TRUE once any input of the row is filled."""
        return f'OR({",".join(f"{s.a1}<>{_EMPTY}" for s in self.row_inputs(section, index))})'

    def required_blank(self, slot: Slot) -> str:
        """Formula: TRUE while the required input ``slot`` is empty (conditional format, checks)."""
        blank = f"{slot.a1}={_EMPTY}"
        if slot.required == REQUIRED_IN_USE:
            return f"AND({blank},{self.in_use(slot.section, slot.index)})"
        return blank

    def band_rule(self, index: int, grade_names: list[str] | None = None) -> str:
        """Formula: TRUE when the qualitative row's 完成程度 lies in the band of its chosen grade.

        ``grade_names`` are defined names of the grade labels (data validation keeps within
        Excel's 255 characters that way); without them the labels are written as strings.
        """
        grade = self.slots[f"indicators[{index}].actual"].a1
        degree = self.slots[f"indicators[{index}].degree"].a1
        tests = []
        for i, g in enumerate(self.template.grades):
            label = grade_names[i] if grade_names else _string(g.label)
            top = "<=" if g.max_inclusive else "<"
            tests.append(f"AND({grade}={label},{degree}>={_num(g.min)},{degree}{top}{_num(g.max)})")
        return f"AND(ISNUMBER({degree}),OR({','.join(tests)}))"


def build_layout(template: Template, task_count: int, extra: int | tuple[str, ...]) -> Layout:
    """Place the template with ``task_count`` task rows and, under its tree, the rows of
    ``extra``: their kinds (a department's own indicators, then spare rows), or a number of
    quantitative spare rows."""
    kinds = (QUANTITATIVE,) * extra if isinstance(extra, int) else extra
    if template.tasks.funding is not None:  # the funding rows are the form's, never more or fewer
        task_count = template.tasks.funding.rows
    return _build_layout(template, task_count, kinds)


@functools.lru_cache(maxsize=64)
def _build_layout(template: Template, task_count: int, kinds: tuple[str, ...]) -> Layout:
    rows = [IndicatorRow(i, _kind(t), t) for i, t in enumerate(template.tree)]
    rows += [IndicatorRow(len(rows) + j, kind, None) for j, kind in enumerate(kinds)]
    lay = Layout(template, task_count, tuple(rows))
    _Placer(lay).place()
    return lay


def _kind(t: TreeIndicator) -> str:
    if t.actual:
        return "linked"
    return QUALITATIVE if t.qualitative else QUANTITATIVE


def own_kind(target: object) -> str:
    """The kind of a department's own indicator row, by the tree's rule: a text target (a grade's
    wording) makes it qualitative, its 完成程度 then an input inside the grade's band."""
    return QUALITATIVE if isinstance(target, str) and target.strip() else QUANTITATIVE


class _Placer:
    def __init__(self, lay: Layout) -> None:
        self.lay = lay
        self.t = lay.template
        self.right = lay.width - 1
        self.row = 0
        self.pending: list[tuple[str, FormulaSpec, str, int]] = []

    # -------------------------------------------------------------- helpers
    def label(self, row: int, col: int, text: str, style: str, last_row: int = -1, last_col: int = -1) -> None:
        self.lay.labels.append(Label(row, col, max(row, last_row), max(col, last_col), text, style))

    def add(self, slot: Slot) -> None:
        self.lay.slots[slot.key] = slot

    def place(self) -> None:
        t = self.t
        self.label(0, 0, t.title, "title", last_col=self.right)
        self.row = 2  # row 1: the year, written with the workbook's year
        self.header()
        self.tasks()
        self.goals()
        self.indicators()
        self.total()
        self.helpers()
        self.checks()
        self.lay.last_row = self.row - 1
        for key, spec, section, index in self.pending:
            s = self.lay.slots[key]
            self.lay.slots[key] = replace(s, formula=self.formula(spec, section, index))

    def header(self) -> None:
        for hrow in self.t.header:
            r = self.row
            self.label(r, 0, hrow.label, "label", last_col=hrow.label_span - 1)
            col = hrow.label_span
            for f in hrow.fields:
                self.add(Slot(f"header.{f.field}", "header", -1, f.field, r, col, col + f.span - 1, INPUT, f.type,
                              required=REQUIRED_ALWAYS if f.required else ""))
                col += f.span
            if col <= self.right:
                self.label(r, col, "", "blank", last_col=self.right)
            self.row += 1

    def table_head(self, r: int, columns: tuple[Column, ...], col: int = 1) -> None:
        for c in columns:
            self.label(r, col, c.label, "head" if c.label else "blank", last_col=col + c.span - 1)
            col += c.span

    def tasks(self) -> None:
        t, lay = self.t, self.lay
        top = self.row
        self.table_head(top, t.tasks.columns)
        for i in range(lay.task_count):
            r = top + 1 + i
            col = 1
            for c in t.tasks.columns:
                last = col + c.span - 1
                fund = self.funding_cell(i, c, top + 1, col)
                if c.type == "blank" or isinstance(fund, str):
                    self.label(r, col, fund if isinstance(fund, str) else "", "label" if fund else "blank",
                               last_col=last)
                elif fund is not None:
                    self.add(replace(fund, row=r, last_col=last))
                else:
                    key = f"tasks[{i}].{c.field}"
                    role = FORMULA if c.type == "computed" else INPUT
                    self.add(Slot(key, "tasks", i, c.field, r, col, last, role, c.type, format=c.format,
                                  required=REQUIRED_IN_USE if role == INPUT else ""))
                    if role == FORMULA:
                        self.pending.append((key, t.formulas[c.formula], "tasks", i))
                col += c.span
        bottom = top + max(lay.task_count, 1)
        self.label(top, 0, t.tasks.label, "section", last_row=bottom)
        lay.regions["tasks"] = (top + 1, 1, top + lay.task_count, self.right)
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
            return Slot(key, "tasks", i, c.field, first + i, col, col, FIXED, c.type, default=fund.label(i))
        if c.field in fund.sums:
            if i > 0:
                return None
            cells = f"{a1(first + 1, col, True)}:{a1(first + fund.rows - 1, col, True)}"
            return Slot(key, "tasks", i, c.field, first, col, col, FORMULA, c.type, format=c.format,
                        formula=f'IF(COUNT({cells})=0,"",SUM({cells}))')
        if i > 0:
            return fund.mark
        if c.type == "weight":
            return Slot(key, "tasks", i, c.field, first, col, col, FIXED, c.type, default=self.t.weight_tasks)
        return None

    def goals(self) -> None:
        t = self.t
        top = self.row
        self.table_head(top, t.goals.columns)
        col = 1
        for c in t.goals.columns:
            self.add(Slot(f"goals.{c.field}", "goals", -1, c.field, top + 1, col, col + c.span - 1, INPUT, c.type,
                          required=REQUIRED_ALWAYS))
            col += c.span
        self.label(top, 0, t.goals.label, "section", last_row=top + 1)
        self.row = top + 2

    def indicators(self) -> None:
        t, lay = self.t, self.lay
        top = self.row
        col = 1
        groups: dict[str, list[int]] = {}
        for c in t.indicators.columns:
            if c.group:
                groups.setdefault(c.group, []).append(col)
                self.label(top + 1, col, c.label, "head", last_col=col + c.span - 1)
                groups[c.group].append(col + c.span - 1)
            else:
                self.label(top, col, c.label, "head", last_row=top + 1, last_col=col + c.span - 1)
            col += c.span
        for name, cols in groups.items():
            self.label(top, min(cols), name, "head", last_col=max(cols))
        first = top + 2
        lay.print_titles = (top, top + 1)
        for ind in lay.indicator_rows:
            self.indicator_row(first + ind.index, ind)
        self.merge_tree(first)
        last = first + len(lay.indicator_rows) - 1
        self.label(top, 0, t.indicators.label, "section", last_row=max(last, top + 1))
        lay.regions["indicators"] = (first, 1, last, self.right)
        self.row = max(last, top + 1) + 1

    def indicator_row(self, r: int, ind: IndicatorRow) -> None:
        t = self.t
        col = 1
        tree = ind.tree
        for c in t.indicators.columns:
            key = f"indicators[{ind.index}].{c.field}"
            default: Any = getattr(tree, c.field, None) if tree is not None else None
            role = INPUT
            formula: FormulaSpec | None = None
            if c.type == "computed":
                if ind.kind == QUALITATIVE and c.field == "degree":
                    role = INPUT  # the evaluator sets it inside the chosen grade's band
                else:
                    role, formula = FORMULA, t.formulas[c.formula]
            elif c.type == "actual" and ind.kind == "linked":
                assert tree is not None
                role, formula = FORMULA, t.formulas[tree.actual]
            elif tree is not None and c.field in TREE_FIELDS:
                role = FIXED
            if default == "":
                default = None
            self.add(Slot(key, "indicators", ind.index, c.field, r, col, col + c.span - 1, role, c.type,
                          default=default, format=c.format, required=_indicator_required(ind, c, role)))
            if formula is not None:
                self.pending.append((key, formula, "indicators", ind.index))
            col += c.span

    def merge_tree(self, first: int) -> None:
        """Merge runs of equal 一级/二级指标 vertically, as the paper form does."""
        rows = self.lay.indicator_rows
        for fld, parents in (("level1", ("level1",)), ("level2", ("level1", "level2"))):
            i = 0
            while i < len(rows):
                tree = rows[i].tree
                j = i
                if tree is not None:
                    key = tuple(getattr(tree, p) for p in parents)
                    while j + 1 < len(rows) and rows[j + 1].tree is not None and \
                            tuple(getattr(rows[j + 1].tree, p) for p in parents) == key:
                        j += 1
                if j > i:
                    s = self.lay.slots[f"indicators[{i}].{fld}"]
                    self.lay.slots[s.key] = replace(s, last_row=first + j)
                    for k in range(i + 1, j + 1):
                        del self.lay.slots[f"indicators[{k}].{fld}"]
                i = j + 1

    def total(self) -> None:
        t = self.t
        r = self.row
        span = t.total_label_span
        self.label(r, 0, t.total_label, "label", last_col=span - 1)
        self.add(Slot("total", "total", -1, "total", r, span, span, FORMULA, "computed"))
        self.pending.append(("total", t.formulas[t.total_formula], "total", -1))
        if span + 1 <= self.right:
            self.label(r, span + 1, "", "blank", last_col=self.right)
        self.row = r + 1

    # -------------------------------------------------------------- 填报检查
    def helpers(self) -> None:
        """Per-row rule results in hidden columns right of the form, one column per rule."""
        t, lay = self.t, self.lay
        rows = {"tasks": range(lay.task_count), "indicators": range(len(lay.indicator_rows))}
        fields = {"tasks": set(t.tasks.fields()), "indicators": set(t.indicators.fields())}
        placed: dict[str, list[tuple[str, int]]] = {}
        for rule in t.checks:
            for table, indexes in rows.items():
                for i in indexes:
                    if rule.name == REQUIRED:
                        ok = bool(lay.row_inputs(table, i))
                    elif rule.name == BAND:
                        ok = table == "indicators" and lay.indicator_rows[i].kind == QUALITATIVE and bool(t.grades)
                    else:
                        names = t.formulas[rule.formula].placeholders()
                        ok = set(names) <= fields[table] and (
                            table != "tasks" or all("." in n or f"tasks[{i}].{n}" in lay.slots for n in names))
                    if ok:
                        placed.setdefault(rule.name, []).append((table, i))
        for k, rule in enumerate(r for r in t.checks if r.name in placed):
            # one empty column between the form and the hidden helpers: next to the print
            # area's edge, LibreOffice prints hidden numbers as (clipped) ###
            col = self.t.width + 1 + k
            lay.helper_cols[rule.name] = col
            for table, i in placed[rule.name]:
                row = next(s.row for s in lay.slots.values() if s.section == table and s.index == i)
                key = f"{chk.HELPER}.{table}[{i}].{rule.name}"
                if rule.name == REQUIRED:
                    formula = self.required_count(table, i)
                elif rule.name == BAND:
                    formula = f"IF(OR({lay.slots[f'indicators[{i}].actual'].a1}={_EMPTY},"\
                              f"{lay.slots[f'indicators[{i}].degree'].a1}={_EMPTY}),0,IF({lay.band_rule(i)},0,1))"
                else:
                    formula = ""
                    self.pending.append((key, t.formulas[rule.formula], table, i))
                self.add(Slot(key, chk.HELPER, i, rule.name, row, col, col, FORMULA, "helper", formula=formula))
        if lay.helper_cols:
            first, last = min(lay.helper_cols.values()), max(lay.helper_cols.values())
            top = min(s.row for s in lay.slots.values() if s.section == chk.HELPER)
            bottom = max(s.row for s in lay.slots.values() if s.section == chk.HELPER)
            lay.regions["helpers"] = (top, first, bottom, last)

    def required_count(self, table: str, index: int) -> str:
        """How many required inputs of the row are empty."""
        inputs = self.lay.row_inputs(table, index)
        always = [s for s in inputs if s.required == REQUIRED_ALWAYS]
        in_use = [s for s in inputs if s.required == REQUIRED_IN_USE]
        parts = [_count_blank(always)] if always else []
        if in_use:
            parts.append(f"IF({self.lay.in_use(table, index)},{_count_blank(in_use)},0)")
        return "+".join(parts) or "0"

    def checks(self) -> None:
        """The 填报检查 block under the total row: a value and 通过/未通过 per check, then the verdict."""
        t, lay = self.t, self.lay
        top = self.row
        value_col = min(t.total_label_span, self.right - 1)
        head, result, verdict = chk.HEADINGS
        self.label(top, 1, head, "head", last_col=value_col - 1)
        self.label(top, value_col, result, "head")
        self.label(top, value_col + 1, verdict, "head", last_col=self.right)
        r = top + 1
        statuses = []
        counted = [(c.field, c.label, self.weight_sum(c.field)) for c in chk.WEIGHT_CHECKS]
        counted += [(rule.check_field, rule.label, (self.rule_count(rule.name), 0.0))
                    for rule in t.checks if rule.label]
        for field, text, (formula, expected) in counted:
            if not formula:
                continue
            label = text.format(expected=_num(expected), tasks=t.tasks.label, indicators=t.indicators.label) \
                if field in rules.WEIGHT_CHECKS else text
            lay.check_labels[field] = label
            self.label(r, 1, label, "check", last_col=value_col - 1)
            value = Slot(f"{chk.SECTION}.{field}", chk.SECTION, -1, field, r, value_col, value_col,
                         FORMULA, "computed", formula=formula)
            self.add(value)
            status = f'IF({value.a1}={_num(expected)},{_string(chk.PASS)},{_string(chk.FAIL)})'
            self.add(Slot(chk.status_key(field), chk.SECTION, -1, field + chk.STATUS_SUFFIX, r,
                          value_col + 1, self.right, FORMULA, "computed", formula=status))
            statuses.append(self.lay.slots[chk.status_key(field)].a1)
            r += 1
        lay.check_labels[chk.OVERALL.field] = chk.OVERALL.label
        self.label(r, 1, chk.OVERALL.label, "check", last_col=value_col - 1)
        passed = ",".join(f"{a}={_string(chk.PASS)}" for a in statuses)
        self.add(Slot(f"{chk.SECTION}.{chk.OVERALL.field}", chk.SECTION, -1, chk.OVERALL.field, r, value_col,
                      self.right, FORMULA, "computed",
                      formula=f"IF(AND({passed}),{_string(chk.PASS)},{_string(chk.FAIL)})"))
        self.label(top, 0, chk.TITLE, "section", last_row=r)
        lay.regions["checks"] = (top + 1, value_col, r, self.right)
        self.row = r + 1

    def weight_sum(self, field: str) -> tuple[str, float]:
        """The formula of a weight check's value and the total it must have ("" without weights)."""
        t = self.t
        name, table, total = (("tasks", t.tasks, t.weight_tasks) if field == rules.WEIGHT_CHECKS[0]
                              else ("indicators", t.indicators, t.weight_indicators))
        weight = next((c.field for c in table.columns if c.type == "weight"), "")
        if not weight:
            return "", 0.0
        return f"ROUND(SUM({self.ref(f'{name}.{weight}', '', -1)}),6)", total

    def rule_count(self, rule: str) -> str:
        """The formula counting the rows that break ``rule`` ("" when no row carries it)."""
        lay = self.lay
        col = lay.helper_cols.get(rule)
        if col is None:
            return ""
        sums = []
        for table_name in ("tasks", "indicators"):
            rows = lay.helper_rows(table_name, rule)
            if rows:
                sums.append(f"SUM({a1(min(rows), col, True)}:{a1(max(rows), col, True)})")
        if rule == REQUIRED:
            fixed = [s for s in lay.slots.values() if s.section in ("header", "goals") and s.required]
            if fixed:
                sums.append(_count_blank(fixed))
        return "+".join(sums)

    # -------------------------------------------------------------- formulas
    def ref(self, name: str, section: str, index: int) -> str:
        table, _, fld = name.rpartition(".")
        if table:  # a whole column of a table, e.g. {tasks.executed}
            count = self.lay.task_count if table == "tasks" else len(self.lay.indicator_rows)
            cells = [self.lay.slots.get(f"{table}[{i}].{fld}") for i in range(count)]
            present = [c for c in cells if c is not None]
            if not present:
                return '""'
            col = present[0].col
            r1, r2 = present[0].row, present[-1].row
            return f"{a1(r1, col, True)}:{a1(r2, col, True)}"
        slot = self.lay.slots[f"{section}[{index}].{fld}"]
        return slot.a1

    def formula(self, spec: FormulaSpec, section: str, index: int) -> str:
        def sub(text: str) -> str:
            return PLACEHOLDER.sub(lambda m: self.ref(m.group(1), section, index), text)

        body = sub(spec.formula)
        if spec.when:
            body = f'IF({sub(spec.when)},{body},"")'
        if spec.needs:
            tests = [f"ISNUMBER({sub('{' + n + '}')})" for n in spec.needs]
            cond = tests[0] if len(tests) == 1 else f"AND({','.join(tests)})"
            body = f'IF({cond},{body},"")'
        return body


_EMPTY = '""'


def _string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _num(x: float) -> str:
    return f"{x:.15g}"


def _count_blank(slots: list[Slot]) -> str:
    """Formula: how many of ``slots`` are empty (TRUE counts 1 in a sum)."""
    if len(slots) == 1:
        return f"IF({slots[0].a1}={_EMPTY},1,0)"
    return "+".join(f"({s.a1}={_EMPTY})" for s in slots)


def _indicator_required(ind: IndicatorRow, col: Column, role: str) -> str:
    """Which inputs of an indicator row must be filled: the tree's always, a spare row's once used."""
    if role != INPUT:
        return ""
    needed = col.type in MEASURE_TYPES or col.field in TREE_FIELDS
    if ind.kind == QUALITATIVE and col.type in ("operator", "unit"):
        needed = False  # a qualitative row has no operator and no unit
    if not needed:
        return ""
    return REQUIRED_ALWAYS if ind.tree is not None else REQUIRED_IN_USE
