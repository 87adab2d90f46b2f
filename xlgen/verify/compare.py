"""Comparing what a file saved with what xlgen recomputes: formula text and values."""

from __future__ import annotations

import functools
import math
import re
from typing import Any

from xlgen.formula.engine import XlError, outside_strings
from xlgen.intake.celltext import as_text

REL_TOL = 1e-9  # saved vs recomputed, relative
ABS_TOL = 1e-12  # … and absolute, for results that are 0 up to float noise

SPACE = re.compile(r"\s+")


# ----------------------------------------------------------------------------- comparisons
@functools.lru_cache(maxsize=4096)
def canonical(text: str) -> str:
    """Formula text for comparison: no '=', no spaces, upper case (outside string literals)."""
    text = text.strip()
    if text.startswith("="):
        text = text[1:]
    return outside_strings(text, lambda part: SPACE.sub("", part).upper().replace("_XLFN.", ""))


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
