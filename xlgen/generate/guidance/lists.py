"""The hidden list sheet: every closed list of the template, each behind a defined name.

Dropdowns refer to ``xlgen_list_<kind>`` instead of spelling the items inline, so no list meets
Excel's 255-character limit on inline lists. Each grade label also gets its own name
(``xlgen_grade_<n>``), which keeps the 完成程度 band validation short.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xlgen.layout.model import LIST_SHEET, Layout, ListSource, per_layout
from xlgen.generate.xlsxcall import checked


def grade_names(layout: Layout) -> list[str]:
    """Defined names of the grade labels, in the template's order."""
    return [f"xlgen_grade_{i + 1}" for i in range(len(layout.template.grades))]


@per_layout
def defined_names(layout: Layout) -> dict[str, str]:
    names: dict[str, str] = {src.name: src.ref() for src in layout.lists.values()}
    grades = layout.lists.get("grades")
    if grades is not None:
        names.update({name: grades.ref(i) for i, name in enumerate(grade_names(layout))})
    return names


def write_lists(wb: Any, layout: Layout, styles: Any, out: Path) -> None:
    """Add the hidden, protected list sheet and its defined names."""
    ws = wb.add_worksheet(LIST_SHEET)
    for src in layout.lists.values():
        _write_column(ws, src, styles["blank"], out)
        checked(ws.set_column(src.col, src.col, 40), f"list column {src.name}", out)
    ws.hide()
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    for name, ref in defined_names(layout).items():
        checked(wb.define_name(name, ref), f"defined name {name}", out)


def _write_column(ws: Any, src: ListSource, fmt: Any, out: Path) -> None:
    for row, value in enumerate(src.values):
        checked(ws.write_string(row, src.col, value, fmt), f"list {src.name}", out)
