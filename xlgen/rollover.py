"""Rollover: next year's blank from this year's returned workbook.

What carries over is the template's choice (``[rollover]``, by default in _base/national.toml):
the department's identity, its tasks, and the indicator tree with operators, targets, units and
weights. The returned file is read through the reader (never saved, never evaluated) and
verified; a file that fails verification still rolls over, with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .distribute import workbook_name
from .fill import Fill
from .findings import Finding
from .layout import FORMULA
from .reader import Returned, read_returned
from .verify import FileResult, verify_returned
from .workbook import Generated, generate


@dataclass(frozen=True)
class RolledOver:
    source: Path
    generated: Generated
    verification: FileResult

    @property
    def warning(self) -> bool:
        return self.verification.status != "pass"


def carried_fill(ret: Returned, year: int) -> Fill:
    """The inputs of ``ret`` that the template carries over, as a fill for ``year``."""
    keep = ret.template.rollover
    values = ret.inputs()
    lay = ret.layout

    def carried(section: str, index: int = -1) -> dict[str, Any]:
        out = {}
        for name, slot in lay.row_slots(section, index).items():
            value = _clean(values.get(slot.key))
            if name in keep.get(section, ()) and slot.role != FORMULA and value is not None:
                out[name] = value
        return out

    fill = Fill(year=year, header=carried("header"), goals=carried("goals"))
    fill.tasks = [task for task in (carried("tasks", i) for i in range(lay.task_count)) if task]
    for row in lay.indicator_rows:
        ind = carried("indicators", row.index)
        if row.tree is not None:
            # the tree's fixed names come from the template; a department's own values override
            fill.indicators[row.tree.name] = {k: v for k, v in ind.items() if k not in ("level1", "level2", "name")}
        elif ind.get("name"):
            fill.extra_indicators.append(ind)
    return fill


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def rollover(source: Path, year: int, out: Path, force: bool = False,
             password: str | None = None, keep: Sequence[Path] = ()) -> RolledOver | Finding:
    """Write next year's blank for ``source`` to ``out`` (a folder: named YYYY_CODE_NAME.xlsx in
    it); a Finding when the source cannot be read. Never over ``source`` or one of ``keep`` (the
    other returned files), even with ``force``."""
    ret = read_returned(source)
    if isinstance(ret, Finding):
        return ret
    verification = verify_returned(ret)
    fill = carried_fill(ret, year)
    if out.is_dir():
        out = out / workbook_name(year, str(fill.header.get("department_code") or source.stem),
                                  str(fill.header.get("department_name") or ""))
    generated = generate(ret.template, fill, out, year=year, force=force, password=password,
                         keep=[source, *keep])
    return RolledOver(source, generated, verification)
