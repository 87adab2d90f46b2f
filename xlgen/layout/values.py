"""Bind a fill to a layout (inputs by cell), and compute every formula cell from them."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from xlgen.formula.functions import XlError
from xlgen.names import FOOTER, GOALS, HEADER, INDICATORS, TASKS
from xlgen.template.fill import Fill
from xlgen.layout.model import FORMULA, INPUT, Layout, own_kind
from xlgen.layout.placer import build_layout
from xlgen.template.model import Template


def in_blocks(template: Template, fill: Fill) -> dict[int, dict[str, Any]]:
    """The fill's own indicators that go into the tree's blocks of own rows (达州's 部门特性指标),
    by tree row: each to the next free row of the block whose tiers it names, in order."""
    free = [i for i, ind in enumerate(template.tree) if ind.block and not ind.named and ind.name not in fill.indicators]
    placed: dict[int, dict[str, Any]] = {}
    for values in fill.extra_indicators:
        row = next((i for i in free if all(values.get(tier) == getattr(template.tree[i], tier)
                                             for tier in template.tiers)), None)
        if row is not None:
            free.remove(row)
            placed[row] = values
    return placed


def under_tree(template: Template, fill: Fill) -> list[dict[str, Any]]:
    """The fill's own indicators in the rows under the tree: those no block of own rows took."""
    taken = [id(v) for v in in_blocks(template, fill).values()]
    return [v for v in fill.extra_indicators if id(v) not in taken]


def layout_counts(template: Template, fill: Fill | None) -> tuple[int, tuple[str, ...]]:
    """The task rows a fill needs (at least what a blank offers, more if the fill has more), and
    the kinds of the rows under the tree: the fill's own indicators, then what is left of the
    blank's spare rows (their kinds) once the own rows of each kind took theirs."""
    template_rows, spare = template.task_rows, template.spare_kinds
    tasks = len(fill.tasks) if fill else 0
    own = tuple(own_kind(ind.get("target")) for ind in under_tree(template, fill)) if fill else ()
    left = list(spare)
    for kind in own:
        if kind in left:
            left.remove(kind)
    return max(template_rows, tasks), own + tuple(left)


def layout_for(template: Template, fill: Fill | None) -> Layout:
    """The layout a fill is written in: its rows counted, and when it gives the bureau's tasks,
    the task rows it does not give closed."""
    tasks, extra = layout_counts(template, fill)
    lay = build_layout(template, tasks, extra)
    closed = closed_tasks(lay, rows_set(lay, bind_inputs(lay, fill))) if fill else ()
    return build_layout(template, tasks, extra, closed) if closed else lay


def bureau_task_rows(lay: Layout) -> tuple[int, ...]:
    """The task rows that offer the bureau's fields (a task's project and 下达金额, a funding
    source's amounts; not a funding total, whose amounts are sums): the rows set, in a layout
    whose other rows are closed."""
    return tuple(sorted({s.index for s in lay.slots.values() if s.section == TASKS and s.bureau}))


def closed_tasks(open_: Layout, set_: Collection[int]) -> tuple[int, ...]:
    """The task rows to close in ``open_`` (a layout with none closed) when the bureau set the
    rows ``set_`` (a roster's tasks, a funding source's amounts): the others that offer the
    bureau's fields — verify's task-added (a 下达金额 the bureau did not give) cannot be typed."""
    return tuple(i for i in bureau_task_rows(open_) if i not in set_) if set_ else ()


def rows_set(lay: Layout, values: Mapping[str, Any]) -> set[int]:
    """The task rows where ``values`` set one of the bureau's fields."""
    return {s.index for s in lay.slots.values()
            if s.section == TASKS and s.bureau and values.get(s.key) not in (None, "")}


def bind_inputs(layout: Layout, fill: Fill | None) -> dict[str, Any]:
    """The value of every input and fixed slot, by slot key (None where empty)."""
    fill = fill or Fill()
    out: dict[str, Any] = {}
    tree_count = len(layout.template.tree)
    tasks = task_rows(layout, fill)
    blocks, extra = in_blocks(layout.template, fill), under_tree(layout.template, fill)
    for slot in layout.slots.values():
        if slot.role == FORMULA:
            continue
        value: Any = slot.default
        if slot.section == HEADER:
            value = fill.header.get(slot.field)
        elif slot.section == GOALS:
            value = fill.goals.get(slot.field)
        elif slot.section == FOOTER:
            value = fill.footer.get(slot.field)
        elif slot.section == TASKS and slot.role == INPUT:
            value = tasks.get(slot.index, {}).get(slot.field)
        elif slot.section == INDICATORS:
            row = layout.indicator_rows[slot.index]
            if row.tree is not None:  # a block's own row: as a returned file names it, else the fill's next
                given = fill.indicators.get(row.tree.name, blocks.get(slot.index, {}))
                if slot.role == INPUT and slot.field in given:
                    value = given[slot.field]
            elif slot.index - tree_count < len(extra):
                value = extra[slot.index - tree_count].get(slot.field)
        out[slot.key] = value
    return out


def task_rows(layout: Layout, fill: Fill) -> dict[int, dict[str, Any]]:
    """The fill's tasks by layout row: in order, or on funding rows by their label (a task
    naming no funding row is left out; ``load_fill`` refuses it with its key)."""
    funding = layout.template.tasks.funding
    if funding is None:
        return dict(enumerate(fill.tasks))
    placed = ((funding.index_of(task.get(funding.label_field)), task) for task in fill.tasks)
    return {i: task for i, task in placed if i is not None}


def inputs_by_cell(layout: Layout, inputs_by_key: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs that hold something, by layout cell: what the formula program runs on."""
    cell = layout.cell_of
    return {cell[k]: v for k, v in inputs_by_key.items() if v is not None and v != ""}


def compute(layout: Layout, inputs_by_key: dict[str, Any]) -> dict[str, Any]:
    """Every formula cell's result, by slot key, with Excel's arithmetic."""
    results = layout.program.run(inputs_by_cell(layout, inputs_by_key))
    return {s.key: results[s.a1] for s in layout.slots.values() if s.role == FORMULA}


def cached_form(value: Any) -> Any:
    """A result as XlsxWriter stores it as a formula's cached value."""
    if isinstance(value, XlError):
        return value.code
    return value
