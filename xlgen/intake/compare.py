"""Comparing what a file saved with what xlgen recomputes: formula text and values."""

from __future__ import annotations

import functools
import math
import re
from typing import Any

from xlgen.formula.functions import XlError
from xlgen.formula.references import outside_strings
from xlgen.intake.celltext import as_text

REL_TOL = 1e-9  # saved vs recomputed, relative
ABS_TOL = 1e-12  # … and absolute, for results that are 0 up to float noise

SPACE = re.compile(r"\s+")
# A reference (a cell or a range of two corners, each maybe anchored with $) or a number literal
# (maybe with %), outside names: what canonical() rewrites to one spelling.
_REF_OR_NUMBER = re.compile(
    r"(?<![A-Z0-9_.$])(?:\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?(?![A-Z0-9_(])"
    r"|((?:\d+\.?\d*|\.\d+)(?:E[+-]?\d+)?)(%?)(?![A-Z0-9_(.]))")


# ----------------------------------------------------------------------------- comparisons
@functools.lru_cache(maxsize=4096)
def canonical(text: str) -> str:
    """Formula text compared by meaning: two formulas with one canonical text give the same result
    in the cell they sit in. Rewrites that cannot change a result and that spreadsheet programs
    make on save are undone: no '=' and no spaces, names in upper case and without _xlfn., (outside
    string literals); a number literal by its value to Excel's 15 digits (``0.800000000000000000011``,
    ``8E-1``, ``80%`` → 0.8); a reference without its $ anchors (one cell is one cell wherever it
    is written from); a one-cell range as its cell (``$Q$16:$Q$16`` → Q16) and a range by its
    top-left and bottom-right corners. Another cell, function, operator or constant stays
    different."""
    text = text.strip()
    if text.startswith("="):
        text = text[1:]
    return outside_strings(text, lambda part: _REF_OR_NUMBER.sub(
        _spelled, SPACE.sub("", part).upper().replace("_XLFN.", "")))


def _spelled(m: re.Match[str]) -> str:
    """One spelling of the reference or number literal ``m`` (canonical)."""
    if m.group(5) is not None:
        value = float(m.group(5)) / (100 if m.group(6) else 1)
        return repr(float(f"{value:.15g}"))
    c1, r1 = m.group(1), int(m.group(2))
    if m.group(3) is None:
        return f"{c1}{r1}"
    c2, r2 = m.group(3), int(m.group(4))
    (c1, c2), (r1, r2) = sorted((c1, c2), key=lambda c: (len(c), c)), sorted((r1, r2))
    return f"{c1}{r1}" if (c1, r1) == (c2, r2) else f"{c1}{r1}:{c2}{r2}"


def empty(v: Any) -> bool:
    return v is None or v == ""


def blank_or_zero(v: Any) -> bool:
    return empty(v) or (isinstance(v, (int, float)) and not isinstance(v, bool) and v == 0)


def same(saved: Any, expected: Any) -> bool:
    """A saved result equals the recomputed one: numbers within 1e-9 relative, "" as empty."""
    if empty(saved) or empty(expected):
        return empty(saved) and empty(expected)
    if isinstance(expected, XlError) or isinstance(saved, XlError):
        return isinstance(expected, XlError) and isinstance(saved, XlError) and expected.code == saved.code
    if isinstance(expected, bool) or isinstance(saved, bool):
        return saved is expected
    if isinstance(expected, float) and isinstance(saved, float):
        return math.isclose(saved, expected, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return bool(saved == expected)


def text_of(v: Any) -> str:
    return as_text(v).strip()
