"""Conditional formats, applied the way Excel applies them (each rule's formula shifted to each
cell of its range, first true rule by priority wins) to the values of a fill."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.addinxml import conditional_rules, highlighted
from xlgen.generate.guidance.conditional import PASS_FILL, PROBLEM_FILL, REQUIRED_FILL
from xlgen.formula.references import col_letters
from xlgen.template.fill import Fill
from xlgen.layout.model import INPUT, Layout
from xlgen.template.model import Template
from xlgen.generate.workbook import Generated, generate

ORANGE, RED, GREEN = ("FF" + c.lstrip("#").upper() for c in (REQUIRED_FILL, PROBLEM_FILL, PASS_FILL))


def by_cell(book: Generated) -> dict[str, Any]:
    values = {**book.inputs, **book.results}
    return {book.layout.slot(k).a1: v for k, v in values.items() if v is not None and v != ""}


def colours(book: Generated) -> dict[str, str]:
    return highlighted(book.path, book.layout.template.sheet, by_cell(book))


def row_cells(layout: Layout, section: str, index: int) -> set[str]:
    """Every cell of a table row, across the table's columns (merged cells included)."""
    table = [s for s in layout.slots.values() if s.section == section]
    row = next(s.row for s in table if s.index == index)
    first, last = min(s.col for s in table), max(s.last_col for s in table)
    return {f"{col_letters(c)}{row + 1}" for c in range(first, last + 1)}


def make(template: Template, fill: Fill | None, path: Path) -> Generated:
    return generate(template, fill, path, year=2024)


def test_sample_shows_only_green_verdicts(sample: Generated) -> None:
    lay = sample.layout
    got = colours(sample)
    statuses = {s.a1 for s in lay.slots.values() if s.section == "checks" and
                (s.field.endswith("_status") or s.field == "overall")}
    assert got == {a: GREEN for a in statuses}


def test_rules_cover_required_inputs_rows_and_verdicts(sample: Generated) -> None:
    rules = conditional_rules(sample.path, sample.layout.template.sheet)
    required = [s for s in sample.layout.slots.values() if s.role == INPUT and s.required]
    covered = [rng for r in rules if r.fill == ORANGE for rng in r.sqref.split()]  # one rule per column
    assert sorted(covered) == sorted(s.a1 for s in required)
    assert sum(1 for r in rules if r.fill == ORANGE) < len(required) / 3
    assert all(r.type in ("expression", "cellIs") for r in rules)


def test_unexplained_shortfall_highlights_the_row(template: Template, sample_fill: Fill, tmp_path: Path) -> None:
    fill = copy.deepcopy(sample_fill)
    fill.indicators["重点工作办结率"]["actual"] = 90  # degree 0.9, nothing filled
    del fill.indicators["预算执行率"]["measures"]  # a cause, but no 改进措施
    book = make(template, fill, tmp_path / "shortfall.xlsx")
    lay = book.layout
    got = colours(book)
    rows = {i for i, r in enumerate(lay.indicator_rows) if r.tree and r.tree.name in ("重点工作办结率", "预算执行率")}
    red = {a for a, c in got.items() if c == RED}
    want = set().union(*(row_cells(lay, "indicators", i) for i in rows))
    assert want <= red
    assert red - want <= {s.a1 for s in lay.slots.values() if s.section == "checks"}
    # explaining both rows clears the highlight
    fill.indicators["重点工作办结率"].update(cause_staff="人员不足", measures="补充人员")
    fill.indicators["预算执行率"]["measures"] = "催办"
    book = make(template, fill, tmp_path / "explained.xlsx")
    assert RED not in colours(book).values()


def test_overspent_task_highlights_its_row(template: Template, sample_fill: Fill, tmp_path: Path) -> None:
    fill = copy.deepcopy(sample_fill)
    fill.tasks[1]["executed"] = 22.0  # above 下达 21.59
    book = make(template, fill, tmp_path / "overspent.xlsx")
    red = {a for a, c in colours(book).items() if c == RED}
    assert red == row_cells(book.layout, "tasks", 1)


def test_empty_required_inputs_are_orange(template: Template, sample_fill: Fill, tmp_path: Path) -> None:
    fill = copy.deepcopy(sample_fill)
    del fill.header["department_name"]
    del fill.tasks[1]["project"]
    del fill.indicators["工作质量达标率"]["actual"]
    book = make(template, fill, tmp_path / "required.xlsx")
    lay = book.layout
    orange = {a for a, c in colours(book).items() if c == ORANGE}
    assert orange == {lay.slot(k).a1 for k in ("header.department_name", "tasks[1].project", "indicators[3].actual")}
    assert lay.slot("indicators[3].name").default == "工作质量达标率"


def test_blank_marks_what_must_be_filled_but_not_unused_rows(template: Template, tmp_path: Path) -> None:
    book = make(template, None, tmp_path / "blank.xlsx")
    lay = book.layout
    got = colours(book)
    orange = {a for a, c in got.items() if c == ORANGE}
    for key in ("header.department_code", "header.budget_income", "goals.goal_plan", "goals.goal_result"):
        assert lay.slot(key).a1 in orange, key
    for row in lay.indicator_rows:
        if row.tree is None:
            assert not row_cells(lay, "indicators", row.index) & orange  # a spare row is optional
        elif row.kind != "linked":
            assert lay.slot(f"indicators[{row.index}].actual").a1 in orange
        if row.kind == "qualitative" and row.tree is not None:
            assert lay.slot(f"indicators[{row.index}].degree").a1 in orange
            assert lay.slot(f"indicators[{row.index}].operator").a1 not in orange
    for i in range(lay.task_count):
        assert not row_cells(lay, "tasks", i) & orange  # no task row is in use yet
    assert got[lay.slot("checks.overall").a1] == RED


@pytest.mark.parametrize("field", ["project", "weight"])
def test_a_task_row_once_used_needs_all_its_inputs(template: Template, tmp_path: Path, field: str) -> None:
    fill = Fill(year=2024, tasks=[{field: "项目" if field == "project" else 10.0}])
    book = make(template, fill, tmp_path / f"{field}.xlsx")
    lay = book.layout
    orange = {a for a, c in colours(book).items() if c == ORANGE}
    row = {lay.slot(f"tasks[0].{f}").a1 for f in ("project", "allocated", "executed", "weight")}
    assert row & orange == row - {lay.slot(f"tasks[0].{field}").a1}


def test_text_in_a_number_cell_is_red_where_it_is(template: Template, sample_fill: Fill, tmp_path: Path) -> None:
    """A pasted 100% (a text) in 全年完成值 turns its row light red (the number rule's helper) and a
    text in a header amount its very cell: a header has no row to highlight."""
    fill = copy.deepcopy(sample_fill)
    fill.indicators["重点工作办结率"]["actual"] = "100%"
    fill.header["budget_income"] = "一百万"
    book = make(template, fill, tmp_path / "text.xlsx")
    lay = book.layout
    red = {a for a, c in colours(book).items() if c == RED}
    row = next(i for i, r in enumerate(lay.indicator_rows) if r.tree and r.tree.name == "重点工作办结率")
    checks = {s.a1 for s in lay.slots.values() if s.section == "checks"}
    assert red - checks == row_cells(lay, "indicators", row) | {lay.slot("header.budget_income").a1}
