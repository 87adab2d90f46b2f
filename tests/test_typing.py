"""xlgen type-checks under mypy --strict, as configured in pyproject.toml ([tool.mypy])."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers.common import ROOT


def test_mypy_strict_passes() -> None:
    proc = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"mypy found errors:\n{proc.stdout}{proc.stderr}"
