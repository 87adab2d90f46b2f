"""Excel's limits that XlsxWriter does not enforce: refused by `templates check` and by the
writer with a located message, and never broken by a workbook xlgen writes — not even with a
2,000-character 偏差原因分析, which stays within 409 pt and says where it is cut."""

from __future__ import annotations

import shutil
from collections.abc import Callable
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from typer.testing import CliRunner

from tests.helpers import excellimits
from tests.helpers.addinxml import sheet
from tests.helpers.common import LIAONING, LONG_CAUSE, ROOT
from xlgen.cli import app
from xlgen.errors import ErrorCode, XlgenError
from xlgen.findings import Code
from xlgen.generate import limits
from xlgen.generate.guidance import printsetup
from xlgen.generate.workbook import Generated, generate
from xlgen.layout.values import layout_for
from xlgen.generate.templatecheck import check_template
from xlgen.template.model import Template, load_template
from xlgen.verify.batch import verify_paths

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SIX_GRADES = [(0.9, 1, True), (0.8, 0.9, False), (0.7, 0.8, False), (0.6, 0.7, False), (0.3, 0.6, False),
              (0, 0.3, False)]


def edited_template(tmp_path: Path, edit: Callable[[str], str]) -> Path:
    text = (ROOT / "templates" / f"{LIAONING}.toml").read_text(encoding="utf-8")
    shutil.copytree(ROOT / "templates" / "_base", tmp_path / "_base", dirs_exist_ok=True)
    path = tmp_path / "edited.toml"
    path.write_text(edit(text), encoding="utf-8")
    return path


def six_grades(text: str) -> str:
    start, end = text.index("[[grades]]"), text.index("[[levels]]")
    grades = "".join(f'[[grades]]\nlabel = "等级{i + 1}"\nmin = {lo}\nmax = {hi}\nmax_inclusive = {str(inc).lower()}\n\n'
                     for i, (lo, hi, inc) in enumerate(SIX_GRADES))
    return text[:start] + grades + text[end:]


def test_formula_limits_are_counted() -> None:
    assert limits.nesting('IF(A1="((",SUM((B1)),0)') == 3  # parentheses in strings do not count
    assert limits.formula_problems("=" + "A1+" * 2730 + "1") == []  # 8,191 characters
    assert "8193 characters" in limits.formula_problems("=" + "A1+" * 2731)[0].message_in("en")
    assert "公式长 8193 个字符" in limits.formula_problems("=" + "A1+" * 2731)[0].message_in("zh")
    assert "65 levels" in limits.formula_problems("=" + "ABS(" * 65 + "1" + ")" * 65)[0].message_in("en")
    assert limits.formula_problems("=" + "ABS(" * 64 + "1" + ")" * 64) == []
    assert limits.length("𠀀") == 2  # Excel counts UTF-16 units
    assert [p.message_in("en") for p in limits.validation_problems({"validate": "custom", "value": "=" + "A" * 256})] == [
        "its formula is 256 characters long; Excel's limit for a data validation is 255"]
    assert limits.validation_problems({"validate": "custom", "value": "=" + "A" * 255}) == []
    assert [(p.message_in("zh"), p.message_in("en")) for p in limits.validation_problems({"input_title": "题" * 33})] == [
        ("其输入信息的标题长 33 个字符，超过 Excel 的上限 32", "its input title is 33 characters long; Excel's limit is 32")]
    assert limits.validation_problems({"input_title": "题" * 32, "error_message": "x" * 255}) == []
    assert [p.message_in("en") for name in ("自评表/2024", "表" * 32, "History", "'表") for p in limits.sheet_name_problems(name)] == [
        "the sheet name '自评表/2024' holds one of [ ] : * ? / \\, which Excel does not allow",
        f"the sheet name '{'表' * 32}' is 32 characters long; Excel's limit is 31",
        "Excel reserves the sheet name 'History'",
        "the sheet name ''表' starts or ends with an apostrophe, which Excel does not allow"]
    assert limits.sheet_name_problems("部门整体绩效自评表") == []


def test_six_grades_are_refused_with_the_key_and_the_cell(tmp_path: Path) -> None:
    path = edited_template(tmp_path, six_grades)
    found = check_template(load_template(path))
    problems = [p.message_in("en") for p in found]
    assert len(problems) == 1, problems
    assert "键「grades」" in found[0].message_in("zh") and "超过 Excel 数据验证的上限 255" in found[0].message_in("zh")
    assert "edited.toml: key 'grades': " in problems[0]
    assert "the data validation of indicators[4].degree: its formula is 259 characters long; " \
           "Excel's limit for a data validation is 255" in problems[0]
    out = tmp_path / "six.xlsx"
    with pytest.raises(XlgenError) as err:
        generate(load_template(path), None, out)
    assert err.value.code is ErrorCode.EXCEL_LIMIT and not out.exists()
    result = CliRunner().invoke(app, ["templates", "check", str(path)])
    assert result.exit_code == 1 and "259 characters" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(app, ["generate", str(path), "-o", str(out)])
    assert result.exit_code != 0 and "key 'grades'" in result.output and not out.exists()


def test_five_grades_fit(tmp_path: Path) -> None:
    path = edited_template(tmp_path, lambda text: six_grades(text).replace(
        '[[grades]]\nlabel = "等级6"\nmin = 0\nmax = 0.3\nmax_inclusive = false\n\n', "").replace(
        "min = 0.3\n", "min = 0\n"))
    assert check_template(load_template(path)) == []
    book = generate(load_template(path), None, tmp_path / "five.xlsx")
    assert excellimits.problems(book.path) == []


def test_a_sheet_name_excel_refuses_is_a_located_error(tmp_path: Path) -> None:
    path = edited_template(tmp_path, lambda text: text.replace('sheet = "', 'sheet = "2024/', 1))
    problems = [p.message_in("en") for p in check_template(load_template(path))]
    assert any("key 'template.sheet'" in p and "[ ] : * ? / \\" in p for p in problems), problems
    result = CliRunner().invoke(app, ["generate", str(path), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code != 0 and "template.sheet" in result.output and "Traceback" not in result.output


def test_a_2000_character_cause_stays_within_409_pt_and_whole(long_cause: Path, template: Template) -> None:
    assert excellimits.problems(long_cause) == []
    slot = layout_for(template, None).slots["indicators[0].cause_funding"]
    root = sheet(long_cause, template.sheet)
    row = next(r for r in root.iter(f"{M}row") if r.get("r") == str(slot.row + 1))
    cell = next(c for c in row if c.get("r") == slot.a1)
    assert _cell_text(long_cause, cell) == LONG_CAUSE  # kept whole
    assert 400 <= float(row.get("ht", "0")) <= 409  # as high as Excel allows, no higher


def _cell_text(path: Path, cell: ET.Element) -> str:
    if cell.get("t") == "s":
        with zipfile.ZipFile(path) as zf:
            strings = ET.fromstring(zf.read("xl/sharedStrings.xml"))
        si = list(strings)[int(cell.findtext(f"{M}v") or "0")]
        return "".join(t.text or "" for t in si.iter(f"{M}t"))
    return "".join(t.text or "" for t in cell.iter(f"{M}t"))


def test_the_input_message_and_the_guide_say_where_a_long_text_is_cut(long_cause: Path, template: Template) -> None:
    layout = layout_for(template, None)
    slot = layout.slots["indicators[0].cause_funding"]
    shown = printsetup.shown_chars(layout, slot)
    assert 100 < shown < 2000
    root = sheet(long_cause, template.sheet)
    prompts = [dv.get("prompt", "") for dv in root.iter(f"{M}dataValidation")
               if slot.a1 in (dv.get("sqref") or "").split()]
    assert prompts and f"超过约 {shown} 字时，表中和打印只显示开头部分" in prompts[0]
    guide = sheet(long_cause, "填表说明")
    with zipfile.ZipFile(long_cause) as zf:
        strings = zf.read("xl/sharedStrings.xml").decode("utf-8") if "xl/sharedStrings.xml" in zf.namelist() else ""
    assert "行高最多 409 磅" in strings + ET.tostring(guide, encoding="unicode")


def test_verify_warns_that_a_long_text_overflows(long_cause: Path) -> None:
    for result in verify_paths([long_cause, long_cause]):  # the second: the text's fit kept for the layout
        found = [f for f in result.findings if f.code is Code.TEXT_OVERFLOWS]
        assert len(found) == 1 and found[0].field == "indicators[0].cause_funding", result.findings
        assert found[0].severity == "warning" and result.status == "pass"
        assert "2000 字" in found[0].message("zh") and "409 磅" in found[0].message("zh")
        assert "holds 2000 characters" in found[0].message("en")


def test_the_sample_has_no_overflow(sample: Generated) -> None:
    (result,) = verify_paths([sample.path])
    assert not [f for f in result.findings if f.code is Code.TEXT_OVERFLOWS]
