"""What a layout's workbook would break of Excel's limits (``limits.py``), whatever values fill it:
the writer refuses to write such a workbook, and ``xlgen templates check`` refuses the template.
It reads the plans of the sheet's emitters (validation, print setup, 填表说明), which themselves
keep within the limits, so it sits above them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from xlgen.errors import Said, said
from xlgen.errors.generate import GenerateCode
from xlgen.generate.guidance import guide, printsetup, validation
from xlgen.generate.limits import COLUMN_WIDTH, formula_problems, sheet_name_problems, validation_problems
from xlgen.layout.model import FORMULA, LIST_SHEET, Layout, per_layout


@dataclass(frozen=True)
class Breach:
    """One limit a layout would break: where (cell, sheet or column), the template key that
    causes it, and what."""

    where: Said | str
    key: str
    detail: Said


@per_layout
def breaches(layout: Layout) -> list[Breach]:
    """Every Excel limit the workbook of ``layout`` would break, whatever values fill it (row
    heights grown by filled texts are capped when they are set)."""
    return list(_breaches(layout))


def _breaches(layout: Layout) -> Iterator[Breach]:
    t = layout.template
    names = [(t.sheet, "template.sheet"), (guide.SHEET, "template.sheet"), (LIST_SHEET, "template.sheet")]
    for name, key in names:
        for problem in sheet_name_problems(name):
            yield Breach(said(GenerateCode.AT_SHEET, sheet=name), key, problem)
    if len({n.lower() for n, _ in names}) < len(names):
        yield Breach(said(GenerateCode.AT_SHEET, sheet=t.sheet), "template.sheet",
                     said(GenerateCode.SHEET_NAME_TAKEN, guide=guide.SHEET, lists=LIST_SHEET))
    for first, options in validation.plan(layout):
        for problem in validation_problems(options):
            yield Breach(f"{first.a1} ({first.key})", validation.template_key(layout, first),
                         said(GenerateCode.VALIDATION, slot=first.key, problem=problem))
    for slot in layout.slots.values():
        if slot.role == FORMULA:
            for problem in formula_problems(slot.formula):
                yield Breach(f"{slot.a1} ({slot.key})", "formulas", problem)
    for col, width in enumerate(printsetup.column_widths(layout)):
        if width > COLUMN_WIDTH:
            yield Breach(said(GenerateCode.AT_COLUMN, column=col + 1), "columns",
                         said(GenerateCode.COLUMN_TOO_WIDE, width=width, limit=COLUMN_WIDTH))
