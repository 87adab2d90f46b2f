"""Rosters as Excel, WPS and LibreOffice export them: title rows, 序号, the form's own labels
and their variants, thousands separators, full-width digits, codes kept as text; every problem
of a file at once; indicator weights that do not add up refused before anything is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_distribute import write_xlsx as xlsx_file
from xlgen.cycle.distribute import distribute
from xlgen.cycle.roster import load_roster
from xlgen.errors import XlgenError
from xlgen.template.model import Template


def csv_file(path: Path, lines: list[str], encoding: str) -> Path:
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_an_exported_csv_with_title_row_labels_and_separators(template: Template, tmp_path: Path,
                                                              encoding: str) -> None:
    roster = csv_file(tmp_path / "名单.csv", [
        "朝阳市2025年部门整体绩效自评名单,,,,,",
        "序号,单位编码,部门（单位）名称, 区划编码 ,部门年初预算收入金额（万元）,部门年初预算支出金额 (万元)",
        '1,７０３０１０,朝阳市工业和信息化工作服务中心,211300000,"1,234.50",１８０．２',
        "2,070302,朝阳市统计局,211300000,90.5,90.5",
    ], encoding)
    entries = load_roster(roster, template)
    assert [e.code for e in entries] == ["703010", "070302"]  # full-width folded, the leading zero kept
    assert entries[0].fill.header == {"department_code": "703010", "department_name": "朝阳市工业和信息化工作服务中心",
                                      "area_code": "211300000", "budget_income": 1234.5, "budget_expenditure": 180.2}


@pytest.mark.parametrize("name", ["部门(单位)全称", "部门（单位）名称", "单位名称", "部门 名称"])
@pytest.mark.parametrize("code", ["单位编码", "部门编码", "部门(单位)编码"])
def test_header_variants(template: Template, tmp_path: Path, name: str, code: str) -> None:
    roster = csv_file(tmp_path / "r.csv", [f"{code},{name}", "703010,甲"], "utf-8")
    assert [(e.code, e.name) for e in load_roster(roster, template, leave_open=True)] == [("703010", "甲")]


def test_a_numeric_code_in_an_xlsx_is_refused_with_the_fix(template: Template, tmp_path: Path) -> None:
    roster = xlsx_file(tmp_path / "r.xlsx", {"名单": [["部门编码", "部门名称", "区划编码"],
                                                     ["703010", "甲", "211300000"], [70302, "乙", "211300000"],
                                                     [703011, "丙", 211300000]]})
    with pytest.raises(XlgenError) as info:
        load_roster(roster, template, leave_open=True)
    message = info.value.message_in("en")
    assert "3 problems" in message
    assert "sheet '名单', row 3, column A ('部门编码'): the code 70302 is stored as a number, not as text; " \
           "format the column as 文本 (Text)" in message
    assert "sheet '名单', row 4, column A ('部门编码')" in message and "row 4, column C ('区划编码')" in message


def test_a_code_in_scientific_notation_is_refused(template: Template, tmp_path: Path) -> None:
    roster = csv_file(tmp_path / "r.csv", ["部门编码,部门名称", "7.0301E+05,甲"], "gbk")
    with pytest.raises(XlgenError) as info:
        load_roster(roster, template, leave_open=True)
    assert "row 2, column A ('部门编码'): the code '7.0301E+05' is in scientific notation" in info.value.message_in("en")


def test_every_problem_of_the_file_at_once(template: Template, tmp_path: Path) -> None:
    roster = csv_file(tmp_path / "r.csv", [
        "部门编码,部门名称,部门年初预算收入金额,负责人",
        "703010,甲,很多,张三",
        "703010,乙,1,李四",
        ",丙,abc,王五",
    ], "utf-8")
    with pytest.raises(XlgenError) as info:
        distribute(template, roster, 2025, tmp_path / "out")
    message = info.value.message_in("en")
    for where in ("sheet 'r' lacks the columns template liaoning-department-overall fills for the bureau: area_code",
                  "row 2, column C ('部门年初预算收入金额'): '很多' is not a number",
                  "row 3, column A ('部门编码'): code 703010 already appears in row 2",
                  "row 4, column A ('部门编码'): the department code is empty",
                  "row 4, column C ('部门年初预算收入金额'): 'abc' is not a number"):
        assert where in message, message
    assert message.startswith(f"{roster}: 5 problems")
    chinese = info.value.message_in("zh")  # the whole list in one language
    assert chinese.startswith(f"{roster}：名单中有 5 处问题") and "第 2 行，C 列（「部门年初预算收入金额」）：「很多」不是数字" in chinese
    assert "第 4 行，A 列（「部门编码」）：部门编码为空" in chinese and " not " not in chinese
    assert not (tmp_path / "out").exists()


def test_indicator_weights_that_do_not_add_up_are_refused(template: Template, tmp_path: Path) -> None:
    def roster(weight: float) -> Path:
        return xlsx_file(tmp_path / f"r{weight}.xlsx", {
            "departments": [["部门编码", "部门名称"], ["703010", "甲"], ["703011", "乙"]],
            "指标": [["部门编码", "三级指标", "指标值", "分值", "一级指标", "二级指标", "运算符号", "度量单位"],
                     ["703011", "服务企业满意度", 98, weight, "", "", "", ""],
                     ["703011", "统计数据按时报送率", 100, 2, "履职效能", "统计业务", "=", "%"]]})
    with pytest.raises(XlgenError) as info:
        distribute(template, roster(6.6), 2025, tmp_path / "out", leave_open=True)  # 60 - 6.6 + 6.6 + 2
    assert "sheet '指标': the indicator weights (分值) of department 703011 add up to 62; the template's total is 60" \
        in info.value.message_in("en")
    assert not (tmp_path / "out").exists()
    assert len(distribute(template, roster(4.6), 2025, tmp_path / "out", leave_open=True)) == 2
