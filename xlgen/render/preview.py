"""`xlgen preview`: the printed form, as LibreOffice Calc renders it after recalculating.

PDF comes straight from LibreOffice (which follows the workbook's own print setup); PNG is the
PDF's first page, rasterised by poppler's ``pdftoppm``. Both are written to a temporary file
beside the output and renamed, so an output is never half-written.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from xlgen.errors import ErrorCode, XlgenError, said
from xlgen.errors.system import SystemCode
from xlgen.libreoffice import LibreOfficeError, convert
from xlgen.findings import Finding
from xlgen.intake.package import open_workbook
from xlgen.outputs import refuse_inputs, write_atomic
from xlgen.oserrors import output_file

FORMATS = (".pdf", ".png")
PNG_DPI = 110


@dataclass(frozen=True)
class PreviewOptions:
    file: Path  # the workbook
    output: Path  # .pdf: every page; .png: page 1
    force: bool = False


def preview(options: PreviewOptions) -> Path:
    """Render the workbook as it prints, recalculated by LibreOffice; the output's path."""
    workbook, out, force = options.file, options.output, options.force
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise XlgenError(ErrorCode.PREVIEW_FORMAT, file=out, suffix=out.suffix or "(none)")
    if not workbook.is_file():
        raise XlgenError(ErrorCode.FILE_MISSING, file=workbook)
    refuse_inputs([out], [workbook])
    output_file(out, force)  # before LibreOffice's minute of work
    opened = open_workbook(workbook)  # the safe path first: LibreOffice never gets a bomb or a DTD
    if isinstance(opened, Finding):
        raise XlgenError(ErrorCode.INPUT_UNREADABLE, file=workbook, detail=opened.params["reason"])
    with tempfile.TemporaryDirectory(prefix="xlgen-preview-") as tmp:
        try:
            (pdf,) = convert([workbook], "pdf", Path(tmp))
        except LibreOfficeError as exc:
            raise XlgenError(ErrorCode.RENDERER, detail=exc.text) from None
        rendered = pdf if suffix == ".pdf" else _first_page_png(pdf, Path(tmp) / "page")
        write_atomic(out, force, lambda dst: shutil.copyfile(rendered, dst), keep=[workbook])
    return out


def _first_page_png(pdf: Path, stem: Path) -> Path:
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise XlgenError(ErrorCode.RENDERER, detail=said(SystemCode.NO_PDFTOPPM))
    proc = subprocess.run([exe, "-png", "-r", str(PNG_DPI), "-f", "1", "-l", "1", "-singlefile", str(pdf), str(stem)],
                          capture_output=True, text=True, check=False)
    png = stem.with_suffix(".png")
    if proc.returncode != 0 or not png.is_file():
        told = proc.stderr.strip()[:300]
        raise XlgenError(ErrorCode.RENDERER, detail=said(SystemCode.PDFTOPPM_FAILED, file=pdf.name, said=told))
    return png
