"""Rollover: next year's blank from this year's returned workbook.

What carries over is the template's choice (``[rollover]``, by default in _base/national.toml):
the department's identity, its tasks, and the indicator tree with operators, targets, units and
weights. Next year's blank is made with the newest known version of the file's template. The
returned file is read through the reader (never saved, never evaluated) and verified; a file
that fails verification still rolls over, with a warning, but for one that fails it against its
seal or its distribution (a fixed value moved, the record broken or missing, xlgen's marks
stripped, a layout older than the blank's): nothing of it is carried (``not-carried``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlgen.cycle.distribute import workbook_name
from xlgen.names import GOALS, HEADER, INDICATORS, TASKS
from xlgen.template.fill import Fill
from xlgen.errors import said
from xlgen.errors.cycle import CycleCode
from xlgen.findings import Code, Finding, Text, finding
from xlgen.layout.model import FORMULA
from xlgen.intake.reader import Returned
from xlgen.intake.returned import read_returned
from xlgen.template.model import Template, newest_version
from xlgen.verify.result import FileResult
from xlgen.verify.fixed import SealPolicy
from xlgen.verify.identity import BROKEN, identity_of
from xlgen.verify.verifier import verify_returned
from xlgen.generate.workbook import Generated, generate


@dataclass(frozen=True)
class RolledOver:
    source: Path
    generated: Generated
    verification: FileResult

    @property
    def warning(self) -> bool:
        return self.verification.status != "pass"


def carried_fill(ret: Returned, year: int | None, target: Template,
                 keep: dict[str, tuple[str, ...]] | None = None) -> Fill:
    """The inputs of ``ret`` that its template carries over (or those ``keep`` names, by section),
    as a fill for ``year`` of ``target`` (its template, or a newer version of it). An indicator
    missing from ``target``'s tree stays, as one of the department's own."""
    keep = ret.template.rollover if keep is None else keep
    values = ret.inputs()
    # Read without the key: next_fill has already refused a file whose seal the bureau's key calls
    # broken; what is read here is the record that verification accepted.
    sealed = identity_of(ret.package.properties)
    if sealed.record is not None and sealed.state != BROKEN:  # the bureau's values, not what a cell says now
        values |= {k: v for k, v in sealed.record.fields.items() if k in ret.layout.slots}
    lay = ret.layout

    def carried(section: str, index: int = -1) -> dict[str, Any]:
        out = {}
        for name, slot in lay.row_slots(section, index).items():
            value = _clean(values.get(slot.key))
            if name in keep.get(section, ()) and slot.role != FORMULA and value is not None:
                out[name] = value
        return out

    fill = Fill(year=year, header=carried(HEADER), goals=carried(GOALS))
    fill.tasks = [task for task in (carried(TASKS, i) for i in range(lay.task_count)) if task]
    for row in lay.indicator_rows:
        ind = carried(INDICATORS, row.index)
        if row.tree is not None:  # the tree's names are the template's, not cells a user typed
            ind |= {"level1": row.tree.level1, "level2": row.tree.level2, "name": row.tree.name}
        if ind.get("name") and not fill.add_indicator(target, ind):
            fill.extra_indicators.append(ind)  # a name without its 一级/二级指标: kept all the same
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


# What rollover never carries past: the bureau's values moved, or they cannot be told from the
# department's (record or seal broken or missing, marks stripped, a layout or seal not the
# distributed blank's, an .xls not converted under the distribution).
TAMPERED = (Code.SEAL_BROKEN, Code.SEAL_MISSING, Code.FIXED_CHANGED, Code.MARKS_REMOVED, Code.MARKS_CHANGED,
            Code.CONVERSION_REQUIRED)


@dataclass(frozen=True)
class NextFill:
    """What a returned file carries into next year: the fill, for the newest version of its template."""

    verification: FileResult
    target: Template
    fill: Fill


def next_fill(source: Path, year: int, policy: SealPolicy = SealPolicy()) -> NextFill | Finding:
    """``source`` read and verified (its seal with the policy's key, against the blank its
    department was sent under a distribution), and its carried fill for ``year``; a Finding when it
    cannot be read, or when it would fail verification against its seal or its distribution
    (``not-carried``): rollover never seals again values it could not check. With the key, a record
    sealed again with a plain hash is broken, and a file of a layout before seals has nothing to
    check, so a department cannot launder its values into a blank the bureau's key seals."""
    ret = read_returned(source)
    if isinstance(ret, Finding):
        return ret
    verification = verify_returned(ret, policy)
    key = policy.key
    refused = next((f for f in verification.findings if f.code in TAMPERED
                    or (f.code is Code.SEAL_PREDATES and (key is not None or policy.strict))), None)
    if refused is not None:  # the bureau's values cannot be told from the department's: never carry them
        hint = said(CycleCode.KEY_HINT) if key is not None and refused.code is Code.SEAL_BROKEN else Text("", "")
        return finding(Code.NOT_CARRIED, seal=Text(refused.message("zh"), refused.message("en")), hint=hint)
    target = newest_version(ret.template)
    return NextFill(verification, target, carried_fill(ret, year, target))


def rollover(source: Path, year: int, out: Path, force: bool = False,
             password: str | None = None, keep: Sequence[Path] = (), key: bytes | None = None) -> RolledOver | Finding:
    """Write next year's blank for ``source`` to ``out`` (a folder: named YYYY_CODE_NAME.xlsx in
    it); a Finding when the source cannot be read. Never over ``source`` or one of ``keep`` (the
    other returned files, and the outputs of this run already written), even with ``force``. What
    carries over of the bureau's fields is fixed again, sealed anew (with ``key``, the bureau's)."""
    carried = next_fill(source, year, SealPolicy(key))
    if isinstance(carried, Finding):
        return carried
    fill = carried.fill
    if out.is_dir():
        out = out / workbook_name(year, str(fill.header.get("department_code") or source.stem),
                                  str(fill.header.get("department_name") or ""))
    generated = generate(carried.target, fill, out, year=year, force=force, password=password,
                         keep=[source, *keep], key=key)
    return RolledOver(source, generated, carried.verification)
