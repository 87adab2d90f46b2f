"""No traceback from any command on any input: a table of inputs that crashed xlgen once, each
run through the CLI with its exit code and the message that names the file and what to do."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers.common import LIAONING, ROOT, SAMPLE
from xlgen.cli import app
from xlgen.verify.manifest import MANIFEST, read_manifest

runner = CliRunner()
TEMPLATE = (ROOT / "templates" / f"{LIAONING}.toml").read_text(encoding="utf-8")
ROSTER = (ROOT / "samples" / "roster-2025.csv").read_text(encoding="utf-8-sig")


def _template(tmp: Path, old: str, new: str) -> list[str]:
    assert old in TEMPLATE
    path = tmp / "broken.toml"
    path.write_text(TEMPLATE.replace(old, new, 1), encoding="utf-8")
    return ["templates", "check", str(path)]


def _fill(tmp: Path, old: str, new: str) -> list[str]:
    text = SAMPLE.read_text(encoding="utf-8")
    assert old in text
    path = tmp / "fill.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return ["generate", LIAONING, "--data", str(path), "-o", str(tmp / "x.xlsx")]


def _file(tmp: Path) -> Path:
    taken = tmp / "taken"
    taken.write_text("a file, not a folder", encoding="utf-8")
    taken.with_suffix(".xlsx").write_text("someone's file", encoding="utf-8")
    return taken


def _returned(tmp: Path) -> Path:
    folder = tmp / "returned"
    result = runner.invoke(app, ["generate", LIAONING, "--data", str(SAMPLE), "-o", str(folder / "a.xlsx")])
    assert result.exit_code == 0, result.output
    return folder


# name → (command line for a temporary folder, exit code, what the message says)
CASES: dict[str, tuple[Callable[[Path], list[str]], int, str]] = {
    "distribute -o a file": (
        lambda t: ["distribute", LIAONING, "--roster", str(ROOT / "samples" / "roster-2025.csv"), "--year", "2025",
                   "-o", str(_file(t))], 2, "taken: cannot be written: it is a file; --output names a folder"),
    "rollover of a folder -o a file": (
        lambda t: ["rollover", str(_returned(t)), "--year", "2025", "-o", str(_file(t))], 2,
        "taken: cannot be written: it is a file; for a folder --output names a folder"),
    "rollover -o an existing file": (
        lambda t: ["rollover", str(_returned(t) / "a.xlsx"), "--year", "2025", "-o", str(_file(t).with_suffix(".xlsx"))],
        2, "taken.xlsx: already exists; pass --force to overwrite it"),
    "nan in a fill": (
        lambda t: _fill(t, "allocated = 12.79", "allocated = nan"), 2, "fill.toml: key 'tasks[0].allocated': nan is not a finite number"),
    "inf in a fill": (
        lambda t: _fill(t, "actual = 100", "actual = -inf"), 2, "is not a finite number"),
    "a template without the degree column": (
        lambda t: _template(t, 'field = "degree"', 'field = "done"'), 1,
        "broken.toml: key 'formulas.indicator_score': placeholder {degree} names no column of the indicators table"),
    "a template without level1": (
        lambda t: _template(t, 'field = "level1"', 'field = "top"'), 1,
        "broken.toml: key 'tree[0].level1': has no effect here (the indicators have no 'level1' column)"),
    "a header wider than the table": (
        lambda t: _template(t, 'span = 9, type = "text", required = true, hint = "部门（单位）全称"',
                            'span = 30, type = "text", required = true, hint = "部门（单位）全称"'), 1,
        "key 'header[0].fields': the label and fields span"),
    "a total label wider than the table": (
        lambda t: _template(t, "label_span = 10", "label_span = 99"), 1, "key 'total.label_span': 99 leaves no column"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_clear_error_not_a_traceback(name: str, tmp_path: Path) -> None:
    make, code, says = CASES[name]
    result = runner.invoke(app, make(tmp_path))
    # both must hold: `A and B or C` let a SystemExit excuse a traceback in the output
    assert "Traceback" not in result.output, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # an exit code, not a raise
    assert result.exit_code == code and says in result.output, result.output
    assert len(result.output.strip().splitlines()) <= 3, result.output  # a message, not a dump


def test_a_long_department_name_keeps_its_code_and_the_manifest(tmp_path: Path) -> None:
    long_name = "朝阳市" + "工业和信息化工作服务中心" * 23  # 279 characters, 837 bytes in UTF-8
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER.replace("朝阳市工业和信息化工作服务中心", long_name), encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["distribute", LIAONING, "--roster", str(roster), "--year", "2025", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = read_manifest(out / MANIFEST)
    first = next(r for r in rows if r["code"] == "703010")
    assert first["name"] == long_name  # the manifest keeps the whole name
    assert re.fullmatch(r"2025_703010_朝阳市工业和信息化.*\.xlsx", first["file"]) and len(first["file"].encode()) <= 180
    assert sorted(p.name for p in out.glob("*.xlsx")) == sorted(r["file"] for r in rows)


def test_the_manifest_lists_what_was_written_when_a_workbook_fails(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    lines = ROSTER.splitlines()
    blocked = out / f"2025_{lines[2].split(',')[0]}_{lines[2].split(',')[1]}.xlsx"
    blocked.mkdir()  # the second department's workbook cannot be written: a folder holds its name
    result = runner.invoke(app, ["distribute", LIAONING, "--roster", str(ROOT / "samples" / "roster-2025.csv"),
                                 "--year", "2025", "-o", str(out), "--force"])
    assert result.exit_code == 2 and "cannot be written: it is a folder" in result.output and "Traceback" not in result.output
    with (out / MANIFEST).open(encoding="utf-8-sig", newline="") as fh:
        written = [row["code"] for row in csv.DictReader(fh)]
    assert written == [lines[1].split(",")[0]]  # the first one, written before the failure
