"""Errors in what a user gave xlgen (templates, fill data, rosters), located and actionable.

One catalogue, as in pyxform's errors.py: each code has one message template naming the file,
the key (or sheet/cell) and what was expected. Findings about returned workbooks live in
``findings.py``; these are the errors that stop a command before any workbook is written.
"""

from __future__ import annotations

from enum import Enum


class ErrorCode(Enum):
    FILE_MISSING = "{file}: file not found"
    TOML_SYNTAX = "{file}: not valid TOML: {detail}"
    KEY_MISSING = "{file}: key '{key}' is missing; expected {expected}"
    KEY_TYPE = "{file}: key '{key}' is {got!r}; expected {expected}"
    KEY_UNKNOWN = "{file}: key '{key}' is not known here; expected one of: {expected}"
    VALUE_INVALID = "{file}: key '{key}': {detail}"
    TEMPLATE_UNKNOWN = "template '{name}' not found (looked in {where}); known: {expected}"
    INDICATOR_UNKNOWN = (
        "{file}: key '{key}': no indicator named '{name}' in template '{template}'"
        "{suggestion}"
    )
    FORMULA_INVALID = "{file}: key '{key}': formula {detail}"
    XLSXWRITER = "{file}: XlsxWriter refused {what}: {detail}"
    OUTPUT_EXISTS = "{file}: already exists; pass --force to overwrite it"
    OUTPUT_IS_INPUT = "{file}: is an input of this command ({input}); it is never overwritten, choose another output"
    OUTPUT_FAILED = "{file}: cannot be written: {detail}"
    INPUT_UNREADABLE = "{file}: cannot be read: {detail}"
    PREVIEW_FORMAT = "{file}: cannot render as '{suffix}'; expected a .pdf or .png output"
    RENDERER = "{detail}"
    PASSWORD_INVALID = "--password: {detail}"
    ROSTER_FORMAT = "{file}: {detail}"
    ROSTER_COLUMN = "{file}: sheet '{sheet}', column {column} ('{name}'): {detail}"
    ROSTER_CELL = "{file}: sheet '{sheet}', row {row}, column {column} ('{name}'): {detail}"


class XlgenError(Exception):
    """An error in user input, with the catalogue code and the filled-in message."""

    def __init__(self, code: ErrorCode, **fields: object) -> None:
        self.code = code
        self.fields = fields
        super().__init__(code.value.format(**fields))

    @property
    def message(self) -> str:
        return str(self)
