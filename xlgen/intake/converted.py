"""An .xls or WPS .et return (an OLE2 workbook): which path it takes.

- It carries xlgen's marks (defined names ``xlgen_…`` or the hidden ``lists`` sheet, which Excel,
  WPS and LibreOffice keep when a department saves xlgen's form as .xls/.et) and LibreOffice is
  installed: a copy is converted to .xlsx in a temporary folder (private profile, time limit,
  libreoffice.py) and read as any .xlsx, so formulas, protection, validation and the seal
  are all checked; a ``converted`` warning says so. The temporary folder is removed; the original
  is never opened by LibreOffice (no lock file beside it) and never changed.
- It carries no mark of xlgen (a hand-made or budget-system form): its values are read by xlrd
  through the template's labels (intake/bylabels.py); LibreOffice is not needed.
- xlgen's marks but no LibreOffice, or the conversion failed or timed out: the same values path,
  with a ``not-converted`` warning naming why.
- xlrd cannot open it (it reads the BIFF8 that Excel, WPS and LibreOffice write, so the file is
  damaged): ``unreadable`` with xlrd's reason, at once; such a file is not handed to LibreOffice.

An encrypted workbook (an OLE2 file too) is refused before any of this.
"""

from __future__ import annotations

import dataclasses
import io
import os
import shutil
import tempfile
from pathlib import Path

from xlgen.errors import Said
from xlgen.findings import Code, Finding, finding
from xlgen.generate.provenance import NAME_PREFIX
from xlgen.intake.package import unreadable
from xlgen.intake.adopted import read_adopted
from xlgen.intake.reader import Returned
from xlgen.intake.xlsxreturn import read_xlsx
from xlgen.intake.safezip import Refused, encrypted, ole2_reason, read_bytes
from xlgen.layout.model import LIST_SHEET
from xlgen.libreoffice import LibreOfficeError, convert

TIMEOUT_ENV = "XLGEN_CONVERT_TIMEOUT"  # seconds one conversion may take
TIMEOUT = 120.0


def timeout() -> float:
    try:
        seconds = float(os.environ.get(TIMEOUT_ENV, ""))
    except ValueError:
        return TIMEOUT
    return seconds if seconds > 0 else TIMEOUT


def read_ole2(path: Path) -> Returned | Finding:
    """An .xls/.et return read by the path its kind takes (see the module's docstring)."""
    try:
        data = read_bytes(path)
    except Refused as exc:
        return unreadable(exc.reason)
    if encrypted(data):
        return unreadable(ole2_reason(data))
    if not xlgen_marks(data):  # a hand-made form, or one xlrd cannot open (damaged: its reason)
        return _values(path)
    shown = path.suffix.lower() or ".xls"
    got = _converted(path, shown)
    if not isinstance(got, Said):
        return got
    values = _values(path)
    if not isinstance(values, Finding):
        values.findings.append(finding(Code.NOT_CONVERTED, format=shown, reason=got))
    return values


def xlgen_marks(data: bytes) -> bool:
    """Whether an OLE2 workbook carries xlgen's marks (False when xlrd cannot open it)."""
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except Exception:  # damaged or not BIFF: the values path says why
        return False
    try:
        return LIST_SHEET in book.sheet_names() or any(name.startswith(NAME_PREFIX) for name in book.name_map)
    finally:
        book.release_resources()


def _values(path: Path) -> Returned | Finding:
    return read_adopted(path)


def _converted(path: Path, shown: str) -> Returned | Finding | Said:
    """A copy of ``path`` converted by LibreOffice and read as an .xlsx (located at ``path``), or
    why it could not be converted."""
    with tempfile.TemporaryDirectory(prefix="xlgen-convert-") as tmp:
        copy = Path(tmp) / f"return{shown}"
        shutil.copyfile(path, copy)
        try:
            (xlsx,) = convert([copy], "xlsx", Path(tmp) / "out", timeout())
        except LibreOfficeError as exc:
            return exc.text
        ret = read_xlsx(xlsx)  # inside the folder: a legacy read opens the file again
    if isinstance(ret, Finding):
        return ret
    ret = dataclasses.replace(ret, path=path, package=dataclasses.replace(ret.package, path=path))
    ret.findings.insert(0, finding(Code.CONVERTED, format=shown))
    return ret
