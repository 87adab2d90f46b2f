"""A broken template or fill gives an error that names the file, the key and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.common import ROOT, SAMPLE
from xlgen.errors import Catalogue, ErrorCode, XlgenError
from xlgen.errors.template import TemplateCode
from xlgen.template.fill import load_fill
from xlgen.template.model import load_template

SOURCE = (ROOT / "templates" / "liaoning-department-overall.toml").read_text(encoding="utf-8")


def broken(tmp_path: Path, old: str, new: str) -> Path:
    assert old in SOURCE, old
    path = tmp_path / "broken.toml"
    path.write_text(SOURCE.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "code", "message"),
    [
        ('id = "liaoning-department-overall"\n', "", ErrorCode.KEY_MISSING,
         "broken.toml: key 'template.id' is missing; expected a string"),
        ("tasks = 6 ", 'tasks = "six" ', ErrorCode.KEY_TYPE,
         "broken.toml: key 'rows.tasks' is 'six'; expected a whole number"),
        ("[rows]\n", "[rows]\ntypo = 1\n", ErrorCode.KEY_UNKNOWN,
         "broken.toml: key 'rows.typo' is not known here; expected one of: tasks, spare_indicators, spare_qualitative"),
        ('type = "amount" }', 'type = "money" }', TemplateCode.NOT_ONE_OF,
         "broken.toml: key 'tasks.columns[1].type': 'money' is not a column type"),
        ("ROUND(SUM({tasks.executed})/", "XLOOKUP(SUM({tasks.executed})/", TemplateCode.FUNCTION_NOT_ALLOWED,
         "broken.toml: key 'formulas.budget_rate.formula': formula uses XLOOKUP(), which is not one of the classic"),
        ("SUM({tasks.allocated})*100", "SUM({tasks.allocatd})*100", TemplateCode.PLACEHOLDER_UNKNOWN,
         "broken.toml: key 'formulas.budget_rate': placeholder {tasks.allocatd} names no column"),
        ("[total]\n", '[lists]\nunits = ["%", "%"]\n\n[total]\n', TemplateCode.LIST_REPEATS,
         "broken.toml: key 'lists.units': repeats %; each entry must be unique"),
        ("weight = 3.5\n", "weight = 4.5\n", TemplateCode.WEIGHTS_SUM,
         "broken.toml: key 'tree': indicator weights add up to 61; weights.indicators says 60"),
        ('operator = "="\ntarget = 100\nunit = "%"\nweight = 3.5', 'operator = "≥"\ntarget = 100\nunit = "%"\nweight = 3.5',
         TemplateCode.OPERATOR_UNLISTED, "broken.toml: key 'tree[0].operator': '≥' is not in lists.operators"),
        ('formula = "task_score"', 'formula = "task_scor"', TemplateCode.NOT_A_FORMULA,
         "broken.toml: key 'tasks.columns[5].formula': 'task_scor' is not a key of [formulas]"),
        ("[template]", "[template", TemplateCode.TOML_SYNTAX_AT, "broken.toml: not valid TOML: line 8, column 10: Expected ']'"),
        # a rule's fix: a formula of [formulas], and only on a warning rule (its 请核实 row shows it)
        ("[total]\n", '[checks.extra]\nformula = "percent_scale_slip"\nfix = "nope"\n\n[total]\n', TemplateCode.NOT_A_FORMULA,
         "broken.toml: key 'checks.extra.fix': 'nope' is not a key of [formulas]"),
        ("[total]\n", '[checks.extra]\nformula = "percent_scale_slip"\nfix = "percent_scale_fix"\n\n[total]\n',
         TemplateCode.RULE_FIX_ON_ERROR, "broken.toml: key 'checks.extra.fix': only a warning rule's 填报检查 row shows the value meant"),
    ],
)
def test_template_error(tmp_path: Path, old: str, new: str, code: Catalogue, message: str) -> None:
    with pytest.raises(XlgenError) as info:
        load_template(broken(tmp_path, old, new))
    assert info.value.code is code
    assert message in str(info.value)


def test_extends_a_missing_base(tmp_path: Path) -> None:
    with pytest.raises(XlgenError) as info:
        load_template(broken(tmp_path, 'extends = "_base/national"', 'extends = "_base/nowhere"'))
    assert "broken.toml: key 'extends': no template '_base/nowhere'" in str(info.value)


def test_unknown_template_name_lists_known() -> None:
    with pytest.raises(XlgenError) as info:
        load_template("no-such-form")
    assert info.value.code is ErrorCode.TEMPLATE_UNKNOWN
    assert "template 'no-such-form' not found" in str(info.value)
    assert "liaoning-department-overall" in str(info.value)


def fill_error(tmp_path: Path, old: str, new: str) -> XlgenError:
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "fill.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(XlgenError) as info:
        load_fill(path, load_template(ROOT / "templates" / "liaoning-department-overall.toml"))
    return info.value


def test_fill_amount_must_be_a_number(tmp_path: Path) -> None:
    err = fill_error(tmp_path, "allocated = 12.79", 'allocated = "12.79万元"')
    assert "fill.toml: key 'tasks[0].allocated' is '12.79万元'; expected a number" in str(err)


def test_fill_unknown_indicator_suggests(tmp_path: Path) -> None:
    err = fill_error(tmp_path, 'name = "预算调整率"', 'name = "预算调整"')
    assert err.code is TemplateCode.INDICATOR_UNKNOWN_CLOSE
    assert "fill.toml: key 'indicators[6].name': no indicator named '预算调整'" in str(err)
    assert "did you mean '预算调整率'?" in str(err)


def test_fill_unknown_header_field(tmp_path: Path) -> None:
    err = fill_error(tmp_path, 'area_code = "211300000"', 'area = "211300000"')
    assert "fill.toml: key 'header.area' is not known here" in str(err)


def test_a_toml_syntax_error_has_a_chinese_lead_in_with_line_and_column(tmp_path: Path) -> None:
    from tests.helpers.common import LIAONING, ROOT
    from typer.testing import CliRunner
    from xlgen.cli import app

    text = (ROOT / "templates" / f"{LIAONING}.toml").read_text(encoding="utf-8").replace("[template]", "[template", 1)
    (tmp_path / "broken.toml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["templates", "check", str(tmp_path / "broken.toml"), "--lang", "zh"])
    assert result.exit_code == 1
    assert "broken.toml：不是有效的 TOML：第 8 行第 10 列语法错误：表头缺少结尾的「]」" in result.output
