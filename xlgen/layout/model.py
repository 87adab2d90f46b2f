"""The layout: where every field of a template sits, and the formula of every computed cell.

Stage 2 of the pipeline. This is the one table of cell addresses in xlgen: the workbook writer
places what it lists, and the reader and the verifier read through it. A layout depends only on
the template and the row counts (tasks, extra indicator rows), so a returned file's layout is
rebuilt from its template and the counts found in it. ``placer.py`` builds it (``build_layout``),
``selfcheckblock.py`` places the 填报检查 block, ``formulas.py`` turns placeholders into cells.
"""

from __future__ import annotations

import functools
import weakref
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any, TypeVar

from xlgen.layout import selfcheck as chk
from xlsxwriter.utility import xl_rowcol_to_cell

from xlgen.formula.compiler import Program, build_program
from xlgen.names import FIXED as FIXED, FORMULA as FORMULA, INDICATORS, INPUT as INPUT, TASKS, TOTAL  # roles, re-exported
from xlgen.template.model import NUMBER, NUMBER_OR_TEXT, QUALITATIVE, QUANTITATIVE, Template, TreeIndicator, value_kind

T = TypeVar("T")

# Slot.required: an input that must be filled always, or once its row is in use (any input of
# the row filled: task rows, spare indicator rows).
REQUIRED_ALWAYS, REQUIRED_IN_USE = "always", "in_use"
TREE_FIELDS = ("level1", "level2", "name")  # fixed on tree rows, inputs on spare rows
LIST_SHEET = "lists"  # the hidden sheet holding the dropdown lists
# Column types of an indicator's measures: required on its row (a tree row's other inputs are texts)
MEASURE_TYPES = ("operator", "target", "unit", "actual", "weight", "computed", "score")


def quote_sheet(name: str) -> str:
    """A sheet name as a formula or defined name refers to it."""
    return "'" + name.replace("'", "''") + "'"


@functools.lru_cache(maxsize=65_536)  # a form's cells are named again for every file verified
def a1(row: int, col: int, absolute: bool = False) -> str:
    """A cell's A1 address from 0-based row and column ($A$1 when ``absolute``)."""
    cell: str = xl_rowcol_to_cell(row, col, absolute, absolute)
    return cell


def a1_range(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """An absolute range ($A$1:$B$2) from 0-based corners, both ends written even for one cell
    (xlsxwriter's xl_range_abs writes one cell as $A$1, which would change the formulas)."""
    return f"{a1(first_row, first_col, True)}:{a1(last_row, last_col, True)}"


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
    # the bureau's field (template [fixed]): where a workbook is pre-filled with it, the cell is
    # locked and sealed, and a returned file that changed it fails (an empty one stays an input)
    bureau: bool = False

    @functools.cached_property  # asked for some thousand times a file verified
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
        return f"={quoted}!{a1_range(0, self.col, len(self.values) - 1, self.col)}"


@dataclass(frozen=True, eq=False)  # eq=False: a layout is itself (hashed by identity), the key of its plans
class Layout:
    template: Template
    task_count: int
    indicator_rows: tuple[IndicatorRow, ...]
    slots: dict[str, Slot] = field(default_factory=dict)
    labels: list[Label] = field(default_factory=list)
    regions: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)  # name → r1,c1,r2,c2
    last_row: int = 0  # the sheet's last row: the form, then its 填报检查 block
    form_last_row: int = 0  # the printed form's last row (the print area ends there, before 填报检查)
    form_first_row: int = 0  # the printed form's first row (header rows on the screen only: above it)
    title_row: int = 0
    year_row: int = 1  # the year line, written with the workbook's year over columns year_cols
    year_cols: tuple[int, int] = (0, 0)
    helper_cols: dict[str, int] = field(default_factory=dict)  # helper role → hidden column
    print_titles: tuple[int, int] = (0, 0)  # rows repeated at the top of every printed page
    check_labels: dict[str, str] = field(default_factory=dict)  # check field → its label
    # the task rows closed because the bureau set others (a roster's or fill's tasks) and not
    # them: locked and blank, no input; none when it set none (every row open for the department)
    tasks_closed: tuple[int, ...] = ()

    @property
    def width(self) -> int:
        return self.template.width

    def slot(self, key: str) -> Slot:
        return self.slots[key]

    def column_slots(self, table: str, fld: str) -> list[Slot]:
        """The cells of column ``fld`` of ``table`` (tasks, indicators), top to bottom (merged away: left out)."""
        count = self.task_count if table == TASKS else len(self.indicator_rows)
        cells = [self.slots.get(f"{table}[{i}].{fld}") for i in range(count)]
        return [c for c in cells if c is not None]

    def row_slots(self, section: str, index: int) -> dict[str, Slot]:
        return {s.field: s for s in self.slots.values() if s.section == section and s.index == index}

    def formula_cells(self) -> dict[str, str]:
        return {s.a1: s.formula for s in self.slots.values() if s.role == FORMULA}

    @functools.cached_property
    def value_slots(self) -> tuple[Slot, ...]:
        """The input and fixed slots (every slot but the formulas), in the layout's order."""
        return tuple(s for s in self.slots.values() if s.role != FORMULA)

    @functools.cached_property
    def value_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.value_slots)

    @functools.cached_property
    def cell_of(self) -> dict[str, str]:
        """Each slot's A1 address, by key."""
        return {k: s.a1 for k, s in self.slots.items()}

    @functools.cached_property
    def positions(self) -> tuple[tuple[int, int], ...]:
        """(row, column) of every slot, in the layout's order."""
        return tuple((s.row, s.col) for s in self.slots.values())

    def input_slots(self) -> list[Slot]:
        return [s for s in self.slots.values() if s.role == INPUT]

    def fixed_values(self, values: dict[str, Any]) -> dict[str, Any]:
        """The bureau's fields that ``values`` (by slot key) pre-fill: what a blank locks and seals."""
        return {s.key: values[s.key] for s in self.slots.values()
                if s.bureau and values.get(s.key) is not None and values.get(s.key) != ""}

    @functools.cached_property
    def program(self) -> Program:
        return build_program(self.formula_cells(), straight=True)  # run on every file of the layout

    def holds_number(self, slot: Slot) -> bool:
        """Whether the input ``slot`` must hold a number: its column's value kind, resolved for
        its row (a target or actual is text on a qualitative row)."""
        kind = value_kind(slot.type)
        if kind == NUMBER_OR_TEXT:
            return slot.section == INDICATORS and self.indicator_rows[slot.index].kind != QUALITATIVE
        return kind == NUMBER

    # -------------------------------------------------------------- rules of the in-workbook guidance
    @functools.cached_property
    def lists(self) -> dict[str, ListSource]:
        """Closed lists by kind (operators, units, grades), one column each on LIST_SHEET."""
        t = self.template
        kinds = (("operators", t.operators), ("units", t.units), ("grades", tuple(g.label for g in t.grades)),
                 ("applies", (t.indicators.not_applicable,) if t.indicators.not_applicable else ()))
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
        return f'OR({",".join(f"{s.a1}<>{EMPTY}" for s in self.row_inputs(section, index))})'

    def applies(self, section: str, index: int) -> str:
        """Formula: TRUE unless the row is marked not applicable (F9); "" where no row can be."""
        word = self.template.indicators.not_applicable
        mark = self.slots.get(f"{section}[{index}].{self.template.indicators.applies}") if word else None
        return f"{mark.a1}<>{excel_string(word)}" if mark is not None else ""

    def required_blank(self, slot: Slot) -> str:
        """Formula: TRUE while the required input ``slot`` is empty (conditional format, checks)."""
        tests = [blank(slot.a1)]
        if slot.required == REQUIRED_IN_USE:
            tests.append(self.in_use(slot.section, slot.index))
        tests += [t for t in (self.applies(slot.section, slot.index),) if t]
        return f"AND({','.join(tests)})" if len(tests) > 1 else tests[0]

    def end_marker(self) -> tuple[int, str]:
        """The row that ends the indicators and its label in column A, by which a returned file's
        rows are found: the total row (合计), or on a form without scores the row under the table
        (a footer's 说明, else the 填报检查)."""
        row = self.slots[TOTAL].row if TOTAL in self.slots else self.regions[INDICATORS][2] + 1
        return row, next((lab.text for lab in self.labels if lab.row == row and lab.col == 0), "")

    def points(self, index: int) -> float | None:
        """Indicator row ``index``'s points where the form gives them in the tree alone (no 分值
        column; None: a row of the department's own, or a form with a 分值 column)."""
        tree = self.indicator_rows[index].tree
        if tree is not None and tree.block:  # a department's own row: its block's points
            tree = next(t for t in self.template.tree if t.name == tree.block)
        return tree.weight if tree is not None and self.template.points_in_tree else None

    def block_sum(self, index: int, fld: str) -> str:
        """Formula: the sum of ``fld`` over the own rows of the block headed by row ``index``
        ("": the row heads none)."""
        tree = self.indicator_rows[index].tree
        if tree is None or not tree.beneath:
            return ""
        first, last = self.slots[f"indicators[{index + 1}].{fld}"], self.slots[f"indicators[{index + tree.beneath}].{fld}"]
        cells = a1_range(first.row, first.col, last.row, last.col)
        return f'IF(COUNT({cells})=0,"",SUM({cells}))'

    def band_rule(self, index: int, grade_names: list[str] | None = None) -> str:
        """Formula: TRUE when the qualitative row's 完成程度 lies in the band of its chosen grade.

        ``grade_names`` are defined names of the grade labels (data validation keeps within
        Excel's 255 characters that way); without them the labels are written as strings.
        """
        grade = self.slots[f"indicators[{index}].actual"].a1
        degree = self.slots[f"indicators[{index}].degree"].a1
        tests = []
        for i, g in enumerate(self.template.grades):
            label = grade_names[i] if grade_names else excel_string(g.label)
            top = "<=" if g.max_inclusive else "<"
            tests.append(f"AND({grade}={label},{degree}>={excel_number(g.min)},{degree}{top}{excel_number(g.max)})")
        return f"AND(ISNUMBER({degree}),OR({','.join(tests)}))"


def per_layout(build: Callable[[Layout], T]) -> Callable[[Layout], T]:
    """``build`` as a stage's typed plan of a layout, made once per layout rather than once per
    workbook or file (a distribution writes a thousand alike; a collection reads as many)."""
    plans: weakref.WeakKeyDictionary[Layout, T] = weakref.WeakKeyDictionary()

    @functools.wraps(build)
    def plan(layout: Layout) -> T:
        try:
            return plans[layout]
        except KeyError:
            built = plans[layout] = build(layout)
            return built

    return plan


def own_kind(target: object) -> str:
    """The kind of a department's own indicator row, by the tree's rule: a text target (a grade's
    wording) makes it qualitative, its 完成程度 then an input inside the grade's band."""
    return QUALITATIVE if isinstance(target, str) and target.strip() else QUANTITATIVE



EMPTY = '""'
FULL_WIDTH_SPACE = "\u3000"


def blank(a1: str) -> str:
    """Formula: TRUE when the cell holds nothing, or nothing but white space: spaces, full-width
    spaces (U+3000) and control characters (tab, line break; CLEAN drops them). The one definition
    of an empty input, for the required inputs and a template formula's ``{field:blank}``: a reason
    of spaces is no reason. A number is never blank."""
    return f'TRIM(CLEAN(SUBSTITUTE({a1},"{FULL_WIDTH_SPACE}"," ")))={EMPTY}'


def excel_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def excel_number(x: float) -> str:
    return f"{x:.15g}"
