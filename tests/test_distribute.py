"""`xlgen distribute`: one pre-filled blank per department, a manifest, errors by row and column."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from typer.testing import CliRunner

from xlgen.cli import app
from xlgen.cycle.distribute import distribute, safe_name
from xlgen.verify.manifest import read_manifest
from xlgen.errors import ErrorCode, XlgenError
from xlgen.errors.generate import GenerateCode
from xlgen.template.model import Template
from xlgen.layout.values import layout_for

runner = CliRunner()
SEED_DEPT = ["703010", "朝阳市工业和信息化工作服务中心", "211300000", 175.41, 175.4052]
OTHERS = [["703011", "朝阳市统计局", "211300000", 90.5, 90.5], ["703012", "朝阳市/档案:馆*", "211300000", 12, 12]]
HEAD = ["department_code", "部门名称", "区划编码", "部门年初预算收入金额", "budget_expenditure"]


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    path.write_text("\n".join(",".join(str(v) for v in r) for r in rows) + "\n", encoding=encoding)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, str):
                    ws.write_string(r, c, v)
                else:
                    ws.write_number(r, c, v)
    wb.close()
    return path


def roster_xlsx(path: Path) -> Path:
    return write_xlsx(path, {
        "departments": [HEAD, SEED_DEPT, *OTHERS],
        "任务": [["部门编码", "对应项目", "项目下达金额", "分值"],
                 ["703010", "部门预算基本支出公用经费（保运转）", 12.79, 13.3],
                 ["703010", "部门预算基本支出人员经费（刚性）", 21.59, 13.3],
                 ["703010", "部门预算基本支出人员经费（保工资）", 148.81, 13.4]],
        "指标": [["部门编码", "三级指标", "指标值", "分值", "一级指标", "二级指标", "运算符号", "度量单位"],
                 ["703011", "服务企业满意度", 98, 4.6, "", "", "", ""],  # with its own row's 2: 60 in all
                 ["703011", "统计数据按时报送率", 100, 2, "履职效能", "统计业务", "=", "%"]],
    })


def test_xlsx_roster_prefills_each_department(template: Template, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    done = distribute(template, roster_xlsx(tmp_path / "roster.xlsx"), 2025, out)
    assert [d.file.name for d in done] == [
        "2025_703010_朝阳市工业和信息化工作服务中心.xlsx", "2025_703011_朝阳市统计局.xlsx", "2025_703012_朝阳市_档案_馆_.xlsx"]
    manifest = read_manifest(out / "manifest.csv")
    assert [m["code"] for m in manifest] == ["703010", "703011", "703012"]
    for row in manifest:
        assert row["template_id"] == template.id and row["template_version"] == template.version
        assert hashlib.sha256((out / row["file"]).read_bytes()).hexdigest() == row["sha256"]
    # the seed department's blank carries its identity, budgets and tasks, and nothing executed
    ws = openpyxl.load_workbook(done[0].file).worksheets[0]
    from xlgen.template.fill import Fill

    lay = layout_for(template, Fill(tasks=[{}] * 3))
    assert ws[lay.slot("header.department_code").a1].value == "703010"
    assert ws[lay.slot("header.budget_expenditure").a1].value == 175.4052
    assert ws[lay.slot("tasks[2].project").a1].value == "部门预算基本支出人员经费（保工资）"
    assert ws[lay.slot("tasks[2].allocated").a1].value == 148.81
    assert ws[lay.slot("tasks[2].executed").a1].value is None
    assert ws["A2"].value == "2025年年度"
    # 703011's own target, and its own indicator in a spare row
    ws2 = openpyxl.load_workbook(done[1].file).worksheets[0]
    index = next(r.index for r in lay.indicator_rows if r.tree and r.tree.name == "服务企业满意度")
    assert ws2[lay.slot(f"indicators[{index}].target").a1].value == 98
    spare = len(template.tree)
    assert ws2[lay.slot(f"indicators[{spare}].name").a1].value == "统计数据按时报送率"
    assert ws2[lay.slot(f"indicators[{spare}].operator").a1].value == "="


def test_csv_roster_in_gbk_and_parallel_jobs_give_the_same_bytes(template: Template, tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "roster.csv", [HEAD, SEED_DEPT, *OTHERS], encoding="gb18030")
    one = distribute(template, roster, 2025, tmp_path / "one")
    two = distribute(template, roster, 2025, tmp_path / "two", jobs=2)
    assert [d.sha256 for d in one] == [d.sha256 for d in two]
    assert one[2].name == "朝阳市/档案:馆*"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([HEAD, ["703010", "甲", "1", "很多", "1"]],
         "sheet 'roster', row 2, column D ('部门年初预算收入金额'): '很多' is not a number"),
        ([HEAD[:3], ["703010", "甲", "1"]],
         "sheet 'roster' lacks the columns template liaoning-department-overall fills for the bureau: "
         "budget_income (部门年初预算收入金额), budget_expenditure (部门年初预算支出金额)"),
        ([HEAD, ["703010", "甲", "1", "1", "1"], ["703010", "乙", "1", "1", "1"]],
         "sheet 'roster', row 3, column A ('department_code'): code 703010 already appears in row 2"),
        ([HEAD, ["", "甲", "1", "1", "1"]],
         "sheet 'roster', row 2, column A ('department_code'): the department code is empty"),
        ([["部门名称", "区划编码"], ["甲", "1"]],
         "sheet 'roster' has no column department_code (部门编码) in its first rows"),
        ([HEAD], "sheet 'roster' lists no department"),
    ],
)
def test_roster_errors_name_row_and_column(template: Template, tmp_path: Path, rows: list[list[object]],
                                           message: str) -> None:
    roster = write_csv(tmp_path / "roster.csv", rows)
    with pytest.raises(XlgenError) as info:
        distribute(template, roster, 2025, tmp_path / "out")
    assert message in str(info.value)
    assert str(roster) in str(info.value)
    assert not (tmp_path / "out").exists()


def test_roster_indicator_sheet_errors(template: Template, tmp_path: Path) -> None:
    roster = write_xlsx(tmp_path / "r.xlsx", {
        "d": [HEAD, SEED_DEPT],
        "indicators": [["department_code", "name", "target"], ["703010", "不存在的指标", 1], ["999", "x", 1]],
    })
    with pytest.raises(XlgenError) as info:
        distribute(template, roster, 2025, tmp_path / "out")
    assert "sheet 'indicators', row 2, column B ('name'): '不存在的指标' is not an indicator of template" in str(info.value)


def test_existing_outputs_are_kept_without_force(template: Template, tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "roster.csv", [HEAD, SEED_DEPT, *OTHERS])
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "2025_703011_朝阳市统计局.xlsx"
    mine.write_bytes(b"returned by the department: keep")
    with pytest.raises(XlgenError) as info:
        distribute(template, roster, 2025, out)
    assert info.value.code is ErrorCode.OUTPUT_EXISTS
    assert mine.read_bytes() == b"returned by the department: keep"
    assert sorted(p.name for p in out.iterdir()) == [mine.name]  # nothing else written either
    distribute(template, roster, 2025, out, force=True)
    assert mine.read_bytes()[:2] == b"PK"


def test_safe_names() -> None:
    assert safe_name('a/b\\c:d*e?f"g<h>i|j') == "a_b_c_d_e_f_g_h_i_j"
    assert safe_name("朝阳市 工信局") == "朝阳市 工信局"
    assert safe_name("..") == "_"


def test_cli_distribute(tmp_path: Path) -> None:
    roster = write_csv(tmp_path / "roster.csv", [HEAD, SEED_DEPT])
    args = ["distribute", "liaoning-department-overall", "--roster", str(roster), "--year", "2025",
            "-o", str(tmp_path / "out")]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "wrote 1 workbooks" in result.output
    first = (tmp_path / "out" / "2025_703010_朝阳市工业和信息化工作服务中心.xlsx").stat().st_mtime_ns
    more = write_csv(tmp_path / "roster.csv", [HEAD, SEED_DEPT, *OTHERS])  # one more roster row … two
    again = runner.invoke(app, [*args])
    assert again.exit_code == 0, again.output
    assert "kept 1 workbooks of the earlier run of this distribution" in again.output
    assert "wrote 2 workbooks" in again.output
    assert (tmp_path / "out" / "2025_703010_朝阳市工业和信息化工作服务中心.xlsx").stat().st_mtime_ns == first
    assert [m["code"] for m in read_manifest(tmp_path / "out" / "manifest.csv")] == ["703010", "703011", "703012"]
    assert more.is_file()
    other_year = runner.invoke(app, [*args[:5], "2026", *args[6:]])  # another year is another distribution
    assert other_year.exit_code == 2 and "manifest.csv: already exists" in other_year.output
    (tmp_path / "out" / "2025_703011_朝阳市统计局.xlsx").write_bytes(b"returned in place")  # roster unchanged
    kept = runner.invoke(app, args)
    assert kept.exit_code == 0, kept.output
    assert "kept 3 workbooks" in kept.output and "wrote 0 workbooks" in kept.output
    assert (tmp_path / "out" / "2025_703011_朝阳市统计局.xlsx").read_bytes() == b"returned in place"
    for year in ("25", "20250"):
        short = runner.invoke(app, [*args[:5], year, *args[6:]])
        assert short.exit_code == 2 and "--year" in short.output


def test_cli_templates_list_and_check(tmp_path: Path) -> None:
    listed = runner.invoke(app, ["templates"], terminal_width=200)
    assert listed.exit_code == 0
    for tid in ("liaoning-department-overall", "mof-project", "jiangxi-project"):
        assert tid in listed.output
    assert "_base" not in listed.output
    from tests.helpers.common import ROOT

    ok = runner.invoke(app, ["templates", "check", str(ROOT / "templates" / "mof-project.toml")])
    assert ok.exit_code == 0 and "is valid" in ok.output
    src = (ROOT / "templates" / "mof-project.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(src.replace("min = 0.6\nmax = 0.8", "min = 0.5\nmax = 0.8").replace(
        'label = "项目资金（万元）"', 'label = "项目资金（万元）"').replace('extends = "_base/national"',
        f'extends = "{(ROOT / "templates" / "_base" / "national").as_posix()}"'), encoding="utf-8")
    failed = runner.invoke(app, ["templates", "check", str(bad)], terminal_width=300)
    assert failed.exit_code == 1
    assert "key 'grades': '未达成年度指标且效果较差' ends at 0.6 but '部分达成年度指标并具有一定效果' starts at 0.5" in failed.output


@pytest.mark.libreoffice
def test_seed_department_filled_with_the_seed_verifies(template: Template, sample_fill: object,
                                                       tmp_path: Path) -> None:
    """The distributed blank of 703010, typed in with the seed's values and saved by LibreOffice,
    verifies `pass` with the seed's 总评价得分 97.18."""
    from tests.helpers.userfill import set_cells
    from xlgen.libreoffice import convert
    from xlgen.layout.values import bind_inputs
    from xlgen.verify.batch import verify_file

    done = distribute(template, roster_xlsx(tmp_path / "roster.xlsx"), 2024, tmp_path / "dist")
    blank = done[0].file
    lay = layout_for(template, sample_fill)  # type: ignore[arg-type]
    seed_inputs = bind_inputs(lay, sample_fill)  # type: ignore[arg-type]
    typed = {lay.slot(k).a1: v for k, v in seed_inputs.items()
             if lay.slot(k).role == "input" and v is not None}
    (tmp_path / "typed").mkdir()
    filled = set_cells(blank, tmp_path / "typed" / blank.name, typed)
    (returned,) = convert([filled], "xlsx", tmp_path / "returned")
    result = verify_file(returned)
    assert result.status == "pass", [f.message("en") for f in result.findings]
    assert result.total_score == 97.18
    assert result.department == "703010"


def test_password_reaches_every_workbook(template: Template, tmp_path: Path) -> None:
    import re
    import zipfile

    roster = write_csv(tmp_path / "roster.csv", [HEAD, SEED_DEPT, *OTHERS])
    done = distribute(template, roster, 2025, tmp_path / "out", password="password")
    for d in done:
        with zipfile.ZipFile(d.file) as zf:
            xml = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
        assert re.search(r'<sheetProtection password="83AF"', xml), d.file.name  # Excel's hash of "password"
    with pytest.raises(XlgenError) as info:
        distribute(template, roster, 2025, tmp_path / "none", password="密码")
    # the refused characters named, not merely echoed: the password itself is 密码
    assert info.value.code == GenerateCode.PASSWORD_CHARS
    assert str(info.value) == "--password: use ASCII letters, digits and punctuation only (not '密' '码')"
    assert not (tmp_path / "none").exists()


def test_distribute_the_mof_form(tmp_path: Path) -> None:
    from xlgen.template.model import load_template

    mof = load_template("mof-project")
    roster = write_csv(tmp_path / "projects.csv", [
        ["部门编码", "主管部门全称", "项目名称", "实施单位"],
        ["801001", "示例县财政局", "2025年基层财务人员业务能力提升培训项目", "示例县财政局财务培训中心"]])
    (done,) = distribute(mof, roster, 2025, tmp_path / "out")
    assert done.file.name == "2025_801001_示例县财政局.xlsx"
    ws = openpyxl.load_workbook(done.file).worksheets[0]
    lay = layout_for(mof, None)
    assert ws[lay.slot("header.project_name").a1].value == "2025年基层财务人员业务能力提升培训项目"
    assert ws[lay.slot("header.implementer").a1].value == "示例县财政局财务培训中心"
    assert ws["A2"].value == "（2025年度）"
