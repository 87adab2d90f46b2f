"""`xlgen generate` through typer's runner: exit codes, messages, files."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from tests.helpers.common import ROOT, SAMPLE
from xlgen.cli import app

runner = CliRunner()


def test_generate_sample(tmp_path: Path) -> None:
    out = tmp_path / "sample.xlsx"
    result = runner.invoke(app, ["generate", "liaoning-department-overall", "--data", str(SAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "总评价得分 97.18" in result.output
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws["A2"].value == "2024年年度"


def test_generate_blank_by_path_with_year(tmp_path: Path) -> None:
    out = tmp_path / "blank.xlsx"
    template = ROOT / "templates" / "liaoning-department-overall.toml"
    result = runner.invoke(app, ["generate", str(template), "--year", "2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "总评价得分 —" in result.output
    ws = openpyxl.load_workbook(out, data_only=True).worksheets[0]
    assert ws["A2"].value == "2025年年度"


def test_existing_output_is_kept_without_force(tmp_path: Path) -> None:
    out = tmp_path / "kept.xlsx"
    out.write_bytes(b"the user's own file")
    result = runner.invoke(app, ["generate", "liaoning-department-overall", "-o", str(out)])
    assert result.exit_code == 2
    assert "already exists; pass --force to overwrite it" in result.output
    assert out.read_bytes() == b"the user's own file"
    assert runner.invoke(app, ["generate", "liaoning-department-overall", "-o", str(out), "--force"]).exit_code == 0
    assert out.read_bytes()[:2] == b"PK"
    assert [p.name for p in tmp_path.iterdir()] == ["kept.xlsx"]  # no temporary file left behind


def test_unknown_template_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["generate", "nowhere", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2
    assert "template 'nowhere' not found" in result.output
    assert "Traceback" not in result.output


def test_bad_fill_names_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('year = 2024\n[header]\nbudget_income = "很多"\n', encoding="utf-8")
    result = runner.invoke(app, ["generate", "liaoning-department-overall", "-d", str(bad), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2
    assert "bad.toml: key 'header.budget_income' is '很多'; expected a number" in result.output


def test_messages_keep_long_and_bracketed_paths_whole(tmp_path: Path) -> None:
    """At the runner's default 80 columns (CI has no terminal), a path longer than the line and
    a name with [brackets] come out whole: never wrapped, never eaten as rich markup."""
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    out = deep / "[2024] 朝阳.xlsx"
    done = runner.invoke(app, ["generate", "liaoning-department-overall", "--data", str(SAMPLE), "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert f"wrote {out} (template liaoning-department-overall" in done.output
    again = runner.invoke(app, ["generate", "liaoning-department-overall", "-o", str(out)])
    assert again.exit_code == 2
    assert f"{out}: already exists; pass --force to overwrite it" in again.output
    template = deep / "[copy] mof-project.toml"
    template.write_text((ROOT / "templates" / "mof-project.toml").read_text(encoding="utf-8").replace(
        'extends = "_base/national"', f'extends = "{(ROOT / "templates" / "_base" / "national").as_posix()}"'),
        encoding="utf-8")
    checked = runner.invoke(app, ["templates", "check", str(template)])
    assert checked.exit_code == 0, checked.output
    assert f"{template}: template mof-project 2024.1 is valid" in checked.output
