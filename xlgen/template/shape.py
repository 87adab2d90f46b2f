"""The shape a template must have for the layout to place it: formulas that read their own
table's columns, and rows no wider than the table. Checked when a template loads, so a broken one is a
located error naming the file and key, never a KeyError or IndexError while a workbook is made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xlgen.errors import ErrorCode, XlgenError

if TYPE_CHECKING:
    from xlgen.template.model import Template

def check_shape(t: Template) -> None:
    for table_name, table in (("tasks", t.tasks), ("indicators", t.indicators)):
        for i, col in enumerate(table.columns):
            if col.formula and col.formula not in t.formulas:
                raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"{table_name}.columns[{i}].formula",
                                 detail=f"'{col.formula}' is not a key of [formulas]; known: {', '.join(t.formulas)}")
            for ref in t.formulas[col.formula].placeholders() if col.formula else ():
                if "." not in ref and ref not in table.fields():  # a bare {field} is read on the row's own table
                    raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"formulas.{col.formula}",
                                     detail=f"placeholder {{{ref}}} names no column of the {table_name} table, "
                                            f"where column '{col.field}' uses this formula")
    if any(t.width != 1 + sum(c.span for c in table.columns) for table in (t.tasks, t.goals) if table.columns):
        raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key="tasks.columns",
                         detail=f"tasks, goals and indicators must span the same width ({t.width - 1} columns after the section label)")
    for i, row in enumerate(t.header):
        wide = row.label_span + sum(f.span for f in row.fields)
        if wide > t.width:
            raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"header[{i}].fields",
                             detail=f"the label and fields span {wide} columns; the table is {t.width} wide")
    if t.total_label_span >= t.width:
        raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key="total.label_span",
                         detail=f"{t.total_label_span} leaves no column for the score; the table is {t.width} wide")
    _check_subtotals(t)


def _check_subtotals(t: Template) -> None:
    """``[total] subtotals``: a tier column of the indicators, a 得分 and a 分值 column to sum, room
    for both left of the total's score."""
    if not t.subtotals:
        return
    def bad(key: str, detail: str) -> XlgenError:
        return XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"total.{key}", detail=detail)
    if t.subtotals not in t.tiers:
        raise bad("subtotals", f"'{t.subtotals}' is not a tier column of the indicators; expected one of "
                  + (", ".join(t.tiers) or "none (the table has no tiers)"))
    types = {c.field: c.type for c in t.indicators.columns}
    if "score" not in types or "weight" not in types.values():
        raise bad("subtotals", "the indicators need a score column (field \"score\") and a weight column to sum")
    if not t.total_weight and t.total_label_span < 2:
        raise bad("label_span", "a subtotal's 分值 sits left of the score: the label needs 2 columns or more")
    if "{tier}" not in t.subtotal_label:
        raise bad("subtotal_label", f"'{t.subtotal_label}' does not name the tier; write {{tier}} where it goes")

