"""The README's commands, run as written."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.helpers.common import ROOT
from xlgen.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```bash\n(.*?)```", README, re.S)


def test_first_block_installs_and_generates_the_sample() -> None:
    command = BLOCKS[0].strip()
    assert command.startswith("pip install -e .") and "xlgen generate" in command
    out = ROOT / "out" / "chaoyang-2024.xlsx"
    proc = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "总评价得分 97.18" in proc.stdout
    ws = openpyxl.load_workbook(out, data_only=True).worksheets[0]
    assert 97.18 in [c.value for row in ws.iter_rows() for c in row]


def test_second_block_is_what_ci_runs() -> None:
    assert BLOCKS[1].strip() == "bash tools/test.sh"
    assert "bash tools/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_other_xlgen_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each `xlgen …` line of the later blocks, in a fresh folder holding samples/."""
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    examples = [line for block in BLOCKS[2:] for line in block.splitlines() if line.startswith("xlgen ")]
    assert examples
    for line in examples:
        result = runner.invoke(app, shlex.split(line)[1:])
        assert result.exit_code == 0, f"{line}: {result.output}"
