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

from tests.helpers.common import ROOT
from xlgen.template.fill import Fill, load_fill
from xlgen.template.model import Template, load_template
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


SAMPLES = ROOT / "samples"
# case: (template, its sample fill (None: a blank), year)
CASES: dict[str, tuple[str | Path, Path | None, int]] = {
    "chaoyang-2024": ("liaoning-department-overall", SAMPLES / "chaoyang-2024.toml", 2024),
    "blank-2025": ("liaoning-department-overall", None, 2025),
    "mof-project-2024": ("mof-project", SAMPLES / "mof-project-2024.toml", 2024),
    "jiangxi-project-2024": ("jiangxi-project", SAMPLES / "mof-project-2024.toml", 2024),
    "hubei-project-2024": (SAMPLES / "bureau-templates" / "hubei-project.toml", SAMPLES / "mof-project-2024.toml", 2024),
    "sichuan-project-2024": ("sichuan-project", SAMPLES / "sichuan-project-2024.toml", 2024),
    "chongqing-department-overall-2024": ("chongqing-department-overall",
                                          SAMPLES / "chongqing-department-overall-2024.toml", 2024),
    "hunan-department-evaluation-2024": ("hunan-department-evaluation",
                                         SAMPLES / "hunan-department-evaluation-2024.toml", 2024),
    "dazhou-department-score-2024": ("dazhou-department-score", SAMPLES / "dazhou-department-score-2024.toml", 2024),
    "hengshan-special-fund-2020": ("hengshan-special-fund", SAMPLES / "hengshan-special-fund-2020.toml", 2020),
}


@pytest.mark.parametrize("case", list(CASES))
def test_parts_match_reference(case: str, tmp_path: Path) -> None:
    name, sample, year = CASES[case]
    template = load_template(name)
    fill = load_fill(sample, template) if sample else None
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
    assert want, f"no reference in tests/golden/{case}"
    assert sorted(got) == sorted(want), "the workbook's parts differ from the reference"
    for name in want:
        assert got[name] == want[name], f"part {name} differs from tests/golden/{case}/{name}"


def test_same_input_gives_identical_bytes(template: Template, sample_fill: Fill, tmp_path: Path) -> None:
    a = generate(template, sample_fill, tmp_path / "a.xlsx").path.read_bytes()
    b = generate(template, sample_fill, tmp_path / "b.xlsx").path.read_bytes()
    assert a == b
    c = generate(template, None, tmp_path / "c.xlsx", year=2025).path.read_bytes()
    assert c != a
