""".xls and WPS .et returns (issue 12): xlgen's form saved as .xls/.et is converted by LibreOffice
(private profile, time limit) and verified whole, with a `converted` warning; a hand-made .xls is
read for its values (no LibreOffice); without LibreOffice, or when it hangs, xlgen's .xls falls
back to the values path with a `not-converted` warning naming why; a damaged .xls is unreadable.

The .xls files are written by LibreOffice from xlgen workbooks (as a department saving the form
as .xls would); the .et is such an .xls renamed: WPS's .et is BIFF8, and LibreOffice's Excel 97
type lists the extension (share/registry/calc.xcd: "xls xlc xlm xlw xlk et").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.helpers.common import ROOT
from tests.helpers.userfill import set_cells
from xlgen.cli import app
from xlgen.generate.workbook import Generated
from xlgen.libreoffice import convert
from xlgen.verify.batch import verify_file

pytestmark = pytest.mark.libreoffice
runner = CliRunner()
SCORE = "indicators[0].score"  # typed over with a constant in the tampered file


@pytest.fixture(scope="module")
def books(sample: Generated, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    src = tmp_path_factory.mktemp("xlsx")
    shutil.copy(sample.path, src / "honest.xlsx")
    set_cells(sample.path, src / "tampered.xlsx", {sample.layout.slot(SCORE).a1: 1.5})
    shutil.copy(ROOT / "samples" / "chaoyang-2024-handmade.xlsx", src / "handmade.xlsx")
    out = tmp_path_factory.mktemp("returns")
    made = convert(sorted(src.glob("*.xlsx")), "xls", out)
    books = {p.stem: p for p in made}
    books["et"] = shutil.copyfile(books["honest"], out / "honest-wps.et")
    data = books["honest"].read_bytes()
    books["corrupt"] = out / "corrupt.xls"
    books["corrupt"].write_bytes(data[:512] + bytes(len(data) - 512))  # the OLE2 header, then zeros
    return books


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def codes(path: Path) -> list[str]:
    return [f.code.code for f in verify_file(path).findings]


def test_xlgen_xls_and_et_are_converted_and_verified(books: dict[str, Path], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # to see that no temporary file is left
    before = {name: digest(p) for name, p in books.items()}
    for name, shown in (("honest", ".xls"), ("et", ".et")):
        r = verify_file(books[name])
        assert (r.status, r.total_score, [f.code.code for f in r.findings]) == ("pass", 97.18, ["converted"])
        assert r.path == str(books[name])  # located at the file given, not at the conversion
        assert r.findings[0].message("zh") == (
            f"该文件是 {shown} 格式，已由 LibreOffice 转换为 .xlsx 后核验：公式、计算结果、保护和数据验证均读自转换后的文件"
            "（原文件未改动）；请尽量以 .xlsx 格式提交")
        assert r.findings[0].message("en").startswith(f"the file is an {shown} workbook, converted to .xlsx by LibreOffice")
    assert {name: digest(p) for name, p in books.items()} == before
    assert sorted(os.listdir(books["honest"].parent)) == sorted(p.name for p in books.values())  # no lock file
    assert os.listdir(tmp_path) == []


def test_a_tampered_xls_fails_at_the_cell(books: dict[str, Path], sample: Generated) -> None:
    r = verify_file(books["tampered"])
    errors = [(f.code.code, f.cell) for f in r.findings if f.severity == "error"]
    assert r.status == "fail" and ("formula-overwritten", sample.layout.slot(SCORE).a1) in errors, errors
    assert "converted" in [f.code.code for f in r.findings]


def test_a_handmade_xls_is_read_for_its_values(books: dict[str, Path], monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no LibreOffice needed
    r = verify_file(books["handmade"])
    assert (r.status, r.total_score) == ("pass", 97.18)
    assert "not-generated" in codes(books["handmade"]) and "converted" not in codes(books["handmade"])


def test_without_libreoffice_xlgen_xls_falls_back_to_its_values(books: dict[str, Path], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # soffice is not on the PATH
    r = verify_file(books["honest"])
    [note] = [f for f in r.findings if f.code.code == "not-converted"]
    assert (r.status, r.total_score) == ("pass", 97.18)
    assert "LibreOffice is not installed" in note.message("en") and "not-generated" not in codes(books["honest"])
    assert note.message("zh").startswith("该文件是 xlgen 生成的表另存的 .xls 文件，但未能由 LibreOffice 转换为 .xlsx（未安装 LibreOffice")


def test_a_hanging_conversion_is_stopped(books: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A LibreOffice that never returns (a stand-in on the PATH): its whole process group is killed
    at the time limit and the file is still read, for its values."""
    fake = tmp_path / "bin"
    fake.mkdir()
    pids = tmp_path / "pids"
    (fake / "soffice").write_text(f"#!/bin/sh\nsleep 300 &\necho $$ $! > {pids}\nwait\n", encoding="utf-8")
    (fake / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XLGEN_CONVERT_TIMEOUT", "1.5")
    r = verify_file(books["et"])
    [note] = [f for f in r.findings if f.code.code == "not-converted"]
    assert "LibreOffice did not finish within 1.5 s and was stopped" in note.message("en")
    assert "LibreOffice 在 1.5 秒内未完成，已终止" in note.message("zh")
    assert r.status == "pass"
    for pid in map(int, pids.read_text().split()):
        assert not _alive(pid), pid


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in state  # a zombie left to a container's init is dead too


def test_a_batch_mixing_them(books: dict[str, Path], sample: Generated, tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    for name in ("honest", "tampered", "et", "corrupt", "handmade"):
        shutil.copy(books[name], folder)
    shutil.copy(sample.path, folder / "plain.xlsx")
    result = runner.invoke(app, ["verify", str(folder), "--json"])
    files: dict[str, Any] = {Path(f["path"]).name: f for f in json.loads(result.output)["files"]}
    assert {name: f["status"] for name, f in files.items()} == {
        "honest.xls": "pass", "tampered.xls": "fail", "honest-wps.et": "pass", "corrupt.xls": "error",
        "handmade.xls": "pass", "plain.xlsx": "pass"}
    [bad] = files["corrupt.xls"]["findings"]
    assert bad["code"] == "unreadable" and ".xls" in bad["message"], bad
