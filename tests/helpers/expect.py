"""Comparing a workbook's values with numbers known from the form or the rules."""

from __future__ import annotations

import math
from typing import Any


def same(a: Any, b: float) -> bool:
    return isinstance(a, (int, float)) and math.isclose(float(a), b, rel_tol=1e-12, abs_tol=1e-12)


def assert_matches(values: dict[str, Any], want: dict[str, float], who: str) -> None:
    wrong = {cell: (values.get(cell), exp) for cell, exp in want.items() if not same(values.get(cell), exp)}
    assert not wrong, f"{who} disagrees at {wrong}"
