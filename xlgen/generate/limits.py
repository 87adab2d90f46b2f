"""Excel's limits that XlsxWriter does not enforce, checked on every workbook xlgen writes.

Excel repairs (and so changes) a file that breaks one of these, or shows it cut: a data-validation
formula over 255 characters, a row over 409 points, a formula over 8,192 characters or nested
deeper than 64 levels. XlsxWriter itself refuses long input titles and messages and bad sheet
names, but with a warning or an exception; checked here first, they become located errors.
``breaches.breaches(layout)`` is the one list of what a layout would break.
"""

from __future__ import annotations

import re
from typing import Any

from xlgen.errors import Said, said
from xlgen.errors.generate import GenerateCode
from xlgen.findings import Text

VALIDATION_FORMULA = 255  # characters of a data validation's formula or list source
INPUT_TITLE = 32  # characters of an input message's (and an error alert's) title
PROMPT = 255  # characters of an input message or an error alert
FORMULA_CHARS = 8192  # characters of a cell's formula
NESTING = 64  # levels of nested functions in a formula
ROW_HEIGHT = 409.0  # points
COLUMN_WIDTH = 255.0  # characters
SHEET_NAME = 31  # characters
SHEET_NAME_CHARS = re.compile(r"[\[\]:*?/\\]")
VALIDATION_TEXTS = {  # XlsxWriter's option: its limit, and what a message calls it
    "input_title": (INPUT_TITLE, Text("输入信息的标题", "input title")),
    "error_title": (INPUT_TITLE, Text("出错警告的标题", "error title")),
    "input_message": (PROMPT, Text("输入信息", "input message")),
    "error_message": (PROMPT, Text("出错警告", "error message")),
}
VALIDATION_FORMULAS = ("value", "source", "minimum", "maximum")


def length(text: str) -> int:
    """Excel counts characters in UTF-16 code units (a character outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def nesting(formula: str) -> int:
    """The deepest parenthesis nesting of ``formula`` outside string literals."""
    depth = deepest = 0
    quoted = False
    for ch in formula:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif not quoted and ch == ")":
            depth -= 1
    return deepest


def formula_problems(formula: str) -> list[Said]:
    text = formula[1:] if formula.startswith("=") else formula
    chars, depth = length(text), nesting(text)
    out = []
    if chars > FORMULA_CHARS:
        out.append(said(GenerateCode.FORMULA_LONG, chars=chars, limit=FORMULA_CHARS))
    if depth > NESTING:
        out.append(said(GenerateCode.FORMULA_DEEP, depth=depth, limit=NESTING))
    return out


def validation_problems(options: dict[str, Any]) -> list[Said]:
    """What a data validation (XlsxWriter's options) would break."""
    out = []
    for name in VALIDATION_FORMULAS:
        value = options.get(name)
        if not (isinstance(value, str) and value.startswith("=")):
            continue
        n = length(value[1:])
        if n > VALIDATION_FORMULA:
            out.append(said(GenerateCode.VALIDATION_FORMULA_LONG, chars=n, limit=VALIDATION_FORMULA))
    for name, (limit, called) in VALIDATION_TEXTS.items():
        value = options.get(name)
        n = length(value) if isinstance(value, str) else 0
        if n > limit:
            out.append(said(GenerateCode.VALIDATION_TEXT_LONG, called=called, chars=n, limit=limit))
    return out


def sheet_name_problems(name: str) -> list[Said]:
    out = []
    chars = length(name)
    if not name.strip():
        out.append(said(GenerateCode.SHEET_NAME_EMPTY))
    if chars > SHEET_NAME:
        out.append(said(GenerateCode.SHEET_NAME_LONG, name=name, chars=chars, limit=SHEET_NAME))
    if SHEET_NAME_CHARS.search(name):
        out.append(said(GenerateCode.SHEET_NAME_CHARS, name=name))
    if name.startswith("'") or name.endswith("'"):
        out.append(said(GenerateCode.SHEET_NAME_APOSTROPHE, name=name))
    if name.lower() == "history":
        out.append(said(GenerateCode.SHEET_NAME_HISTORY))
    return out
