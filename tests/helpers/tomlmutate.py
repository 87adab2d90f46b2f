"""Templates as data, mutated and written back as TOML: the property-based `templates check` test.

A built-in template is loaded with its ``extends`` chain merged (so every key the form uses is
there to mutate) and written as one standalone file; a mutation drops a key, gives a value of
another type, empties a list, sets a span out of range, or adds a key or field no one knows.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

Path_ = tuple[str | int, ...]


def dump_toml(data: dict[str, Any]) -> str:
    """``data`` as TOML: every top-level value as ``key = value``, tables inline."""
    return "".join(f"{_key(k)} = {_value(v)}\n" for k, v in data.items())


def _key(k: str) -> str:
    return k if k.replace("_", "").replace("-", "").isalnum() and k.isascii() else json.dumps(k, ensure_ascii=False)


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ("inf" if v > 0 else "-inf") if not math.isnan(v) else "nan"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(type(v))


def paths(data: Any, at: Path_ = ()) -> list[Path_]:
    """Every key and list item of ``data``, as paths from the top."""
    out: list[Path_] = []
    if isinstance(data, dict):
        for k, v in data.items():
            out.append((*at, k))
            out += paths(v, (*at, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.append((*at, i))
            out += paths(v, (*at, i))
    return out


def get(data: Any, path: Path_) -> Any:
    for p in path:
        data = data[p]
    return data


OTHER_VALUES: list[Any] = ["", "x", "{nosuch}", 0, -1, 1, 100, 1.5, -0.5, True, [], ["x"], [1], {}, {"bogus": 1}]
SPANS: list[Any] = [0, -1, 1, 2, 40, 1.5, "2"]


def mutate(data: dict[str, Any], kind: str, path: Path_, pick: int) -> dict[str, Any]:
    """A copy of ``data`` with one mutation of ``kind`` at ``path`` (``pick`` chooses the value)."""
    out = copy.deepcopy(data)
    parent = get(out, path[:-1])
    last = path[-1]
    value = parent[last]
    if kind == "drop":
        del parent[last]
    elif kind == "retype":
        parent[last] = OTHER_VALUES[pick % len(OTHER_VALUES)]
    elif kind == "empty":
        parent[last] = [] if isinstance(value, list) else {} if isinstance(value, dict) else ""
    elif kind == "span":
        parent[last] = SPANS[pick % len(SPANS)] if "span" in str(last) else value
        if isinstance(value, dict):  # a column or field: give it a span
            value["span"] = SPANS[pick % len(SPANS)]
    elif kind == "unknown":
        if isinstance(value, dict):
            value["bogus" if pick % 2 else "field"] = "nosuch"
        elif isinstance(value, list):
            value.append({"field": "nosuch", "label": "未知", "type": "text"} if pick % 2 else "nosuch")
        else:
            parent[last] = "nosuch"
    elif kind == "duplicate" and isinstance(parent, list):
        parent.append(copy.deepcopy(value))
    return out


KINDS = ("drop", "retype", "empty", "span", "unknown", "duplicate")


def write(data: dict[str, Any], folder: Path, name: str = "mutated") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(dump_toml(data), encoding="utf-8")
    return path
