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

import openpyxl  # noqa: E402
import pytest  # noqa: E402

from xlgen.template.fill import Fill, load_fill
from xlgen.render.libreoffice import convert
from xlgen.template.model import Template, load_template
from xlgen.generate.workbook import Generated, generate

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "chaoyang-2024.toml"
SEED = ROOT / "samples" / "seed" / "000_993c6d56131c57ab.txt"
LIAONING = "liaoning-department-overall"
ARTIFACTS = ROOT / "tests" / "artifacts"  # kept after the run (PNG of page 1 etc.), git-ignored


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


HEAD_MARK, TAIL_MARK = "情况说明如下：", "其余情况详见附件。"  # mark where the long cause starts and ends
LONG_CAUSE = HEAD_MARK + ("因上级追加经费到位较晚，部分采购项目延期至次年执行。" * 80)[:2000 - 16] + TAIL_MARK


@pytest.fixture(scope="session")
def long_cause(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample with a 2,000-character 经费保障原因分析 (the most its input rule allows)."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        'name = "重点工作办结率"\nactual = 100',
        f'name = "重点工作办结率"\nactual = 90\ncause_funding = "{LONG_CAUSE}"\nmeasures = "加强项目前期管理。"', 1)
    folder = tmp_path_factory.mktemp("long")
    (folder / "fill.toml").write_text(text, encoding="utf-8")
    return generate(template, load_fill(folder / "fill.toml", template), folder / "long.xlsx").path


def read_values(path: Path, sheet: str | None = None) -> dict[str, Any]:
    """Every non-empty cell's saved value, by A1 address."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


@pytest.fixture(scope="session")
def lo_recalc(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Sequence[Path]], list[dict[str, Any]]]:
    """Open files in LibreOffice Calc, recalculate every formula, and read the values back."""

    def run(files: Sequence[Path], sheet: str | None = None) -> list[dict[str, Any]]:
        outdir = tmp_path_factory.mktemp("lo")
        return [read_values(p, sheet) for p in convert(list(files), "xlsx", outdir)]

    return run


def generate_samples(out: Path, samples: dict[str, Path]) -> dict[str, Generated]:
    """Each template (by name) generated with its sample fill into ``out``."""
    made = {}
    for name, sample in samples.items():
        tmpl = load_template(name)
        made[name] = generate(tmpl, load_fill(sample, tmpl), out / f"{name}.xlsx")
    return made
