"""Funding rows (the national 项目支出绩效自评表): 年度资金总额, then 其中 当年财政拨款 / 上年结转资金 /
其他资金. Only the total is scored, and its amounts are the sums of the sources' by formula.

Hand arithmetic for the mof-project blank typed in with 80/90/85.5, 10/10/9, 5/5/5
(年初预算数 / 全年预算数 / 全年执行数):
- total row: 80 + 10 + 5 = 95; 90 + 10 + 5 = 105; 85.5 + 9 + 5 = 99.5
- 执行率 = ROUND(99.5 / 105, 2) = ROUND(0.947619…, 2) = 0.95 (scoring.md: the MOF system's rule,
  _base/national.toml)
- 得分 = MIN(10, ROUNDDOWN(10 × 0.95, 2)) = ROUNDDOWN(9.5, 2) = 9.5 of 10 (the unrounded rate would
  give 9.48: the rate is rounded first)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.common import ROOT
from tests.helpers.expect import assert_matches
from tests.helpers.userfill import set_cells
from tests.helpers.verifykit import edit_sheet, set_formula
from xlgen.errors import XlgenError
from xlgen.generate.workbook import generate
from xlgen.layout.values import layout_for
from xlgen.layout.values import bind_inputs
from xlgen.layout.model import FIXED, FORMULA, INPUT, a1, a1_range
from xlgen.template.fill import load_fill
from xlgen.template.model import load_template

SOURCES = {  # source row: (年初预算数, 全年预算数, 全年执行数)
    1: (80, 90, 85.5),
    2: (10, 10, 9),
    3: (5, 5, 5),
}
TOTAL_ROW = {"initial": 95, "allocated": 105, "executed": 99.5, "weight": 10, "rate": 0.95, "score": 9.5}
AMOUNTS = ("initial", "allocated", "executed")


def test_the_total_sums_the_sources_and_alone_is_scored() -> None:
    mof = load_template("mof-project")
    lay = layout_for(mof, None)
    assert lay.task_count == 4
    labels = [lay.slot(f"tasks[{i}].project").default for i in range(4)]
    assert labels == ["年度资金总额", "其中：当年财政拨款", "上年结转资金", "其他资金"]
    assert all(lay.slot(f"tasks[{i}].project").role == FIXED for i in range(4))
    total = {f: lay.slot(f"tasks[0].{f}") for f in AMOUNTS}
    for f, slot in total.items():
        first, last = lay.slot(f"tasks[1].{f}"), lay.slot(f"tasks[3].{f}")
        sources = f"{a1(first.row, first.col, True)}:{a1(last.row, last.col, True)}"
        assert slot.role == FORMULA and slot.formula == f'IF(COUNT({sources})=0,"",SUM({sources}))'
    assert lay.slot("tasks[0].weight").role == FIXED and lay.slot("tasks[0].weight").default == 10
    for i in SOURCES:
        row = lay.row_slots("tasks", i)
        assert sorted(row) == ["allocated", "executed", "initial", "project"]  # no 分值, 执行率, 得分
        assert all(row[f].role == INPUT for f in AMOUNTS)
        # 分值, 执行率, 得分 are left empty, as the national form leaves them (#22: no "/")
        marks = [lab for lab in lay.labels if lab.row == row["initial"].row and lab.style == "blank"
                 and lab.col > row["executed"].col]
        assert [(lab.text, lab.last_col - lab.col + 1) for lab in marks] == [("", 1), ("", 1), ("", 2), ("", 1)]
        assert not [lab for lab in lay.labels if lab.text == "/"]
    score = lay.slot("tasks[0].score")
    assert f"SUM({a1(score.row, score.col, True)}:{a1(score.row, score.col, True)})" in lay.slot("total").formula


def test_a_range_keeps_both_ends_even_for_one_cell() -> None:
    # the total's SUM over the one scored funding row stays SUM($X$n:$X$n), as golden files hold
    assert a1_range(4, 2, 4, 2) == "$C$5:$C$5"
    assert a1_range(0, 0, 9, 27) == "$A$1:$AB$10"


def test_the_sample_fill_computes_the_hand_worked_numbers(tmp_path: Path) -> None:
    mof = load_template("mof-project")
    book = generate(mof, load_fill(ROOT / "samples" / "mof-project-2024.toml", mof), tmp_path / "mof.xlsx")
    got = {f: book.results.get(f"tasks[0].{f}", book.inputs.get(f"tasks[0].{f}")) for f in TOTAL_ROW}
    assert got == pytest.approx(TOTAL_ROW)
    for i, amounts in SOURCES.items():
        assert tuple(book.inputs[f"tasks[{i}].{f}"] for f in AMOUNTS) == amounts


def test_a_blank_shows_no_total_until_a_source_is_typed(tmp_path: Path) -> None:
    book = generate(load_template("mof-project"), None, tmp_path / "blank.xlsx", year=2025)
    assert [book.results[f"tasks[0].{f}"] for f in AMOUNTS] == ["", "", ""]
    assert book.inputs["tasks[0].weight"] == 10


@pytest.mark.libreoffice
def test_libreoffice_fills_the_blank_and_verify_judges_it(tmp_path: Path) -> None:
    from xlgen.libreoffice import convert
    from xlgen.verify.batch import verify_file

    mof = load_template("mof-project")
    blank = generate(mof, None, tmp_path / "blank.xlsx", year=2024)
    lay = blank.layout
    sample = bind_inputs(lay, load_fill(ROOT / "samples" / "mof-project-2024.toml", mof))  # the sources and the rest
    typed = {lay.slot(k).a1: v for k, v in sample.items() if lay.slot(k).role == INPUT and v is not None}
    for i, amounts in SOURCES.items():
        assert tuple(typed[lay.slot(f"tasks[{i}].{f}").a1] for f in AMOUNTS) == amounts
    (tmp_path / "typed").mkdir()
    filled = set_cells(blank.path, tmp_path / "typed" / "mof.xlsx", typed)
    (returned,) = convert([filled], "xlsx", tmp_path / "returned")
    from tests.helpers.common import read_values

    values = read_values(returned)
    want = {lay.slot(f"tasks[0].{f}").a1: v for f, v in TOTAL_ROW.items()}
    assert_matches(values, want, "LibreOffice")
    honest = verify_file(returned)
    assert honest.status == "pass", [f.message("en") for f in honest.findings]
    assert honest.total_score == 91.3  # 9.5 + 81.8 (the indicators, tests/test_other_templates.py)
    # the total typed over with the sources' sum: the yardstick is the formula, so verify fails it
    allocated = lay.slot("tasks[0].allocated").a1
    tampered = edit_sheet(returned, tmp_path / "tampered.xlsx", set_formula(allocated, "105"))
    result = verify_file(tampered)
    assert result.status == "fail"
    assert any(f.cell == allocated for f in result.findings), [f.message("en") for f in result.findings]


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    src = (ROOT / "templates" / "mof-project.toml").read_text(encoding="utf-8")
    assert old in src
    path = tmp_path / "variant.toml"
    path.write_text(src.replace(old, new).replace('extends = "_base/national"',
                    f'extends = "{(ROOT / "templates" / "_base" / "national").as_posix()}"'), encoding="utf-8")
    return path


@pytest.mark.parametrize(("old", "new", "key", "says"), [
    ('sums = ["initial", "allocated", "executed"]', 'sums = ["initial", "weight"]', "tasks.funding.sums[1]",
     "'weight' is not an amount column"),
    ('sources = ["当年财政拨款", "上年结转资金", "其他资金"]', 'sources = []', "tasks.funding.sources",
     "the list is empty"),
    ('sources = ["当年财政拨款", "上年结转资金", "其他资金"]', 'sources = ["其他资金", "其他资金"]',
     "tasks.funding.sources", "'其他资金' is empty or repeats"),
    ("spare_indicators = 3", "tasks = 2\nspare_indicators = 3", "rows.tasks",
     "2 task rows, but tasks.funding places 4"),
    ('mark = ""', 'marks = "/"', "tasks.funding.marks", ""),
])
def test_funding_keys_are_checked_with_their_key(tmp_path: Path, old: str, new: str, key: str, says: str) -> None:
    with pytest.raises(XlgenError) as info:
        load_template(_variant(tmp_path, old, new))
    text = str(info.value)
    assert f"key '{key}'" in text and says in text, text


def test_a_fill_names_its_funding_row(tmp_path: Path) -> None:
    mof = load_template("mof-project")
    fill = tmp_path / "fill.toml"
    fill.write_text('[[tasks]]\nproject = "当年财政拨款"\nallocated = 1\n\n[[tasks]]\nproject = "专项资金"\n'
                    "allocated = 2\n", encoding="utf-8")
    with pytest.raises(XlgenError) as info:
        load_fill(fill, mof)
    assert "key 'tasks[1].project'" in str(info.value) and "'专项资金' names no funding row" in str(info.value)
