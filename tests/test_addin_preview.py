"""`xlgen preview FILE -o OUT.pdf|.png`: LibreOffice renders the recalculated workbook; without
LibreOffice, a clear error and no traceback."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers.addinxml import without_cached_values
from xlgen import libreoffice
from xlgen.cli import app
from xlgen.generate.workbook import Generated

runner = CliRunner()


@pytest.mark.libreoffice
def test_preview_pdf_is_recalculated(sample: Generated, tmp_path: Path) -> None:
    stale = without_cached_values(sample.path, tmp_path / "stale.xlsx")
    out = tmp_path / "out" / "form.pdf"
    result = runner.invoke(app, ["preview", str(stale), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file() and out.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "97.18" in text and "1.472" in text  # 总评价得分 and the 预算执行率 score, recomputed
    again = runner.invoke(app, ["preview", str(stale), "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output


@pytest.mark.libreoffice
def test_preview_png_is_page_one(sample: Generated, tmp_path: Path) -> None:
    # poppler-utils is part of the LibreOffice install (real-clients.md): missing, it is a failure
    assert shutil.which("pdftoppm") is not None, "poppler's pdftoppm is not installed (apt-get install poppler-utils)"
    out = tmp_path / "page1.png"
    result = runner.invoke(app, ["preview", str(sample.path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    head = out.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    assert width > height > 500  # landscape A4


def test_preview_without_libreoffice_says_how_to_install(
        sample: Generated, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(libreoffice.shutil, "which", lambda name: None)
    result = runner.invoke(app, ["preview", str(sample.path), "-o", str(tmp_path / "x.pdf")])
    assert isinstance(result.exception, SystemExit) and result.exit_code == 2  # an exit code, not a raise
    assert result.output == ("error: LibreOffice is not installed: install it with the system's package manager "
                             "(Debian/Ubuntu: apt-get install libreoffice-calc-nogui fonts-wqy-microhei)\n")  # one line
    assert not (tmp_path / "x.pdf").exists()
    monkeypatch.setattr(libreoffice.sys, "platform", "win32")  # a Windows user is never told to apt-get
    windows = runner.invoke(app, ["preview", str(sample.path), "-o", str(tmp_path / "x.pdf"), "--lang", "zh"])
    assert windows.exit_code == 2
    assert windows.output == ("错误：未安装 LibreOffice：请从 https://zh-cn.libreoffice.org 下载安装 Windows 版，"
                              "并确认 soffice 所在文件夹已加入 PATH\n")


@pytest.mark.parametrize(("name", "message"), [("x.docx", "expected a .pdf or .png output"),
                                               ("x", "expected a .pdf or .png output")])
def test_preview_refuses_other_formats(sample: Generated, tmp_path: Path, name: str, message: str) -> None:
    result = runner.invoke(app, ["preview", str(sample.path), "-o", str(tmp_path / name)])
    assert result.exit_code == 2 and message in result.output


def test_preview_of_a_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["preview", str(tmp_path / "none.xlsx"), "-o", str(tmp_path / "x.pdf")])
    assert result.exit_code == 2 and "file not found" in result.output
