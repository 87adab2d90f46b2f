"""Points at every tier of the tree, as the published forms print them: in the labels
(部门决策（25分） / 目标任务（15分） / 相关性（5分）, 达州's 得分表) and, where the form has one, in
a 分值 column. A label that states its points is checked against the rows beneath it: a tier's
points are the sum of its rows', a 三级指标's its own ``weight`` (taken from the label where the
form has no 分值 column). A form that says 25 over rows adding up to 24 is a located error in
``templates check``, never a form whose printed points disagree with its scoring."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from pathlib import Path

from xlgen.errors import ErrorCode, XlgenError

# (5分), （25分）, (10) at the end of a label: the points it states
_POINTS = re.compile(r"[（(]\s*(\d+(?:\.\d+)?)\s*分?\s*[)）]\s*$")


def label_points(label: str) -> float | None:
    """The points a label states at its end ("相关性（5分）" → 5.0), None when it states none."""
    m = _POINTS.search(label)
    return float(m.group(1)) if m else None


class _Row(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def weight(self) -> float | None: ...
    @property
    def level1(self) -> str: ...
    @property
    def level2(self) -> str: ...
    @property
    def block(self) -> str: ...


def tree_runs(tree: Sequence[_Row], tiers: tuple[str, ...], tier: str) -> list[tuple[int, int]]:
    """The runs (first, last index) of the tree's rows sharing ``tier`` and the tiers above it."""
    parents = tiers[:tiers.index(tier) + 1]
    runs: list[tuple[int, int]] = []
    for i, row in enumerate(tree):
        key = tuple(getattr(row, p) for p in parents)
        if runs and tuple(getattr(tree[runs[-1][0]], p) for p in parents) == key:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def points_problems(file: Path, tree: Sequence[_Row], tiers: tuple[str, ...]) -> list[XlgenError]:
    """Where a label's stated points disagree with the rows' (each located at its dotted key)."""
    out: list[XlgenError] = []
    for i, row in enumerate(tree):
        said = label_points(row.name)
        if said is not None and row.weight is not None and round(said, 6) != round(row.weight, 6):
            out.append(XlgenError(ErrorCode.ROW_POINTS, file=file, key=f"tree[{i}].name", label=row.name,
                                  stated=f"{said:g}", found=f"{row.weight:g}"))
    for tier in reversed(tiers):  # the nearest tier first: the most exact place
        for first, last in tree_runs(tree, tiers, tier):
            label = getattr(tree[first], tier)
            said = label_points(label)
            weights = [r.weight for r in tree[first:last + 1] if not r.block]  # own rows: their block's points
            if said is None or any(w is None for w in weights):
                continue
            got = round(sum(w for w in weights if w is not None), 6)
            if got != round(said, 6):
                out.append(XlgenError(ErrorCode.TIER_POINTS, file=file, key=f"tree[{first}].{tier}", label=label,
                                      stated=f"{said:g}", rows=f"tree[{first}]..tree[{last}]", found=f"{got:g}"))
    return out
