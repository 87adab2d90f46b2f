"""Sheet protection: labels and formulas locked, inputs unlocked (their formats say so).

Cells are locked by default in Excel; the input formats of ``styles.py`` unlock the cells a user
fills and colour them (INPUT_FILL). The form sheet is protected without a password unless one
is given; users can still select any cell and format or resize rows and columns.
"""

from __future__ import annotations

from typing import Any

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


def protect(ws: Any, password: str | None) -> None:
    """Protect ``ws`` (without a password when ``password`` is None or empty)."""
    ws.protect(password or "", dict(ALLOWED))
