"""No false alarm from the yardstick: honest returns of every built-in template, filled in
LibreOffice, pass `verify --distributed` against plain and keyed distributions, with and
without the key.

Each template is distributed from a CSV roster (department code and name, with --leave-open: the blank leaves the
rest open) to ``XLGEN_HONEST_RETURNS`` departments (2 in CI; 5 gives 6 × 5 × 2 = 60 returns, run
once and recorded in docs/verify.md), plain and keyed; every department types its template's
sample (its inputs, never a value the blank fixed), and one soffice run saves them all.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.common import ROOT
from tests.helpers.userfill import set_cells
from xlgen.cycle.distribute import distribute
from xlgen.generate import seal
from xlgen.layout.values import layout_for
from xlgen.intake.returned import read_returned
from xlgen.layout.model import FORMULA
from xlgen.layout.values import bind_inputs
from xlgen.template.fill import load_fill
from xlgen.template.model import known_templates
from xlgen.verify.batch import verify_paths
from xlgen.verify.fixed import SealPolicy
from xlgen.verify.reconcile import judged_against, reconcile
from xlgen.verify.manifest import load_distribution
from xlgen.verify.yardstick import reference_of

pytestmark = pytest.mark.libreoffice

SAMPLES = {"liaoning-department-overall": "chaoyang-2024.toml",
           "chongqing-department-overall": "chongqing-department-overall-2024.toml",
           "hunan-department-evaluation": "hunan-department-evaluation-2024.toml",
           "mof-project": "mof-project-2024.toml", "jiangxi-project": "mof-project-2024.toml",
           "sichuan-project": "sichuan-project-2024.toml",
           "dazhou-department-score": "dazhou-department-score-2024.toml",
           "hengshan-special-fund": "hengshan-special-fund-2020.toml"}
DEPARTMENTS = int(os.environ.get("XLGEN_HONEST_RETURNS", "2"))
TEMPLATES = sorted({t.id for t in known_templates()})


def honest(blank: Path, sample: dict[str, Any]) -> dict[str, Any]:
    """A1 → value: the sample's inputs that the blank leaves open (never its fixed values, never
    the identity)."""
    ret = read_returned(blank)
    ref = reference_of(blank)
    assert not isinstance(ret, Exception) and ref is not None and ref.record is not None
    lay = ret.layout  # type: ignore[union-attr]
    return {lay.slots[k].a1: v for k, v in sample.items() if k in lay.slots and k not in ref.record.fields
            and lay.slots[k].role != FORMULA and v is not None and not k.startswith("header.department")}


@pytest.fixture(scope="module")
def collection(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from xlgen.libreoffice import convert

    root = tmp_path_factory.mktemp("honest")
    key_file = root / "bureau.key"
    seal.new_key(key_file)
    key = seal.load_key(key_file)
    typed_dir = root / "typed"
    typed_dir.mkdir()
    typed = []
    for t in known_templates():
        if t.id not in SAMPLES or (root / "plain" / t.id).exists():
            continue  # one version of each template
        fill = load_fill(ROOT / "samples" / SAMPLES[t.id], t)
        sample = bind_inputs(layout_for(t, fill), fill)
        roster = root / f"{t.id}.csv"
        rows = [f"8{TEMPLATES.index(t.id)}{i:04d},测试单位{i + 1}" for i in range(DEPARTMENTS)]
        roster.write_text("部门编码,部门名称\n" + "\n".join(rows) + "\n", encoding="utf-8")
        for dist, k in (("plain", None), ("keyed", key)):
            for d in distribute(t, roster, 2025, root / dist / t.id, key=k, leave_open=True):
                typed.append(set_cells(d.file, typed_dir / f"{dist}~{t.id}~{d.file.name}", honest(d.file, sample)))
    saved = convert(typed, "xlsx", root / "saved")
    returns = {}
    for path in saved:
        dist, template, name = path.name.split("~")
        folder = root / "returns" / dist / template
        folder.mkdir(parents=True, exist_ok=True)
        returns.setdefault((dist, template), []).append(path.replace(folder / name))
    return {"root": root, "key": key, "returns": returns}


@pytest.mark.parametrize("template_id", TEMPLATES)
@pytest.mark.parametrize(("dist", "with_key"), [("plain", False), ("keyed", False), ("keyed", True)])
def test_honest_returns_pass_against_their_blanks(collection: dict[str, Any], template_id: str, dist: str,
                                                  with_key: bool) -> None:
    files = collection["returns"][(dist, template_id)]
    folder = collection["root"] / dist / template_id
    blanks = load_distribution(folder)
    policy = judged_against(SealPolicy(collection["key"] if with_key else None), folder, blanks)
    results = verify_paths(files, policy=policy)
    alarms = {Path(r.path).name: [f.message("en") for f in r.findings if f.severity == "error"]
              for r in results if r.status != "pass"}
    assert alarms == {}
    rec = reconcile(results, blanks)
    assert [d.status for d in rec.departments] == ["pass"] * DEPARTMENTS
    assert len(files) == DEPARTMENTS
