"""The live 填报检查 block: 通过 on the sample, 未通过 with the right counts on fills that break
each rule, computed three ways: xlgen's engine, the cached values in the file, and LibreOffice
recalculating the file. The expected counts are worked out by hand from each fill."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.addinxml import without_cached_values
from tests.helpers.common import read_values
from xlgen.layout import selfcheck as checks
from xlgen.template.fill import Fill
from xlgen.template.model import Template
from xlgen.generate.workbook import Generated, generate

PASS, FAIL, VERIFY = "通过", "未通过", "请核实"
CLEAN = {"task_weights": 40, "indicator_weights": 60, "missing_required": 0, "missing_analysis": 0,
         "score_range": 0, "band": 0, "operator_invalid": 0, "weight_not_positive": 0, "percent_scale": 0,
         "not_a_number": 0, "unit_invalid": 0}
WARNS = {"percent_scale", "unit_invalid"}  # a warning's row asks (请核实); the verdict leaves it out
ASKED = {"percent_scale": "请核实：是否应填 98？"}  # one slipped row (0.98 typed for 98 %): the value meant
GRADE_1 = "全部或基本达成预期指标 100%-80% (含)"
GRADE_2 = "部分达成预期指标并具有一定效果 80%-60% (含)"


def _task_weights(f: Fill) -> None:
    f.tasks[2]["weight"] = 14.4  # 13.3 + 13.3 + 14.4 = 41


def _indicator_weights(f: Fill) -> None:
    f.indicators["重点工作办结率"]["weight"] = 4.0  # 60 - 3.5 + 4 = 60.5


def _missing_analysis(f: Fill) -> None:
    f.indicators["重点工作办结率"]["actual"] = 90  # = 100 %: degree 0.9, no cause, no measure
    del f.indicators["预算执行率"]["measures"]  # degree 0.92 with a cause but no measure
    f.indicators["总体工作完成率"].update(actual=95, cause_system="制度", measures="改进")  # explained
    # white space is no reason: ASCII and full-width spaces, a tab, a line break
    f.indicators["工作完成及时率"].update(actual=95, cause_staff=" \u3000", measures="\t\n")


def _missing_required(f: Fill) -> None:
    del f.header["department_name"]  # 1
    del f.goals["goal_plan"]  # 1
    del f.tasks[1]["project"]  # 1: the row is in use
    del f.indicators["工作质量达标率"]["actual"]  # 1
    del f.indicators["综合管理水平"]["degree"]  # 1: a qualitative row without its 完成程度
    f.extra_indicators.append({"level1": "社会效应", "level2": "社会效益", "name": "新增指标"})  # 5: op, target, unit, actual, weight


def _not_a_number(f: Fill) -> None:
    f.indicators["重点工作办结率"]["actual"] = "100%"  # pasted: a text, the row scores nothing
    f.indicators["总体工作完成率"]["actual"] = "九十五"
    f.indicators["工作完成及时率"]["actual"] = "１００"  # full-width digits
    f.tasks[0]["executed"] = "12.2"  # a number stored as text
    f.header["budget_income"] = "一百万"  # a header's number, too


def _unit_invalid(f: Fill) -> None:
    f.extra_indicators.append({**OWN, "operator": ">=", "unit": "人 ", "weight": 1.0})  # a stray space; 61
    f.extra_indicators.append({**OWN, "operator": ">=", "unit": "％", "weight": 1.0})  # full-width %; 62


def _score_range(f: Fill) -> None:
    f.tasks[0]["executed"] = -1.0  # rate -0.08, score ROUNDDOWN(13.3 * -0.08, 2) = -1.06
    f.indicators["依法行政能力"]["degree"] = -0.5  # score 3.3 * -0.5 < 0; outside its band; unexplained


def _band(f: Fill) -> None:
    why = {"cause_funding": "经费不足", "measures": "加强管理"}
    f.indicators["预决算公开情况"].update(actual=GRADE_2, degree=0.9, **why)  # 0.9 is not in 0.6..0.8
    f.indicators["内控制度有效性"].update(actual="优秀", degree=1.0)  # not a grade of the list
    f.indicators["完善内控制度"].update(actual=GRADE_2, degree=0.6, **why)  # on its band's edge: fine


def _percent_scale(f: Fill) -> None:
    # 98 % typed as 0.98 against 100 %: degree ROUND(0.98/100, 2) = 0.01, explained
    f.indicators["工作完成及时率"].update(actual=0.98, cause_staff="人手不足", measures="补充人员")


OWN: dict[str, Any] = {"level1": "产出指标", "level2": "数量指标", "name": "自设指标（培训人次）", "target": 100.0, "unit": "人",
       "actual": 100.0}


def _operator_invalid(f: Fill) -> None:
    f.extra_indicators.append({**OWN, "operator": ">= ", "weight": 1.0})  # a stray space: no operator; 61


def _weight_not_positive(f: Fill) -> None:
    f.extra_indicators.append({**OWN, "operator": ">=", "weight": 0.0})  # scores nothing; the sum stays 60


CASES: dict[str, tuple[Callable[[Fill], None], dict[str, float]]] = {
    "task_weights": (_task_weights, {"task_weights": 41}),
    "indicator_weights": (_indicator_weights, {"indicator_weights": 60.5}),
    "missing_analysis": (_missing_analysis, {"missing_analysis": 3}),
    "not_a_number": (_not_a_number, {"not_a_number": 5}),
    "unit_invalid": (_unit_invalid, {"unit_invalid": 2, "indicator_weights": 62}),
    "missing_required": (_missing_required, {"missing_required": 10}),
    "score_range": (_score_range, {"score_range": 2, "band": 1, "missing_analysis": 1}),
    "band": (_band, {"band": 2}),
    "percent_scale": (_percent_scale, {"percent_scale": 1}),
    "operator_invalid": (_operator_invalid, {"operator_invalid": 1, "indicator_weights": 61}),
    "weight_not_positive": (_weight_not_positive, {"weight_not_positive": 1}),
}


def broken(sample_fill: Fill, case: str) -> Fill:
    fill = copy.deepcopy(sample_fill)
    CASES[case][0](fill)
    return fill


@pytest.fixture(scope="module")
def workbooks(template: Template, sample: Generated, sample_fill: Fill,
              tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    folder = tmp_path_factory.mktemp("checks")
    books = {"sample": sample}
    for case in CASES:
        books[case] = generate(template, broken(sample_fill, case), folder / f"{case}.xlsx")
    return books


def expected(case: str) -> dict[str, Any]:
    values = {**CLEAN, **(CASES[case][1] if case != "sample" else {})}
    want: dict[str, Any] = {}
    for name, value in values.items():
        want[f"checks.{name}"] = value
        want[f"checks.{name}_status"] = PASS if value == CLEAN[name] else ASKED.get(name, VERIFY) if name in WARNS else FAIL
    want["checks.overall"] = PASS if all(values[n] == CLEAN[n] for n in CLEAN if n not in WARNS) else FAIL
    return want


def found(book: Generated, values_by_cell: dict[str, Any]) -> dict[str, Any]:
    return {k: values_by_cell.get(book.layout.slot(k).a1) for k in expected("sample")}


@pytest.mark.parametrize("case", ["sample", *CASES])
def test_engine_gives_the_counts(workbooks: dict[str, Generated], case: str) -> None:
    book = workbooks[case]
    got = {k: book.results[k] for k in expected(case)}
    assert got == expected(case)


@pytest.mark.parametrize("case", ["sample", *CASES])
def test_cached_values_give_the_counts(workbooks: dict[str, Generated], case: str) -> None:
    book = workbooks[case]
    assert found(book, read_values(book.path)) == expected(case)


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_counts(workbooks: dict[str, Generated], lo_recalc: Any,
                                             tmp_path: Path) -> None:
    names = ["sample", *CASES]
    # give LibreOffice copies without cached values, so that only its own recalculation counts
    stripped = [without_cached_values(workbooks[n].path, tmp_path / f"{n}.xlsx") for n in names]
    for name, values in zip(names, lo_recalc(stripped)):
        assert found(workbooks[name], values) == expected(name), name


def test_block_sits_below_the_total_with_its_labels(workbooks: dict[str, Generated]) -> None:
    book = workbooks["sample"]
    lay = book.layout
    values = read_values(book.path)
    total_row = lay.slot("total").row
    rows = sorted(lay.slot(k).row for k in expected("sample"))
    assert rows[0] > total_row and lay.last_row == rows[-1]
    labels = {lab.text for lab in lay.labels}
    assert "填报检查" in labels and "年度主要任务分值合计（应为 40）" in labels and "绩效指标分值合计（应为 60）" in labels
    for key in expected("sample"):
        assert lay.slot(key).formula, key  # formulas only: nothing in the block is a constant
        assert values[lay.slot(key).a1] is not None
    assert [r.passed for r in checks.results(book.results, lay.check_labels)] == [True] * (len(CLEAN) + 1)  # and the verdict
