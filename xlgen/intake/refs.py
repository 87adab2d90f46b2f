"""A1 ranges of validations and defined names, 0-based."""

from __future__ import annotations

import functools
import re

from xlgen.formula.references import col_index

MAX_VALIDATIONS = 2_000  # data validation ranges kept per sheet (a form has a few dozen)
A1_RANGE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
WORD = re.compile(r"\S+")

def sqref_ranges(sqref: str, most: int = MAX_VALIDATIONS) -> list[tuple[int, int, int, int]]:
    """The ranges of a space-separated list (at most ``most`` of them)."""
    return list(_ranges(sqref, most))


@functools.lru_cache(maxsize=4096)  # the same lists come in every file of a form: parsed once
def _ranges(sqref: str, most: int) -> tuple[tuple[int, int, int, int], ...]:
    out: list[tuple[int, int, int, int]] = []
    for piece in WORD.finditer(sqref):
        if len(out) >= most:
            break
        m = A1_RANGE.match(piece.group(0).split("!")[-1])
        if m:
            r1, c1 = int(m.group(2)) - 1, col_index(m.group(1))
            r2, c2 = (int(m.group(4)) - 1, col_index(m.group(3))) if m.group(3) else (r1, c1)
            out.append((min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return tuple(out)


@functools.lru_cache(maxsize=4096)  # a form's defined names are the same in every file
def parse_ref(text: str) -> tuple[str, tuple[int, int, int, int]] | None:
    """A defined name's reference ('Sheet'!$B$7:$Q$12) as (sheet, (r1, c1, r2, c2)), 0-based."""
    text = text.strip().lstrip("=")
    sheet, bang, ref = text.rpartition("!")
    if not bang:
        return None
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    ranges = sqref_ranges(ref)
    if len(ranges) != 1:
        return None
    return sheet, ranges[0]
