"""Write a fill as TOML, in the format ``load_fill`` reads (that of ``samples/chaoyang-2024.toml``)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from xlgen.template.fill import Fill, Value
from xlgen.template.model import Template

FIXED_ON_TREE = ("level1", "level2")  # a tree indicator's 一级/二级指标 are the template's


def toml_value(value: float | str) -> str:
    if isinstance(value, str):
        # JSON's escapes are TOML's; TOML also wants DEL escaped
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if math.isfinite(value) else ("nan" if math.isnan(value) else "inf" if value > 0 else "-inf")


def _pairs(values: dict[str, Value], skip: Sequence[str] = ()) -> list[str]:
    return [f"{k} = {toml_value(v)}" for k, v in values.items() if v is not None and v != "" and k not in skip]


def fill_toml(fill: Fill, template: Template, comments: Sequence[str] = ()) -> str:
    """``fill`` as TOML text: year, [header], [[tasks]], [goals], then [[indicators]] (the tree's in
    its order, then the department's own, with their 一级/二级指标); ``comments`` on top."""
    lines = [f"# {c}" for c in comments]
    if fill.year is not None:
        lines += [f"year = {fill.year}", ""]
    if fill.header:
        lines += ["[header]", *_pairs(fill.header), ""]
    for task in fill.tasks:
        lines += ["[[tasks]]", *_pairs(task), ""]
    if fill.goals:
        lines += ["[goals]", *_pairs(fill.goals), ""]
    for ind in template.tree:
        if ind.name in fill.indicators:
            values = {"name": ind.name, **fill.indicators[ind.name]}
            lines += ["[[indicators]]", *_pairs(values, FIXED_ON_TREE), ""]
    for own in fill.extra_indicators:
        lines += ["[[indicators]]", *_pairs(own), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
