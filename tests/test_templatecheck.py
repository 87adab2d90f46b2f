"""`xlgen templates check`: every problem of a template, each naming the file and the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.common import ROOT
from xlgen.template.model import load_template
from xlgen.generate.templatecheck import check_template

MOF = (ROOT / "templates" / "mof-project.toml").read_text(encoding="utf-8")


def problems(tmp_path: Path, *edits: tuple[str, str]) -> list[str]:
    text = MOF
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "mof-edited.toml"
    path.write_text(text, encoding="utf-8")
    (tmp_path / "_base").mkdir(exist_ok=True)
    (tmp_path / "_base" / "national.toml").write_text(
        (ROOT / "templates" / "_base" / "national.toml").read_text(encoding="utf-8"), encoding="utf-8")
    return [str(p) for p in check_template(load_template(path))]


def test_shipped_templates_are_clean() -> None:
    shipped = sorted((ROOT / "templates").glob("*.toml"))
    assert {"liaoning-department-overall.toml", "mof-project.toml", "jiangxi-project.toml"} <= {p.name for p in shipped}
    for path in shipped:
        assert check_template(load_template(path)) == [], path.name


@pytest.mark.parametrize(("edits", "message"), [
    ((("min = 0.6\nmax = 0.8", "min = 0.5\nmax = 0.8"),),
     "key 'grades': '未达成年度指标且效果较差' ends at 0.6 but '部分达成年度指标并具有一定效果' starts at 0.5"),
    ((("max = 1\nmax_inclusive = true", "max = 1\nmax_inclusive = false"),),
     "key 'grades': the highest band must end at 1 inclusive"),
    ((('label = "良"\nmin = 80', 'label = "良"\nmin = 95'),),
     "key 'levels': minimums [90.0, 95.0, 60.0, 0.0] must fall strictly"),
    ((('header = ["department_code", "department_name", "project_name", "implementer"]',
       'header = ["department_code", "department_nmae"]'),),
     "key 'rollover.header': 'department_nmae' is not a field of the header"),
    ((('{ field = "weight", label = "分值", type = "weight" },\n  { field = "rate"',
       '{ field = "weight", label = "项目资金分值（按执行率计算，执行率乘以十，最高十分，不得超过）", type = "weight" },\n'
       '  { field = "rate"'),),
     "key 'labels': '项目资金分值（按执行率计算，执行率乘以十，最高十分，不得超过）' wraps into"),
    ((('unit = "人"\nweight = 15', 'weight = 15'),),
     "key 'tree[0].unit': '培训人次' is quantitative and needs a unit"),
])
def test_problem_is_named(tmp_path: Path, edits: tuple[tuple[str, str], ...], message: str) -> None:
    found = problems(tmp_path, *edits)
    assert any(message in p for p in found), found
    assert all("mof-edited.toml: key '" in p for p in found)
