"""The shape a template must have for the layout to place it: formulas that read their own
table's columns, and rows no wider than the table. Checked when a template loads, so a broken one is a
located error naming the file and key, never a KeyError or IndexError while a workbook is made."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from xlgen.errors import XlgenError
from xlgen.errors.template import TemplateCode
from xlgen.lang import Text
from xlgen.template.parts import HeaderRow, Table
from xlgen.template.tomlspec import not_a_formula


class _Formula(Protocol):
    def placeholders(self) -> list[str]: ...


class Template(Protocol):
    """What of a template (``model.Template``, which checks itself with this module when it
    loads) its shape is judged by."""

    @property
    def path(self) -> Path: ...
    @property
    def tasks(self) -> Table: ...
    @property
    def goals(self) -> Table: ...
    @property
    def indicators(self) -> Table: ...
    @property
    def header(self) -> tuple[HeaderRow, ...]: ...
    @property
    def footer(self) -> tuple[HeaderRow, ...]: ...
    @property
    def formulas(self) -> Mapping[str, _Formula]: ...
    @property
    def label_cols(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def print_width(self) -> int: ...
    @property
    def tiers(self) -> tuple[str, ...]: ...
    @property
    def total_label_span(self) -> int: ...
    @property
    def total_weight(self) -> bool: ...
    @property
    def subtotals(self) -> str: ...
    @property
    def subtotal_label(self) -> str: ...
    def row_fields(self, table: str) -> tuple[str, ...]: ...


def check_shape(t: Template) -> None:
    for table_name, table in (("tasks", t.tasks), ("indicators", t.indicators)):
        for i, col in enumerate(table.columns):
            if col.formula and col.formula not in t.formulas:
                raise not_a_formula(t.path, f"{table_name}.columns[{i}].formula", col.formula, t.formulas)
            for ref in t.formulas[col.formula].placeholders() if col.formula else ():
                if "." not in ref and ref not in t.row_fields(table_name):  # a bare {field} is read on the row's own table
                    raise XlgenError(TemplateCode.PLACEHOLDER_NOT_IN_TABLE, file=t.path, key=f"formulas.{col.formula}",
                                     ref=ref, table=table_name, column=col.field)
    spanned = [t.tasks.columns] + [cols for _group, cols in t.goals.blocks()]  # a goals block spans the table
    if any(t.width != t.label_cols + sum(c.span for c in cols) for cols in spanned if cols):
        raise XlgenError(TemplateCode.WIDTHS_DIFFER, file=t.path, key="tasks.columns", columns=t.width - t.label_cols)
    _check_print_edge(t)
    for section, rows in (("header", t.header), ("footer", t.footer)):
        for i, row in enumerate(rows):  # a field's own label takes its label_span before it
            wide = row.label_span + sum(f.span + (f.label_span if f.label else 0) for f in row.fields)
            if wide > t.width:
                raise XlgenError(TemplateCode.ROW_TOO_WIDE, file=t.path, key=f"{section}[{i}].fields", wide=wide,
                                 width=t.width)
    if t.total_label_span >= t.width:
        raise XlgenError(TemplateCode.TOTAL_LABEL_SPAN, file=t.path, key="total.label_span", span=t.total_label_span,
                         width=t.width)
    _check_subtotals(t)


def _check_subtotals(t: Template) -> None:
    """``[total] subtotals``: a tier column of the indicators, a 得分 and a 分值 column to sum, room
    for both left of the total's score."""
    if not t.subtotals:
        return
    if t.subtotals not in t.tiers:
        raise XlgenError(TemplateCode.SUBTOTALS_NOT_TIER, file=t.path, key="total.subtotals", subtotals=t.subtotals,
                         tiers=", ".join(t.tiers) or Text("无（该表没有层级）", "none (the table has no tiers)"))
    types = {c.field: c.type for c in t.indicators.columns}
    if "score" not in types or "weight" not in t.row_fields("indicators"):  # points: a column's or the tree's
        raise XlgenError(TemplateCode.SUBTOTALS_COLUMNS, file=t.path, key="total.subtotals")
    if not t.total_weight and t.total_label_span < 2:
        raise XlgenError(TemplateCode.SUBTOTAL_SPAN, file=t.path, key="total.label_span")
    if "{tier}" not in t.subtotal_label:
        raise XlgenError(TemplateCode.SUBTOTAL_NO_TIER, file=t.path, key="total.subtotal_label", label=t.subtotal_label)


def _check_print_edge(t: Template) -> None:
    """Columns on the screen only (``print = false``) are the indicators' last, right of the
    printed form; no cell of another table or row may straddle that edge (it would print cut)."""
    printed = [c.printed for c in t.indicators.columns]
    if printed != sorted(printed, reverse=True):
        first = printed.index(False)
        raise XlgenError(TemplateCode.PRINT_NOT_LAST, file=t.path, key=f"indicators.columns[{first}].print")
    edge = t.print_width
    if edge == t.width:
        return
    if edge <= t.label_cols:
        raise XlgenError(TemplateCode.PRINT_NOTHING, file=t.path, key="indicators.columns")
    for name, table in (("tasks", t.tasks), ("goals", t.goals)):
        col, group = t.label_cols, ""
        for i, c in enumerate(table.columns):
            if name == "goals" and c.group != group:  # the goals' next block starts at the left
                col, group = t.label_cols, c.group
            if col < edge <= col + c.span - 1:
                raise XlgenError(TemplateCode.PRINT_EDGE, file=t.path, key=f"{name}.columns[{i}].span", edge=edge)
            col += c.span
    for section, rows in (("header", t.header), ("footer", t.footer)):
        for i, row in enumerate(rows):
            wide = row.label_span + sum(f.span + (f.label_span if f.label else 0) for f in row.fields)
            if wide > edge:
                raise XlgenError(TemplateCode.ROW_TOO_WIDE_PRINTED, file=t.path, key=f"{section}[{i}].fields", wide=wide,
                                 width=edge)
