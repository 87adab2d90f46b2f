"""Generated workbooks, compared part by part with reviewed reference files (as XlsxWriter's
own tests do), and byte-identical when generated twice.

The references are the unzipped parts in tests/golden/<case>/. After a reviewed change to the
output, regenerate them with:  XLGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT
from xlgen.template.fill import Fill
from xlgen.template.model import Template
from xlgen.generate.workbook import generate

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("XLGEN_UPDATE_GOLDEN") == "1"


def parts(path: Path) -> dict[str, list[str]]:
    """Each part of the zip as a list of tags (one per line), so a diff points at the element."""
    with zipfile.ZipFile(path) as zf:
        return {
            name: re.sub(r">\s*<", ">\n<", zf.read(name).decode("utf-8")).splitlines()
            for name in sorted(zf.namelist())
        }


def cases(template: Template, sample_fill: Fill) -> dict[str, tuple[Fill | None, int]]:
    return {"chaoyang-2024": (sample_fill, 2024), "blank-2025": (None, 2025)}


@pytest.mark.parametrize("case", ["chaoyang-2024", "blank-2025"])
def test_parts_match_reference(case: str, template: Template, sample_fill: Fill, tmp_path: Path) -> None:
    fill, year = cases(template, sample_fill)[case]
    out = tmp_path / f"{case}.xlsx"
    generate(template, fill, out, year=year)
    got = parts(out)
    folder = GOLDEN / case
    if UPDATE:
        for old in folder.rglob("*"):
            if old.is_file():
                old.unlink()
        for name, lines in got.items():
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    want = {
        str(p.relative_to(folder)): p.read_text(encoding="utf-8").splitlines()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }
    assert sorted(got) == sorted(want), "the workbook's parts differ from the reference"
    for name in want:
        assert got[name] == want[name], f"part {name} differs from tests/golden/{case}/{name}"


def test_same_input_gives_identical_bytes(template: Template, sample_fill: Fill, tmp_path: Path) -> None:
    a = generate(template, sample_fill, tmp_path / "a.xlsx").path.read_bytes()
    b = generate(template, sample_fill, tmp_path / "b.xlsx").path.read_bytes()
    assert a == b
    c = generate(template, None, tmp_path / "c.xlsx", year=2025).path.read_bytes()
    assert c != a
