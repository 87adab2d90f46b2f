"""One truth (issue 25, item 5): for whatever a clerk types or pastes into a form's inputs, the
live 填报检查 that LibreOffice recalculates and `xlgen verify` say the same — the verdict, and each
row's count and status.

A seeded generator of clerk inputs over every built-in template: each file starts from the
template's honest sample and changes 1–6 input cells to what clerks leave there — numbers at band
edges and rounding traps, 0 and negatives, text where a number belongs (100%, 九十五, full-width
digits, a number stored as text), white space (ASCII, full-width, tab, line break) in any input,
emptied required cells, operators, units and grades with stray spaces or off the list. The
values are written into the cells (a text as text, as a paste leaves it), then LibreOffice opens,
recalculates and saves every file; verify reads what LibreOffice saved.

The oracle cannot be tuned to the implementation: each live row is read from LibreOffice's
results, each verify finding is mapped to the row that counts it by its code alone, and the
generator's size is the only knob: ``XLGEN_AGREEMENT_FILES`` files per template (CI: a few;
``XLGEN_AGREEMENT_FILES=64`` gives 562 files over the eight templates, the figure in
docs/design.md and the README).
"""

from __future__ import annotations

import os
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from tests.helpers.common import ROOT
from tests.helpers.userfill import set_cells

from xlgen.findings import Finding
from xlgen.layout import selfcheck as chk
from xlgen.generate.workbook import generate
from xlgen.intake.returned import read_returned
from xlgen.layout.model import Layout, Slot
from xlgen.template.fill import load_fill
from xlgen.template.model import QUALITATIVE, Template, load_template
from xlgen.template.rules import BAND, NUMBER, OPERATOR, REQUIRED, UNIT, WEIGHT_CHECKS
from xlgen.verify.batch import verify_file
from xlgen.verify.fixed import ALLOCATED
from xlgen.verify.result import FileResult

pytestmark = pytest.mark.libreoffice

PER_TEMPLATE = int(os.environ.get("XLGEN_AGREEMENT_FILES", "4"))
SEED = int(os.environ.get("XLGEN_AGREEMENT_SEED", "25"))
CHUNK = 60  # files per soffice call
TEMPLATES = {  # every built-in template → its sample
    "liaoning-department-overall": "chaoyang-2024.toml",
    "chongqing-department-overall": "chongqing-department-overall-2024.toml",
    "mof-project": "mof-project-2024.toml",
    "jiangxi-project": "mof-project-2024.toml",
    "sichuan-project": "sichuan-project-2024.toml",
    "hunan-department-evaluation": "hunan-department-evaluation-2024.toml",
    "dazhou-department-score": "dazhou-department-score-2024.toml",
    "hengshan-special-fund": "hengshan-special-fund-2020.toml",
}
# The finding codes each structural rule's row counts (a template rule's row counts its own code).
STRUCTURAL_CODES = {REQUIRED: {"required-missing"}, NUMBER: {"not-a-number"}, BAND: {"grade-invalid", "grade-band"},
                    OPERATOR: {"operator-invalid"}, UNIT: {"unit-invalid"}}

SPACES = [" ", "\u3000", "\t", "\n", " \u3000 ", "  "]
TEXT_IN_NUMBER = ["100%", "九十五", "１００", "９５．５", "95 ", "≥100", "约 90"]
NUMBERS = [0.0, 1.0, -1.0, 0.6, 0.8, 0.5999, 0.7999, 0.8001, 0.95, 1.005, 4.35, 0.285, 12.345, 99.5, 100.0, 150.0]
RATIOS = [0.0, 0.01, 0.595, 0.6, 0.79, 0.8, 0.9, 0.949, 0.95, 0.999, 1.0, 1.01, 1.5, 2.0, 100.0]
DEGREES = [0.0, 0.59, 0.6, 0.6001, 0.79, 0.7999, 0.8, 0.8001, 1.0, 1.01, -0.1]
TEXTS = ["资金到位较晚", " 原因 ", "加强管理", "x"]


def _number(rng: random.Random, current: Any) -> Any:
    pick = rng.random()
    if pick < 0.35 and isinstance(current, (int, float)) and current:
        return round(float(current) * rng.choice(RATIOS), rng.choice([0, 1, 2, 3]))
    if pick < 0.6:
        return rng.choice(NUMBERS)
    if pick < 0.7 and isinstance(current, (int, float)):
        return f"{current:g}"  # a number stored as text
    if pick < 0.9:
        return rng.choice(TEXT_IN_NUMBER)
    return rng.choice(["", *SPACES])


def clerk_value(rng: random.Random, lay: Layout, s: Slot, current: Any) -> Any:
    """What a clerk leaves in the input ``s`` (now holding ``current``)."""
    t = lay.template
    kind = lay.indicator_rows[s.index].kind if s.section == "indicators" else ""
    if s.type == "operator":
        return rng.choice([*t.operators, ">= ", " =", "≥", "＞", "", " "])
    if s.type == "unit":
        return rng.choice([*t.units[:4], "％", "人 ", " %", "米", "", "\u3000"])
    if s.type == "actual" and kind == QUALITATIVE:
        grades = [g.label for g in t.grades]
        return rng.choice([*grades, " " + grades[0], grades[-1] + " ", "优秀", "", "\u3000"])
    if s.field == "degree":  # a qualitative row's 完成程度, typed in its grade's band
        return rng.choice([*DEGREES, "0.9", "", " "])
    if s.type == "applies":
        return rng.choice([t.indicators.not_applicable, "", " "])
    if lay.holds_number(s):
        return _number(rng, current)
    return rng.choice(["", *SPACES, *TEXTS])


def generate_files(template_id: str, folder: Path, count: int, rng: random.Random) -> list[tuple[Path, dict[str, Any]]]:
    """The honest sample of ``template_id`` and ``count`` clerk fills of it (before LibreOffice)."""
    template = load_template(template_id)
    sample = generate(template, load_fill(ROOT / "samples" / TEMPLATES[template_id], template),
                      folder / f"{template_id}.xlsx")
    lay = sample.layout
    bureau = set(lay.fixed_values(sample.inputs))  # locked and sealed: no clerk types there
    # every input the layout offers, a 下达金额 included: the task rows the bureau did not set when
    # it set others are closed (no input), so no clerk can type verify's task-added
    typable = [s for s in lay.input_slots() if s.key not in bureau]
    assert not [s for s in typable if s.section == "tasks" and s.field == ALLOCATED and s.bureau and any(
        k.startswith("tasks[") for k in bureau)], template_id
    out: list[tuple[Path, dict[str, Any]]] = [(sample.path, {})]
    for n, changed in enumerate(issue_cases(lay, sample.inputs, typable)):
        out.append((set_cells(sample.path, folder / f"{template_id}-case{n}.xlsx", changed), changed))
    for n in range(count):
        changed = {}
        for s in rng.sample(typable, rng.randint(1, 6)):
            changed[s.a1] = clerk_value(rng, lay, s, sample.inputs.get(s.key))
        out.append((set_cells(sample.path, folder / f"{template_id}-{n:03d}.xlsx", changed), changed))
    return out


def issue_cases(lay: Layout, inputs: dict[str, Any], typable: list[Slot]) -> list[dict[str, Any]]:
    """The cases of the issue, in every template: text pasted into a number cell (on the first
    scored row: its 全年完成值, else its first number input), and a shortfall explained with white
    space only (the row's number halved, every text input of it spaces, ASCII or full-width)."""
    index = next(r.index for r in lay.indicator_rows if r.tree is not None and r.kind != QUALITATIVE)
    row = [s for s in typable if s.section == "indicators" and s.index == index]
    number = next((s for s in row if s.type == "actual"), None) or next((s for s in row if lay.holds_number(s)), None)
    if number is None:  # a form without scores (衡山's) has numbers in its funding rows only
        number = next(s for s in typable if lay.holds_number(s) and inputs.get(s.key) is not None)
        row = [number]
    reasons = {f for rule in lay.template.checks if rule.formula
               for f in lay.template.formulas[rule.formula].placeholders()}  # what the form's rules read
    texts = [s for s in row if not lay.holds_number(s) and s.type in ("text", "cause") and s.field in reasons]
    value = inputs.get(number.key)
    cases: list[dict[str, Any]] = [{number.a1: text} for text in ("100%", "九十五", "１００", f"{value:g}")]
    for space in (" ", "\u3000") if texts else ():  # a form with no reason to give has no such case
        cases.append({number.a1: round(float(value) / 2, 2), **{s.a1: space for s in texts}})
    return cases


def live_rows(path: Path) -> tuple[dict[str, tuple[Any, Any]], Any]:
    """The 填报检查 as LibreOffice saved it: each row's (value, status), and the verdict."""
    ret = read_returned(path)
    assert not isinstance(ret, Finding), path
    lay = ret.layout
    rows = {field: (ret.value(lay.slots[f"{chk.SECTION}.{field}"]), ret.value(lay.slots[chk.status_key(field)]))
            for field in lay.check_labels if chk.status_key(field) in lay.slots}
    return rows, ret.value(lay.slots[f"{chk.SECTION}.{chk.OVERALL.field}"])


def disagreements(template: Template, path: Path, result: FileResult) -> list[str]:
    """Every way the live 填报检查 of ``path`` and verify's ``result`` differ ([]: they agree)."""
    rows, verdict = live_rows(path)
    row_of = {code: rule.check_field for rule in template.checks if rule.label
              for code in STRUCTURAL_CODES.get(rule.name, {rule.code})}
    warns = {rule.check_field for rule in template.checks if rule.label and rule.warns}
    counted: Counter[str] = Counter()
    weights: dict[str, Any] = {}
    unmatched = []
    for f in result.findings:
        if f.code.code == "weights-total":
            weights[WEIGHT_CHECKS[0] if (f.field or "").startswith("tasks.") else WEIGHT_CHECKS[1]] = f
        elif f.code.code in row_of:
            counted[row_of[f.code.code]] += 1
        elif f.severity == "error":
            unmatched.append(f.message("en"))
    out = [f"verify error no live row counts: {m}" for m in unmatched]
    for field, (value, status) in rows.items():
        if field in WEIGHT_CHECKS:
            failed = field in weights
            if (status == chk.FAIL) != failed:
                out.append(f"{field}: live {status} ({value}), verify {'weights-total' if failed else 'nothing'}")
            elif failed and value != weights[field].params["found"]:
                out.append(f"{field}: live sum {value}, verify {weights[field].params['found']}")
            continue
        n = counted[field]
        want = chk.PASS if n == 0 else chk.VERIFY if field in warns else chk.FAIL
        if value != n or not str(status).startswith(want):
            out.append(f"{field}: live {value} {status}, verify {n} finding(s)")
    if (verdict == chk.PASS) != (result.status == "pass"):
        out.append(f"verdict: live {verdict}, verify {result.status}")
    return out


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[tuple[Path, dict[str, Any]]]]:
    """Every template's files, typed into and saved by LibreOffice (one soffice call)."""
    from xlgen.libreoffice import convert

    rng = random.Random(SEED)
    typed = tmp_path_factory.mktemp("typed")
    made = {tid: generate_files(tid, typed, PER_TEMPLATE, rng) for tid in TEMPLATES}
    out = tmp_path_factory.mktemp("saved")
    every = [p for files in made.values() for p, _ in files]
    paths = {}
    for i in range(0, len(every), CHUNK):  # soffice calls of CHUNK files: a long one times out under load
        paths.update({p.name: p for p in convert(every[i:i + CHUNK], "xlsx", out)})
    return {tid: [(paths[p.name], changed) for p, changed in files] for tid, files in made.items()}


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_the_live_check_and_verify_agree_on_every_clerk_fill(template_id: str, saved: dict[str, Any]) -> None:
    template = load_template(template_id)
    files = saved[template_id]
    honest = verify_file(files[0][0])
    assert honest.status == "pass", [f.message("en") for f in honest.findings]
    wrong = {}
    for path, changed in files:
        result = verify_file(path)
        found = disagreements(template, path, result)
        if "-case" in path.name and result.status != "fail":  # the issue's cases: fail, live and in verify
            found.append(f"an issue case passes: {result.status}")
        if found:
            wrong[path.name] = (changed, found)
    assert not wrong, wrong
    assert len(files) >= 1 + 4 + PER_TEMPLATE
