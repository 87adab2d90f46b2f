"""Dropdowns and input rules, read back from the sheet XML that Excel and WPS read.

Expectations come from the layout's slots (which cells are inputs, of which column type and
row kind) and the template's lists and grades, never from xlgen's validation module.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers.addinxml import Validation, accepts, cells_in, defined_names, list_values, sheet_states, validations
from xlgen.errors import ErrorCode, XlgenError
from xlgen.layout.model import INPUT, Slot
from xlgen.template.model import Template, load_template
from xlgen.generate.workbook import Generated, generate

CJK = re.compile(r"[\u4e00-\u9fff]")


def expected_kind(sample: Generated, slot: Slot) -> str:
    """The rule each input must carry, from its column type and its row's kind."""
    row = sample.layout.indicator_rows[slot.index].kind if slot.section == "indicators" else ""
    return {
        "operator": "list:xlgen_list_operators",
        "unit": "list:xlgen_list_units",
        "amount": "decimal:greaterThanOrEqual",
        "weight": "decimal:greaterThan",
        "target": "textLength:lessThanOrEqual" if row == "qualitative" else "decimal:between",
        "actual": "list:xlgen_list_grades" if row == "qualitative" else "decimal:between",
        "computed": "custom:",
    }.get(slot.type, "textLength:lessThanOrEqual")


def by_range(sample: Generated) -> dict[str, Validation]:
    """Each range of each validation's sqref (one rule may cover many cells of a column)."""
    found = validations(sample.path, sample.layout.template.sheet)
    out = {rng: dv for dv in found for rng in dv.sqref.split()}
    assert len(out) == sum(len(dv.sqref.split()) for dv in found), "two validations on the same range"
    return out


def slot_range(slot: Slot) -> str:
    first, last = slot.a1, replace(slot, row=slot.bottom, col=slot.last_col).a1
    return first if first == last else f"{first}:{last}"


def test_every_input_has_its_rule_and_nothing_else_has_one(sample: Generated) -> None:
    dvs = by_range(sample)
    inputs = [s for s in sample.layout.slots.values() if s.role == INPUT]
    assert len(inputs) > 100
    for slot in inputs:
        dv = dvs.get(slot_range(slot))
        assert dv is not None, f"{slot.key} ({slot.a1}) has no validation"
        kind, _, detail = expected_kind(sample, slot).partition(":")
        assert dv.type == kind, slot.key
        if kind == "list":
            assert dv.formula1 == detail, slot.key
        elif kind != "custom":
            assert dv.operator == detail, slot.key
    covered = {cell for s in inputs for cell in cells_in(slot_range(s))}
    for dv in dvs.values():
        assert set(cells_in(dv.sqref)) <= covered, f"validation on a non-input range {dv.sqref}"


def test_every_rule_explains_itself_in_chinese_and_stops(sample: Generated) -> None:
    for dv in by_range(sample).values():
        assert dv.show_input and dv.show_error, dv.sqref
        assert dv.error_style == "stop", dv.sqref
        for text in (dv.prompt_title, dv.prompt, dv.error_title, dv.error):
            assert CJK.search(text), (dv.sqref, text)
        assert len(dv.prompt_title) <= 32 and len(dv.error_title) <= 32
        assert len(dv.prompt) <= 255 and len(dv.error) <= 255


def test_lists_live_on_a_hidden_sheet_behind_names(sample: Generated, template: Template) -> None:
    names = defined_names(sample.path)
    assert sheet_states(sample.path)["lists"] == "hidden"
    want = {"xlgen_list_operators": list(template.operators), "xlgen_list_units": list(template.units),
            "xlgen_list_grades": [g.label for g in template.grades]}
    for name, items in want.items():
        assert names[name].startswith("'lists'!$"), names[name]
        assert list_values(sample.path, name) == items
    assert {"%", "次", "户", "个", "人", "家", "项", "篇", "份", "台套", "天", "元", "万元"} <= set(template.units)
    assert set(template.operators) == {"=", ">=", "<=", ">", "<"}


def test_operator_dropdown_allows_blank_and_refuses_other_text(sample: Generated) -> None:
    lay = sample.layout
    dv = by_range(sample)[lay.slot("indicators[0].operator").a1]
    cell = lay.slot("indicators[0].operator").a1
    assert dv.allow_blank
    assert accepts(sample.path, dv, cell, None)
    for op in ("=", ">=", "<=", ">", "<"):
        assert accepts(sample.path, dv, cell, op)
    for bad in ("≥", "=>", "大于", "==", "100"):
        assert not accepts(sample.path, dv, cell, bad), bad


def test_unit_and_grade_dropdowns_refuse_values_outside_the_list(sample: Generated, template: Template) -> None:
    lay = sample.layout
    unit = lay.slot("indicators[0].unit")
    assert accepts(sample.path, by_range(sample)[unit.a1], unit.a1, "万元")
    assert not accepts(sample.path, by_range(sample)[unit.a1], unit.a1, "百分比")
    qual = next(r.index for r in lay.indicator_rows if r.kind == "qualitative")
    grade = lay.slot(f"indicators[{qual}].actual")
    dv = by_range(sample)[grade.a1]
    for g in template.grades:
        assert accepts(sample.path, dv, grade.a1, g.label)
    assert not accepts(sample.path, dv, grade.a1, "优秀")
    assert not accepts(sample.path, dv, grade.a1, 0.9)


def test_numbers_amounts_and_weights(sample: Generated) -> None:
    lay = sample.layout
    dvs = by_range(sample)
    cases = {
        "tasks[0].allocated": ([0, 12.79, 1e6], [-0.01, "12.79万元", "十二"]),
        "header.budget_income": ([0, 175.41], [-1, "175.41万"]),
        "tasks[0].weight": ([0.1, 13.3], [0, -2, "13.3分"]),
        "indicators[0].weight": ([3.5], [0, "3.5"]),
        "indicators[0].target": ([100, -5, 0], ["≥100", "100%", "百"]),
        "indicators[0].actual": ([92.15, 0, -3.5], ["92.15%", "９２", "达标"]),
    }
    for key, (good, bad) in cases.items():
        slot = lay.slot(key)
        dv = dvs[slot_range(slot)]
        for v in good:
            assert accepts(sample.path, dv, slot.a1, v), (key, v)
        for v in bad:
            assert not accepts(sample.path, dv, slot.a1, v), (key, v)


def test_qualitative_degree_stays_in_the_chosen_grades_band(sample: Generated, template: Template) -> None:
    lay = sample.layout
    rows = [r.index for r in lay.indicator_rows if r.kind == "qualitative"]
    # the tree's qualitative rows, and the blank's qualitative spare rows
    assert len(rows) == sum(1 for t in template.tree if t.qualitative) + template.spare_qualitative == 10
    degrees = [-0.1, 0, 0.3, 0.59, 0.599999, 0.6, 0.7, 0.79, 0.8, 0.9, 1, 1.01, 2]
    for i in rows:
        degree, grade = lay.slot(f"indicators[{i}].degree"), lay.slot(f"indicators[{i}].actual")
        dv = by_range(sample)[degree.a1]
        assert dv.type == "custom" and dv.allow_blank
        for g in template.grades:
            for d in degrees:
                want = g.min <= d and (d <= g.max if g.max_inclusive else d < g.max)
                assert accepts(sample.path, dv, degree.a1, d, {grade.a1: g.label}) == want, (i, g.label, d)
        # no grade chosen, or a grade not in the list: every degree is refused
        for other in (None, "优秀"):
            assert not any(accepts(sample.path, dv, degree.a1, d, {grade.a1: other}) for d in degrees)
        assert not accepts(sample.path, dv, degree.a1, "0.9", {grade.a1: template.grades[0].label})


def test_the_bands_of_the_liaoning_template(template: Template) -> None:
    """The bands the validation must enforce, as scoring.md states them (not read from xlgen)."""
    bands = [(g.min, g.max, g.max_inclusive) for g in template.grades]
    assert bands == [(0.8, 1.0, True), (0.6, 0.8, False), (0.0, 0.6, False)]


def test_text_lengths_are_bounded(sample: Generated) -> None:
    lay = sample.layout
    dvs = by_range(sample)
    for key in ("header.department_name", "goals.goal_plan", "indicators[8].measures", "tasks[0].project"):
        slot = lay.slot(key)
        dv = dvs[slot_range(slot)]
        assert accepts(sample.path, dv, slot.a1, "部门（单位）")
        assert not accepts(sample.path, dv, slot.a1, "字" * 5000), key


def test_an_xlsxwriter_refusal_is_an_error_and_writes_nothing(
        template: Template, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xlgen.generate.guidance import validation

    too_long = {"validate": "list", "source": ["选项" * 200]}  # an inline list over 255 characters
    monkeypatch.setattr(validation, "rule", lambda layout, slot: too_long)
    out = tmp_path / "refused.xlsx"
    fresh = load_template(template.path)  # a layout of its own: the rules are planned once per layout
    with pytest.raises(XlgenError) as info:
        generate(fresh, None, out, year=2025)
    assert info.value.code is ErrorCode.XLSXWRITER
    assert not out.exists() and not list(tmp_path.iterdir())
