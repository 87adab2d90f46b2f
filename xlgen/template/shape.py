"""The shape a template must have for the layout to place it: formulas that read their own
table's columns, and rows no wider than the table. Checked when a template loads, so a broken one is a
located error naming the file and key, never a KeyError or IndexError while a workbook is made."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

from xlgen.errors import ErrorCode, XlgenError
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
                raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"{table_name}.columns[{i}].formula",
                                 detail=not_a_formula(col.formula, t.formulas))
            for ref in t.formulas[col.formula].placeholders() if col.formula else ():
                if "." not in ref and ref not in t.row_fields(table_name):  # a bare {field} is read on the row's own table
                    raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"formulas.{col.formula}",
                                     detail=Text(f"占位符 {{{ref}}} 不是 {table_name} 表的列（该表的列「{col.field}」用了这个公式）",
                                                 f"placeholder {{{ref}}} names no column of the {table_name} table, "
                                                 f"where column '{col.field}' uses this formula"))
    spanned = [t.tasks.columns] + [cols for _group, cols in t.goals.blocks()]  # a goals block spans the table
    if any(t.width != t.label_cols + sum(c.span for c in cols) for cols in spanned if cols):
        raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key="tasks.columns",
                         detail=Text(f"tasks、goals 和 indicators 须一样宽（栏目名称之后 {t.width - t.label_cols} 列）",
                                     f"tasks, goals and indicators must span the same width ({t.width - t.label_cols} columns after the section label)"))
    _check_print_edge(t)
    for section, rows in (("header", t.header), ("footer", t.footer)):
        for i, row in enumerate(rows):  # a field's own label takes its label_span before it
            wide = row.label_span + sum(f.span + (f.label_span if f.label else 0) for f in row.fields)
            if wide > t.width:
                raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"{section}[{i}].fields",
                                 detail=Text(f"名称和字段共跨 {wide} 列，而表宽 {t.width} 列",
                                             f"the label and fields span {wide} columns; the table is {t.width} wide"))
    if t.total_label_span >= t.width:
        raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key="total.label_span",
                         detail=Text(f"{t.total_label_span} 列之后没有放得分的列；表宽 {t.width} 列",
                                     f"{t.total_label_span} leaves no column for the score; the table is {t.width} wide"))
    _check_subtotals(t)


def _check_subtotals(t: Template) -> None:
    """``[total] subtotals``: a tier column of the indicators, a 得分 and a 分值 column to sum, room
    for both left of the total's score."""
    if not t.subtotals:
        return
    def bad(key: str, detail: Text) -> XlgenError:
        return XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"total.{key}", detail=detail)
    if t.subtotals not in t.tiers:
        raise bad("subtotals", Text(
            f"「{t.subtotals}」不是绩效指标表的层级列；应为以下之一：{', '.join(t.tiers) or '无（该表没有层级）'}",
            f"'{t.subtotals}' is not a tier column of the indicators; expected one of "
            + (", ".join(t.tiers) or "none (the table has no tiers)")))
    types = {c.field: c.type for c in t.indicators.columns}
    if "score" not in types or "weight" not in t.row_fields("indicators"):  # points: a column's or the tree's
        raise bad("subtotals", Text("绩效指标表须有得分列（字段 \"score\"）和分值列（或在指标中给出各行分值）以供合计",
                                    "the indicators need a score column (field \"score\") and a weight column "
                                    "(or the rows' points in the tree) to sum"))
    if not t.total_weight and t.total_label_span < 2:
        raise bad("label_span", Text("小计的分值位于得分左侧：名称须跨 2 列或更多",
                                     "a subtotal's 分值 sits left of the score: the label needs 2 columns or more"))
    if "{tier}" not in t.subtotal_label:
        raise bad("subtotal_label", Text(f"「{t.subtotal_label}」没有写出层级：请在相应位置写 {{tier}}",
                                         f"'{t.subtotal_label}' does not name the tier; write {{tier}} where it goes"))


def _check_print_edge(t: Template) -> None:
    """Columns on the screen only (``print = false``) are the indicators' last, right of the
    printed form; no cell of another table or row may straddle that edge (it would print cut)."""
    printed = [c.printed for c in t.indicators.columns]
    if printed != sorted(printed, reverse=True):
        first = printed.index(False)
        raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"indicators.columns[{first}].print",
                         detail=Text("不打印的列须在绩效指标表的最右边（其后各列也不打印）",
                                     "columns that do not print are the indicators' last (every column after them too)"))
    edge = t.print_width
    if edge == t.width:
        return
    if edge <= t.label_cols:
        raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key="indicators.columns",
                         detail=Text("没有要打印的列", "no column prints"))
    for name, table in (("tasks", t.tasks), ("goals", t.goals)):
        col, group = t.label_cols, ""
        for i, c in enumerate(table.columns):
            if name == "goals" and c.group != group:  # the goals' next block starts at the left
                col, group = t.label_cols, c.group
            if col < edge <= col + c.span - 1:
                raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"{name}.columns[{i}].span",
                                 detail=Text(f"跨过了打印边界（第 {edge} 列之后不打印）：请让它止于边界",
                                             f"crosses the print edge (nothing after column {edge} prints); "
                                             "make it end there"))
            col += c.span
    for section, rows in (("header", t.header), ("footer", t.footer)):
        for i, row in enumerate(rows):
            wide = row.label_span + sum(f.span + (f.label_span if f.label else 0) for f in row.fields)
            if wide > edge:
                raise XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=f"{section}[{i}].fields",
                                 detail=Text(f"名称和字段共跨 {wide} 列，而打印的表宽 {edge} 列",
                                             f"the label and fields span {wide} columns; the printed form is {edge} wide"))
