"""Shared fixtures: the Liaoning template, the seed's fill, and LibreOffice recalculation."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# A narrow terminal, whatever the one running the tests: rich reads the width when a console is
# made, so it is pinned before xlgen.cli (and typer) are imported. Messages must stay whole at 80.
os.environ["COLUMNS"] = os.environ["TERMINAL_WIDTH"] = "80"
# The tests read the English messages unless they ask for Chinese (XLGEN_LANG unset or zh:
# tests/test_language.py); whatever the language of the shell running them.
os.environ["XLGEN_LANG"] = "en"

import pytest  # noqa: E402

pytest_plugins = ["tests.helpers.zhpass"]  # the Chinese pass: every error and finding, said in Chinese

from tests.helpers.common import LIAONING, LONG_CAUSE, ROOT, SAMPLE, read_values
from xlgen.template.fill import Fill, load_fill
from xlgen.libreoffice import convert
from xlgen.template.model import Template, load_template
from xlgen.generate.workbook import Generated, generate


@pytest.fixture(scope="session")
def template() -> Template:
    return load_template(ROOT / "templates" / f"{LIAONING}.toml")


@pytest.fixture(scope="session")
def sample_fill(template: Template) -> Fill:
    return load_fill(SAMPLE, template)


@pytest.fixture(scope="session")
def sample(template: Template, sample_fill: Fill, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """The seed's workbook, generated once for the session (do not modify the file)."""
    return generate(template, sample_fill, tmp_path_factory.mktemp("sample") / "chaoyang-2024.xlsx")


@pytest.fixture(scope="session")
def long_cause(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with a 2,000-character 经费保障原因分析 (the most its input rule allows)."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        'name = "重点工作办结率"\nactual = 100',
        f'name = "重点工作办结率"\nactual = 90\ncause_funding = "{LONG_CAUSE}"\nmeasures = "加强项目前期管理。"', 1)
    folder = tmp_path_factory.mktemp("long")
    (folder / "fill.toml").write_text(text, encoding="utf-8")
    return generate(template, load_fill(folder / "fill.toml", template), folder / "long.xlsx").path


@pytest.fixture(scope="session")
def lo_recalc(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Sequence[Path]], list[dict[str, Any]]]:
    """Open files in LibreOffice Calc, recalculate every formula, and read the values back."""

    def run(files: Sequence[Path], sheet: str | None = None) -> list[dict[str, Any]]:
        outdir = tmp_path_factory.mktemp("lo")
        return [read_values(p, sheet) for p in convert(list(files), "xlsx", outdir)]

    return run
