"""XlsxWriter's warn-and-return-negative, turned into located errors.

Every emitter module checks its XlsxWriter calls with ``checked``; ``workbook.py`` also turns
every warning into an error, so a workbook never ships without a dropdown or a formula.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_range

from xlgen.errors import XlgenError
from xlgen.errors.generate import GenerateCode
from xlgen.lang import Text

if TYPE_CHECKING:
    from xlgen.layout.model import Slot


def checked(ret: Any, what: Text | str, out: Path) -> None:
    """XlsxWriter's warn-and-return-negative becomes a located error."""
    if isinstance(ret, int) and ret < 0:
        raise XlgenError(GenerateCode.XLSXWRITER_RETURNED, file=out, what=what, returned=str(ret))


def same_rule_groups(slots: Iterable["Slot"], key: Callable[["Slot"], Hashable]) -> list[list["Slot"]]:
    """Slots that share one rule up to its row (the same column, kind and shape), in row order.

    One data validation or conditional format over all of them (``multi_range``) replaces one
    per cell: a formula written for the first cell holds for the others through its relative
    references, as Excel applies it. Fewer rules make a smaller file that opens faster.
    """
    groups: dict[Hashable, list["Slot"]] = {}
    for slot in sorted(slots, key=lambda s: (s.row, s.col)):
        groups.setdefault((slot.col, slot.last_col, slot.bottom - slot.row, key(slot)), []).append(slot)
    return list(groups.values())


def multi_range(slots: list["Slot"]) -> dict[str, str]:
    """XlsxWriter's ``multi_range`` option over ``slots`` (the first slot's range comes first)."""
    ranges = [xl_range(s.row, s.col, s.bottom, s.last_col) for s in slots]
    return {"multi_range": " ".join(ranges)} if len(ranges) > 1 else {}
