"""The distribution is the yardstick: each return is judged against the blank its department was
sent (`verify --distributed DIST`), whatever its own seal and marks say.

A bureau distributes to three departments (plain and with its key). Departments fill their blanks
in LibreOffice (honest: pass), and try what a department that reads xlgen's source would try:
a record rewritten and sealed again with the public hash, xlgen's marks stripped, the layout
stamped as one before seals, another department's blank dressed in its identity, last year's file
re-dated, a keyed file forged for a verifier without the key. Each fails at its cell, and rollover
carries none of them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.helpers.userfill import set_cells
from tests.helpers.verifykit import edit_part
from tests.test_collect import CODES, NAMES, TASKS, typed
from tests.test_distribute import write_xlsx
from tests.test_seal import CUSTOM, _rewrite_record
from xlgen.cli import app
from xlgen.cycle.distribute import distribute
from xlgen.cycle.rollover import next_fill
from xlgen.findings import Finding
from xlgen.generate import seal
from xlgen.layout.values import layout_for
from xlgen.template.fill import Fill
from xlgen.template.model import Template
from xlgen.verify.batch import verify_file
from xlgen.verify.fixed import SealPolicy
from xlgen.verify.reconcile import judged_against
from xlgen.verify.manifest import load_distribution

runner = CliRunner()
TARGET = "indicators[0].target"  # 重点工作办结率 指标值, 100 in the tree
WORKBOOK = "xl/workbook.xml"


def strip_marks(src: Path, dst: Path) -> Path:
    """What a department can do in Calc: delete the custom properties, the xlgen_* names and the
    hidden lists sheet."""
    bare = edit_part(src, dst.with_suffix(".tmp.xlsx"), CUSTOM,
                     lambda xml: re.sub(r"<property .*</property>", "", xml, flags=re.S))
    return edit_part(bare, dst, WORKBOOK, lambda xml: re.sub(
        r'<definedName [^>]*?name="xlgen_[^"]*"[^>]*>[^<]*</definedName>|<sheet [^>]*?name="lists"[^>]*/>', "", xml))


def downgrade(xml: str) -> str:
    """xlgen_layout = 1 (a layout before seals), the seal and the record deleted."""
    xml = re.sub(r'<property [^>]*name="xlgen_(?:seal|fixed_\d+)">.*?</property>', "", xml, flags=re.S)
    return re.sub(r'(name="xlgen_layout"><vt:lpwstr>)2<', r"\g<1>1<", xml)


def redate(old: int, new: int) -> Any:
    """The year property and the record's year moved, the record sealed again with SHA-256."""
    reseal = _rewrite_record(lambda doc: doc.update({"year": new}))

    def edit(xml: str) -> str:
        return reseal(xml.replace(f'name="xlgen_year"><vt:lpwstr>{old}<', f'name="xlgen_year"><vt:lpwstr>{new}<'))
    return edit


def roster(path: Path, budgets: list[float]) -> Path:
    """Three departments with the seed's tasks, each with its own budget (the first the seed's)."""
    head = ["department_code", "部门名称", "区划编码", "部门年初预算收入金额", "budget_expenditure"]
    return write_xlsx(path, {
        "departments": [head, *[[c, n, "211300000", b, b] for c, n, b in zip(CODES, NAMES, budgets)]],
        "任务": [["部门编码", "对应项目", "项目下达金额", "分值"], *[[c, *t] for c in CODES[:len(budgets)] for t in TASKS]],
    })


def errors(result: Any) -> set[tuple[str, str | None]]:
    return {(f.code.code, f.cell) for f in result.findings if f.severity == "error"}


@pytest.fixture(scope="module")
def bureau(template: Template, sample_fill: Fill, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("yardstick")
    key_file = root / "bureau.key"
    seal.new_key(key_file)
    key = seal.load_key(key_file)
    this_year = roster(root / "r.xlsx", [175.41, 230.5, 96.0])
    plain = {d.code: d.file for d in distribute(template, this_year, 2025, root / "plain")}
    keyed = {d.code: d.file for d in distribute(template, this_year, 2025, root / "keyed", key=key)}
    last = {d.code: d.file for d in distribute(template, roster(root / "r24.xlsx", [160.0, 220.0, 90.0]), 2024,
                                               root / "2024")}
    lay = layout_for(template, sample_fill)
    return {"root": root, "key_file": key_file, "key": key, "plain": plain, "keyed": keyed, "last": last,
            "target": lay.slot(TARGET).a1, "code": lay.slot("header.department_code").a1,
            "name": lay.slot("header.department_name").a1, "income": lay.slot("header.budget_income").a1}


def policy(bureau: dict[str, Any], dist: str, key: bytes | None = None) -> SealPolicy:
    folder = bureau["root"] / dist
    return judged_against(SealPolicy(key), folder, load_distribution(folder))


# ----------------------------------------------------------------------------- without LibreOffice
def test_a_record_sealed_again_fails_at_the_cell_against_the_blank(bureau: dict[str, Any], tmp_path: Path) -> None:
    """The plain seal holds (a department can compute SHA-256), so the file's own record says 80;
    the blank the department was sent says 100."""
    blank = bureau["plain"][CODES[0]]
    moved = set_cells(blank, tmp_path / "moved.xlsx", {bureau["target"]: 80.0})
    forged = edit_part(moved, tmp_path / "forged.xlsx", CUSTOM, _rewrite_record(lambda d: d["fields"].update({TARGET: 80.0})))
    assert ("fixed-changed", bureau["target"]) not in errors(verify_file(forged))  # its own seal vouches for it
    result = verify_file(forged, policy(bureau, "plain"))
    assert {("fixed-changed", bureau["target"]), ("seal-broken", None)} <= errors(result)
    moved_msg = next(f for f in result.findings if f.code.code == "fixed-changed")
    assert moved_msg.message("en") == (f"{bureau['target']} 重点工作办结率 指标值 was changed from 100 to 80: the bureau "
                                       "set it and it may not be changed")
    broken = next(f for f in result.findings if f.code.code == "seal-broken")
    assert f"record or seal differs from the blank {blank.name} distributed to the department" in broken.message("en")


def test_worker_processes_read_the_yardstick_once_and_judge_alike(bureau: dict[str, Any], tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """--jobs N: the policy goes to each worker once, as it starts; a forked worker shares the
    blanks its parent read (it never reads the folder again), and pickled (a spawned worker) the
    policy is the distribution's folder, never the records of every blank."""
    import pickle

    from xlgen.verify import yardstick
    from xlgen.verify.batch import verify_paths

    judged = policy(bureau, "plain")
    assert len(pickle.dumps(judged)) < 1000
    blank = bureau["plain"][CODES[0]]
    moved = [set_cells(blank, tmp_path / f"moved{i}.xlsx", {bureau["target"]: 80.0 + i}) for i in range(3)]
    alone = [errors(r) for r in verify_paths(moved, jobs=1, policy=judged)]

    def read_again(folder: str) -> Any:
        raise AssertionError(f"{folder} read again")

    monkeypatch.setattr(yardstick, "load", read_again)  # what a forked worker would call to read it
    assert alone == [errors(r) for r in verify_paths(moved, jobs=2, policy=judged)]
    assert all(("fixed-changed", bureau["target"]) in e for e in alone)


def test_the_distributed_blank_itself_has_nothing_moved(bureau: dict[str, Any]) -> None:
    for dist in ("plain", "keyed"):
        blank = bureau[dist][CODES[1]]
        moved = {c for c, _ in errors(verify_file(blank, policy(bureau, dist)))} & {
            "fixed-changed", "seal-broken", "seal-missing", "marks-removed", "marks-changed"}
        assert moved == set(), dist


def test_the_cli_judges_against_the_blank(bureau: dict[str, Any], tmp_path: Path) -> None:
    returns = tmp_path / "returns"
    returns.mkdir()
    moved = set_cells(bureau["plain"][CODES[0]], tmp_path / "moved.xlsx", {bureau["target"]: 80.0})
    edit_part(moved, returns / "forged.xlsx", CUSTOM, _rewrite_record(lambda d: d["fields"].update({TARGET: 80.0})))
    out = runner.invoke(app, ["verify", str(returns), "--distributed", str(bureau["root"] / "plain"), "--json"])
    assert out.exit_code == 1, out.output
    doc = json.loads(out.stdout)
    (entry,) = doc["files"]
    found = {(f["code"], f["cell"]) for f in entry["findings"]}
    assert ("fixed-changed", bureau["target"]) in found and ("seal-broken", None) in found
    assert [d["status"] for d in doc["departments"]] == ["fail", "missing", "missing"]


# ----------------------------------------------------------------------------- in LibreOffice
ATTACKS = {  # name → (distribution, the blank's department, the department typed in its place or None, typed changes)
    "honest": ("plain", 0, None, {}),
    "honest-keyed": ("keyed", 0, None, {}),
    "lowered": ("plain", 0, None, {TARGET: 80.0}),
    "lowered-keyed": ("keyed", 0, None, {TARGET: 80.0}),
    "dressed": ("plain", 1, 0, {}),  # department 1's blank, retyped as department 0's
    "last-year": ("last", 0, None, {}),
}


@pytest.fixture(scope="module")
def returns(bureau: dict[str, Any], template: Template, sample_fill: Fill) -> dict[str, Path]:
    from xlgen.libreoffice import convert

    root = bureau["root"] / "typed"
    root.mkdir()
    inputs = []
    for name, (dist, dept, claim, changes) in ATTACKS.items():
        values = typed(template, sample_fill, **changes)
        if claim is not None:
            values |= {bureau["code"]: CODES[claim], bureau["name"]: NAMES[claim]}
        inputs.append(set_cells(bureau[dist][CODES[dept]], root / f"{name}.xlsx", values))
    saved = {p.stem: p for p in convert(inputs, "xlsx", bureau["root"] / "saved")}
    out = bureau["root"] / "attacks"
    out.mkdir()
    lowered, lowered_keyed = saved["lowered"], saved["lowered-keyed"]
    reseal = _rewrite_record(lambda d: d["fields"].update({TARGET: 80.0}))
    saved["resealed"] = edit_part(lowered, out / "resealed.xlsx", CUSTOM, reseal)
    saved["stripped"] = strip_marks(lowered, out / "stripped.xlsx")
    saved["downgraded"] = edit_part(lowered, out / "downgraded.xlsx", CUSTOM, downgrade)
    saved["keyed-forged"] = edit_part(lowered_keyed, out / "keyed-forged.xlsx", CUSTOM, reseal)
    label = edit_part(saved["last-year"], out / "label.xlsx", "xl/sharedStrings.xml",
                      lambda xml: xml.replace(">2024<", ">2025<"))  # LibreOffice writes the year as a run of its own
    saved["re-dated"] = edit_part(label, out / "re-dated.xlsx", CUSTOM, redate(2024, 2025))
    return saved


# what each attack is found as under --distributed (against the plain distribution unless keyed)
FOUND = {
    "lowered": {("fixed-changed", "F17")},
    "resealed": {("fixed-changed", "F17"), ("seal-broken", None)},
    "stripped": {("marks-removed", None), ("fixed-changed", "F17")},
    "downgraded": {("marks-changed", None), ("fixed-changed", "F17")},
    "keyed-forged": {("fixed-changed", "F17"), ("seal-broken", None)},
    "dressed": {("marks-changed", None), ("seal-broken", None), ("fixed-changed", "D4"), ("fixed-changed", "D5")},
    "re-dated": {("seal-broken", None), ("fixed-changed", "D4"), ("fixed-changed", "D5")},
}


@pytest.mark.libreoffice
@pytest.mark.parametrize("dist", ["plain", "keyed"])
def test_an_honest_libreoffice_return_passes_against_its_blank(bureau: dict[str, Any], returns: dict[str, Path],
                                                              dist: str) -> None:
    path = returns["honest" if dist == "plain" else "honest-keyed"]
    for key in (None, bureau["key"]) if dist == "keyed" else (None,):
        result = verify_file(path, policy(bureau, dist, key))
        assert result.status == "pass", [f.message("en") for f in result.findings]
        assert result.total_score == pytest.approx(97.18)


@pytest.mark.libreoffice
@pytest.mark.parametrize("attack", sorted(FOUND))
def test_each_attack_fails_against_the_distribution_at_its_cell(bureau: dict[str, Any], returns: dict[str, Path],
                                                                attack: str) -> None:
    dist = "keyed" if attack.endswith("keyed") or attack == "keyed-forged" else "plain"
    result = verify_file(returns[attack], policy(bureau, dist))
    assert result.status == "fail"
    assert FOUND[attack] <= errors(result), sorted(errors(result))
    # rollover carries none of it: it would seal the department's values as the bureau's
    refused = next_fill(returns[attack], 2026, policy(bureau, dist))
    assert isinstance(refused, Finding) and refused.code.code == "not-carried"


@pytest.mark.libreoffice
def test_an_xls_return_that_cannot_be_converted_is_an_error_under_the_distribution(
        bureau: dict[str, Any], returns: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """xlgen's form saved as .xls, on a machine without LibreOffice: its values alone cannot pass
    under --distributed or --require-seal (without either it is read for its values, as before)."""
    from xlgen.libreoffice import convert

    (xls,) = convert([returns["honest"]], "xls", tmp_path / "xls")
    monkeypatch.setenv("PATH", str(tmp_path))  # soffice is not on the PATH
    assert verify_file(xls).status == "pass"
    for strict in (policy(bureau, "plain"), SealPolicy(require=True)):
        result = verify_file(xls, strict)
        assert result.status == "error"
        (found,) = [f for f in result.findings if f.code.code == "conversion-required"]
        assert found.message("en").startswith("this .xls file could not be converted to .xlsx (")
    out = runner.invoke(app, ["verify", str(xls), "--distributed", str(bureau["root"] / "plain"), "--json"])
    assert out.exit_code == 2
    doc = json.loads(out.stdout)
    assert [d["status"] for d in doc["departments"]] == ["error", "missing", "missing"]  # its department, not unexpected


@pytest.mark.libreoffice
def test_marks_stripped_are_an_error_under_require_seal_too(returns: dict[str, Path]) -> None:
    plain = verify_file(returns["stripped"])
    assert "marks-removed" not in {c for c, _ in errors(plain)}  # a hand-made form, read by its labels
    result = verify_file(returns["stripped"], SealPolicy(require=True))
    (found,) = [f for f in result.findings if f.code.code == "marks-removed"]
    assert found.message("en") == (
        f"the file claims to be the form distributed to the department {CODES[0]} but carries no xlgen marks "
        "(missing: the custom properties xlgen_*, the defined names xlgen_*, the hidden sheet lists): its formulas, "
        "protection and the seal of the bureau's values cannot be checked; reading by labels is only for forms xlgen "
        "never distributed (import)")


@pytest.mark.libreoffice
def test_one_line_says_a_plain_seal_shows_accidents_not_intent(bureau: dict[str, Any], returns: dict[str, Path]) -> None:
    notice = "a plain SHA-256 seal shows accidents, not intent"
    two = [str(returns["honest"]), str(returns["lowered"])]
    plain = runner.invoke(app, ["verify", *two, "--lang", "en"], terminal_width=400)
    assert plain.output.count(notice) == 1, plain.output
    assert "--distributed (the folder distributed) or --key-file" in plain.output
    judged = runner.invoke(app, ["verify", *two, "--lang", "en", "--distributed", str(bureau["root"] / "plain")],
                           terminal_width=400)
    assert notice not in judged.output
    keyed = runner.invoke(app, ["verify", str(returns["honest-keyed"]), "--lang", "en",
                                "--key-file", str(bureau["key_file"])], terminal_width=400)
    assert keyed.exit_code == 0 and notice not in keyed.output


# ----------------------------------------------------------------------------- formats on inputs
@pytest.mark.parametrize(("code", "percent", "shows"), [
    ("General", False, True), ("0.00", False, True), ("#,##0.00", False, True), ("0", False, True),
    ("[Red]0.00;[Blue]-0.00", False, True), ("G/通用格式", False, True), ("0.00%", True, True),
    ('"18"', False, False), ('0.00"0"', False, False), ("0.00,", False, False), ("[>10]0;0", False, False),
    ("0%", False, False), ("yyyy-mm-dd", False, False), ("0;0;0;\"18\"", False, False), (";;;", False, False),
])
def test_an_input_format_may_only_show_the_number_it_holds(code: str, percent: bool, shows: bool) -> None:
    from xlgen.verify.formats import shows_its_value

    assert shows_its_value(code, percent) is shows


@pytest.mark.libreoffice
def test_a_format_on_an_input_showing_another_number_is_format_changed(
        bureau: dict[str, Any], returns: dict[str, Path], template: Template, sample_fill: Fill, tmp_path: Path) -> None:
    from tests.helpers.dressup import number_format

    lay = layout_for(template, sample_fill)
    actual = lay.slot("indicators[0].actual")  # 重点工作办结率 全年完成值, a row in %
    edited = number_format(returns["honest"], tmp_path / "shown.xlsx", actual.a1, '"18"')
    result = verify_file(edited, policy(bureau, "plain"))
    (found,) = [f for f in result.findings if f.code.code == "format-changed"]
    assert (found.cell, result.status) == (actual.a1, "fail")
    assert found.message("en").startswith(f"{actual.a1} (重点工作办结率 全年完成值): the number format was changed to '\"18\"'")
    for allowed in ("#,##0.00", "0.0", "[Red]0.00", "0.00%"):  # a percent: the row is measured in %
        kept = number_format(returns["honest"], tmp_path / "kept.xlsx", actual.a1, allowed)
        assert verify_file(kept, policy(bureau, "plain")).status == "pass", allowed
    amount = lay.slot("tasks[0].executed")
    scaled = number_format(returns["honest"], tmp_path / "scaled.xlsx", amount.a1, "0%")
    assert ("format-changed", amount.a1) in errors(verify_file(scaled))


# ----------------------------------------------------------------------------- task rows left open
def test_an_open_task_row_may_not_carry_an_amount_when_the_bureau_set_the_tasks(
        bureau: dict[str, Any], tmp_path: Path) -> None:
    """The roster set three tasks; rows 4-6 are closed (issue 25): locked, not yellow, no input
    and no validation — the layout decides, and the reader rebuilds the same layout from the
    file (xlgen_tasks_set). Money pasted there anyway (an unprotected sheet) is task-added: the
    bureau did not give it (项目下达金额 = 执行金额 would score a full execution rate)."""
    import openpyxl

    from xlgen.generate.styles import INPUT_FILL
    from xlgen.intake.returned import read_returned

    blank = bureau["plain"][CODES[0]]
    ret = read_returned(blank)
    assert not isinstance(ret, Finding) and ret.layout.tasks_closed == (3, 4, 5)
    closed = [s for s in ret.layout.slots.values() if s.section == "tasks" and s.index >= 3 and s.role != "formula"]
    assert sorted({s.field for s in closed}) == ["allocated", "executed", "project", "weight"]
    assert all(s.role == "fixed" for s in closed) and not [s for s in ret.layout.input_slots() if s.section == "tasks"
                                                            and s.index >= 3]
    ws = openpyxl.load_workbook(blank).worksheets[0]
    validated = {c for dv in ws.data_validations.dataValidation for r in dv.sqref.ranges for c in r.cells}
    assert ws.protection.sheet
    for s in closed:
        cell = ws.cell(s.row + 1, s.col + 1)
        assert cell.protection.locked and cell.value is None, s.key
        assert (cell.fill.fgColor.rgb or "")[-6:] != INPUT_FILL[1:], s.key
        assert (s.row + 1, s.col + 1) not in validated, s.key
    # the reader's layout is the generator's: no formula, format or validation of the blank is off
    codes = {f.code.code for f in verify_file(blank, policy(bureau, "plain")).findings}
    assert codes and not codes & {"formula-changed", "format-changed", "validation-removed", "task-added"}, codes
    typed = set_cells(blank, tmp_path / "added.xlsx", {"H10": "自设任务", "I10": 50.0, "J10": 50.0})
    result = verify_file(typed, policy(bureau, "plain"))
    (found,) = [f for f in result.findings if f.code.code == "task-added"]
    assert (found.cell, found.field) == ("I10", "tasks[3].allocated")
    assert found.message("en") == ("I10 (年度主要任务第4行 项目下达金额) holds 50: the bureau set this department's tasks "
                                   "and their amounts; a row it left open may not be given an amount")
    assert ("task-added", "I10") in errors(verify_file(typed))  # the file's own record says the same


def test_tasks_a_department_typed_itself_are_named_for_the_bureau(tmp_path: Path, template: Template) -> None:
    """A CSV roster gives no tasks: the department types its own, and the bureau is told so."""
    from tests.helpers.common import ROOT

    dist = tmp_path / "dist"
    (done, *_) = distribute(template, ROOT / "samples" / "roster-2025.csv", 2025, dist)
    typed = set_cells(done.file, tmp_path / "own.xlsx", {"H7": "自设任务", "I7": 50.0, "J7": 50.0, "L7": 40.0})
    result = verify_file(typed, judged_against(SealPolicy(), dist, load_distribution(dist)))
    (found,) = [f for f in result.findings if f.code.code == "tasks-own"]
    assert found.severity == "warning" and "typed its own (1 rows)" in found.message("en")
    assert "task-added" not in {f.code.code for f in result.findings}
    returns = tmp_path / "returns"
    returns.mkdir()
    typed.replace(returns / typed.name)
    out = runner.invoke(app, ["verify", str(returns), "--distributed", str(dist), "--lang", "en"], terminal_width=400)
    assert out.output.rstrip().splitlines()[-1].endswith(f"; 1 departments typed their own tasks ({done.code})")


@pytest.mark.libreoffice
def test_rollover_of_the_collection_skips_the_tampered_department(bureau: dict[str, Any], returns: dict[str, Path],
                                                                 tmp_path: Path) -> None:
    """Department 0 returned a resealed record, department 1 an honest fill of its own blank (the
    dressed file is department 1's blank claiming department 0, so it is left out here)."""
    import shutil

    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(returns["resealed"], folder / "a.xlsx")
    out = tmp_path / "2026"
    result = runner.invoke(app, ["rollover", str(folder), "--distributed", str(bureau["root"] / "plain"),
                                 "--year", "2026", "-o", str(out), "--lang", "en"], terminal_width=400)
    assert result.exit_code == 1, result.output
    assert f"{CODES[0]}" in result.output and "not rolled over: " in result.output
    assert "record or seal differs from the blank" in result.output
    written = sorted(p.name for p in out.glob("*.xlsx"))
    assert len(written) == 2 and not any(CODES[0] in name for name in written)  # the others, from their blanks


def test_a_layout_before_seals_is_an_error_with_the_key(bureau: dict[str, Any], tmp_path: Path) -> None:
    """xlgen_layout = 1 with seal and record deleted: a warning for a file really made before
    seals, an error once the bureau checks with its key (and rollover never seals it again)."""
    blank = bureau["keyed"][CODES[0]]
    moved = set_cells(blank, tmp_path / "moved.xlsx", {bureau["target"]: 80.0})
    old = edit_part(moved, tmp_path / "old.xlsx", CUSTOM, downgrade)
    assert "seal-predates" in {f.code.code for f in verify_file(old).findings}
    result = verify_file(old, SealPolicy(bureau["key"]))
    (found,) = [f for f in result.findings if f.code.code == "seal-missing"]
    assert "layout 1 predates seals and the bureau's key was given" in found.message("en")
    refused = next_fill(old, 2026, SealPolicy(bureau["key"]))
    assert isinstance(refused, Finding) and refused.code.code == "not-carried"
    against = verify_file(old, policy(bureau, "keyed"))
    assert {("marks-changed", None), ("fixed-changed", bureau["target"])} <= errors(against)
