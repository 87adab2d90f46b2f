"""xlgen verify on workbooks returned as users return them: typed into a generated blank and saved
by LibreOffice (which recalculates), then changed in exactly one way per finding code. Only the
LibreOffice round trips are marked ``libreoffice``; the cases that edit a file's XML start from the
seed's workbook as xlgen writes it and run without LibreOffice.

Expected numbers come from the seed form (samples/seed) and from LibreOffice's own results;
expected cells from the layout (the one table of addresses) and the form's rules.
"""

from __future__ import annotations

import hashlib
import random
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from tests.helpers.common import LIAONING, ROOT, SEED
from tests.helpers.hostile import OLE_BIN, hyperlinks, ole_object, with_parts
from tests.helpers.seedform import read_seed
from tests.helpers.userfill import set_cells
from tests.helpers.verifykit import (
    drop_cached_values,
    edit_part,
    edit_rows,
    edit_sheet,
    random_inputs,
    remove_protection,
    remove_validation,
    set_cached,
    share_formula,
    set_formula,
    set_property,
)

from xlgen.template.fill import Fill, load_fill
from xlgen.layout.model import Layout
from xlgen.libreoffice import convert
from xlgen.template.model import Template, load_template
from xlgen.verify.result import FileResult
from xlgen.layout.values import bind_inputs
from xlgen.verify.batch import verify_file
from xlgen.findings import Finding
from xlgen.intake.returned import read_returned
from xlgen.generate.workbook import generate
from xlgen.layout.values import layout_for


RANDOM_FILLS = 50
INPUT_CASES = ("weights", "negative-score", "deviation", "percent-text", "full-width", "at-least", "no-unit",
               "odd-unit", "operator", "grade", "band", "overspent", "no-code")


def _tree_index(template: Template, name: str) -> int:
    return next(i for i, ind in enumerate(template.tree) if ind.name == name)


def input_mutations(template: Template) -> dict[str, tuple[str, Any, str, str]]:
    """name → (slot key typed into, value, expected code, slot key of the expected cell)."""
    budget = _tree_index(template, "预算执行率")
    grade = _tree_index(template, "综合管理水平")
    part = template.grades[1].label  # 部分达成…: a band of 0.6 ≤ d < 0.8, so 完成程度 1 lies outside
    return {
        "weights": ("tasks[2].weight", 13.5, "weights-total", "tasks.weight"),
        "negative-score": ("tasks[0].executed", -5.0, "score-over-weight", "tasks[0].score"),
        "deviation": (f"indicators[{budget}].measures", "", "deviation-missing", f"indicators[{budget}].measures"),
        "percent-text": ("indicators[0].actual", "92.15%", "not-a-number", "indicators[0].actual"),
        "full-width": ("indicators[0].actual", "９２", "not-a-number", "indicators[0].actual"),
        "at-least": ("indicators[0].actual", "≥100", "not-a-number", "indicators[0].actual"),
        "no-unit": ("indicators[0].unit", "", "required-missing", "indicators[0].unit"),
        "odd-unit": ("indicators[0].unit", "米", "unit-invalid", "indicators[0].unit"),
        "operator": ("indicators[0].operator", "≈", "operator-invalid", "indicators[0].operator"),
        "grade": (f"indicators[{grade}].actual", "优秀", "grade-invalid", f"indicators[{grade}].actual"),
        "band": (f"indicators[{grade}].actual", part, "grade-band", f"indicators[{grade}].degree"),
        "overspent": ("tasks[0].executed", 13.0, "execution-over-100", "tasks[0].executed"),
        "no-code": ("header.department_code", "", "required-missing", "header.department_code"),
    }


@pytest.fixture(scope="module")
def returned(template: Template, sample_fill: Fill, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every LibreOffice-saved workbook of this module: the seed, the random fills and the seed
    with one input changed (one soffice call), and rows inserted or deleted (one more)."""
    root = tmp_path_factory.mktemp("returned")
    typed = root / "typed"
    typed.mkdir()
    blank = generate(template, None, root / "blank.xlsx", year=2024)  # a distributed blank has its year
    seed = generate(template, sample_fill, typed / "seed.xlsx")
    files = [seed.path]
    assert tuple(input_mutations(template)) == INPUT_CASES
    for i in range(RANDOM_FILLS):
        inputs = random_inputs(blank.layout, random.Random(i))
        files.append(set_cells(blank.path, typed / f"fill-{i:02d}.xlsx", inputs))
    for name, (key, value, _code, _at) in input_mutations(template).items():
        files.append(set_cells(seed.path, typed / f"{name}.xlsx", {seed.layout.slot(key).a1: value}))
    mof = load_template("mof-project")
    files.append(generate(mof, load_fill(ROOT / "samples" / "mof-project-2024.toml", mof), typed / "mof.xlsx").path)
    out = root / "returned"
    paths = {p.stem: p for p in convert(files, "xlsx", out)}
    lay = seed.layout
    grade_row = lay.slot(f"indicators[{_tree_index(template, '综合管理水平')}].name").row
    task_row = lay.slot("tasks[3].project").row
    edits = [("insert-task", task_row, 1), ("insert-indicator", grade_row, 1), ("delete-indicator", grade_row, -1)]
    done = edit_rows([(paths["seed"], out / f"{name}.xlsx", template.sheet, row, n) for name, row, n in edits])
    paths.update({p.stem: p for p in done})
    return paths


@pytest.fixture(scope="module")
def seed_file(template: Template, sample_fill: Fill, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed's workbook as xlgen writes it (cached values by xlgen's engine): the one edits of
    its XML start from, without LibreOffice."""
    return generate(template, sample_fill, tmp_path_factory.mktemp("seed") / "seed.xlsx").path


@pytest.fixture(scope="module")
def seed_layout(template: Template, sample_fill: Fill) -> Layout:
    return layout_for(template, sample_fill)


def codes(result: FileResult) -> list[tuple[str, str | None]]:
    return [(f.code.code, f.cell) for f in result.findings]


def saved_total(path: Path, lay: Layout) -> Any:
    wb = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        return wb[lay.template.sheet][lay.slot("total").a1].value
    finally:
        wb.close()


# ----------------------------------------------------------------------------- no false alarms
@pytest.mark.libreoffice
def test_seed_returned_by_libreoffice_passes_with_the_seed_total(returned: dict[str, Path], template: Template) -> None:
    seed = read_seed(SEED, [ind.name for ind in template.tree])
    result = verify_file(returned["seed"])
    assert result.status == "pass", [f.message("en") for f in result.findings]
    assert result.findings == []
    assert (result.template, result.department, result.year) == (LIAONING, "703010", 2024)
    assert result.total_score == seed.total == 97.18
    assert result.level == "优"  # 97.18 ≥ 90


@pytest.mark.libreoffice
def test_random_fills_returned_by_libreoffice_all_pass(returned: dict[str, Path], template: Template) -> None:
    blank_layout = layout_for(template, None)
    fills = sorted(p for name, p in returned.items() if name.startswith("fill-"))
    assert len(fills) == RANDOM_FILLS
    for path in fills:
        result = verify_file(path)
        assert (path.name, result.status, codes(result)) == (path.name, "pass", [])
        assert result.total_score == pytest.approx(saved_total(path, blank_layout), rel=1e-12), path.name


@pytest.mark.libreoffice
def test_another_template_returned_by_libreoffice_passes(returned: dict[str, Path]) -> None:
    result = verify_file(returned["mof"])
    assert (result.status, codes(result)) == ("pass", [])
    # hand-worked in tests/test_other_templates.py: 预算执行率 9.5 + indicators 81.8 = 91.3 (优)
    assert (result.template, result.total_score, result.level) == ("mof-project", 91.3, "优")


@pytest.mark.libreoffice
def test_shared_formulas_as_excel_writes_them(returned: dict[str, Path], seed_layout: Layout,
                                              tmp_path: Path) -> None:
    rates = [seed_layout.slot(f"tasks[{i}].rate").a1 for i in range(seed_layout.task_count)]
    path = edit_sheet(returned["seed"], tmp_path / "shared.xlsx", share_formula(rates[0], rates[-1], rates[1:]))
    result = verify_file(path)
    assert (result.status, codes(result), result.total_score) == ("pass", [], 97.18)


@pytest.mark.libreoffice
def test_verifying_never_changes_the_files(returned: dict[str, Path]) -> None:
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in returned.values()}
    stamps = {p: p.stat().st_mtime_ns for p in returned.values()}
    for p in returned.values():
        verify_file(p)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in returned.values()} == before
    assert {p: p.stat().st_mtime_ns for p in returned.values()} == stamps


# ----------------------------------------------------------------------------- one change, one finding
@pytest.mark.parametrize("name", INPUT_CASES)
@pytest.mark.libreoffice
def test_a_typed_input_gives_its_finding(name: str, returned: dict[str, Path], template: Template,
                                         seed_layout: Layout, sample_fill: Fill) -> None:
    key, value, code, at = input_mutations(template)[name]
    result = verify_file(returned[name])
    if at == "tasks.weight":
        weights = [s for s in seed_layout.slots.values() if s.section == "tasks" and s.field == "weight"]
        cell = f"{weights[0].a1}:{weights[-1].a1}"
    else:
        cell = seed_layout.slot(at).a1
    expected = [(code, cell)]
    if key in seed_layout.fixed_values(bind_inputs(seed_layout, sample_fill)):  # the bureau's value moved too
        expected.append(("fixed-changed", seed_layout.slot(key).a1))
    assert sorted(codes(result)) == sorted(expected), [f.message("en") for f in result.findings]
    finding = next(f for f in result.findings if f.code.code == code)
    assert finding.sheet == template.sheet
    assert finding.field == at
    warning = code in ("unit-invalid", "execution-over-100")
    assert finding.severity == ("warning" if warning else "error")
    assert result.status == ("pass" if warning and len(expected) == 1 else "fail")  # a moved fixed value fails
    if code == "not-a-number":
        assert str(value) in finding.message("zh") and str(value) in finding.message("en")
    assert finding.message("zh") != finding.message("en")


@pytest.mark.libreoffice
def test_weights_total_names_the_sum(returned: dict[str, Path]) -> None:
    (finding,) = [f for f in verify_file(returned["weights"]).findings if f.code.code == "weights-total"]
    # the seed's task weights 13.3 + 13.3 + 13.4, the last typed as 13.5: 13.3 + 13.3 + 13.5 = 40.1 ≠ 40
    assert "40.1" in finding.message("en") and "40" in finding.message("en")


@pytest.mark.libreoffice
def test_negative_execution_score_below_zero(returned: dict[str, Path]) -> None:
    # ROUND(-5/12.79, 2) = -0.39; ROUNDDOWN(13.3 × -0.39, 2) = -5.18 < 0
    (finding,) = verify_file(returned["negative-score"]).findings
    assert "-5.18" in finding.message("en")


def _mutated(seed: Path, tmp_path: Path, change: Any, part: str | None = None) -> Path:
    dst = tmp_path / "mutated.xlsx"
    if part:
        return edit_part(seed, dst, part, change)
    return edit_sheet(seed, dst, change)


def test_constant_typed_over_a_formula(seed_file: Path, seed_layout: Layout, tmp_path: Path) -> None:
    rate = seed_layout.slot("tasks[0].rate")
    path = set_cells(seed_file, tmp_path / "typed.xlsx", {rate.a1: 0.95})  # the same value, no formula
    result = verify_file(path)
    assert codes(result) == [("formula-overwritten", rate.a1)]
    assert result.findings[0].field == "tasks[0].rate"


def test_formula_changed(seed_file: Path, seed_layout: Layout, tmp_path: Path) -> None:
    score = seed_layout.slot("tasks[0].score")
    rate, weight = seed_layout.slot("tasks[0].rate").a1, seed_layout.slot("tasks[0].weight").a1
    path = _mutated(seed_file, tmp_path, set_formula(score.a1, f"MIN({weight},ROUND({weight}*{rate},2))"))
    result = verify_file(path)
    assert codes(result) == [("formula-changed", score.a1)]
    assert "ROUNDDOWN" in result.findings[0].message("en")


@pytest.mark.parametrize("formula", ["'[other.xlsx]Sheet1'!A1", "[1]Sheet1!$A$1", "cmd|' /C calc'!A0"])
def test_external_reference_is_reported_and_never_followed(formula: str, seed_file: Path,
                                                          seed_layout: Layout, tmp_path: Path) -> None:
    other = openpyxl.Workbook()
    other.active.title = "Sheet1"
    other.active["A1"] = 5  # were it followed, 重点工作办结率 would score 0.18 instead of 3.5
    other.save(tmp_path / "other.xlsx")
    actual = seed_layout.slot("indicators[0].actual")
    result = verify_file(_mutated(seed_file, tmp_path, set_formula(actual.a1, formula)))
    assert codes(result) == [("external-reference", actual.a1)]
    assert result.findings[0].field == "indicators[0].actual"
    assert result.total_score == 97.18


@pytest.mark.parametrize("target", ["file:///C:/Windows/System32/calc.exe", "\\\\server\\share\\x.exe",
                                    "C:\\x.bat", "../../secret.xlsx"])
def test_hyperlink_to_a_file_is_reported_at_its_cell(target: str, seed_file: Path, seed_layout: Layout,
                                                     template: Template, tmp_path: Path) -> None:
    actual = seed_layout.slot("indicators[0].actual")
    result = verify_file(with_parts(seed_file, tmp_path / "linked.xlsx", hyperlinks([(actual.a1, 0)], [target])))
    assert codes(result) == [("external-reference", actual.a1)]
    finding = result.findings[0]
    assert (finding.sheet, finding.field, finding.severity) == (template.sheet, "indicators[0].actual", "error")
    assert target in finding.message("en") and target in finding.message("zh")


def test_hyperlink_to_the_web_is_no_finding(seed_file: Path, seed_layout: Layout, tmp_path: Path) -> None:
    cells = [seed_layout.slot("indicators[0].actual").a1, seed_layout.slot("goals.goal_plan").a1]
    path = with_parts(seed_file, tmp_path / "web.xlsx",
                      hyperlinks([(cells[0], 0), (cells[1], 1)], ["https://www.mof.gov.cn/", "mailto:czj@example.cn"]))
    result = verify_file(path)
    assert (result.status, codes(result)) == ("pass", [])


def test_embedded_object(seed_file: Path, template: Template, tmp_path: Path) -> None:
    result = verify_file(with_parts(seed_file, tmp_path / "ole.xlsx", ole_object))
    assert codes(result) == [("embedded-object", None)]
    finding = result.findings[0]
    assert (finding.sheet, finding.severity, result.status, result.total_score) == (template.sheet, "warning", "pass",
                                                                                    97.18)
    assert OLE_BIN in finding.message("en") and OLE_BIN in finding.message("zh")


def test_saved_value_differs_from_recomputation(seed_file: Path, seed_layout: Layout,
                                                tmp_path: Path) -> None:
    rate = seed_layout.slot("tasks[0].rate")
    result = verify_file(_mutated(seed_file, tmp_path, set_cached(rate.a1, "0.96")))
    assert codes(result) == [("cached-value-mismatch", rate.a1)]
    assert "0.96" in result.findings[0].message("en") and "0.95" in result.findings[0].message("en")


def test_never_calculated_is_one_finding(seed_file: Path, seed_layout: Layout, tmp_path: Path) -> None:
    result = verify_file(_mutated(seed_file, tmp_path, drop_cached_values))
    assert codes(result) == [("never-calculated", seed_layout.slot("total").a1)]
    assert result.total_score == 97.18  # recomputed from the inputs all the same


def test_protection_removed(seed_file: Path, template: Template, tmp_path: Path) -> None:
    result = verify_file(_mutated(seed_file, tmp_path, remove_protection))
    assert codes(result) == [("protection-removed", None)]
    assert result.findings[0].sheet == template.sheet
    assert result.status == "pass"  # a warning


def test_validation_removed(seed_file: Path, seed_layout: Layout, tmp_path: Path) -> None:
    operator = seed_layout.slot("indicators[0].operator")
    result = verify_file(_mutated(seed_file, tmp_path, remove_validation(operator.a1)))
    assert codes(result) == [("validation-removed", operator.a1)]
    assert result.findings[0].severity == "warning"


def test_guards_are_judged_for_each_file_though_kept_per_layout(seed_file: Path, seed_layout: Layout,
                                                                 tmp_path: Path) -> None:
    """Protection and validation findings are kept per layout and set of validations met (#24):
    files in turn with and without a validation, with and without protection, each gets its own."""
    operator = seed_layout.slot("indicators[0].operator")
    (tmp_path / "v").mkdir()
    (tmp_path / "p").mkdir()
    unvalidated = _mutated(seed_file, tmp_path / "v", remove_validation(operator.a1))
    unprotected = _mutated(seed_file, tmp_path / "p", remove_protection)
    for path, want in [(seed_file, []), (unvalidated, [("validation-removed", operator.a1)]), (seed_file, []),
                       (unprotected, [("protection-removed", None)]), (unvalidated, [("validation-removed", operator.a1)]),
                       (unprotected, [("protection-removed", None)])]:
        assert codes(verify_file(path)) == want, path


def test_the_collector_is_as_it_was_after_a_sheet_is_read(seed_file: Path, tmp_path: Path) -> None:
    """The garbage collector is kept off while a sheet is read (#24), and is as it was afterwards:
    on, off, and after a sheet that cannot be read."""
    import gc

    damaged = _mutated(seed_file, tmp_path, lambda xml: xml.replace("<sheetData>", "<sheetData><x>", 1))
    assert gc.isenabled()
    assert codes(verify_file(seed_file)) == []
    assert gc.isenabled()
    assert codes(verify_file(damaged)) == [("unreadable", None)]
    assert gc.isenabled()
    gc.disable()
    try:
        assert codes(verify_file(seed_file)) == []
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_unknown_template_from_its_properties(seed_file: Path, tmp_path: Path) -> None:
    path = _mutated(seed_file, tmp_path, set_property("xlgen_template_id", "hubei-department"),
                    part="docProps/custom.xml")
    result = verify_file(path)
    assert codes(result) == [("unknown-template", None)]
    assert result.status == "error"
    assert "hubei-department" in result.findings[0].message("en")


def test_a_file_of_another_xlgen_layout_is_refused_by_name(seed_file: Path, tmp_path: Path) -> None:
    """Read through today's addresses, a file laid out by another xlgen would give dozens of false
    findings: it is one unknown-template naming the xlgen that made it."""
    path = _mutated(seed_file, tmp_path, set_property("xlgen_layout", "0"), part="docProps/custom.xml")
    result = verify_file(path)
    assert codes(result) == [("unknown-template", None)]
    assert result.status == "error"
    from xlgen import __version__
    from xlgen.generate.provenance import LAYOUT_VERSION

    assert (f"with layout 0; this xlgen reads layout {LAYOUT_VERSION}; verify it with xlgen {__version__}"
            in result.findings[0].message("en"))


def test_a_workbook_not_made_by_xlgen(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "某某统计表"
    wb.save(tmp_path / "other.xlsx")
    result = verify_file(tmp_path / "other.xlsx")
    assert (result.status, codes(result)) == ("error", [("unknown-template", None)])


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"minutes of the meeting")
    result = verify_file(path)
    assert (result.status, codes(result)) == ("error", [("unreadable", None)])
    assert "zip" in result.findings[0].message("en")


def test_without_provenance_the_form_is_recognised(seed_file: Path, tmp_path: Path) -> None:
    def strip(xml: str) -> str:
        import re

        return re.sub(r'<property [^>]*name="xlgen_[^"]*">.*?</property>', "", xml)

    stripped = _mutated(seed_file, tmp_path, strip, part="docProps/custom.xml")
    result = verify_file(stripped)
    assert (result.template, result.total_score) == (LIAONING, 97.18)
    # recognised as xlgen's by its names and sheets: without the sealed record it cannot pass
    assert (result.status, codes(result)) == ("fail", [("seal-missing", None)])
    assert result.year == 2024  # from the year line 2024年年度
    # the task rows closed under the seed's three tasks are read as written, from the sheet alone:
    # empty and unvalidated where an open row offers the bureau's cells (no false findings above)
    ret = read_returned(stripped)
    assert not isinstance(ret, Finding) and ret.layout.tasks_closed == layout_for(
        load_template(LIAONING), load_fill(ROOT / "samples" / "chaoyang-2024.toml", load_template(LIAONING))).tasks_closed == (3, 4, 5)


@pytest.mark.parametrize("edited", ["9", "0,1", "0,1,2,3,4,5", ""])
def test_the_property_naming_the_rows_set_is_the_records(seed_file: Path, tmp_path: Path, edited: str) -> None:
    """xlgen_tasks_set decides which task rows the reader closes: edited to close the bureau's rows
    (their 执行金额 then unchecked) or to open others, it is a fixed value moved."""
    result = verify_file(_mutated(seed_file, tmp_path, set_property("xlgen_tasks_set", edited),
                                  part="docProps/custom.xml"))
    moved = [f for f in result.findings if f.code.code == "fixed-changed" and f.field == "tasks"]
    assert [f.message("zh") for f in moved] == [
        f"文档属性 xlgen_tasks_set（财政部门设定的任务行） 由 0,1,2 改为 {edited or '（空）'}：该项由财政部门下达，不得修改"]
    assert result.status == "fail"
    assert verify_file(seed_file).status == "pass"  # as written: 0,1,2


def test_without_provenance_a_funding_form_keeps_its_closed_source_rows(tmp_path: Path) -> None:
    """四川's sample sets three of the four funding sources: 其他资金 is closed, and read so
    without the properties; money typed there anyway is task-added against the seal's record."""
    t = load_template("sichuan-project")
    made = generate(t, load_fill(ROOT / "samples" / "sichuan-project-2024.toml", t), tmp_path / "sc.xlsx")
    (closed,) = made.layout.tasks_closed
    assert closed == 1 + t.tasks.funding.sources.index("其他资金")  # under 总额, the source the sample gives nothing
    assert made.layout.slot(f"tasks[{closed}].allocated").role == "fixed"
    assert made.layout.slots[f"tasks[{closed}].project"].role != "input"
    stripped = edit_part(made.path, tmp_path / "stripped.xlsx", "docProps/custom.xml",
                         lambda xml: re.sub(r'<property [^>]*name="xlgen_[^"]*">.*?</property>', "", xml))
    ret = read_returned(stripped)
    assert not isinstance(ret, Finding) and ret.layout.tasks_closed == (closed,)
    assert codes(verify_file(stripped)) == [("seal-missing", None)]
    money = set_cells(made.path, tmp_path / "money.xlsx", {made.layout.slot(f"tasks[{closed}].allocated").a1: 5})
    assert ("task-added", made.layout.slot(f"tasks[{closed}].allocated").a1) in codes(verify_file(money))


# ----------------------------------------------------------------------------- rows moved by LibreOffice
@pytest.mark.libreoffice
def test_task_row_inserted_without_formulas(returned: dict[str, Path], seed_layout: Layout) -> None:
    rate = seed_layout.slot("tasks[3].rate")  # the inserted row takes the 4th task row's place
    result = verify_file(returned["insert-task"])
    assert codes(result) == [("row-without-formulas", rate.a1)]
    assert result.total_score == 97.18


@pytest.mark.libreoffice
def test_indicator_row_inserted_inside_the_tree(returned: dict[str, Path], template: Template,
                                                seed_layout: Layout) -> None:
    i = _tree_index(template, "综合管理水平")
    degree = seed_layout.slot(f"indicators[{i}].degree")  # the new row sits where 综合管理水平 was
    result = verify_file(returned["insert-indicator"])
    assert codes(result) == [("row-without-formulas", degree.a1)]
    assert result.total_score == 97.18


@pytest.mark.libreoffice
def test_indicator_row_deleted(returned: dict[str, Path], template: Template) -> None:
    i = _tree_index(template, "综合管理水平")
    result = verify_file(returned["delete-indicator"])
    found = {(f.code.code, f.field) for f in result.findings}
    # the row is gone, and with it its 3.3 of the 60 points of indicator weights
    assert found == {("row-deleted", f"indicators[{i}].name"), ("weights-total", "indicators.weight")}
    assert "综合管理水平" in next(f for f in result.findings if f.code.code == "row-deleted").message("zh")
    assert result.total_score == round(97.18 - 3.3, 2)


def test_a_part_with_a_dtd_is_refused_before_parsing(seed_file: Path, tmp_path: Path) -> None:
    laughs = ('<!DOCTYPE worksheet [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
              '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    path = edit_sheet(seed_file, tmp_path / "laughs.xlsx",
                      lambda xml: xml.replace("<worksheet", laughs + "<worksheet", 1))
    result = verify_file(path)
    assert (result.status, codes(result)) == ("error", [("unreadable", None)])
    assert "DTD" in result.findings[0].message("en")
