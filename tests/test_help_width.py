"""--help is readable at 80 columns in both languages: no option text cut with "…", no Python
type hint (<str>, <path>, <list[Path]>, <int range> [x>=1]), the details in each command's epilog."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from xlgen.cli import app

runner = CliRunner()
COMMANDS = [[], ["generate"], ["distribute"], ["rollover"], ["import"], ["verify"], ["keygen"], ["preview"],
            ["templates"], ["templates", "check"], ["serve"]]


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "xlgen")
def test_help_at_80_columns(command: list[str], language: str) -> None:
    result = runner.invoke(app, ["--lang", language, *command, "--help"], terminal_width=80,
                           env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(map(len, lines)) <= 80
    assert "…" not in result.output, result.output
    assert not re.search(r"<[a-z][^>]*>|\[x[<>]=", result.output), result.output


def test_the_details_are_in_the_epilog() -> None:
    result = runner.invoke(app, ["distribute", "--help", "--lang", "zh"], terminal_width=80)
    text = re.sub(r"\s+", "", result.output)
    assert "--leave-open名单缺少财政的列时留给部门填。" in text.replace("│", "")
    assert "名单须有模板中由财政填写（fixed）的列，缺列时拒绝，某行该列为空亦同；--leave-open则把这些单元格留给部门填写。" in text
    assert "--key-file：xlgengenerate" not in text and "--key-file：xlgenkeygen生成的密钥" in text


def test_jobs_below_one_is_refused_by_name() -> None:
    result = runner.invoke(app, ["verify", ".", "--jobs", "0", "--lang", "en"])
    assert result.exit_code == 2 and "--jobs: 0 is no number of processes; expected 1 or more" in result.output
