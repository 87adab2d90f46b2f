"""What a user gave is never lost: every command writes its outputs atomically, never over an
existing file without --force and never over one of its own inputs (not even with --force); and
every command that reads a workbook reads it through the safe path (a bomb or a DTD is refused
with its reason, before openpyxl or LibreOffice could see it)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from tests.helpers.common import SAMPLE
from tests.helpers.hostile import LAUGHS, SHEET, Raw, edit_text, repeated_deflate, replace_entry, with_doctype, with_parts
from typer.testing import CliRunner
from tests.helpers.verifykit import cell_xml

from xlgen.cli import app
from xlgen.render import preview
from xlgen.errors import XlgenError
from xlgen.template.fill import Fill
from xlgen.template.model import Template
from xlgen.generate.workbook import Generated, generate
from xlgen.outputs import write_atomic

runner = CliRunner()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def invoke(*args: object, code: int = 2) -> str:
    """The output of a command that must exit with ``code`` (2: a refusal), not raise."""
    result = runner.invoke(app, [str(a) for a in args], terminal_width=200)
    assert result.exit_code == code, result.output
    if code:  # the CLI's refusals exit with their code; anything else raised is a bug
        assert isinstance(result.exception, SystemExit), repr(result.exception)
    else:
        assert result.exception is None, repr(result.exception)
    assert "Traceback" not in result.output
    return result.output


@pytest.fixture()
def returned(sample: Generated, tmp_path: Path) -> Path:
    folder = tmp_path / "returned"
    folder.mkdir()
    path = folder / "chaoyang-2024.xlsx"
    path.write_bytes(sample.path.read_bytes())
    return path


# safezip's refusal of bomb_of's file, from the size the zip's directory declares (2 GiB; the
# ratio to its compressed size, about 1000, moves with the sheet's own bytes)
BOMB_REFUSED = f"a zip bomb: the part '{SHEET}' declares 2.0 GiB inflated, "


def bomb_of(good: Path, dst: Path) -> Path:
    """``good`` with its sheet part 2 GiB of spaces at about 1000:1 (a few MB on disk)."""
    with __import__("zipfile").ZipFile(good) as zf:
        xml = zf.read(SHEET)
    at = xml.index(b"<sheetData>") + len(b"<sheetData>")
    payload, size, crc = repeated_deflate(xml[:at], b" " * (1 << 20), 2048, xml[at:])
    return with_parts(good, dst, replace_entry(SHEET, Raw(SHEET, payload, size, crc)))


# ----------------------------------------------------------------------------- never over an input
def test_generate_never_writes_over_its_data(tmp_path: Path) -> None:
    data = tmp_path / "fill.toml"
    data.write_bytes(SAMPLE.read_bytes())
    before = digest(data)
    out = invoke("generate", "liaoning-department-overall", "--data", data, "-o", data, "--force")
    assert "is an input of this command" in out
    assert digest(data) == before


def test_rollover_never_writes_over_a_returned_file(returned: Path, tmp_path: Path) -> None:
    before = digest(returned)
    out = invoke("rollover", returned, "--year", "2025", "-o", returned, "--force")
    assert "is an input of this command" in out
    link = tmp_path / "link.xlsx"
    os.symlink(returned, link)  # the same file by another name
    out = invoke("rollover", returned, "--year", "2025", "-o", link, "--force")
    assert "is an input of this command" in out
    assert digest(returned) == before


def test_rollover_of_a_folder_into_itself_keeps_every_returned_file(returned: Path, template: Template,
                                                                     sample_fill: Fill) -> None:
    # a returned file that happens to bear the name the rolled-over blank would take
    clash = returned.parent / "2025_703010_朝阳市工业和信息化工作服务中心.xlsx"
    clash.write_bytes(returned.read_bytes())
    before = {p: digest(p) for p in returned.parent.iterdir()}
    out = invoke("rollover", returned.parent, "--year", "2025", "-o", returned.parent, "--force")
    assert "is an input of this command" in out
    assert {p: digest(p) for p in before} == before


def test_verify_report_never_replaces_a_verified_file(returned: Path) -> None:
    before = digest(returned)
    out = invoke("verify", returned.parent, "--report", returned, "--force")
    assert "is an input of this command" in out
    assert digest(returned) == before


def test_preview_never_writes_over_its_workbook(returned: Path, tmp_path: Path) -> None:
    odd = tmp_path / "form.pdf"  # a workbook named .pdf, rendered onto itself
    odd.write_bytes(returned.read_bytes())
    out = invoke("preview", odd, "-o", odd, "--force")
    assert "is an input of this command" in out
    assert digest(odd) == digest(returned)


def test_distribute_never_writes_over_its_roster(template: Template, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    roster = out / "manifest.csv"  # the roster where the manifest goes
    roster.write_text("部门编码,部门名称\n703010,朝阳市工业和信息化工作服务中心\n", encoding="utf-8")
    before = digest(roster)
    text = invoke("distribute", "liaoning-department-overall", "--roster", roster, "--year", "2025",
                        "-o", out, "--force", "--leave-open")
    assert "is an input of this command" in text
    assert digest(roster) == before
    assert sorted(p.name for p in out.iterdir()) == ["manifest.csv"]  # nothing written at all


# ----------------------------------------------------------------------------- never over a file without --force
def test_rollover_keeps_an_existing_output_without_force(returned: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine.xlsx"
    mine.write_bytes(b"someone's own workbook")
    out = invoke("rollover", returned, "--year", "2025", "-o", mine)
    assert "already exists; pass --force" in out
    assert mine.read_bytes() == b"someone's own workbook"
    invoke("rollover", returned, "--year", "2025", "-o", mine, "--force", code=0)
    assert mine.read_bytes()[:2] == b"PK"


def test_an_output_that_is_a_folder_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "taken"
    (folder / "inside").mkdir(parents=True)
    out = invoke("generate", "liaoning-department-overall", "-o", folder, "--force")
    assert "cannot be written" in out and "folder" in out
    assert (folder / "inside").is_dir()


# ----------------------------------------------------------------------------- atomic writes
def test_a_failed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"

    def half(tmp: Path) -> None:
        tmp.write_bytes(b"half a workbook")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomic(out, False, half)
    assert list(tmp_path.iterdir()) == []
    out.write_bytes(b"yesterday's report")
    with pytest.raises(RuntimeError):
        write_atomic(out, True, half)  # even with force, the old file stays whole
    assert out.read_bytes() == b"yesterday's report"
    assert list(tmp_path.iterdir()) == [out]


def test_a_file_that_appears_while_writing_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "blank.xlsx"

    def racing(tmp: Path) -> None:
        tmp.write_bytes(b"ours")
        out.write_bytes(b"another process's")  # appears after the existence check

    with pytest.raises(XlgenError, match="already exists"):
        write_atomic(out, False, racing)
    assert out.read_bytes() == b"another process's"
    assert list(tmp_path.iterdir()) == [out]


def test_outputs_are_ordinary_files(template: Template, tmp_path: Path) -> None:
    out = generate(template, None, tmp_path / "blank.xlsx").path
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    assert [p.name for p in tmp_path.iterdir()] == ["blank.xlsx"]


# ----------------------------------------------------------------------------- every reader through the safe path
def test_rollover_refuses_a_bomb_by_its_declared_size(returned: Path, tmp_path: Path) -> None:
    bomb = bomb_of(returned, tmp_path / "bomb.xlsx")
    before = digest(bomb)
    out = invoke("rollover", bomb, "--year", "2025", "-o", tmp_path / "next.xlsx")
    assert BOMB_REFUSED in out  # refused by what the zip's directory declares: nothing was inflated
    assert not (tmp_path / "next.xlsx").exists()
    assert digest(bomb) == before


@pytest.mark.parametrize("kind", ["bomb", "laughs"])
def test_an_xlsx_roster_is_read_through_the_safe_path(kind: str, sample: Generated, tmp_path: Path) -> None:
    roster = tmp_path / "roster.xlsx"
    if kind == "bomb":
        bomb_of(sample.path, roster)
    else:
        edit_text(sample.path, roster, "xl/sharedStrings.xml", with_doctype(LAUGHS))
    out = invoke("distribute", "liaoning-department-overall", "--roster", roster, "--year", "2025",
                 "-o", tmp_path / "out")
    assert (BOMB_REFUSED if kind == "bomb" else "DTD") in out
    assert not (tmp_path / "out").exists()


def test_preview_refuses_a_bomb_before_libreoffice(returned: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    bomb = bomb_of(returned, tmp_path / "bomb.xlsx")
    converted: list[object] = []
    monkeypatch.setattr(preview, "convert", lambda *args, **kw: converted.append(args) or [])
    out = invoke("preview", bomb, "-o", tmp_path / "bomb.pdf")
    assert "cannot be read" in out and BOMB_REFUSED in out
    assert converted == []  # LibreOffice never saw it
    assert not (tmp_path / "bomb.pdf").exists()


def test_xlsx_roster_text_stays_text(template: Template, tmp_path: Path) -> None:
    """Read through the reader now, an .xlsx roster's texts (typed, or a formula's saved text)
    are written as strings: never a formula, never a link."""
    import re
    import zipfile

    import xlsxwriter

    from xlgen.cycle.distribute import distribute
    from xlgen.layout.values import layout_for

    roster = tmp_path / "roster.xlsx"
    wb = xlsxwriter.Workbook(str(roster), {"strings_to_formulas": False})
    ws = wb.add_worksheet("departments")
    for col, head in enumerate(("department_code", "department_name", "area_code")):
        ws.write_string(0, col, head)
    ws.write_string(1, 0, "703010")
    ws.write_string(1, 1, "=cmd|' /C calc'!A0")
    ws.write_formula(1, 2, '="@SUM"&"(A1)"', None, "@SUM(A1)")  # the roster's own formula: its saved text
    wb.close()
    (done,) = distribute(template, roster, 2025, tmp_path / "out", leave_open=True)
    with zipfile.ZipFile(done.file) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
        strings = re.findall(r"<si><t[^>]*>(.*?)</t></si>", zf.read("xl/sharedStrings.xml").decode("utf-8"), re.S)
    lay = layout_for(template, None)
    for key, text in (("header.department_name", "=cmd|' /C calc'!A0"), ("header.area_code", "@SUM(A1)")):
        cell = cell_xml(xml, lay.slot(key).a1)
        assert "<f>" not in cell and 't="s"' in cell, cell
        index = int(re.search(r"<v>(\d+)</v>", cell).group(1))  # type: ignore[union-attr]
        assert strings[index].replace("&apos;", "'") == text
