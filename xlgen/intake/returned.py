"""The door of every returned file: an .xlsx read as ``xlsxreturn.py`` says, an .xls or .et
(an OLE2 file) converted by LibreOffice or read for its values (``converted.py``)."""

from __future__ import annotations

from pathlib import Path

from xlgen.findings import Finding
from xlgen.intake.converted import read_ole2
from xlgen.intake.reader import Returned
from xlgen.intake.safezip import OLE2
from xlgen.intake.xlsxreturn import read_xlsx


def read_returned(path: Path) -> Returned | Finding:
    """Open ``path``, find its template and its tables: a ``Returned``, or why it cannot be read.
    A form xlgen did not make (an .xls, or an .xlsx without xlgen's marks) is read by its labels."""
    if is_ole2(path):
        return read_ole2(path)
    return read_xlsx(path)


def is_ole2(path: Path) -> bool:
    """Whether ``path`` is an OLE2 compound file (an .xls, or an encrypted workbook)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(OLE2)) == OLE2
    except OSError:
        return False  # open_workbook says why
