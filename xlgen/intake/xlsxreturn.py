"""An .xlsx (or .xlsm) return, opened safely and read: xlgen's form by its marks, else, with no
mark of xlgen at all, a form xlgen did not make, read by its labels (``adopted.py``)."""

from __future__ import annotations

from pathlib import Path

from xlgen.findings import Finding
from xlgen.intake.adopted import read_adopted
from xlgen.intake.package import open_workbook, unreadable
from xlgen.intake.reader import Returned, marked, read_package
from xlgen.intake.safezip import Refused


def read_xlsx(path: Path) -> Returned | Finding:
    pkg = open_workbook(path)
    if isinstance(pkg, Finding):
        return pkg
    try:
        if pkg.sheets and not marked(pkg):
            adopted = read_adopted(pkg.path)  # no mark of xlgen at all: a legacy form, read by its labels
            if not isinstance(adopted, Finding):
                return adopted
        return read_package(pkg)
    except Refused as exc:
        return unreadable(exc.reason)
