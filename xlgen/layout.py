"""The layout: where every field of a template sits, and the formula of every computed cell.

Stage 2 of the pipeline. This is the one table of cell addresses in xlgen: the workbook writer
places what it lists, and the reader and the verifier read through it. A layout depends only on
the template and the row counts (tasks, extra indicator rows), so a returned file's layout is
rebuilt from its template and the counts found in it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from .engine import Program, build_program, col_letters
from .template import Column, FormulaSpec, Template, TreeIndicator

_PLACEHOLDER = re.compile(r"\{([a-z_]+(?:\.[a-z_]+)?)\}")

INPUT, FORMULA, FIXED = "input", "formula", "fixed"


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
    style: str  # title | year | section | head | label | blank


@dataclass(frozen=True)
class IndicatorRow:
    index: int
    kind: str  # quantitative | qualitative | linked
    tree: TreeIndicator | None  # None: a spare row for an indicator of the department's own


@dataclass
class Layout:
    template: Template
    task_count: int
    indicator_rows: tuple[IndicatorRow, ...]
    slots: dict[str, Slot] = field(default_factory=dict)
    labels: list[Label] = field(default_factory=list)
    regions: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # name → r1,c1,r2,c2
    last_row: int = 0

    @property
    def width(self) -> int:
        return self.template.width

    def slot(self, key: str) -> Slot:
        return self.slots[key]

    def section_slots(self, section: str) -> list[Slot]:
        return [s for s in self.slots.values() if s.section == section]

    def row_slots(self, section: str, index: int) -> dict[str, Slot]:
        return {s.field: s for s in self.slots.values() if s.section == section and s.index == index}

    def formula_cells(self) -> dict[str, str]:
        return {s.a1: s.formula for s in self.slots.values() if s.role == FORMULA}

    def input_slots(self) -> list[Slot]:
        return [s for s in self.slots.values() if s.role == INPUT]

    @functools.cached_property
    def program(self) -> Program:
        return build_program(self.formula_cells())


@functools.lru_cache(maxsize=64)
def build_layout(template: Template, task_count: int, extra_indicators: int) -> Layout:
    """Place the template with ``task_count`` task rows and ``extra_indicators`` spare rows."""
    rows = [IndicatorRow(i, _kind(t), t) for i, t in enumerate(template.tree)]
    rows += [IndicatorRow(len(rows) + j, "quantitative", None) for j in range(extra_indicators)]
    lay = Layout(template, task_count, tuple(rows))
    _Placer(lay).place()
    return lay


def _kind(t: TreeIndicator) -> str:
    if t.actual:
        return "linked"
    return "qualitative" if t.qualitative else "quantitative"


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
        self.year_row = 1
        self.row = 2
        self.header()
        self.tasks()
        self.goals()
        self.indicators()
        self.total()
        self.lay.last_row = self.row - 1
        for key, spec, section, index in self.pending:
            s = self.lay.slots[key]
            self.lay.slots[key] = _with_formula(s, self.formula(spec, section, index))

    def header(self) -> None:
        for hrow in self.t.header:
            r = self.row
            self.label(r, 0, hrow.label, "label", last_col=hrow.label_span - 1)
            col = hrow.label_span
            for f in hrow.fields:
                self.add(Slot(f"header.{f.field}", "header", -1, f.field, r, col, col + f.span - 1, INPUT, f.type))
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
                if c.type == "blank":
                    self.label(r, col, "", "blank", last_col=col + c.span - 1)
                else:
                    key = f"tasks[{i}].{c.field}"
                    role = FORMULA if c.type == "computed" else INPUT
                    self.add(Slot(key, "tasks", i, c.field, r, col, col + c.span - 1, role, c.type, format=c.format))
                    if role == FORMULA:
                        self.pending.append((key, t.formulas[c.formula], "tasks", i))
                col += c.span
        bottom = top + max(lay.task_count, 1)
        self.label(top, 0, t.tasks.label, "section", last_row=bottom)
        lay.regions["tasks"] = (top + 1, 1, top + lay.task_count, self.right)
        self.row = bottom + 1

    def goals(self) -> None:
        t = self.t
        top = self.row
        self.table_head(top, t.goals.columns)
        col = 1
        for c in t.goals.columns:
            self.add(Slot(f"goals.{c.field}", "goals", -1, c.field, top + 1, col, col + c.span - 1, INPUT, c.type))
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
                if ind.kind == "qualitative" and c.field == "degree":
                    role = INPUT  # the evaluator sets it inside the chosen grade's band
                else:
                    role, formula = FORMULA, t.formulas[c.formula]
            elif c.type == "actual" and ind.kind == "linked":
                assert tree is not None
                role, formula = FORMULA, t.formulas[tree.actual]
            elif tree is not None and c.field in ("level1", "level2", "name"):
                role = FIXED
            if default == "":
                default = None
            self.add(Slot(key, "indicators", ind.index, c.field, r, col, col + c.span - 1, role, c.type,
                          default=default, format=c.format))
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
                    self.lay.slots[s.key] = Slot(**{**s.__dict__, "last_row": first + j})
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
            return _PLACEHOLDER.sub(lambda m: self.ref(m.group(1), section, index), text)

        body = sub(spec.formula)
        if spec.when:
            body = f'IF({sub(spec.when)},{body},"")'
        if spec.needs:
            tests = [f"ISNUMBER({sub('{' + n + '}')})" for n in spec.needs]
            cond = tests[0] if len(tests) == 1 else f"AND({','.join(tests)})"
            body = f'IF({cond},{body},"")'
        return body


def _with_formula(slot: Slot, formula: str) -> Slot:
    return Slot(**{**slot.__dict__, "formula": formula})
