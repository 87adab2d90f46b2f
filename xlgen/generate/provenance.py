"""Provenance: custom document properties and defined names that tie a workbook to its template.

A returned file is matched to its template by these properties, and its tables are found
through the defined names, even after a user inserted rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from xlgen import __version__
from xlgen.layout.selfcheck import SECTION as CHECKS
from xlgen.layout.model import Layout, a1, per_layout, quote_sheet
from xlgen.layout.values import bureau_task_rows
from xlgen.names import GOALS, HEADER, INDICATORS, TASKS, TOTAL

PROP_TEMPLATE_ID = "xlgen_template_id"
PROP_TEMPLATE_VERSION = "xlgen_template_version"
PROP_TEMPLATE_SHA256 = "xlgen_template_sha256"
PROP_XLGEN_VERSION = "xlgen_version"
PROP_LAYOUT = "xlgen_layout"
PROP_DEPARTMENT = "xlgen_department_code"
PROP_YEAR = "xlgen_year"
PROP_TASKS_SET = "xlgen_tasks_set"  # the task rows the bureau set (0-based, comma-separated), the others closed

NAME_PREFIX = "xlgen_"

# Where this xlgen puts cells, formulas and helper columns for a given template. Bump it with any
# change that moves them: a returned file of another layout is then refused by name instead of
# being read through the wrong table of addresses (one finding, not dozens of false ones).
LAYOUT_VERSION = "2"
# Layouts this xlgen reads (cells unmoved since), and the first whose files carry a seal of the
# bureau's fixed values (seal.py): a file of an older layout verifies, warned that it has none.
READ_LAYOUTS = ("1", "2")
SEALED_SINCE = "2"


def properties(layout: Layout, department: str | None, year: int | None) -> dict[str, Any]:
    t = layout.template
    props: dict[str, Any] = {
        PROP_TEMPLATE_ID: t.id,
        PROP_TEMPLATE_VERSION: t.version,
        PROP_TEMPLATE_SHA256: t.sha256,
        PROP_XLGEN_VERSION: __version__,
        PROP_LAYOUT: LAYOUT_VERSION,
    }
    if department:
        props[PROP_DEPARTMENT] = department
    if year:
        props[PROP_YEAR] = str(year)
    if layout.tasks_closed:  # the rows set, not those closed: a row LibreOffice inserts is closed too
        props[PROP_TASKS_SET] = tasks_set_text(bureau_task_rows(layout))
    return props


def tasks_set_text(rows: Iterable[int]) -> str:
    """The value of ``xlgen_tasks_set``: the task rows the bureau set, 0-based, ascending, by commas."""
    return ",".join(map(str, sorted(rows)))


def tasks_set_rows(text: str) -> set[int]:
    """The task rows a value of ``xlgen_tasks_set`` names (what is not a row number: none)."""
    return {int(i) for i in text.split(",") if i.isdigit()}


def _ref(sheet: str, r1: int, c1: int, r2: int, c2: int) -> str:
    last = f":{a1(r2, c2, True)}" if (r1, c1) != (r2, c2) else ""
    return f"={quote_sheet(sheet)}!{a1(r1, c1, True)}{last}"


@per_layout
def defined_names(layout: Layout) -> dict[str, str]:
    """Name → reference: each region (tables, 填报检查, helper columns), each column of a table
    (xlgen_<table>_<field>), each header and goal field, the total and each check's cell."""
    sheet = layout.template.sheet
    names = {}
    for region, (r1, c1, r2, c2) in layout.regions.items():
        names[f"{NAME_PREFIX}{region}"] = _ref(sheet, r1, c1, r2, c2)
    for table in (TASKS, INDICATORS):
        if table not in layout.regions:
            continue
        r1, _, r2, _ = layout.regions[table]
        columns: dict[str, tuple[int, int]] = {}
        for slot in layout.slots.values():
            if slot.section == table and slot.field not in columns:
                columns[slot.field] = (slot.col, slot.last_col)
        for fld, (c1, c2) in columns.items():
            names[f"{NAME_PREFIX}{table}_{fld}"] = _ref(sheet, r1, c1, r2, c2)
    for slot in layout.slots.values():
        if slot.section in (HEADER, GOALS, TOTAL):
            names[f"{NAME_PREFIX}{slot.field}"] = _ref(sheet, slot.row, slot.col, slot.row, slot.col)
        elif slot.section == CHECKS:
            names[f"{NAME_PREFIX}check_{slot.field}"] = _ref(sheet, slot.row, slot.col, slot.row, slot.col)
    return names
