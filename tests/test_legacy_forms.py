"""Last year's forms as they are: the seed rebuilt as hand-made workbooks (tests/handmade.py),
imported, generated, verified and rolled over.

Expected numbers are the seed's own (samples/seed/), read by tests/seedform.py; cell addresses
of the hand-made forms are those their builder wrote, never xlgen's layout.
"""

from __future__ import annotations

import json
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.helpers.common import SEED, read_values
from tests.helpers.expect import assert_matches
from tests.helpers.handmade import Built, SeedText, Variant, build, read_seed_text
from tests.helpers.seedform import SeedForm, read_seed
from tests.test_seed import expected_cells
from tests.helpers.userfill import set_cells
from xlgen.cli import app
from xlgen.cycle.roster import load_roster
from xlgen.errors import XlgenError
from xlgen.generate.workbook import generate
from xlgen.intake.bylabels import grade, key, parse_number, read_legacy
from xlgen.intake.returned import read_returned
from xlgen.libreoffice import convert
from xlgen.template.fill import load_fill
from xlgen.template.model import Template
from xlgen.verify.batch import verify_file

runner = CliRunner()
# The department's own tree: other targets and weights than the template's, and one indicator of its own.
OWN = {"服务企业满意度": {"target": "90", "weight": "6"}, "上级主管部门满意度": {"weight": "7.2"},
       "工业企业对接推介企业户数": {"weight": "5.8"}}
OWN_EXTRA = [{"level1": "社会效应", "level2": "经济效益", "name": "新增服务企业数", "operator": ">=", "target": "10",
              "unit": "户", "actual": "12", "degree": "1", "weight": "1", "score": "1"}]
VARIANTS = {
    "clean": Variant(identity_split=True),
    "verbatim": Variant(verbatim=True, header_in_one_cell=True),
    "shifted": Variant(verbatim=True, top=3, page_breaks=True, notes=["填报人：张三", "联系电话：0421-2600000"]),
    "mistyped": Variant(typed={("服务企业满意度", "score"): 6.5}),
    "own": Variant(own=OWN, extra=OWN_EXTRA),
    "exact": Variant(verbatim=True, exact=True),  # the seed's own positions (its qualitative rows off by one)
}


@pytest.fixture(scope="module")
def seed_text(template: Template) -> SeedText:
    return read_seed_text(SEED, [ind.name for ind in template.tree])


@pytest.fixture(scope="module")
def seed(template: Template) -> SeedForm:
    return read_seed(SEED, [ind.name for ind in template.tree])


@pytest.fixture(scope="module")
def forms(seed_text: SeedText, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    d = tmp_path_factory.mktemp("legacy")
    return {name: build(seed_text, d / f"{name}.xlsx", v) for name, v in VARIANTS.items()}


def run(*args: Any) -> Any:
    return runner.invoke(app, [str(a) for a in args], terminal_width=200)


def imported(form: Path, out: Path, *extra: str) -> Path:
    result = run("import", form, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    fills = sorted(out.glob("*.toml"))
    assert len(fills) == 1, result.output
    return fills[0]


# ----------------------------------------------------------------------------- reading values
def test_values_typed_as_text_or_numbers() -> None:
    assert parse_number("95.00%", fraction=True) == 0.95
    assert parse_number(0.95, fraction=True) == 0.95
    assert parse_number("92.15%", fraction=False) == 92.15  # % is the unit of an actual
    assert parse_number("９２", fraction=False) == 92
    assert parse_number("≥100", fraction=False) is None
    assert key("在职人员 控制率") == "在职人员控制率"
    assert key("部门（单位）名称") == key("部门(单位)名称")


def test_cut_grade_texts_are_the_templates_grades(template: Template) -> None:
    full = "全部或基本达成预期指标 100%-80% (含)"
    assert grade(template, "全部或基本达 成预期指标 100%-80% (含") == full
    assert grade(template, "部分达成预期指标并具有一定效果") == "部分达成预期指标并具有一定效果 80%-60% (含)"
    assert grade(template, "优秀") == "优秀"  # not a grade: kept, verify reports it


# ----------------------------------------------------------------------------- import → generate
@pytest.mark.parametrize("variant", ["clean", "verbatim", "shifted", "exact"])
def test_import_then_generate_reproduces_the_seed(variant: str, forms: dict[str, Built], template: Template,
                                                 seed: SeedForm, tmp_path: Path) -> None:
    fill_path = imported(forms[variant].path, tmp_path / "out")
    assert fill_path.name == "2024_703010_朝阳市工业和信息化工作服务中心.toml"
    fill = load_fill(fill_path, template)
    assert fill.header == {"department_code": "703010", "department_name": "朝阳市工业和信息化工作服务中心",
                           "area_code": "211300000", "budget_income": 175.41, "budget_expenditure": 175.4052}
    assert len(fill.indicators) == 24 and not fill.extra_indicators
    gen = generate(template, fill, tmp_path / "gen.xlsx")
    by_cell = {gen.layout.slot(k).a1: v for k, v in {**gen.inputs, **gen.results}.items()}
    assert_matches(by_cell, expected_cells(gen, seed), f"the {variant} form imported")
    assert gen.total == 97.18
    assert run("verify", gen.path).exit_code == 0


def seed_numbers() -> list[float]:
    """Every cell of the seed's text that is a number (95.00% as 0.95): 118 of them."""
    out = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        for cell in (c.strip() for c in line.split("\t")):
            if re.fullmatch(r"-?\d+(\.\d+)?%?", cell):
                out.append(round(float(cell[:-1]) / 100 if cell.endswith("%") else float(cell), 6))
    return sorted(out)


def test_the_seeds_exact_positions_import_to_all_118_numbers(forms: dict[str, Built], template: Template,
                                                             tmp_path: Path) -> None:
    """The seed's text puts 综合管理水平's and 依法行政能力's values one column right of the others'
    (the target under 度量单位, the grade under 完成程度, then 1, 3.3, 3.3): read by what they hold,
    every number of the seed comes back, and the ten cells read so are listed."""
    built = forms["exact"]
    result = run("--lang", "en", "import", built.path, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.output
    moved = [line.strip() for line in result.output.splitlines() if "by what it holds" in line]
    for name in ("综合管理水平", "依法行政能力"):
        for fld, label in (("target", "指标值"), ("actual", "全年完成值"), ("degree", "完成程度"), ("weight", "分值"),
                           ("score", "得分")):
            assert any(line.startswith(f"Sheet1!{built.cells[(name, fld)]}: ") and f"read as '{label}'" in line
                       for line in moved), (name, fld, moved)
    assert len(moved) == 10
    fill = load_fill(next((tmp_path / "out").glob("*.toml")), template)
    gen = generate(template, fill, tmp_path / "gen.xlsx")
    values = {**gen.inputs, **gen.results}
    got = [values[f"tasks[{i}].{f}"] for i in range(3) for f in ("allocated", "executed", "rate", "weight", "score")]
    for row in (r for r in gen.layout.indicator_rows if r.tree is not None):
        quantitative = row.kind != "qualitative"
        fields = ("target", "actual", "degree", "weight", "score") if quantitative else ("degree", "weight", "score")
        got += [values[f"indicators[{row.index}].{f}"] for f in fields]
    got.append(gen.total)
    assert sorted(round(float(x), 6) for x in got) == seed_numbers() and len(got) == 118
    assert gen.total == 97.18


def test_cells_that_fit_nowhere_are_listed_with_their_address(forms: dict[str, Built], tmp_path: Path) -> None:
    built = forms["shifted"]
    result = run("import", built.path, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    for note in VARIANTS["shifted"].notes:
        assert f"Sheet1!{built.cells[(note, 'note')]}: '{note}'" in result.output
    assert "Sheet1!A1: '附件 3'" in result.output
    text = next(tmp_path.glob("*.toml")).read_text("utf-8")
    assert f"not placed: {built.cells[('填报人：张三', 'note')]} '填报人：张三'" in text


def test_import_never_overwrites_without_force(forms: dict[str, Built], tmp_path: Path) -> None:
    fill_path = imported(forms["clean"].path, tmp_path)
    fill_path.write_text("# mine", "utf-8")
    result = run("import", forms["clean"].path, "-o", tmp_path)
    assert result.exit_code == 2 and "--force" in result.output
    assert fill_path.read_text("utf-8") == "# mine"
    assert run("import", forms["clean"].path, "-o", tmp_path, "--force").exit_code == 0
    assert fill_path.read_text("utf-8") != "# mine"


def test_a_form_of_no_template_is_a_clear_error(forms: dict[str, Built], tmp_path: Path) -> None:
    result = run("import", forms["clean"].path, "-o", tmp_path, "--template", "mof-project")
    assert result.exit_code == 2
    assert "mof-project" in result.output and "Traceback" not in result.output
    assert not list(tmp_path.glob("*"))


# ----------------------------------------------------------------------------- verify
@pytest.mark.parametrize("variant", ["clean", "verbatim", "shifted"])
def test_verify_a_consistent_form(variant: str, forms: dict[str, Built]) -> None:
    result = run("verify", "--json", forms[variant].path)
    assert result.exit_code == 0, result.output
    [entry] = json.loads(result.output)["files"]
    assert entry["total_score"] == 97.18 and entry["department"] == "703010" and entry["year"] == 2024
    codes = [f["code"] for f in entry["findings"]]
    assert codes.count("not-generated") == 1
    assert not [f for f in entry["findings"] if f["severity"] == "error"]
    assert not {"formula-overwritten", "protection-removed", "validation-removed"} & set(codes)


def test_verify_a_mistyped_score_fails_at_that_cell(forms: dict[str, Built]) -> None:
    built = forms["mistyped"]
    r = verify_file(built.path)
    errors = [f for f in r.findings if f.severity == "error"]
    assert [(f.code.code, f.cell) for f in errors] == [("value-mismatch", built.cells[("服务企业满意度", "score")])]
    assert errors[0].params["found"] == 6.5 and errors[0].params["expected"] == 6.6
    assert "6.5" in errors[0].message("zh") and "6.6" in errors[0].message("en")
    assert r.status == "fail" and r.total_score == 97.18  # the recomputed total


# ----------------------------------------------------------------------------- rollover
def test_rollover_gives_next_years_blank(forms: dict[str, Built], template: Template, tmp_path: Path) -> None:
    out = tmp_path / "2025.xlsx"
    result = run("rollover", forms["verbatim"].path, "--year", "2025", "-o", out)
    assert result.exit_code == 0, result.output
    ret = read_returned(out)
    assert not isinstance(ret, Exception) and hasattr(ret, "inputs")
    values = ret.inputs()  # type: ignore[union-attr]
    assert (values["header.department_code"], values["header.department_name"], values["header.area_code"]) == \
        ("703010", "朝阳市工业和信息化工作服务中心", "211300000")
    rows = [row for row in ret.layout.indicator_rows if row.tree is not None]  # type: ignore[union-attr]
    assert len(rows) == 24
    assert all(values.get(f"indicators[{row.index}].actual") is None for row in rows)
    assert values["indicators[19].weight"] == 6.6 and values["tasks[0].executed"] is None
    assert values["indicators[8].cause_staff"] is None
    assert verify_file(out).year == 2025


# ----------------------------------------------------------------------------- a department's own tree
def test_own_tree_is_read(forms: dict[str, Built], template: Template) -> None:
    form = read_legacy(forms["own"].path)
    assert not isinstance(form, Exception) and hasattr(form, "fill")
    fill = form.fill  # type: ignore[union-attr]
    assert fill.indicators["服务企业满意度"]["target"] == 90 and fill.indicators["服务企业满意度"]["weight"] == 6
    [own] = fill.extra_indicators
    assert (own["level1"], own["level2"], own["name"], own["operator"], own["target"], own["unit"], own["weight"]) == \
        ("社会效应", "经济效益", "新增服务企业数", ">=", 10, "户", 1)


def test_own_tree_round_trips_through_the_roster(forms: dict[str, Built], template: Template, tmp_path: Path) -> None:
    """import → roster → distribute (library level) → fill with the typed values → verify."""
    out = tmp_path / "import"
    imported(forms["own"].path, out)
    # its amounts are next year's, not carried: left open explicitly (refused otherwise)
    with pytest.raises(XlgenError) as refused:
        load_roster(out / "roster-liaoning-department-overall.xlsx", template)
    assert "row 2, column E ('部门年初预算支出金额'): is empty" in refused.value.message_in("en")
    [entry] = load_roster(out / "roster-liaoning-department-overall.xlsx", template, leave_open=True)
    assert entry.fill.indicators["服务企业满意度"]["target"] == 90
    assert entry.fill.extra_indicators[0]["name"] == "新增服务企业数"
    last_year = load_fill(next(out.glob("*.toml")), template)
    fill = entry.fill
    fill.year = 2025
    for name, values in last_year.indicators.items():
        fill.indicators.setdefault(name, {}).update(values)
    fill.extra_indicators[0].update(last_year.extra_indicators[0])
    fill.tasks, fill.goals, fill.header = last_year.tasks, last_year.goals, last_year.header
    gen = generate(template, fill, tmp_path / "2025.xlsx")
    r = verify_file(gen.path)
    assert r.status == "pass", [f.message("en") for f in r.findings]
    legacy = verify_file(forms["own"].path)
    assert legacy.total_score == r.total_score == 97.18


@pytest.mark.libreoffice
def test_own_tree_round_trips_through_distribute(forms: dict[str, Built], template: Template, tmp_path: Path) -> None:
    """import → distribute → the department types its values (LibreOffice recalculates) → verify."""
    out = tmp_path / "import"
    imported(forms["own"].path, out)
    result = run("distribute", "liaoning-department-overall", "--roster", out / "roster-liaoning-department-overall.xlsx",
                 "--year", "2025", "-o", tmp_path / "dist", "--leave-open")  # the amounts: typed by the department below
    assert result.exit_code == 0, result.output
    blank = tmp_path / "dist" / "2025_703010_朝阳市工业和信息化工作服务中心.xlsx"
    ret = read_returned(blank)
    lay = ret.layout  # type: ignore[union-attr]
    given = ret.inputs()  # type: ignore[union-attr]
    index = {row.tree.name if row.tree else given.get(f"indicators[{row.index}].name"): row.index
             for row in lay.indicator_rows}
    assert given[f"indicators[{index['服务企业满意度']}].target"] == 90
    assert given[f"indicators[{index['新增服务企业数']}].weight"] == 1
    typed = tomllib.loads(next(out.glob("*.toml")).read_text("utf-8"))
    cells: dict[str, Any] = {}
    for field in ("budget_income", "budget_expenditure"):
        cells[lay.slot(f"header.{field}").a1] = typed["header"][field]
    for i, task in enumerate(typed["tasks"]):
        cells[lay.slot(f"tasks[{i}].executed").a1] = task["executed"]
    for field, text in typed["goals"].items():
        cells[lay.slot(f"goals.{field}").a1] = text
    for ind in typed["indicators"]:
        i = index[ind["name"]]
        for field in ("actual", "degree", "cause_staff", "measures"):
            slot = lay.slots.get(f"indicators[{i}].{field}")
            if field in ind and slot is not None and slot.role == "input":
                cells[slot.a1] = ind[field]
    filled = set_cells(blank, tmp_path / "typed.xlsx", cells)
    [back] = convert([filled], "xlsx", tmp_path / "lo")
    r = verify_file(back)
    assert r.status == "pass", [f.message("en") for f in r.findings]
    assert r.total_score == 97.18


# ----------------------------------------------------------------------------- .xls
@pytest.mark.libreoffice
def test_xls_is_read_directly(forms: dict[str, Built], template: Template, seed: SeedForm, tmp_path: Path) -> None:
    src = tmp_path / "verbatim.xlsx"
    shutil.copy(forms["shifted"].path, src)
    [xls] = convert([src], "xls", tmp_path / "xls")
    assert xls.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    r = verify_file(xls)
    assert r.total_score == 97.18 and not [f for f in r.findings if f.severity == "error"], \
        [f.message("en") for f in r.findings]
    fill = load_fill(imported(xls, tmp_path / "out"), template)
    gen = generate(template, fill, tmp_path / "gen.xlsx")
    by_cell = {gen.layout.slot(k).a1: v for k, v in {**gen.inputs, **gen.results}.items()}
    assert_matches(by_cell, expected_cells(gen, seed), "the .xls imported")
    rolled = tmp_path / "2025.xlsx"
    assert run("rollover", xls, "--year", "2025", "-o", rolled).exit_code == 0
    assert read_values(rolled)  # an xlgen workbook
    ret = read_returned(rolled)
    assert ret.inputs()["header.area_code"] == "211300000"  # type: ignore[union-attr]


def test_garbage_xls_is_a_finding(tmp_path: Path) -> None:
    bad = tmp_path / "old.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00\xff" * 3000)
    result = run("verify", bad)
    assert result.exit_code == 2 and ".xls" in result.output and "Traceback" not in result.output
    result = run("import", bad, "-o", tmp_path / "out")
    assert result.exit_code == 2 and ".xls" in result.output


def test_roster_sheets(forms: dict[str, Built], tmp_path: Path) -> None:
    imported(forms["own"].path, tmp_path)
    wb = openpyxl.load_workbook(tmp_path / "roster-liaoning-department-overall.xlsx")
    assert wb.sheetnames == ["部门", "任务", "指标"]
    assert [c.value for c in wb["部门"][1]] == ["部门编码", "部门（单位）全称", "区划编码", "部门年初预算收入金额",
                                              "部门年初预算支出金额"]  # the form's names; next year's amounts left to fill
    assert [c.value for c in wb["部门"][2]] == ["703010", "朝阳市工业和信息化工作服务中心", "211300000", None, None]
    assert wb["任务"].max_row == 4 and wb["指标"].max_row == 26


# ----------------------------------------------------------------------------- other templates, xlgen's own forms
def test_the_template_whose_rules_give_the_typed_results_is_chosen(tmp_path: Path) -> None:
    """The MOF form and Jiangxi's share their wording; the typed results tell them apart."""
    from tests.helpers.common import ROOT
    from xlgen.template.model import load_template

    mof = load_template("mof-project")
    gen = generate(mof, load_fill(ROOT / "samples" / "mof-project-2024.toml", mof), tmp_path / "mof.xlsx")
    form = read_legacy(gen.path)
    assert not isinstance(form, Exception) and form.template.id == "mof-project"  # type: ignore[union-attr]
    assert form.typed[  # type: ignore[union-attr]
        "total"] == gen.total


def test_import_of_a_form_xlgen_made_reads_its_layout(sample: Any, tmp_path: Path) -> None:
    fill_path = imported(sample.path, tmp_path)
    result = run("import", sample.path, "-o", tmp_path / "again")
    assert "0 cells not placed" in result.output  # the 填报检查 block and helper columns are xlgen's own
    assert tomllib.loads(fill_path.read_text("utf-8"))["header"]["area_code"] == "211300000"


def test_a_merge_over_the_whole_sheet_is_bounded(forms: dict[str, Built], tmp_path: Path) -> None:
    from tests.helpers.verifykit import edit_sheet

    huge = edit_sheet(forms["clean"].path, tmp_path / "huge.xlsx", lambda x: x.replace(
        "<mergeCells", '<mergeCells><mergeCell ref="A200:XFD1048576"/></mergeCells><mergeCells', 1))
    r = verify_file(huge)
    assert r.total_score == 97.18 and r.status == "pass", [f.message("en") for f in r.findings]
