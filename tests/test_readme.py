"""The README's and docs/'s commands, run as written; their links and the module table kept true."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.helpers.common import ROOT
from xlgen.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = sorted((ROOT / "docs").glob("*.md"))
BLOCK = re.compile(r"```bash\n(.*?)```", re.S)
BLOCKS = BLOCK.findall(README)
YEAR_HEADING = "## The year in five commands"


def _year_block() -> str:
    return BLOCK.findall(README[README.index(YEAR_HEADING):])[0]


def _commands(block: str) -> list[str]:
    return [line for line in block.splitlines() if line.startswith("xlgen ")]


def _examples(text: str) -> list[str]:
    return [line for block in BLOCK.findall(text) for line in _commands(block)]


def _run(line: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, shlex.split(line)[1:])
    return result.exit_code, result.output


def test_first_block_installs_and_generates_the_sample() -> None:
    command = BLOCKS[0].strip()
    assert command.startswith("pip install -e .") and "xlgen generate" in command
    out = ROOT / "out" / "chaoyang-2024.xlsx"
    proc = subprocess.run(["bash", "-c", command], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "总评价得分 97.18" in proc.stdout
    ws = openpyxl.load_workbook(out, data_only=True).worksheets[0]
    assert 97.18 in [c.value for row in ws.iter_rows() for c in row]


def test_second_block_is_what_ci_runs() -> None:
    assert BLOCKS[1].strip() == "bash tools/test.sh"
    assert "bash tools/test.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_stays_a_front_door() -> None:
    assert len(README.splitlines()) <= 250
    assert BLOCKS[2] == _year_block(), "the year in five commands comes right after the set-up"
    assert len(_commands(_year_block())) == 5


def test_the_year_in_five_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bureau's year as the README gives it; one department sends its blank back untouched."""
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    templates, keygen, distribute, verify, rollover = _commands(_year_block())
    for line in (templates, keygen, distribute):
        code, output = _run(line)
        assert code == 0, f"{line}: {output}"
    assert "liaoning-department-overall" in _run(templates)[1]
    blanks = sorted(Path("out/2025").glob("2025_*.xlsx"))
    assert [b.name[:11] for b in blanks] == ["2025_703010", "2025_703011", "2025_703012"]
    Path("returned").mkdir()
    shutil.copy(blanks[0], Path("returned") / "退回.xlsx")
    code, output = _run(verify)
    assert code == 1, output  # not every department passed: two returned nothing, one its blank
    assert "3 departments: 0 pass, 0 fail, 0 error, 2 missing, 0 duplicate, 1 untouched" in " ".join(output.split())
    summary = openpyxl.load_workbook("out/汇总-2025.xlsx", read_only=True)
    assert summary.sheetnames == ["summary", "findings", "charts"]  # 汇总, 问题清单, 图表 in a Chinese run
    listed = {str(c) for row in summary["summary"].iter_rows(values_only=True) for c in row}
    assert {"703010", "703011", "703012"} <= listed
    code, output = _run(rollover)
    assert code == 0, output
    assert sorted(p.name[:11] for p in Path("out/2026").glob("*.xlsx")) == ["2026_703010", "2026_703011", "2026_703012"]
    assert (Path("out/2026") / "manifest.csv").exists()


def _documents() -> list[tuple[str, str]]:
    """Each document's examples run in a folder of their own (README: the blocks after the year's)."""
    readme_rest = README[README.index(YEAR_HEADING):].replace(_year_block(), "", 1)
    return [("README.md", readme_rest)] + [(f"docs/{p.name}", p.read_text(encoding="utf-8")) for p in DOCS]


@pytest.mark.parametrize("name", [name for name, _ in _documents()])
def test_every_documented_example_runs(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each `xlgen …` line of the document's bash blocks, in order, in a fresh folder holding samples/."""
    text = dict(_documents())[name]
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    for line in _examples(text):
        code, output = _run(line)
        assert code == 0, f"{name}: {line}: {output}"


def test_every_document_with_examples_is_run() -> None:
    assert [name for name, text in _documents() if _examples(text)] == [
        "README.md", "docs/cycle.md", "docs/design.md", "docs/templates.md", "docs/verify.md", "docs/workbook.md",
    ]


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("path", [ROOT / "README.md", *DOCS], ids=lambda p: p.name)
def test_links_between_documents_resolve(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for target, anchor in re.findall(r"\]\(((?:[\w./-]+\.md)?)(?:#([\w-]+))?\)", text):
        doc = (path.parent / target) if target else path
        assert doc.exists(), f"{path.name}: link to {target}"
        if anchor:
            headings = re.findall(r"^#+ (.*)$", doc.read_text(encoding="utf-8"), re.M)
            assert anchor in [_anchor(h) for h in headings], f"{path.name}: no heading #{anchor} in {doc.name}"


def test_every_module_is_in_the_design_table() -> None:
    design = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
    package = ROOT / "xlgen"
    modules = [p.relative_to(package).as_posix() for p in package.rglob("*.py") if p.name != "__init__.py"]
    missing = [m for m in sorted(modules) if f"`{m}`" not in design]
    assert not missing, f"docs/design.md's table of stages does not name {missing}"
