"""Fill data: what a department enters (or a roster pre-fills), checked against a template.

A fill is keyed by the template's own field names, so a template with other columns needs no
code change here. ``samples/chaoyang-2024.toml`` is the seed's fill.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ErrorCode, XlgenError
from .template import Template
from .tomlspec import Node, load_toml

Value = float | str | None
NUMBER_TYPES = ("amount", "weight", "target")


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


def load_fill(path: Path, template: Template) -> Fill:
    root = Node(path, load_toml(path))
    root.only("year", "header", "tasks", "goals", "indicators")
    fill = Fill(year=root.get("year", int) if root.has("year") else None)
    header_fields = {f.field: f for f in template.header_fields()}
    head = root.table("header", required=False)
    head.only(*header_fields)
    for name, spec in header_fields.items():
        if head.has(name):
            fill.header[name] = _value(head, name, number=spec.type == "amount")
    task_inputs = _input_columns(template.tasks.columns)
    for node in root.tables("tasks", required=False):
        node.only(*task_inputs)
        fill.tasks.append({n: _value(node, n, number=task_inputs[n] in NUMBER_TYPES) for n in task_inputs if node.has(n)})
    goals = root.table("goals", required=False)
    goal_inputs = _input_columns(template.goals.columns)
    goals.only(*goal_inputs)
    fill.goals = {n: _value(goals, n, number=False) for n in goal_inputs if goals.has(n)}
    ind_inputs = _input_columns(template.indicators.columns) | {"degree": "computed"}
    tree = {ind.name: ind for ind in template.tree}
    for node in root.tables("indicators", required=False):
        node.only(*ind_inputs)
        name = node.get("name", str)
        values = {n: _indicator_value(node, n, ind_inputs[n]) for n in ind_inputs if node.has(n)}
        if name in tree:
            fill.indicators[name] = values
        elif node.has("level1") and node.has("level2"):
            fill.extra_indicators.append(values)
        else:
            close = difflib.get_close_matches(name, list(tree), n=1)
            raise XlgenError(
                ErrorCode.INDICATOR_UNKNOWN, file=path, key=f"{node.key}.name", name=name, template=template.id,
                suggestion=f"; did you mean '{close[0]}'?" if close else
                " (a new indicator also needs level1 and level2)",
            )
    return fill


def _input_columns(columns: Any) -> dict[str, str]:
    return {c.field: c.type for c in columns if c.field and c.type not in ("computed", "blank")}


def _value(node: Node, name: str, number: bool) -> Value:
    value = node.data[name]
    if number:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise XlgenError(ErrorCode.KEY_TYPE, file=node.file, key=node.path(name), got=value, expected="a number")
        return float(value)
    if not isinstance(value, str):
        raise XlgenError(ErrorCode.KEY_TYPE, file=node.file, key=node.path(name), got=value, expected="a string")
    return value


def _indicator_value(node: Node, name: str, kind: str) -> Value:
    if kind in ("weight", "computed"):
        return _value(node, name, number=True)
    if kind in ("target", "actual"):  # a number, or text: a qualitative target or grade
        return node.number_or_text(name)
    return _value(node, name, number=False)
