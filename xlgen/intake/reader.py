"""Read a returned workbook: its template, where its tables ended up, its inputs and formulas.

Stage one of verification (returned workbook → values → findings). The file is read, never
evaluated and never saved: a part holding a DTD is refused before parsing (as defusedxml's
``forbid_dtd``: no entity, so no entity bomb and no XXE), the sheet is parsed in one pass that
keeps only the template's known range, and every formula cell gives its formula text and its
saved (cached) value together.

Why not openpyxl's loader: it reads a file either as formulas or as values (two loads, 15 ms each
for our form), parses the style sheet we do not need, and does not show sheet protection or data
validations in read-only mode. We use its formula ``Translator`` for Excel's shared formulas.

``package.open_workbook`` is the one place a file is opened (``returned.read_returned`` is the door): it returns a ``Package`` or an
``unreadable`` finding, never raises. In front of it, ``safezip`` checks the zip (declared sizes,
ratios, names, encryption, DTDs in every XML part) before anything is inflated, and inflates
each part with a hard cap. Work is bounded: the sheet is parsed only down to the rows the form
can occupy (the rest is byte-scanned for links, never parsed), at most ``MAX_CELLS`` cells;
shared strings are read only up to the last one the form's cells use; a text is kept to
Excel's 32,767 characters.

Cell positions come only from ``layout.py``: the layout of a returned file is rebuilt from its
template and the row counts found in it (defined names, else labels), and ``Returned.rows``
maps each layout row to the file's row, so rows inserted or deleted inside the tables are
followed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlgen.errors import Said, said
from xlgen.errors.intake import IntakeCode
from xlgen.findings import Code, Finding, finding
from xlgen.lang import Text
from xlgen.formula.references import col_letters, outside_strings
from xlgen.generate import provenance
from xlgen.intake.celltext import norm
from xlgen.intake.package import (
    Cell,
    Package,
    Sheet,
    SheetRef,
    unreadable,
)
from xlgen.intake.refs import parse_ref
from xlgen.intake.recent import Recent
from xlgen.intake.sheet import read_sheet
from xlgen.layout.model import LIST_SHEET, Layout, Slot, own_kind, per_layout
from xlgen.layout.placer import build_layout
from xlgen.layout.values import closed_tasks
from xlgen.names import GOALS, INDICATORS, TASKS, TOTAL
from xlgen.template.model import QUALITATIVE, QUANTITATIVE, Template, known_templates

SLACK_ROWS = 400  # rows read below a template's default form when no defined name bounds it
TAIL_ROWS = 60  # rows read below the total (the 填报检查 block, notes)


# ----------------------------------------------------------------------------- templates
def default_layout(t: Template) -> Layout:
    return build_layout(t, t.task_rows, t.spare_kinds)


@per_layout
def _tree_names(lay: Layout) -> dict[str, int]:
    """The tree's indicator names as the reader compares them, by tree index."""
    return {norm(ind.name): i for i, ind in enumerate(lay.template.tree)}


@per_layout
def _extent(lay: Layout) -> tuple[int, int]:
    """(rows, columns) the layout occupies."""
    cols = max([s.last_col for s in lay.slots.values()] + [lab.last_col for lab in lay.labels]) + 1
    return lay.last_row + 1, cols


# ----------------------------------------------------------------------------- the returned file
@dataclass
class Returned:
    """A returned workbook read through its template's layout."""

    path: Path
    package: Package
    template: Template
    layout: Layout
    sheet: Sheet
    rows: dict[int, int | None]  # layout row → file row (None: the row was deleted)
    findings: list[Finding] = field(default_factory=list)

    @functools.cached_property
    def identity(self) -> bool:
        return all(k == v for k, v in self.rows.items())

    def file_row(self, row: int) -> int | None:
        return self.rows.get(row, row)

    @functools.cached_property
    def _layout_rows(self) -> dict[int, int]:
        return {v: k for k, v in self.rows.items() if v is not None}

    def layout_row(self, file_row: int) -> int | None:
        """The layout row that the file's row ``file_row`` holds (None: no row of the layout)."""
        return self._layout_rows.get(file_row)

    def where(self, slot: Slot) -> str | None:
        """The slot's A1 address in the file (None when its row was deleted)."""
        r = self.rows.get(slot.row, slot.row)
        if r == slot.row:
            return slot.a1  # the layout's own address, kept with the slot
        return None if r is None else f"{col_letters(slot.col)}{r + 1}"

    def cell(self, slot: Slot) -> Cell | None:
        r = self.rows.get(slot.row, slot.row)  # file_row, in line: verify asks for every slot several times
        return None if r is None else self.sheet.cells.get((r, slot.col))

    def value(self, slot: Slot) -> Any:
        r = self.rows.get(slot.row, slot.row)
        c = None if r is None else self.sheet.cells.get((r, slot.col))
        return None if c is None else c.value

    @functools.cached_property
    def cells_by_key(self) -> dict[str, Cell | None]:
        """``cell`` of every slot of the layout, by key in the layout's order: verify reads the
        form's cells in bulk (where the file's rows are the layout's, at the layout's positions)."""
        lay, cells = self.layout, self.sheet.cells
        if self.identity:
            return dict(zip(lay.slots, map(cells.get, lay.positions)))
        rows = self.rows
        out: dict[str, Cell | None] = {}
        for key, s in lay.slots.items():
            r = rows.get(s.row, s.row)
            out[key] = None if r is None else cells.get((r, s.col))
        return out

    def cells_of(self, slots: Iterable[Slot]) -> list[Cell | None]:
        """``cell`` of each of the layout's ``slots``."""
        return self.cells_at(s.key for s in slots)

    def cells_at(self, keys: Iterable[str]) -> list[Cell | None]:
        """``cell`` of the layout's slots named ``keys``."""
        return list(map(self.cells_by_key.__getitem__, keys))

    def inputs(self) -> dict[str, Any]:
        """The value of every input and fixed slot, by slot key (None where empty)."""
        keys = self.layout.value_keys
        return dict(zip(keys, [None if c is None else c.value for c in self.cells_at(keys)]))

    def range_a1(self, slots: list[Slot]) -> str | None:
        """The file range spanning ``slots`` (one column), e.g. L7:L12."""
        rows = [r for r in (self.file_row(s.row) for s in slots) if r is not None]
        if not rows:
            return None
        letters = col_letters(slots[0].col)
        first, last = min(rows), max(rows)
        return f"{letters}{first + 1}" + (f":{letters}{last + 1}" if last != first else "")

    def remap_formula(self, text: str) -> str:
        """A layout formula with every reference moved to where the file has that row."""
        if self.identity:
            return text
        return outside_strings(text, lambda part: _CELLREF.sub(self._move, part))

    def _move(self, m: re.Match[str]) -> str:
        d1, c1, d2, r1, tail = m.group(1), m.group(2), m.group(3), int(m.group(4)) - 1, m.group(5)
        if tail is None:
            new = self.file_row(r1)
            return f"{d1}{c1}{d2}{(new if new is not None else r1) + 1}"
        e1, c2, e2, r2 = m.group(6), m.group(7), m.group(8), int(m.group(9)) - 1
        # Excel and LibreOffice move a range's ends, not its inside: the file rows of its first
        # and last layout rows still there (a row the file has elsewhere, such as one inserted
        # inside the tree and read as an own row after it, does not widen the range)
        present = [r for r in map(self.file_row, range(r1, r2 + 1)) if r is not None]
        top, bottom = (present[0], present[-1]) if present else (r1, r2)
        return f"{d1}{c1}{d2}{top + 1}:{e1}{c2}{e2}{bottom + 1}"


_CELLREF = re.compile(
    r"(?<![A-Za-z0-9_.!$'\]])(\$?)([A-Z]{1,3})(\$?)(\d+)(:(\$?)([A-Z]{1,3})(\$?)(\d+))?(?![A-Za-z0-9_(!])")


def marked(pkg: Package) -> bool:
    """Whether the file carries a mark of xlgen: its template property, an ``xlgen_`` defined name
    or the lists sheet (a file with none is a form xlgen did not make, read by its labels)."""
    return bool(pkg.properties.get(provenance.PROP_TEMPLATE_ID)) or \
        any(name.startswith(provenance.NAME_PREFIX) for name in pkg.names) or pkg.sheet(LIST_SHEET) is not None


def read_package(pkg: Package) -> Returned | Finding:
    """xlgen's form in ``pkg``: its template by the provenance properties, else by its sheet,
    title and section labels (``returned.py`` tries a form without any mark of xlgen as one
    xlgen did not make first)."""
    if not pkg.sheets:
        return unreadable(said(IntakeCode.NO_SHEETS))
    props = pkg.properties
    tid = props.get(provenance.PROP_TEMPLATE_ID)
    templates = known_templates()
    if tid:
        version = props.get(provenance.PROP_TEMPLATE_VERSION, "")
        same_id = [t for t in templates if t.id == tid]
        match = [t for t in same_id if t.version == version] or \
                [t for t in same_id if t.sha256 == props.get(provenance.PROP_TEMPLATE_SHA256)]
        if not match:
            known = ", ".join(f"{t.id} {t.version}" for t in templates) or "—"
            return finding(Code.UNKNOWN_TEMPLATE, reason=said(IntakeCode.TEMPLATE_NOT_KNOWN, template=tid, version=version,
                                                              known=known))
        layout = props.get(provenance.PROP_LAYOUT, provenance.LAYOUT_VERSION)  # none: made before the stamp
        if layout not in provenance.READ_LAYOUTS:
            made_by = props.get(provenance.PROP_XLGEN_VERSION, "?")
            return finding(Code.UNKNOWN_TEMPLATE, reason=said(IntakeCode.LAYOUT_NEWER, made_by=made_by, layout=layout,
                                                              reads=provenance.LAYOUT_VERSION))
        located = _locate(pkg, match[0], by_properties=True)
        assert located is not None
        return located
    # No provenance: recognise the form by its sheet, title and section labels.
    for t in templates:
        result = _locate(pkg, t, by_properties=False)
        if result is not None:
            return result
    return finding(Code.UNKNOWN_TEMPLATE, reason=said(IntakeCode.NO_TEMPLATE_MARKS))


@dataclass
class _Anchors:
    header: list[int]  # file row of each header row
    tasks: tuple[int, int]  # first file row, count ((-1, 0): the form has no tasks)
    goals: int | None  # the file row of the goals (None: the form has none)
    indicators: tuple[int, int]  # first and last file row
    total: int


def _locate(pkg: Package, t: Template, by_properties: bool) -> Returned | Finding | None:
    """The file read as template ``t``. Without provenance (``by_properties`` false), None when
    the file does not look like the form of ``t``."""
    base = default_layout(t)
    ref = _sheet_of(pkg, t)
    if ref is None:
        if not by_properties:
            return None
        names = ", ".join(s.name for s in pkg.sheets)
        return finding(Code.UNKNOWN_TEMPLATE, sheet=t.sheet, reason=said(IntakeCode.SHEET_NOT_FOUND, sheet=t.sheet,
                                                                         sheets=names))
    named = _named_ranges(pkg, ref.name)
    rows, cols = _extent(base)
    max_row = rows + SLACK_ROWS  # the names come from the file: they may move the end up, never past this
    if TOTAL in named:
        max_row = min(max_row, named[TOTAL][2] + 1 + TAIL_ROWS)
    sheet = read_sheet(pkg, ref, max_row, cols + 8)
    if isinstance(sheet, Finding):
        return sheet
    if not by_properties and norm(sheet.text(base.title_row, 0)) != norm(t.title):
        return None
    anchors = _anchors(t, base, named, sheet)
    if isinstance(anchors, Said):
        if not by_properties:
            return None
        return finding(Code.UNKNOWN_TEMPLATE, sheet=ref.name, reason=anchors)
    return _place(pkg, base, ref.name, sheet, anchors)


def _sheet_of(pkg: Package, t: Template) -> SheetRef | None:
    named = parse_ref(pkg.names.get(f"{provenance.NAME_PREFIX}tasks", ""))
    if named and pkg.sheet(named[0]):
        return pkg.sheet(named[0])
    if pkg.sheet(t.sheet):
        return pkg.sheet(t.sheet)
    if named:  # xlgen's names point to a sheet that is gone: deleted, not to be guessed
        return None
    visible = [s for s in pkg.sheets if s.state == "visible"]
    return visible[0] if len(visible) == 1 else None


def _named_ranges(pkg: Package, sheet: str) -> dict[str, tuple[int, int, int, int]]:
    """xlgen's defined names on ``sheet``, without the prefix: tasks, indicators, total, fields
    (the same names in every file of a form: each set of them parsed once)."""
    names = tuple((name, text) for name, text in pkg.names.items() if name.startswith(provenance.NAME_PREFIX))
    def parse() -> dict[str, tuple[int, int, int, int]]:
        ranges = {}
        for name, text in names:
            parsed = parse_ref(text)
            if parsed and parsed[0] == sheet:
                ranges[name[len(provenance.NAME_PREFIX):]] = parsed[1]
        return ranges

    small = sum(len(name) + len(text) for name, text in names) <= 1 << 16  # a form's: some 40 names, 2 KB
    return dict(_RANGES.kept((names, sheet) if small else None, parse))


_RANGES = Recent(64)  # (xlgen's names with their texts, sheet) → the ranges they name there


def _anchors(t: Template, base: Layout, named: dict[str, tuple[int, int, int, int]], sheet: Sheet) -> _Anchors | Said:
    """Where the file's sections start: from the defined names, checked against the labels;
    from the labels in column A where a name is missing or points elsewhere."""
    labels: dict[str, list[int]] = {}
    for (r, c), cell in sheet.cells.items():
        if c == 0 and isinstance(cell.value, str):
            labels.setdefault(norm(cell.value), []).append(r)
    for rows in labels.values():
        rows.sort()

    def label_row(text: str, after: int = -1) -> int | None:
        return next((r for r in labels.get(norm(text), []) if r > after), None)

    def labelled(row: int | None, text: str) -> bool:
        return row is not None and row >= 0 and norm(sheet.text(row, 0)) == norm(text)

    def missing(what: str, what_en: str) -> Said:
        return said(IntakeCode.SECTION_NOT_FOUND, section=Text(what, what_en))  # the form's label; its key

    header = []
    after = -1  # a header row may be the first (one that does not print, above the title)
    for hrow in t.header:
        first = hrow.fields[0].field
        row = named[first][0] if first in named else None
        if not labelled(row, hrow.label):
            row = label_row(hrow.label, after)
        if row is None:
            return missing(hrow.label, hrow.label)
        header.append(row)
        after = row
    bottom = max(sheet.cells, default=(-1, 0))[0]  # the last row read (keys are (row, col))
    task_rows: tuple[int, int] = (-1, 0)
    goals: int | None = None
    order = list(t.sections)
    heads = {TASKS: t.tasks.anchor, GOALS: t.goals.anchor, INDICATORS: t.indicators.anchor}
    for k, section in enumerate(order[:-1]):  # the tables above the indicators, in the form's order
        if section == TASKS:
            tasks = named.get(TASKS)
            if tasks and labelled(tasks[0] - 1, t.tasks.anchor) and tasks[2] <= bottom:
                task_rows = (tasks[0], tasks[2] - tasks[0] + 1)
            else:
                head = label_row(t.tasks.anchor, after)
                following = label_row(heads[order[k + 1]], head if head is not None else after)
                if head is None or following is None:
                    return missing(t.tasks.anchor, TASKS)
                task_rows = (head + 1, following - head - 1)
            if task_rows[1] < 1:
                return missing(t.tasks.anchor, TASKS)
            after = task_rows[0] + task_rows[1] - 1
        else:
            goal_field = t.goals.columns[0].field
            goals = named[goal_field][0] if goal_field in named else None
            down = goals_below_label(base)
            if not labelled(None if goals is None else goals - down, t.goals.anchor):
                head = label_row(t.goals.anchor, after)
                if head is None:
                    return missing(t.goals.anchor, GOALS)
                goals = head + down
            assert goals is not None
            after = goals
    end_label = base.end_marker()[1]  # 合计, or on a form without scores the row under the table
    total = named[TOTAL][0] if TOTAL in named else None
    if not labelled(total, end_label):
        total = label_row(end_label, after)
    if total is None:
        return missing(end_label, TOTAL)
    ind = named.get(INDICATORS)
    if ind and labelled(ind[0] - 2, t.indicators.anchor) and ind[2] < total:
        ind_rows = (ind[0], ind[2])
    else:
        head = label_row(t.indicators.anchor, after)
        if head is None:
            return missing(t.indicators.anchor, INDICATORS)
        ind_rows = (head + 2, total - 1)
    return _Anchors(header, task_rows, goals, ind_rows, total)


@per_layout
def goals_below_label(lay: Layout) -> int:
    """Rows from the goals' section label down to their first values: 1 (the headings' row),
    more where the goals' first block has a heading of its own (Sichuan's 1.项目年度目标完成情况)."""
    first = lay.slots[f"goals.{lay.template.goals.columns[0].field}"]
    return first.row - next((lab.row for lab in lay.labels
                             if lab.col == 0 and lab.style == "section" and lab.row <= first.row <= lab.last_row),
                            first.row - 1)


def _own_kinds(sheet: Sheet, rows: list[int], base: Layout) -> tuple[str, ...]:
    """The kinds of the file rows under the tree, as the generator decided them: quantitative
    where 完成程度 is a formula; otherwise by the target (text: qualitative), and an empty target
    is a qualitative spare row when the row has its 得分 formula. So a constant typed over a
    quantitative row's 完成程度 (its target a number) is still reported as such, and a row
    inserted without formulas is reported as a row without formulas."""
    degree, target, score = _kind_slots(base)
    if degree is None or target is None:
        return (QUANTITATIVE,) * len(rows)

    def kind(r: int) -> str:
        if _formula_at(sheet, r, degree.col):
            return QUANTITATIVE
        value = sheet.cells.get((r, target.col))
        if value is None or value.value is None or (isinstance(value.value, str) and not value.value.strip()):
            # empty, or white space a clerk left: the row's formulas tell its kind
            return QUALITATIVE if score is not None and _formula_at(sheet, r, score.col) else QUANTITATIVE
        return own_kind(value.value)

    return tuple(kind(r) for r in rows)


@per_layout
def _kind_slots(base: Layout) -> tuple[Slot | None, Slot | None, Slot | None]:
    """The 完成程度, target and 得分 slots of an own row under the tree (of the tree's first row
    when the layout has none)."""
    slots = base.row_slots(INDICATORS, len(base.template.tree)) or base.row_slots(INDICATORS, 0)
    return slots.get("degree"), slots.get("target"), slots.get("score")


def _formula_at(sheet: Sheet, row: int, col: int) -> bool:
    cell = sheet.cells.get((row, col))
    return cell is not None and bool(cell.formula)


def _tasks_closed(pkg: Package, sheet: Sheet, base: Layout, tasks: tuple[int, int]) -> tuple[int, ...]:
    """The task rows the generator closed: those of the bureau's but the rows set, which its
    property names (a row inserted among them is closed too). A file whose xlgen properties are
    all gone (stripped, as seal-missing says) is read as it was written: a row is closed where
    every cell of the bureau's an open row offers is empty and unvalidated, when some other row
    has one."""
    props = pkg.properties
    first, count = tasks
    if count <= 0:
        return ()
    open_ = build_layout(base.template, count, ())
    if any(k.startswith(provenance.NAME_PREFIX) for k in props):  # no property: the bureau set no tasks
        return _closed(open_, tuple(sorted(provenance.tasks_set_rows(props.get(provenance.PROP_TASKS_SET, "")))))
    validated = [(r1, c1, r2, c2) for ranges in sheet.validations for r1, c1, r2, c2 in ranges]

    def offered(i: int) -> bool | None:  # None: the row holds none of the bureau's inputs
        cols = [s.col for s in open_.row_inputs(TASKS, i) if s.bureau]
        return None if not cols else any(sheet.text(first + i, c).strip() or any(
            r1 <= first + i <= r2 and c1 <= c <= c2 for r1, c1, r2, c2 in validated) for c in cols)

    rows = {i: o for i in range(count) if (o := offered(i)) is not None}
    return tuple(i for i, o in rows.items() if not o) if any(rows.values()) else ()


@functools.lru_cache(maxsize=256)  # the same few sets of rows in every file of a form
def _closed(open_: Layout, set_: tuple[int, ...]) -> tuple[int, ...]:
    return closed_tasks(open_, set_)


def _place(pkg: Package, base: Layout, sheet_name: str, sheet: Sheet, a: _Anchors) -> Returned:
    """Match the file's indicator rows to the tree (by 三级指标 name), build the layout for the
    counts found (``base``: the template's default layout), and map each layout row to the file's row."""
    t = base.template
    name_col = base.slots["indicators[0].name"].col if "indicators[0].name" in base.slots else 3
    tree_names = _tree_names(base)
    file_rows = list(range(a.indicators[0], a.indicators[1] + 1))
    tree_at: dict[int, int] = {}  # tree index → file row
    others: list[int] = []
    pointer = 0
    for r in file_rows:
        i = tree_names.get(norm(sheet.text(r, name_col)))
        if i is not None and i >= pointer and i not in tree_at:
            tree_at[i] = r
            pointer = i + 1
        else:
            others.append(r)
    # Tree rows whose names were edited, or a block's own rows (names the department wrote): a run
    # of unmatched tree rows takes the unmatched file rows between its two neighbours, as many.
    i = 0
    while i < len(t.tree):
        if i in tree_at:
            i += 1
            continue
        k = i
        while k + 1 < len(t.tree) and k + 1 not in tree_at:
            k += 1
        lo = tree_at.get(i - 1, a.indicators[0] - 1 if i == 0 else None)
        hi = tree_at.get(k + 1, a.indicators[1] + 1 if k == len(t.tree) - 1 else None)
        between = list(range(lo + 1, hi)) if lo is not None and hi is not None else []
        if len(between) == k - i + 1 and all(r in others for r in between):
            for j, r in zip(range(i, k + 1), between):
                tree_at[j] = r
                others.remove(r)
        i = k + 1
    lay = build_layout(t, a.tasks[1], _own_kinds(sheet, others, base), _tasks_closed(pkg, sheet, base, a.tasks))
    findings: list[Finding] = []
    explicit: dict[int, int | None] = {0: 0, 1: 1}
    for hrow, row in zip(t.header, a.header):
        explicit[lay.slots[f"header.{hrow.fields[0].field}"].row] = row
    if TASKS in lay.regions:
        t1 = lay.regions[TASKS][0]
        explicit[t1 - 1] = a.tasks[0] - 1
        for i in range(a.tasks[1]):
            explicit[t1 + i] = a.tasks[0] + i
    if a.goals is not None:
        g = lay.slots[f"goals.{t.goals.columns[0].field}"].row
        for k in range(goals_below_label(lay) + 1):  # the section's label row down to its first values
            explicit[g - k] = a.goals - k
    first = lay.regions[INDICATORS][0]
    explicit[first - 2], explicit[first - 1] = a.indicators[0] - 2, a.indicators[0] - 1
    for i in range(len(t.tree)):
        explicit[first + i] = tree_at.get(i)
        if i not in tree_at:
            findings.append(finding(Code.ROW_DELETED, sheet=sheet_name, field=f"indicators[{i}].name",
                                    name=t.tree[i].name))
    for j, r in enumerate(others):
        explicit[first + len(t.tree) + j] = r
    explicit[lay.end_marker()[0]] = a.total
    rows: dict[int, int | None] = {}
    anchor = (0, 0)
    for r in range(lay.last_row + 1):
        if r in explicit:
            at = explicit[r]
            rows[r] = at
            if at is not None:
                anchor = (r, at)
        else:
            rows[r] = anchor[1] + (r - anchor[0])
    return Returned(pkg.path, pkg, t, lay, sheet, rows, findings)
