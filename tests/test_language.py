"""One language per run: Chinese unless --lang en or XLGEN_LANG=en, for every message, usage
error and --help text; the year of a form; output names that say what is written."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.helpers.common import LIAONING, ROOT, SAMPLE
from xlgen.cli import app
from xlgen.template.fill import next_year

runner = CliRunner()
ZH = {"XLGEN_LANG": None}  # the shell's default: Chinese
EN = {"XLGEN_LANG": "en"}


def run(*args: object, env: dict[str, str | None] = ZH) -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args], env=env)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_help_is_chinese_by_default_and_flags_are_flags() -> None:
    code, out = run("generate", "--help")
    assert code == 0
    assert "用法：" in out and "选项" in out and "显示此帮助信息并退出" in out and "填写数据" in out
    assert "Usage" not in out and "Show this message" not in out and "Fill data" not in out
    force = next(line for line in out.splitlines() if "--force" in line)
    assert "<bool>" not in force and "覆盖" in force
    code, out = run("--help")
    assert code == 0 and "生成、分发和核验" in out and "命令" in out


@pytest.mark.parametrize("how", ["option", "environment"])
def test_english_with_lang_en_or_the_environment(how: str) -> None:
    args, env = (["--lang", "en"], ZH) if how == "option" else ([], EN)
    code, out = run("generate", "--help", *args, env=env)
    assert code == 0 and "Usage:" in out and "Fill data" in out and "填写数据" not in out
    code, out = run("generate", "nowhere", *args, env=env)
    assert code == 2 and "error: template 'nowhere' not found" in out and "找不到" not in out


def test_every_kind_of_error_speaks_chinese(tmp_path: Path) -> None:
    cases = {
        ("generate", "nowhere"): "错误：找不到模板「nowhere」",
        ("distribute", LIAONING): "错误：缺少选项 --roster",
        ("generate", LIAONING, "--bogus"): "错误：没有选项 --bogus",
        ("verfy",): "错误：没有命令「verfy」",
        ("generate", LIAONING, "--year", "abc"): "错误：--year 的值无效：应为整数",
        ("verify", tmp_path, "--jobs", "0"): "错误：--jobs：「0」不是进程数；应为 1 或更大的整数",
        ("verify", tmp_path / "none.xlsx"): "文件或文件夹不存在",
        ("verify", tmp_path, "--lang", "fr"): "--lang：「fr」不是可用的语言",
        ("generate", LIAONING, "b", "c"): "错误：多余的参数：b c",
    }
    for args, expected in cases.items():
        code, out = run(*args)
        assert code == 2 and expected in out, (args, out)
        assert "Usage" not in out and "Error" not in out and "Try" not in out, (args, out)


def test_a_run_writes_in_one_language(tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    code, said = run("generate", LIAONING, "--data", SAMPLE, "-o", out)
    assert code == 0 and f"已写出 {out}（模板 {LIAONING} 2024.1，总评价得分 97.18）" in said
    code, said = run("generate", LIAONING, "--data", SAMPLE, "-o", out)
    assert code == 2 and f"错误：{out}：已存在；如要覆盖请加 --force" in said
    code, said = run("rollover", out, "--year", "2025", "-o", tmp_path / "b.xlsx")
    assert code == 0 and "已写出" in said and "wrote" not in said
    code, said = run("templates", "check", ROOT / "templates" / f"{LIAONING}.toml")
    assert code == 0 and "有效" in said
    code, said = run("verify", out)
    assert code == 0 and "通过" in said


@pytest.mark.parametrize("year", ["25", "-5", "205", "12025", "1999"])
def test_the_year_is_a_four_digit_year(year: str, tmp_path: Path) -> None:
    for command in (["generate", LIAONING, "-o", tmp_path / "x.xlsx"],
                    ["distribute", LIAONING, "--roster", tmp_path / "r.csv", "-o", tmp_path / "out"]):
        code, out = run(*command, "--year", year)
        assert code == 2 and f"--year：「{year}」不是年份；应为 2000 到 2100 之间的四位数年份" in out, out
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "out").exists()
    fill = tmp_path / "fill.toml"
    fill.write_text(SAMPLE.read_text(encoding="utf-8").replace("year = 2024", f"year = {year}"), encoding="utf-8")
    code, out = run("generate", LIAONING, "--data", fill, "-o", tmp_path / "x.xlsx")
    assert code == 2 and f"{fill}: year：「{year}」不是年份" in out, out


def test_a_blank_without_a_year_is_for_next_year_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "blank.xlsx"
    code, said = run("generate", LIAONING, "-o", out)
    year = next_year()
    assert code == 0 and f"警告：未给出年度：空白表按 {year} 年度生成" in said
    cells = [c.value for row in openpyxl.load_workbook(out).worksheets[0].iter_rows() for c in row]
    assert f"{year}年年度" in cells and not any(isinstance(v, str) and v.strip() == "年年度" for v in cells)


def test_output_names_say_what_is_written(tmp_path: Path) -> None:
    made = tmp_path / "made.xlsx"
    assert run("generate", LIAONING, "--data", SAMPLE, "-o", made)[0] == 0
    for args, wrong in ((("generate", LIAONING, "--data", SAMPLE, "-o"), tmp_path / "x.xls"),
                        (("rollover", made, "--year", "2025", "-o"), tmp_path / "x.csv"),
                        (("verify", made, "--report"), tmp_path / "summary.csv")):
        code, out = run(*args, wrong, env=EN)
        assert code == 2 and f"{wrong}: what is written is a .xlsx file; give it a name ending in .xlsx" in out, out
        assert not wrong.exists()


# A template author's and a roster's details: in the run's language, whole (issue 12, item 6).
SOURCE = (ROOT / "templates" / f"{LIAONING}.toml").read_text(encoding="utf-8")
DETAILS = [  # (edit of the Liaoning template or a roster, zh, en)
    (('type = "amount" }', 'type = "money" }'),
     "键「tasks.columns[1].type」：「money」不是列类型；应为以下之一：",
     "key 'tasks.columns[1].type': 'money' is not a column type; expected one of"),
    (("ROUND(SUM({tasks.executed})/", "XLOOKUP(SUM({tasks.executed})/"),
     "键「formulas.budget_rate.formula」：公式用了 XLOOKUP()，它不在 xlgen 允许的经典函数之中",
     "key 'formulas.budget_rate.formula': formula uses XLOOKUP(), which is not one of the classic functions"),
    (("SUM({tasks.allocated})*100", "SUM({tasks.allocatd})*100"),
     "键「formulas.budget_rate」：占位符 {tasks.allocatd} 不是任务表或绩效指标表的列",
     "key 'formulas.budget_rate': placeholder {tasks.allocatd} names no column of the tasks or indicators table"),
    (("roster", "名称,编码\n甲,1\n"),
     "工作表「r」的前几行中没有「部门编码」列（department_code）",
     "sheet 'r' has no column department_code (部门编码) in its first rows"),
]


@pytest.mark.parametrize(("edit", "zh", "en"), DETAILS)
def test_details_speak_the_run_language(tmp_path: Path, edit: tuple[str, str], zh: str, en: str) -> None:
    if edit[0] == "roster":
        roster = tmp_path / "r.csv"
        roster.write_text(edit[1], encoding="utf-8")
        args: tuple[object, ...] = ("distribute", LIAONING, "--roster", roster, "--year", "2025", "-o", tmp_path / "out")
    else:
        broken = tmp_path / "broken.toml"
        assert edit[0] in SOURCE
        broken.write_text(SOURCE.replace(edit[0], edit[1], 1), encoding="utf-8")
        args = ("templates", "check", broken)
    code, said = run(*args)
    assert code != 0 and zh in said, said
    assert " is not " not in said and "expected" not in said and "names no" not in said, said
    code, said = run(*args, env=EN)
    assert code != 0 and en in said, said


def test_a_helper_cell_is_named_by_its_check_row(tmp_path: Path) -> None:
    """A typed-over hidden helper of the 填报检查 is named by the check's row, not by the rule's key."""
    from tests.helpers.userfill import set_cells
    from xlgen.generate.workbook import generate
    from xlgen.template.fill import load_fill
    from xlgen.template.model import load_template

    t = load_template(LIAONING)
    gen = generate(t, load_fill(SAMPLE, t), tmp_path / "a.xlsx")
    helper = next(s for s in gen.layout.slots.values() if s.key.endswith(".percent_scale"))
    typed = set_cells(gen.path, tmp_path / "typed.xlsx", {helper.a1: 0.0})
    code, said = run("verify", typed, "--json")
    [message] = [f["message"] for f in json.loads(said)["files"][0]["findings"] if f["cell"] == helper.a1]
    assert message.startswith(f"{helper.a1}（填报检查辅助列：度量单位为 % 但全年完成值与指标值相差约 100 倍的指标数"), message
    assert "percent_scale" not in message
