"""Rosters as bureaus keep them: the template says which columns fill the bureau's fixed cells (a
missing one refused by name, an empty cell of one by row and column, or left open with
--leave-open); empty names, negative amounts and
duplicate codes refused with row and column; unknown columns (联系人, 备注) ignored with one note;
合计/小计 rows skipped with a note; the departments' sheet found by its headers (a cover page
first); an .xls roster read with xlrd."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers.common import LIAONING
from tests.test_distribute import write_xlsx
from xlgen.cli import app
from xlgen.cycle.distribute import distribute
from xlgen.verify.manifest import MANIFEST, read_manifest
from xlgen.cycle.roster import load_roster
from xlgen.errors import XlgenError
from xlgen.template.model import Template

runner = CliRunner()
HEAD = ["部门编码", "部门名称", "区划编码", "部门年初预算收入金额", "部门年初预算支出金额"]
ONE = ["703010", "甲局", "211300000", 10, 12000]
TWO = ["703011", "乙局", "211300000", 5, 8]


def csv(path: Path, rows: list[list[object]]) -> Path:
    path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8-sig")
    return path


def message(template: Template, roster: Path) -> str:
    with pytest.raises(XlgenError) as info:
        load_roster(roster, template)
    return info.value.message_in("en")


def test_a_missing_bureau_column_is_refused_by_name_or_left_open(template: Template, tmp_path: Path) -> None:
    roster = csv(tmp_path / "r.csv", [["部门编码", "部门名称", "部门年初预算收入金额"], ["703010", "甲局", 10]])
    said = message(template, roster)
    assert ("sheet 'r' lacks the columns template liaoning-department-overall fills for the bureau: "
            "area_code (区划编码), budget_expenditure (部门年初预算支出金额); add them, or pass --leave-open") in said
    refused = runner.invoke(app, ["distribute", LIAONING, "--roster", str(roster), "--year", "2025",
                                  "-o", str(tmp_path / "out"), "--lang", "zh"])
    assert refused.exit_code == 2 and not (tmp_path / "out").exists()
    assert "缺少模板 liaoning-department-overall 由财政填写的列：「区划编码」（area_code）、「部门年初预算支出金额」" in refused.output
    opened = runner.invoke(app, ["distribute", LIAONING, "--roster", str(roster), "--year", "2025",
                                 "-o", str(tmp_path / "out"), "--lang", "zh", "--leave-open"])
    assert opened.exit_code == 0, opened.output
    assert "名单中没有 「区划编码」（area_code）、「部门年初预算支出金额」（budget_expenditure）：这些单元格留空，由部门填写" \
        in opened.output
    assert [r["code"] for r in read_manifest(tmp_path / "out" / MANIFEST)] == ["703010"]


def test_an_empty_bureau_cell_is_refused_with_row_and_column_or_left_open(template: Template, tmp_path: Path) -> None:
    import openpyxl

    from xlgen.layout.values import layout_for

    roster = csv(tmp_path / "r.csv", [HEAD, ONE, ["703011", "乙局", "211300000", 5, ""], ["703012", "丙局", "", 1, 2]])
    said = message(template, roster)
    assert ("row 3, column E ('部门年初预算支出金额'): is empty; the bureau fills this cell: fill it in, or pass "
            "--leave-open") in said
    assert "row 4, column C ('区划编码'): is empty" in said and "row 2" not in said
    args = ["distribute", LIAONING, "--roster", str(roster), "--year", "2025", "-o", str(tmp_path / "out"), "--lang", "zh"]
    refused = runner.invoke(app, args)
    assert refused.exit_code == 2 and not (tmp_path / "out").exists()
    assert "第 3 行，E 列（「部门年初预算支出金额」）：为空；该单元格由财政填写" in refused.output
    opened = runner.invoke(app, [*args, "--leave-open"])
    assert opened.exit_code == 0, opened.output
    assert opened.output.count("E3、C4 为空：这些单元格留空，由部门填写（--leave-open）") == 1, opened.output
    cell = layout_for(template, None).slots["header.budget_expenditure"].a1
    locked = {}
    for path in sorted((tmp_path / "out").glob("*.xlsx")):
        ws = openpyxl.load_workbook(path).worksheets[0]
        locked[path.name.split("_")[1]] = (ws[cell].value, ws[cell].protection.locked)
    assert locked == {"703010": (12000, True), "703011": (None, False), "703012": (2, True)}


@pytest.mark.parametrize(("row", "where"), [
    (["703012", "", "211300000", 1, 1], "row 4, column B ('部门名称'): the department name is empty"),
    (["703012", "丙局", "211300000", 1, -5], "row 4, column E ('部门年初预算支出金额'): -5 is negative; an amount is 0 or more"),
    (["703010", "丙局", "211300000", 1, 1], "row 4, column A ('部门编码'): code 703010 already appears in row 2"),
])
def test_bad_rows_are_refused_with_row_and_column(template: Template, tmp_path: Path, row: list[object],
                                                   where: str) -> None:
    said = message(template, csv(tmp_path / "r.csv", [HEAD, ONE, TWO, row]))
    assert where in said, said


def test_unknown_columns_and_total_rows_are_noted_not_refused(template: Template, tmp_path: Path) -> None:
    roster = csv(tmp_path / "r.csv", [[*HEAD, "联系人", "备注"], [*ONE, "张三", ""], [*TWO, "李四", "新设"],
                                      ["", "合计", "", 15, 12008, "", ""], ["小计", "", "", 15, 12008, "", ""]])
    entries = load_roster(roster, template)
    assert [e.code for e in entries] == ["703010", "703011"]
    notes = [n.message_in("en") for n in entries.notes]
    assert notes == ["sheet 'r': columns not known, ignored: F（联系人）, G（备注）",
                     "sheet 'r': row 4, 5 (合计/小计) skipped"]
    result = runner.invoke(app, ["distribute", LIAONING, "--roster", str(roster), "--year", "2025",
                                 "-o", str(tmp_path / "out"), "--lang", "zh"])
    assert result.exit_code == 0, result.output
    assert "工作表「r」中不认识的列已忽略：F（联系人）、G（备注）" in result.output
    assert "工作表「r」第 4、5 行是合计/小计，已跳过" in result.output
    assert len(read_manifest(tmp_path / "out" / MANIFEST)) == 2


def test_the_departments_sheet_is_found_by_its_headers(template: Template, tmp_path: Path) -> None:
    roster = write_xlsx(tmp_path / "r.xlsx", {"封面": [["朝阳市2025年部门整体绩效自评"], ["财政局绩效科 编制"]],
                                               "部门名单": [HEAD, ONE, TWO]})
    done = distribute(template, roster, 2025, tmp_path / "out")
    assert [d.code for d in done] == ["703010", "703011"]


@pytest.mark.libreoffice
def test_an_xls_roster_is_read(template: Template, tmp_path: Path) -> None:
    from xlgen.libreoffice import convert

    source = write_xlsx(tmp_path / "名单.xlsx", {"封面": [["说明"]], "名单": [HEAD, ONE, TWO]})
    (xls,) = convert([source], "xls", tmp_path / "xls")
    assert xls.read_bytes()[:8] == bytes.fromhex("D0CF11E0A1B11AE1")  # an OLE2 (Excel 97–2003) file
    entries = load_roster(xls, template)
    assert [(e.code, e.name, e.fill.header["budget_expenditure"]) for e in entries] == \
        [("703010", "甲局", 12000.0), ("703011", "乙局", 8.0)]
