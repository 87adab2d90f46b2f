"""Other ways a score is dressed up (issue 10, item 4), each found at its cell; and the live
填报检查 and verify agree on every case, after LibreOffice recalculated the file.

Cases: a computed cell's number format showing another number (format-changed), an input
holding a formula (formula-in-input), an input's validation set to "any value"
(validation-removed), a weight of 0 in a spare row (weight-not-positive), an operator and a grade
with a stray space (operator-invalid, grade-invalid: the workbook's formulas do not strip), the
year changed in the title label or the document properties (fixed-changed).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.dressup import ANY_VALUE, FORMAT, any_value, edit_cells, number_format
from tests.helpers.userfill import set_cells
from tests.helpers.verifykit import SHEET, edit_part, edit_sheet, set_formula, set_property
from xlgen.findings import Finding
from xlgen.generate import provenance
from xlgen.layout import selfcheck as chk
from tests.helpers.common import ROOT
from xlgen.generate.workbook import Generated, generate
from xlgen.intake.returned import read_returned
from xlgen.layout.model import Layout
from xlgen.template.fill import load_fill
from xlgen.template.model import QUALITATIVE, load_template
from xlgen.verify.batch import verify_file
from xlgen.verify.formats import shows_the_same

CUSTOM = "docProps/custom.xml"


# ----------------------------------------------------------------------------- the format rule
@pytest.mark.parametrize("found, expected", [
    ("General", "General"), ("G/通用格式", "General"), ("[$-804]General", "General"), ("", "General"),
    ("0.00%", "0.00%"), ("0.00%;-0.00%", "0.00%"), ("0.00%;[Red]-0.00%;0.00%", "0.00%"), ("#,##0.00%", "0.00%"),
    ("0.00_ ", "0.00"), ("0.00_);(0.00)", "0.00"), ("0", "0"), ("General;-General;General;@", "General"),
])
def test_formats_a_client_rewrites_show_the_same_number(found: str, expected: str) -> None:
    assert shows_the_same(found, expected)


@pytest.mark.parametrize("found, expected", [
    ('"96.18"', "General"),  # a literal number: prints 96.18 whatever the value
    ("0.00%", "General"), ("0.0", "General"), ("0", "General"), ("0.0%", "0.00%"), ("0.00", "0.00%"),
    ("\\9\\6.00", "General"), ('0.00"分"', "0.00"), ("0.00,", "0.00"), ("[>=90]0.00;0.00", "0.00"),
    ("[DBNum1]General", "General"), (";;;", "General"), ("General;;", "General"), ("yyyy-mm-dd", "General"),
    ('General;General;General;"通过"', "General"),  # a text section printing 通过 for 未通过
    ("0.00E+00", "0.00"), ("¥0.00", "0.00"),
])
def test_formats_that_could_show_another_number_are_changes(found: str, expected: str) -> None:
    assert not shows_the_same(found, expected)


# ----------------------------------------------------------------------------- the cases
def _spare(lay: Layout, kind: str = "quantitative") -> int:
    return next(r.index for r in lay.indicator_rows if r.tree is None and r.kind == kind)


def _qualitative(lay: Layout) -> int:
    return next(r.index for r in lay.indicator_rows if r.tree is not None and r.kind == QUALITATIVE)


def _own_row(lay: Layout, operator: str, weight: float) -> dict[str, Any]:
    """A department's own quantitative indicator in the first spare row, every field filled."""
    i = _spare(lay)
    values = {"level1": "产出指标", "level2": "数量指标", "name": "自设指标（培训人次）", "operator": operator,
              "target": 100.0, "unit": "人", "actual": 100.0, "weight": weight}
    return {lay.slot(f"indicators[{i}].{f}").a1: v for f, v in values.items()}


Edit = Callable[[Path, Path], Path]


def cases(lay: Layout, year: int) -> dict[str, tuple[Edit, str, str | None, str]]:
    """case → (the edit, the finding code, its cell (None: the file's), its field)."""
    total = lay.slot("total")
    executed, allocated = lay.slot("tasks[0].executed"), lay.slot("tasks[0].allocated")
    spare = _spare(lay)
    operator, weight = lay.slot(f"indicators[{spare}].operator"), lay.slot(f"indicators[{spare}].weight")
    grade = lay.slot(f"indicators[{_qualitative(lay)}].actual")
    label_cell = "A2"
    return {
        "format": (lambda s, d: number_format(s, d, total.a1, '"96.18"'), "format-changed", total.a1, total.key),
        "formula": (lambda s, d: edit_sheet(s, d, set_formula(executed.a1, allocated.a1)),
                    "formula-in-input", executed.a1, executed.key),
        "validation": (lambda s, d: edit_sheet(s, d, any_value(operator.a1)), "validation-removed",
                       operator.a1, operator.key),
        "weight-0": (lambda s, d: set_cells(s, d, _own_row(lay, ">=", 0.0)), "weight-not-positive",
                     weight.a1, weight.key),
        "operator-space": (lambda s, d: set_cells(s, d, _own_row(lay, ">= ", 1.0)), "operator-invalid",
                           operator.a1, operator.key),
        "grade-space": (lambda s, d: set_cells(s, d, {grade.a1: " " + lay.template.grades[0].label}),
                        "grade-invalid", grade.a1, grade.key),
        "year-label": (lambda s, d: set_cells(s, d, {label_cell: lay.template.year_label.format(year=year - 1)}),
                       "fixed-changed", label_cell, "year"),
        "year-property": (lambda s, d: edit_part(s, d, CUSTOM, set_property(provenance.PROP_YEAR, str(year - 1))),
                          "fixed-changed", None, "year"),
    }


# What the live 填报检查 cannot see: a number format, a validation, a formula in an input, the
# year in the label or the properties. For these it says 通过 and verify alone finds them.
INVISIBLE = {"format", "formula", "validation", "year-label", "year-property"}

# Each row of the live 填报检查 and the findings verify reports for what it counts (code, the
# start of the finding's field).
LIVE_ROWS = {"task_weights": {("weights-total", "tasks.")}, "indicator_weights": {("weights-total", "indicators.")},
             "missing_required": {("required-missing", "")}, "missing_analysis": {("deviation-missing", "")},
             "score_range": {("score-over-weight", "")}, "band": {("grade-invalid", ""), ("grade-band", "")},
             "operator_invalid": {("operator-invalid", "")}, "weight_not_positive": {("weight-not-positive", "")}}


def _found(path: Path, code: str) -> list[tuple[str | None, str | None]]:
    return [(f.cell, f.field) for f in verify_file(path).findings if f.code.code == code]


@pytest.mark.parametrize("case", ["format", "formula", "validation", "weight-0", "operator-space", "grade-space",
                                  "year-label", "year-property"])
def test_each_case_is_found_at_its_cell(sample: Generated, tmp_path: Path, case: str) -> None:
    edit, code, cell, field = cases(sample.layout, 2024)[case]
    edited = edit(sample.path, tmp_path / f"{case}.xlsx")
    assert _found(edited, code) == [(cell, field)], [f.message("en") for f in verify_file(edited).findings]


def test_a_year_changed_names_the_label_cell_or_the_property(sample: Generated, tmp_path: Path) -> None:
    by_case = cases(sample.layout, 2024)
    label = by_case["year-label"][0](sample.path, tmp_path / "label.xlsx")
    prop = by_case["year-property"][0](sample.path, tmp_path / "prop.xlsx")
    [at_label] = [f for f in verify_file(label).findings if f.code.code == "fixed-changed"]
    [at_prop] = [f for f in verify_file(prop).findings if f.code.code == "fixed-changed"]
    assert at_label.message("en") == "A2 year was changed from 2024 to 2023: the bureau set it and it may not be changed"
    assert at_prop.message("en") == ("the document property year was changed from 2024 to 2023: the bureau set it "
                                     "and it may not be changed")
    assert at_prop.message("zh") == "文档属性 年度 由 2024 改为 2023：该项由财政部门下达，不得修改"


def test_a_year_label_changed_in_a_file_made_before_seals_is_found(sample: Generated, tmp_path: Path) -> None:
    """Without a record, the year the properties stamp is the label's yardstick."""
    def old(xml: str) -> str:  # layout 1: no record, no seal
        xml = re.sub(r'<property [^>]*name="xlgen_(?:seal|fixed_\d+)">.*?</property>', "", xml, flags=re.S)
        return xml.replace('name="xlgen_layout"><vt:lpwstr>2<', 'name="xlgen_layout"><vt:lpwstr>1<')

    before = edit_part(sample.path, tmp_path / "before.xlsx", CUSTOM, old)
    moved = set_cells(before, tmp_path / "moved.xlsx", {"A2": sample.layout.template.year_label.format(year=2025)})
    assert [(f.code.code, f.cell) for f in verify_file(before).findings] == [("seal-predates", None)]
    result = verify_file(moved)
    assert [(f.code.code, f.cell) for f in result.findings] == [("seal-predates", None), ("fixed-changed", "A2")]
    assert result.findings[1].message("en").startswith("A2 year was changed from 2024 to 2025")


def test_a_format_change_names_both_formats_and_the_value(sample: Generated, tmp_path: Path) -> None:
    total = sample.layout.slot("total")
    edited = number_format(sample.path, tmp_path / "f.xlsx", total.a1, '"96.18"')
    for _ in range(2):  # the second time, the cells whose format differs are known for the file's styles
        [found] = [f for f in verify_file(edited).findings if f.code.code == "format-changed"]
        assert found.message("en") == (f"{total.a1} (总评价得分): the number format was changed to '\"96.18\"' (the "
                                       "template's is 'General'): the form and its print may show another number "
                                       "than its value 97.18")


def test_a_validation_whose_range_no_longer_covers_the_cell_is_removed(sample: Generated, tmp_path: Path) -> None:
    operator = sample.layout.slot(f"indicators[{_spare(sample.layout)}].operator")

    def cut(xml: str) -> str:  # the cell cut out of its validation's range, no validation of its own
        return re.sub(r'<dataValidation type="none"[^>]*></dataValidation>', "", any_value(operator.a1)(xml))

    edited = edit_sheet(sample.path, tmp_path / "cut.xlsx", cut)
    assert _found(edited, "validation-removed") == [(operator.a1, operator.key)]


# ----------------------------------------------------------------------------- LibreOffice
def _live(path: Path) -> dict[str, Any]:
    """The live 填报检查 as LibreOffice recalculated and saved it: each row's status, the verdict."""
    ret = read_returned(path)
    assert not isinstance(ret, Finding)
    lay = ret.layout
    out = {field: ret.value(lay.slots[chk.status_key(field)]) for field in lay.check_labels
           if chk.status_key(field) in lay.slots}
    out[chk.OVERALL.field] = ret.value(lay.slots[f"{chk.SECTION}.{chk.OVERALL.field}"])
    return out


@pytest.mark.libreoffice
def test_the_live_check_and_verify_agree_on_every_case(sample: Generated, tmp_path: Path) -> None:
    """Each case edited into the seed's honest workbook, recalculated and saved by LibreOffice (the
    number format and the validation typed in LibreOffice itself, the values set in the cells
    first, as test_seal does); then the 填报检查's verdict and each of its rows are compared
    with verify's."""
    from xlgen.libreoffice import convert

    by_case = cases(sample.layout, 2024)
    (tmp_path / "in").mkdir()
    edited = [edit_part(sample.path, tmp_path / "in" / "honest.xlsx", SHEET, lambda x: x + " ")]
    # a number format and a validation typed in LibreOffice itself (Format Cells, Data → Validity)
    sheet = sample.layout.template.sheet
    typed = {"format": (sample.layout.slot("total").a1, FORMAT, '"96.18"'),
             "validation": (by_case["validation"][2] or "", ANY_VALUE, "")}
    edited += [edit(sample.path, tmp_path / "in" / f"{case}.xlsx") for case, (edit, *_r) in by_case.items()
               if case not in typed]
    saved = {p.stem: p for p in convert(edited, "xlsx", tmp_path / "saved")}
    saved.update(zip(typed, edit_cells([(sample.path, tmp_path / f"{case}-typed.xlsx", sheet, *job)
                                        for case, job in typed.items()])))

    honest = verify_file(saved["honest"])
    assert honest.status == "pass", [f.message("en") for f in honest.findings]
    assert set(_live(saved["honest"]).values()) == {chk.PASS}
    for case, (_edit, code, cell, field) in by_case.items():
        path = saved[case]
        result = verify_file(path)
        live = _live(path)
        errors = [(f.code.code, f.field or "") for f in result.findings if f.severity == "error"]
        assert (cell, field) in [(f.cell, f.field) for f in result.findings if f.code.code == code], (case, code)
        for row, codes in LIVE_ROWS.items():  # each live row fails exactly when verify has its finding
            if row in live:
                counted = any(c == want and f.startswith(start) for c, f in errors for want, start in codes)
                assert (live[row] == chk.FAIL) == counted, (case, row, live[row], errors)
        if case in INVISIBLE:  # the workbook cannot see it: its verdict passes, verify's is the word
            assert live[chk.OVERALL.field] == chk.PASS, case
            assert result.status == ("pass" if code == "validation-removed" else "fail"), case
        else:
            assert live[chk.OVERALL.field] == (chk.PASS if result.status == "pass" else chk.FAIL), (case, errors)
            assert result.status == "fail", case


@pytest.mark.parametrize("template_id", ["mof-project", "jiangxi-project", "sichuan-project"])
def test_a_spare_row_weight_of_0_fails_on_the_other_forms_with_spare_rows(template_id: str, tmp_path: Path) -> None:
    """The weight rule is on wherever a department can add an indicator in a spare row (Jiangxi
    and Hubei by extending mof-project): 0 there is weight-not-positive at the cell."""
    template = load_template(template_id)
    sample = "mof-project" if template_id == "jiangxi-project" else template_id
    made = generate(template, load_fill(ROOT / "samples" / f"{sample}-2024.toml", template), tmp_path / "form.xlsx")
    assert "weight" in {rule.name for rule in template.checks}
    weight = made.layout.slot(f"indicators[{_spare(made.layout)}].weight")
    result = verify_file(set_cells(made.path, tmp_path / "weight-0.xlsx", {weight.a1: 0.0}))
    assert [(f.code.code, f.cell) for f in result.findings if f.code.code == "weight-not-positive"] == [
        ("weight-not-positive", weight.a1)]


def test_amounts_show_as_money_fixed_input_and_summed(sample: Generated, tmp_path: Path) -> None:
    """Every cell of a money column is #,##0.00 (12,000.00): fixed, typed or a funding total's sum;
    verify expects it of the sum (General, as older blanks wrote it, passes; 0 decimals does not)."""
    import openpyxl

    from xlgen.generate.styles import MONEY

    lay = sample.layout
    ws = openpyxl.load_workbook(sample.path).worksheets[0]
    shown = {key: ws[lay.slot(key).a1].number_format for key in (
        "header.budget_income", "header.budget_expenditure", "tasks[0].allocated", "tasks[0].executed",
        "tasks[4].allocated", "tasks[0].weight", "tasks[0].rate", "total")}
    assert shown == {"header.budget_income": MONEY, "header.budget_expenditure": MONEY, "tasks[0].allocated": MONEY,
                     "tasks[0].executed": MONEY, "tasks[4].allocated": MONEY, "tasks[0].weight": "General",
                     "tasks[0].rate": "0.00%", "total": "General"}
    assert ws[lay.slot("header.budget_income").a1].protection.locked  # the bureau's: locked, as money
    assert not ws[lay.slot("tasks[0].executed").a1].protection.locked
    mof = generate(load_template("mof-project"), load_fill(ROOT / "samples" / "mof-project-2024.toml",
                                                           load_template("mof-project")), tmp_path / "mof.xlsx")
    summed = mof.layout.slot("tasks[0].allocated")
    assert summed.role == "formula"
    assert openpyxl.load_workbook(mof.path).worksheets[0][summed.a1].number_format == MONEY
    assert verify_file(mof.path).status == "pass"
    for code, changed in (("General", False), ("#,##0.00_ ", False), ("#,##0", True), ('#,##0.00"万"', True)):
        found = _found(number_format(mof.path, tmp_path / "f.xlsx", summed.a1, code), "format-changed")
        assert found == ([(summed.a1, summed.key)] if changed else []), code
