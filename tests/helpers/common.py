"""What the tests share besides fixtures: where things are, the seed's names, reading values back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from xlgen.generate.workbook import Generated, generate
from xlgen.template.fill import load_fill
from xlgen.template.model import load_template

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "chaoyang-2024.toml"
SEED = ROOT / "samples" / "seed" / "000_993c6d56131c57ab.txt"
LIAONING = "liaoning-department-overall"
ARTIFACTS = ROOT / "tests" / "artifacts"  # kept after the run (PNG of page 1 etc.), git-ignored
HEAD_MARK, TAIL_MARK = "情况说明如下：", "其余情况详见附件。"  # mark where the long cause starts and ends
LONG_CAUSE = HEAD_MARK + ("因上级追加经费到位较晚，部分采购项目延期至次年执行。" * 80)[:2000 - 16] + TAIL_MARK


def read_values(path: Path, sheet: str | None = None) -> dict[str, Any]:
    """Every non-empty cell's saved value, by A1 address."""
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def generate_samples(out: Path, samples: dict[str, Path]) -> dict[str, Generated]:
    """Each template (by name) generated with its sample fill into ``out``."""
    made = {}
    for name, sample in samples.items():
        tmpl = load_template(name)
        made[name] = generate(tmpl, load_fill(sample, tmpl), out / f"{name}.xlsx")
    return made
