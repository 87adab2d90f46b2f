"""Cell formats of the form, one per role, created once per workbook."""

from __future__ import annotations

from typing import Any

import xlsxwriter

from xlgen.layout import selfcheck as checks
from xlgen.layout.model import FIXED, FORMULA, Slot

FONT = "宋体"  # SimSun; LibreOffice falls back to a CJK font such as WenQuanYi
FONT_CHARSET = 134  # GB2312: a client without SimSun substitutes a Chinese font, not a Latin one
INPUT_FILL = "#FFF2CC"  # every cell a user fills has this colour (see 填表说明)
FIXED_FILL = "#DDEBF7"  # every value the bureau set (由财政部门下达，不得修改): locked

MONEY = "#,##0.00"  # an amount (万元) as a bureau reads money: 12,000.00

TEXT_FORMAT = {"font_name": FONT, "font_charset": FONT_CHARSET, "font_size": 10, "valign": "vcenter", "text_wrap": True}
_BASE = {**TEXT_FORMAT, "border": 1}

_ROLES: dict[str, dict[str, Any]] = {
    "title": {"font_size": 16, "bold": True, "align": "center", "border": 0},
    "year": {"align": "center", "border": 0},
    "note": {"align": "right", "border": 0},
    "note_top": {"align": "left", "border": 0},
    "section": {"bold": True, "align": "center", "valign": "top"},  # a tall merge: never cut at a page break
    "head": {"bold": True, "align": "center"},
    "label": {"align": "center"},
    "blank": {},
    "fixed": {"align": "center"},
    "fixed_amount": {"align": "right", "num_format": MONEY},  # a closed task row's money column: money all the same
    "given_text": {"bg_color": FIXED_FILL, "align": "left"},
    "given_center": {"bg_color": FIXED_FILL, "align": "center"},
    "given_number": {"bg_color": FIXED_FILL, "align": "right", "num_format": "General"},
    "given_amount": {"bg_color": FIXED_FILL, "align": "right", "num_format": MONEY},
    # top: a text longer than Excel's highest row (409 pt) shows and prints its beginning
    "input_text": {"locked": False, "bg_color": INPUT_FILL, "align": "left", "valign": "top"},
    "input_center": {"locked": False, "bg_color": INPUT_FILL, "align": "center"},
    "input_number": {"locked": False, "bg_color": INPUT_FILL, "align": "right", "num_format": "General"},
    "input_amount": {"locked": False, "bg_color": INPUT_FILL, "align": "right", "num_format": MONEY},
    "formula": {"align": "right", "num_format": "General"},
    "formula_amount": {"align": "right", "num_format": MONEY},  # a funding total's sum of amounts
    "formula_percent": {"align": "right", "num_format": "0.00%"},
    "check": {"align": "left"},
    "table_note": {"align": "left"},
    "check_result": {"align": "center", "bold": True},
    "helper": {"align": "center", "num_format": "0"},  # the hidden per-row rule results
}


def number_format(role: str) -> str:
    """The number format code the form writes for a cell of ``role`` (``General`` unless set):
    what verify expects a computed cell to keep (format-changed)."""
    return str(_ROLES[role].get("num_format", "General"))


def style_of(slot: Slot) -> str:
    """The role of the format a slot is written with (styles.py)."""
    if slot.role == FIXED:
        return "fixed_amount" if slot.type == "amount" else "fixed"
    if slot.section == checks.SECTION:
        return "check_result"
    if slot.section == checks.HELPER:
        return "helper"
    if slot.role == FORMULA:
        return "formula_percent" if slot.format == "percent" else "formula_amount" if slot.type == "amount" else "formula"
    if slot.type == "amount":
        return "input_amount"
    if slot.type in ("weight", "target", "actual", "computed", "score"):
        return "input_number"
    if slot.type in ("operator", "unit"):
        return "input_center"
    return "input_text"


class Styles:
    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self._formats = {role: workbook.add_format({**_BASE, **props}) for role, props in _ROLES.items()}

    def __getitem__(self, role: str) -> Any:
        return self._formats[role]
