"""What a layout's workbook would break of Excel's limits (``limits.py``), whatever values fill it:
the writer refuses to write such a workbook, and ``xlgen templates check`` refuses the template.
It reads the plans of the sheet's emitters (validation, print setup, 填表说明), which themselves
keep within the limits, so it sits above them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from xlgen.findings import Text
from xlgen.generate.guidance import guide, printsetup, validation
from xlgen.generate.limits import COLUMN_WIDTH, formula_problems, sheet_name_problems, validation_problems
from xlgen.layout.model import FORMULA, LIST_SHEET, Layout, per_layout


@dataclass(frozen=True)
class Breach:
    """One limit a layout would break: where (cell, sheet or column), the template key that
    causes it, and what."""

    where: Text
    key: str
    detail: Text


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
            yield Breach(Text(f"工作表「{name}」", f"sheet '{name}'"), key, problem)
    if len({n.lower() for n, _ in names}) < len(names):
        yield Breach(Text(f"工作表「{t.sheet}」", f"sheet '{t.sheet}'"), "template.sheet",
                     Text(f"表单工作表不能与 xlgen 自己的工作表（{guide.SHEET}、{LIST_SHEET}）同名",
                          f"the form's sheet may not be named like xlgen's own sheets ({guide.SHEET}, {LIST_SHEET})"))
    for first, options in validation.plan(layout):
        for problem in validation_problems(options):
            where = f"{first.a1} ({first.key})"
            yield Breach(Text(where, where), validation.template_key(layout, first),
                         Text(f"{first.key} 的数据验证：{problem.zh}", f"the data validation of {first.key}: {problem.en}"))
    for slot in layout.slots.values():
        if slot.role == FORMULA:
            where = f"{slot.a1} ({slot.key})"
            for problem in formula_problems(slot.formula):
                yield Breach(Text(where, where), "formulas", problem)
    for col, width in enumerate(printsetup.column_widths(layout)):
        if width > COLUMN_WIDTH:
            yield Breach(Text(f"第 {col + 1} 列", f"column {col + 1}"), "columns",
                         Text(f"列宽 {width:g} 超过 Excel 的上限 {COLUMN_WIDTH:g}",
                              f"the width {width:g} is over Excel's limit of {COLUMN_WIDTH:g}"))
