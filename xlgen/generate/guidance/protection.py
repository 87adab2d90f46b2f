"""Sheet protection: labels and formulas locked, inputs unlocked (their formats say so).

The workbook's structure is locked too, so the hidden list sheet cannot be unhidden and the form
sheet cannot be renamed, deleted or moved (the verifier finds the form by its sheet's name).

Cells are locked by default in Excel; the input formats of ``styles.py`` unlock the cells a user
fills and colour them (INPUT_FILL). The form sheet is protected without a password unless one
is given; users can still select any cell and format or resize rows and columns.
"""

from __future__ import annotations

import string
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from xlgen.errors import XlgenError
from xlgen.errors.generate import GenerateCode

# What a user may still do on the protected form (XlsxWriter's protect() options).
ALLOWED = {
    "select_locked_cells": True,
    "select_unlocked_cells": True,
    "format_columns": True,
    "format_rows": True,
    "format_cells": False,
    "insert_rows": False,
    "insert_columns": False,
    "delete_rows": False,
    "delete_columns": False,
    "sort": False,
    "autofilter": False,
    "objects": False,
    "scenarios": False,
}


PASSWORD_CHARS = set(string.ascii_letters + string.digits + string.punctuation)
PASSWORD_MAX = 255


def check_password(password: str) -> None:
    """Excel's legacy sheet-protection hash is defined on single-byte characters: a password
    with other characters could not be typed back in Excel or WPS, so it is refused."""
    bad = sorted({ch for ch in password if ch not in PASSWORD_CHARS})
    if bad:
        raise XlgenError(GenerateCode.PASSWORD_CHARS, chars=" ".join(map(repr, bad)))
    if len(password) > PASSWORD_MAX:
        raise XlgenError(GenerateCode.PASSWORD_LONG, limit=PASSWORD_MAX)


def protect(ws: Any, password: str | None) -> None:
    """Protect ``ws`` (without a password when ``password`` is None or empty)."""
    if password:
        check_password(password)
    ws.protect(password or "", dict(ALLOWED))


class StructureLockedWorkbook(xlsxwriter.Workbook):  # type: ignore[misc]  # xlsxwriter has no stubs: its Workbook is Any
    """XlsxWriter writes no workbook protection: this one adds ``<workbookProtection
    lockStructure="1">`` right after ``<workbookPr>``, where the schema (CT_Workbook) puts it."""

    structure_password: str = ""

    def _write_workbook_pr(self) -> None:
        super()._write_workbook_pr()
        attributes: list[tuple[str, Any]] = []
        if self.structure_password:
            # the same legacy hash as the sheet's; XlsxWriter's encoder does not use its instance
            attributes.append(("workbookPassword", Worksheet._encode_password(None, self.structure_password)))
        attributes.append(("lockStructure", 1))
        self._xml_empty_tag("workbookProtection", attributes)
