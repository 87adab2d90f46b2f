"""`xlgen rollover`: next year's blank from this year's returned workbook."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.helpers.common import ROOT
from xlgen.cli import app
from xlgen.template.fill import Fill, load_fill
from xlgen.libreoffice import convert
from xlgen.intake.reader import Returned
from xlgen.intake.returned import read_returned
from xlgen.cycle.rollover import RolledOver, rollover
from xlgen.template.model import Template, load_template
from xlgen.generate.workbook import Generated, generate

runner = CliRunner()


def cleared_and_carried(path: Path, template: Template, fill: Fill) -> None:
    """Assert the rolled-over file at ``path`` against the fill it came from."""
    ret = read_returned(path)
    assert isinstance(ret, Returned), ret
    lay, values = ret.layout, ret.inputs()
    ws = openpyxl.load_workbook(path).worksheets[0]
    assert ws["A2"].value.startswith("2025")
    for key in ("department_code", "department_name"):
        assert values[f"header.{key}"] == fill.header[key]
    for key in ("budget_income", "budget_expenditure"):
        if key in fill.header:
            assert values[f"header.{key}"] is None
    for i, task in enumerate(fill.tasks):
        assert values[f"tasks[{i}].project"] == task["project"]
        assert values[f"tasks[{i}].allocated"] == task["allocated"]
        assert values[f"tasks[{i}].weight"] == task["weight"]
        assert values[f"tasks[{i}].executed"] is None
    carried = 0
    for row in lay.indicator_rows:
        if row.tree is None:
            continue
        t = row.tree
        got = {f: values.get(f"indicators[{row.index}].{f}") for f in ("operator", "target", "unit", "weight")}
        assert got == {"operator": t.operator or None, "target": t.target, "unit": t.unit or None,
                       "weight": t.weight}, t.name
        for f in ("actual", "cause_funding", "cause_staff", "cause", "measures"):
            assert values.get(f"indicators[{row.index}].{f}") is None, (t.name, f)
        if row.kind == "qualitative":
            assert values[f"indicators[{row.index}].degree"] is None
        carried += 1
    assert carried == len(template.tree)


def test_rollover_of_the_sample(sample: Generated, template: Template, sample_fill: Fill, tmp_path: Path) -> None:
    result = rollover(sample.path, 2025, tmp_path / "2025.xlsx")
    assert isinstance(result, RolledOver) and result.verification.status == "pass"
    assert not result.warning
    assert len(template.tree) == 24
    cleared_and_carried(result.generated.path, template, sample_fill)
    props = {p.name: p.value for p in openpyxl.load_workbook(result.generated.path).custom_doc_props.props}
    assert props["xlgen_template_version"] == template.version and props["xlgen_year"] == "2025"


@pytest.mark.libreoffice
def test_rollover_of_a_file_saved_by_libreoffice(sample: Generated, template: Template, sample_fill: Fill,
                                                 tmp_path: Path) -> None:
    (saved,) = convert([sample.path], "xlsx", tmp_path / "lo")
    result = rollover(saved, 2025, tmp_path / "2025.xlsx")
    cleared_and_carried(result.generated.path, template, sample_fill)


def test_failing_file_still_rolls_over_with_a_warning(template: Template, sample_fill: Fill, tmp_path: Path) -> None:
    bad = copy.deepcopy(sample_fill)
    bad.tasks[0]["weight"] = 20.0  # task weights now add up to 46.7, not 40
    src = generate(template, bad, tmp_path / "bad.xlsx").path
    result = rollover(src, 2025, tmp_path / "2025.xlsx")
    assert result.warning and result.verification.status == "fail"
    assert result.generated.path.is_file()
    out = runner.invoke(app, ["rollover", str(src), "--year", "2025", "-o", str(tmp_path / "cli.xlsx")],
                        terminal_width=200)
    assert out.exit_code == 0
    assert "does not pass verification" in out.output and "rolled over all the same" in out.output


def test_folder_form_goes_past_a_bad_file(sample: Generated, tmp_path: Path) -> None:
    src = tmp_path / "returned"
    src.mkdir()
    (src / "a.xlsx").write_bytes(sample.path.read_bytes())
    (src / "broken.xlsx").write_bytes(b"not a workbook")
    mof = load_template("mof-project")
    generate(mof, load_fill(ROOT / "samples" / "mof-project-2024.toml", mof), src / "b.xlsx")
    before = {p.name: p.read_bytes() for p in src.iterdir()}
    out = tmp_path / "2025"
    result = runner.invoke(app, ["rollover", str(src), "--year", "2025", "-o", str(out)], terminal_width=200)
    assert result.exit_code == 2
    assert "broken.xlsx" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["2025_703010_朝阳市工业和信息化工作服务中心.xlsx",
                                                     "2025_801001_示例县财政局.xlsx"]
    assert {p.name: p.read_bytes() for p in src.iterdir()} == before  # inputs untouched
    ws: Any = openpyxl.load_workbook(out / "2025_801001_示例县财政局.xlsx").worksheets[0]
    assert ws["A2"].value == "（2025年度）"
