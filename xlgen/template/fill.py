"""Fill data: what a department enters (or a roster pre-fills), checked against a template.

A fill is keyed by the template's own field names, so a template with other columns needs no
code change here. ``samples/chaoyang-2024.toml`` is the seed's fill.
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from xlgen.errors import ErrorCode, XlgenError
from xlgen.errors.template import TemplateCode
from xlgen.template.model import NUMBER, NUMBER_OR_TEXT, Template, input_columns, value_kind
from xlgen.template.tomlspec import Node, load_toml
from xlgen.lang import Text

Value = float | str | None


@dataclass
class Fill:
    """Inputs of one workbook. Missing keys are empty cells."""

    year: int | None = None
    header: dict[str, Value] = field(default_factory=dict)
    tasks: list[dict[str, Value]] = field(default_factory=list)
    goals: dict[str, Value] = field(default_factory=dict)
    # by indicator name (三级指标); values override the template tree's defaults
    indicators: dict[str, dict[str, Value]] = field(default_factory=dict)
    # indicators that are not in the template's tree, placed in the spare rows
    extra_indicators: list[dict[str, Value]] = field(default_factory=list)
    footer: dict[str, Value] = field(default_factory=dict)  # 评价结论, 存在问题, sign-off names

    def add_indicator(self, template: Template, values: dict[str, Value]) -> bool:
        """File ``values`` under its tree indicator, or as a department's own indicator when it
        names its 一级 and 二级指标; False when it is neither (an unknown name)."""
        name = values.get("name")
        if any(t.name == name for t in template.tree):
            self.indicators[str(name)] = values
        elif all(values.get(tier) for tier in template.tiers):
            self.extra_indicators.append(values)
        else:
            return False
        return True


def indicator_inputs(template: Template) -> dict[str, str]:
    """Field → type of what a fill or roster may give for an indicator (its 完成程度 included)."""
    return input_columns(template.indicators.columns) | {"degree": "computed"}


YEARS = range(2000, 2101)  # a four-digit year a form can be for: not 25, -5 or 205


def check_year(year: int, where: str | Path) -> int:
    """``year`` when it is a year a form can be for; else a located error naming ``where``."""
    if year not in YEARS:
        raise XlgenError(ErrorCode.YEAR_INVALID, option=where, year=year, low=YEARS[0], high=YEARS[-1])
    return year


def next_year() -> int:
    """The year a blank is for when none is given: the forms go out a year ahead."""
    return datetime.date.today().year + 1


def load_fill(path: Path, template: Template) -> Fill:
    root = Node(path, load_toml(path))
    root.only("year", "header", "tasks", "goals", "indicators", "footer")
    fill = Fill(year=check_year(root.get("year", int), f"{path}: year") if root.has("year") else None)
    head = root.table("header", required=False)
    fill.header = _values(head, template.header_inputs())
    fill.footer = _values(root.table("footer", required=False), template.header_inputs("footer"))
    fill.tasks = [_task(node, template) for node in root.tables("tasks", required=False)]
    fill.goals = _values(root.table("goals", required=False), input_columns(template.goals.columns))
    for node in root.tables("indicators", required=False):
        values = _values(node, indicator_inputs(template))
        name = node.get("name", str)
        if not fill.add_indicator(template, values):
            close = difflib.get_close_matches(name, [t.name for t in template.tree], n=1)
            key = f"{node.key}.name"
            if close:
                raise XlgenError(TemplateCode.INDICATOR_UNKNOWN_CLOSE, file=path, key=key, name=name,
                                 template=template.id, close=close[0])
            if template.tiers:
                raise XlgenError(TemplateCode.INDICATOR_UNKNOWN_NEW, file=path, key=key, name=name, template=template.id,
                                 tiers=Text("、".join(template.tiers), " and ".join(template.tiers)))
            raise XlgenError(TemplateCode.INDICATOR_UNKNOWN, file=path, key=key, name=name, template=template.id)
    return fill


def _task(node: Node, template: Template) -> dict[str, Value]:
    """One task row; on a form with funding rows it names its row (年度资金总额 or a source)."""
    values = _values(node, input_columns(template.tasks.columns))
    funding = template.tasks.funding
    if funding is not None and funding.index_of(values.get(funding.label_field)) is None:
        rows = " / ".join((funding.total, *funding.sources))
        raise node.error(funding.label_field, TemplateCode.FUNDING_ROW, value=repr(values.get(funding.label_field)), rows=rows)
    return values


def _values(node: Node, types: dict[str, str]) -> dict[str, Value]:
    """The keys of ``node``, each checked against what its column holds; unknown keys refused."""
    node.only(*types)
    return {name: _value(node, name, value_kind(kind)) for name, kind in types.items() if node.has(name)}


def _value(node: Node, name: str, kind: str) -> Value:
    if kind == NUMBER_OR_TEXT:
        return node.number_or_text(name)
    value = node.data[name]
    if kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise XlgenError(ErrorCode.KEY_TYPE, file=node.file, key=node.path(name), got=value, expected=Text("数字", "a number"))
        return float(value)
    if not isinstance(value, str):
        raise XlgenError(ErrorCode.KEY_TYPE, file=node.file, key=node.path(name), got=value, expected=Text("字符串", "a string"))
    return value
