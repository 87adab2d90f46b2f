"""Templates outside the built-in folder: a bureau's own form, and last year's version of a form
kept to verify last year's files (`--templates DIR` on every command, or $XLGEN_TEMPLATES)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from tests.helpers.common import ROOT, SAMPLE
from xlgen.cli import app
from xlgen.template.model import TEMPLATES_ENV

runner = CliRunner()
BUILT_IN = ROOT / "templates"


def _copy(name: str, folder: Path, **replace: str) -> Path:
    """A built-in template copied into ``folder`` with some text replaced (each must occur)."""
    text = (BUILT_IN / f"{name}.toml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), terminal_width=200)
    assert TEMPLATES_ENV not in os.environ  # --templates holds for that command only
    return result.exit_code, result.output


def test_last_years_version_verifies_with_its_folder(tmp_path: Path) -> None:
    old = tmp_path / "templates-2023"
    _copy("liaoning-department-overall", old, **{'version = "2024.1"': 'version = "2023.1"'})
    made = tmp_path / "returned.xlsx"
    code, out = _run("generate", "liaoning-department-overall", "--templates", str(old),
                     "--data", str(SAMPLE), "-o", str(made))
    assert code == 0 and "template liaoning-department-overall 2023.1" in out  # the first folder wins

    code, out = _run("verify", str(made), "--json")
    assert code == 2
    found = json.loads(out)["files"][0]
    assert found["status"] == "error" and found["findings"][0]["code"] == "unknown-template"
    assert "liaoning-department-overall 2023.1" in found["findings"][0]["message"]

    code, out = _run("verify", str(made), "--json", "--templates", str(old))
    assert code == 0, out
    found = json.loads(out)["files"][0]
    assert (found["status"], found["total_score"], found["findings"]) == ("pass", 97.18, [])


def test_a_bureaus_own_template(tmp_path: Path) -> None:
    own = tmp_path / "bureau"
    _copy("mof-project", own, **{'id = "mof-project"': 'id = "bureau-project"',
                                 'version = "2024.1"': 'version = "2025.1"'})
    (own / "mof-project.toml").rename(own / "bureau-project.toml")

    code, out = _run("templates", "--templates", str(own))
    assert code == 0
    assert "bureau-project" in out and str(own / "bureau-project.toml") in out
    assert "liaoning-department-overall" in out  # the built-in ones stay listed

    code, out = _run("templates", "check", str(own / "bureau-project.toml"))
    assert code == 0 and "template bureau-project 2025.1 is valid" in out  # its base is the built-in one

    code, out = _run("generate", "bureau-project", "-o", str(tmp_path / "x.xlsx"))
    assert code == 2 and "template 'bureau-project' not found" in out
    code, out = _run("generate", "bureau-project", "--templates", str(own), "--data",
                     str(ROOT / "samples" / "mof-project-2024.toml"), "-o", str(tmp_path / "x.xlsx"))
    assert code == 0, out
    # two files, two worker processes: they look in the same folders
    (tmp_path / "y.xlsx").write_bytes((tmp_path / "x.xlsx").read_bytes())
    code, out = _run("verify", str(tmp_path / "x.xlsx"), str(tmp_path / "y.xlsx"), "--templates", str(own),
                     "--json", "--jobs", "2")
    files = json.loads(out)["files"]
    assert code == 0 and [(f["template"], f["status"]) for f in files] == [("bureau-project", "pass")] * 2, out


def test_the_environment_variable_takes_several_folders(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    _copy("mof-project", a, **{'version = "2024.1"': 'version = "2022.1"'})
    _copy("mof-project", b, **{'version = "2024.1"': 'version = "2023.1"'})
    os.environ[TEMPLATES_ENV] = os.pathsep.join([str(a), str(b)])
    try:
        listed = runner.invoke(app, ["templates"], terminal_width=200).output
    finally:
        del os.environ[TEMPLATES_ENV]
    rows = [line.split()[:2] for line in listed.splitlines()]
    assert [r for r in rows if r[0] == "mof-project"] == [
        ["mof-project", "2022.1"], ["mof-project", "2023.1"], ["mof-project", "2024.1"]]


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    nowhere = tmp_path / ("a-folder-with-a-long-name-" * 6) / "nowhere"  # wider than the terminal
    result = runner.invoke(app, ["verify", str(tmp_path), "--templates", str(nowhere)])  # 80 columns
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if "--templates" in line]
    assert len(lines) == 1 and str(nowhere) in lines[0] and "does not exist" in lines[0], result.output
    assert "Traceback" not in result.output


def test_the_sample_bureau_template_has_hubeis_bands(tmp_path: Path) -> None:
    """samples/bureau-templates/hubei-project.toml: the MOF form with bands 80 / 50. A 部分达成
    row at 0.55 passes there, and is outside the band [0.6, 0.8) of the national form."""
    fill = tmp_path / "fill.toml"
    text = (ROOT / "samples" / "mof-project-2024.toml").read_text(encoding="utf-8")
    assert text.count("degree = 0.7\n") == 1
    fill.write_text(text.replace("degree = 0.7\n", "degree = 0.55\n"), encoding="utf-8")
    bureau = str(ROOT / "samples" / "bureau-templates")
    results = {}
    for tid in ("hubei-project", "mof-project"):
        out = tmp_path / f"{tid}.xlsx"
        code, printed = _run("generate", tid, "--templates", bureau, "--data", str(fill), "-o", str(out))
        assert code == 0, printed
        code, printed = _run("verify", str(out), "--templates", bureau, "--json", "--lang", "en")
        results[tid] = (code, json.loads(printed)["files"][0])
    assert results["hubei-project"][0] == 0 and results["hubei-project"][1]["findings"] == []
    code, mof = results["mof-project"]
    assert code == 1 and [f["code"] for f in mof["findings"]] == ["grade-band"]
    assert "has the degree 0.55, outside the band [0.6, 0.8) of its grade '部分达成年度指标并具有一定效果'" \
        in mof["findings"][0]["message"]


def _cells(path: Path) -> list[object]:
    import openpyxl

    ws = openpyxl.load_workbook(path).worksheets[0]
    return [c.value for row in ws.iter_rows() for c in row]


def test_rollover_moves_to_the_newest_version(tmp_path: Path) -> None:
    """Last year's file (2024.1) rolls over onto this year's version of its form (2025.1), found in
    --templates; an indicator the new tree renamed stays, as one of the department's own."""
    new = tmp_path / "templates-2025"
    _copy("liaoning-department-overall", new, **{'version = "2024.1"': 'version = "2025.1"',
                                                 'name = "工作完成及时率"': 'name = "工作按时完成率"'})
    returned = tmp_path / "returned-2024.xlsx"
    code, out = _run("generate", "liaoning-department-overall", "--data", str(SAMPLE), "-o", str(returned))
    assert code == 0 and "2024.1" in out

    code, out = _run("rollover", str(returned), "--year", "2025", "-o", str(tmp_path / "same.xlsx"))
    assert code == 0 and "template liaoning-department-overall 2024.1" in out  # nothing newer known

    code, out = _run("rollover", str(returned), "--year", "2025", "-o", str(tmp_path / "next.xlsx"),
                     "--templates", str(new))
    assert code == 0 and "template liaoning-department-overall 2025.1" in out, out
    cells = _cells(tmp_path / "next.xlsx")
    assert cells.count("工作按时完成率") == 1  # the new tree's row
    assert cells.count("工作完成及时率") == 1  # the old one, carried as the department's own
    code, out = _run("verify", str(tmp_path / "next.xlsx"), "--templates", str(new), "--json")
    assert json.loads(out)["files"][0]["template"] == "liaoning-department-overall"


def test_two_files_with_one_id_and_version_are_refused(tmp_path: Path) -> None:
    """Which one generate and verify used would depend on the order of the folders."""
    a = _copy("mof-project", tmp_path / "a", **{'title = "': 'title = "甲 '})
    b = _copy("mof-project", tmp_path / "b", **{'title = "': 'title = "乙 '})
    env = os.pathsep.join([str(a.parent), str(b.parent)])
    for args in (["generate", "mof-project", "-o", str(tmp_path / "x.xlsx")], ["verify", str(tmp_path)]):
        result = runner.invoke(app, args, env={TEMPLATES_ENV: env})
        assert result.exit_code == 2 and "Traceback" not in result.output
        assert f"template mof-project 2024.1 is in two files: {a} and {b}" in result.output, result.output
    assert not (tmp_path / "x.xlsx").exists()
    listed = runner.invoke(app, ["templates"], env={TEMPLATES_ENV: env})
    assert listed.exit_code == 0 and "is in two files" in listed.output and "甲" in listed.output
    same = _copy("mof-project", tmp_path / "c")  # an identical copy is no conflict
    code, out = _run("generate", "mof-project", "--templates", str(same.parent), "--year", "2025",
                     "-o", str(tmp_path / "y.xlsx"))
    assert code == 0, out
