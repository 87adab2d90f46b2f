"""References in A1 style: column letters, a range expanded to its cells, and formula text
outside its string literals (where references are)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

from xlgen.formula.functions import EngineError

_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


@functools.lru_cache(maxsize=20_000)  # every column of a sheet (XFD is the 16,384th): read once per process
def col_index(letters: str) -> int:
    """0-based index of a column's letters (A → 0)."""
    col: int = xl_cell_to_rowcol(letters + "1")[1]
    return col


@functools.lru_cache(maxsize=20_000)
def col_letters(index: int) -> str:
    """A column's letters from its 0-based index (0 → A)."""
    letters: str = xl_col_to_name(index)
    return letters


def expand_range(ref: str) -> list[str]:
    first, _, last = ref.partition(":")
    m1, m2 = _CELL.match(first), _CELL.match(last or first)
    if not m1 or not m2:
        raise EngineError(f"reference {ref!r} is not a cell or a range on the same sheet")
    c1, c2 = col_index(m1.group(1)), col_index(m2.group(1))
    r1, r2 = int(m1.group(2)), int(m2.group(2))
    return [f"{col_letters(c)}{r}" for r in range(min(r1, r2), max(r1, r2) + 1) for c in range(min(c1, c2), max(c1, c2) + 1)]


STRING_LITERAL = re.compile(r'"(?:[^"]|"")*"')


def outside_strings(text: str, change: Callable[[str], str]) -> str:
    """``text`` with ``change`` applied to every stretch outside its "string literals": how a
    formula's references or spacing are rewritten without touching the text it quotes."""
    pieces, last = [], 0
    for lit in STRING_LITERAL.finditer(text):
        pieces.append(change(text[last:lit.start()]))
        pieces.append(lit.group(0))
        last = lit.end()
    pieces.append(change(text[last:]))
    return "".join(pieces)
