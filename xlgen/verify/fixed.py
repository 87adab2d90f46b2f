"""The bureau's yardstick: every fixed value of a returned file compared with its sealed record.

A file carries the record of what the bureau fixed in it and a seal over the record (``seal.py``).
Each value that moved is ``fixed-changed`` at its cell; a record that does not match its seal is
``seal-broken``; a file of xlgen's make without a record is ``seal-missing`` (a file of a layout
older than seals: ``seal-predates``, a warning unless the bureau requires seals). Under
``--distributed`` the yardstick is the blank the department was sent (``yardstick.py``), not the
file's own record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from xlgen.errors import said
from xlgen.errors.verify import VerifyCode
from xlgen.findings import EMPTY, Code, Finding, Text, finding
from xlgen.generate import provenance, seal
from xlgen.generate.guidance.guide import SHEET as GUIDE_SHEET
from xlgen.intake.compare import empty
from xlgen.intake.package import Package
from xlgen.intake.reader import Returned
from xlgen.layout.model import FORMULA, LIST_SHEET, a1
from xlgen.names import HEADER, TASKS
from xlgen.verify.identity import BROKEN, MISSING, UNCHECKED, identity_of
from xlgen.verify.plan import Plan
from xlgen.verify.result import claimed_code
from xlgen.verify.yardstick import Reference, Yardstick


@dataclass(frozen=True)
class SealPolicy:
    """How a verification treats seals: the bureau's key, and whether a file must carry a seal."""

    key: bytes | None = None
    require: bool = False
    yardstick: Yardstick | None = None  # --distributed: the blanks the departments were sent

    @property
    def strict(self) -> bool:
        """Whether a file must show it is xlgen's sealed form (seals required, or a distribution)."""
        return self.require or self.yardstick is not None


def fixed_findings(ret: Returned, plan: Plan, policy: SealPolicy,
                   label_year: tuple[int, str] | None = None, blank: Reference | None = None) -> list[Finding]:
    """What the file changed of the values its record fixed, and whether the record is sealed
    (``label_year``: the year the title's label shows, and its cell); with ``blank``, of the
    values of the blank distributed to its department instead."""
    if blank is not None:
        return against_blank(ret, plan, blank, label_year)
    removed = marks_removed(ret) if policy.require else []
    if removed:
        return removed
    props = ret.package.properties
    sheet = ret.sheet.name
    found = identity_of(props, policy.key)
    if found.state == MISSING:
        stamp = props.get(provenance.PROP_LAYOUT)
        if stamp in provenance.READ_LAYOUTS and stamp < provenance.SEALED_SINCE:
            if policy.require or policy.key is not None:  # the key checks a seal: a file without one has nothing to show
                why = (said(VerifyCode.PREDATES_REQUIRED, layout=stamp) if policy.require
                       else said(VerifyCode.PREDATES_KEY, layout=stamp))
                return [finding(Code.SEAL_MISSING, sheet, None, None, reason=why)]
            # no record: the year the bureau stamped in the properties is the label's yardstick
            prop = props.get(provenance.PROP_YEAR, "")
            moved = label_changed(ret, int(prop), label_year) if prop.isdigit() else []
            return [finding(Code.SEAL_PREDATES, sheet, None, None, layout=stamp), *moved]
        if made_by_xlgen(ret):
            return [finding(Code.SEAL_MISSING, sheet, None, None, reason=said(VerifyCode.NO_RECORD))]
        return []
    record = found.record
    if record is None:
        return [finding(Code.SEAL_BROKEN, sheet, None, None, reason=said(VerifyCode.RECORD_UNREADABLE))]
    out: list[Finding] = []
    if found.state == UNCHECKED:
        out.append(finding(Code.SEAL_UNCHECKED, sheet, None, None))
    elif found.state == BROKEN:
        reason = said(VerifyCode.OTHER_KEY) if policy.key is not None else said(VerifyCode.HASH_DIFFERS)
        out.append(finding(Code.SEAL_BROKEN, sheet, None, None, reason=reason))
    out.extend(changed(ret, plan, record, label_year))
    out.extend(open_tasks(ret, plan, record.fields))
    return out


def against_blank(ret: Returned, plan: Plan, blank: Reference, label_year: tuple[int, str] | None) -> list[Finding]:
    """The file judged against the blank its department was sent, whatever its own seal says:
    its marks, layout and department property, its record and seal, and every fixed value."""
    props = ret.package.properties
    sheet = ret.sheet.name
    out = marks_removed(ret)
    for prop, label, expected in ((provenance.PROP_LAYOUT, Text("版式（xlgen_layout）", "the layout (xlgen_layout)"),
                                   blank.layout),
                                  (provenance.PROP_DEPARTMENT, Text("文档属性 部门编码", "the document property department code"),
                                   blank.department)):
        found = props.get(prop)
        if found != expected and not (found is None and out):  # properties deleted: marks-removed says so
            out.append(finding(Code.MARKS_CHANGED, sheet, None, None, label=label, blank=blank.file,
                               expected=expected, found=found))
    if blank.record is None:  # a blank of a layout before seals: nothing recorded to compare with
        return out
    stored = seal.stored(props)
    if stored is None:
        if not out:
            out.append(finding(Code.SEAL_MISSING, sheet, None, None, reason=said(VerifyCode.BLANK_SEALED, blank=blank.file)))
    elif stored[0] != blank.record.text or stored[1].strip().lower() != blank.seal.strip().lower():
        out.append(finding(Code.SEAL_BROKEN, sheet, None, None, reason=said(VerifyCode.BLANK_DIFFERS, blank=blank.file)))
    out.extend(changed(ret, plan, blank.record, label_year))
    out.extend(open_tasks(ret, plan, blank.record.fields, distributed=True))
    return out


TASKS_SET_LABEL = Text(f"文档属性 {provenance.PROP_TASKS_SET}（财政部门设定的任务行）",
                      f"the document property {provenance.PROP_TASKS_SET} (the task rows the bureau set)")
ALLOCATED = "allocated"  # a task's 项目下达金额: the bureau's money, never the department's to type


def open_tasks(ret: Returned, plan: Plan, fields: dict[str, Any], distributed: bool = False) -> list[Finding]:
    """Task rows the blank left open: when the bureau set the department's tasks, none of them may
    carry a 下达金额 (``task-added``); when it set none (``distributed``: the blank's record says
    so), the tasks the department typed are named for the bureau to see (``tasks-own``)."""
    given = {int(key[len(TASKS) + 1:key.index("]")]) for key in fields if key.startswith(f"{TASKS}[")}
    typed = [row for (section, index), row in plan.rows.items()
             if section == TASKS and index not in given and ALLOCATED in row
             and row[ALLOCATED].role != FORMULA]  # a funding total's row sums the others
    out = []
    # the rows the reader closed come from a property: it must name the rows the record sets (a
    # property edited to close a department's rows, or to open the bureau's, is a fixed value moved)
    set_ = provenance.tasks_set_text(given)
    prop = ret.package.properties.get(provenance.PROP_TASKS_SET)
    if prop is not None and prop != set_:
        out.append(finding(Code.FIXED_CHANGED, ret.sheet.name, None, TASKS, label=TASKS_SET_LABEL,
                           expected=set_ or EMPTY, found=prop))
    if given:
        for row in typed:
            slot = row[ALLOCATED]
            value = ret.value(slot)
            if value is not None and value != "":
                out.append(finding(Code.TASK_ADDED, ret.sheet.name, ret.where(slot), slot.key,
                                   label=plan.labels.get(slot.key, slot.key), value=value))
    elif distributed:
        count = sum(1 for row in typed if any(not empty(ret.value(s)) for s in row.values() if s.role != FORMULA))
        if count:
            out.append(finding(Code.TASKS_OWN, ret.sheet.name, None, None, count=count))
    return out


def marks_removed(ret: Returned) -> list[Finding]:
    """``marks-removed`` naming which of xlgen's marks the file lacks (custom properties, defined
    names, the lists sheet) and the department it claims; none when it has them all."""
    missing = [text for text, there in _marks(ret.package) if not there]
    if not missing:
        return []
    slot = ret.layout.slots.get(f"{HEADER}.department_code")
    code = claimed_code(ret, {slot.key: ret.value(slot)} if slot else {})
    return [finding(Code.MARKS_REMOVED, ret.sheet.name, None, None, department=code or EMPTY,
                    missing=Text("、".join(t.zh for t in missing), ", ".join(t.en for t in missing)))]


def _marks(pkg: Package) -> list[tuple[Text, bool]]:
    """xlgen's marks, each with whether ``pkg`` has it."""
    prefix = provenance.NAME_PREFIX
    return [(Text(f"自定义文档属性 {prefix}*", f"the custom properties {prefix}*"), any(n.startswith(prefix) for n in pkg.properties)),
            (Text(f"定义的名称 {prefix}*", f"the defined names {prefix}*"), any(n.startswith(prefix) for n in pkg.names)),
            (Text(f"隐藏的工作表 {LIST_SHEET}", f"the hidden sheet {LIST_SHEET}"), any(s.name == LIST_SHEET for s in pkg.sheets))]


def changed(ret: Returned, plan: Plan, record: seal.Record, label_year: tuple[int, str] | None) -> list[Finding]:
    """``fixed-changed`` for each value of ``record`` the file no longer holds."""
    out = fields_changed(ret, plan, record.fields)
    if record.year is not None:
        prop = ret.package.properties.get(provenance.PROP_YEAR)
        if prop != str(record.year):
            out.append(finding(Code.FIXED_CHANGED, None, None, "year", label=Text(
                "文档属性 年度", "the document property year"), expected=record.year, found=prop))
        out.extend(label_changed(ret, record.year, label_year))
    return out


def fields_changed(ret: Returned, plan: Plan, fields: dict[str, Any]) -> list[Finding]:
    """``fixed-changed`` at each cell that no longer holds its value of ``fields`` (slot key → value)."""
    sheet = ret.sheet.name
    out = []
    slots, cells, moved = ret.layout.slots, ret.cells_by_key, not ret.identity
    for key, expected in fields.items():
        slot = slots.get(key)
        if slot is None:  # the file has fewer rows than the blank had: the row is gone
            out.append(finding(Code.FIXED_CHANGED, sheet, None, key, label=key, expected=expected, found=None))
            continue
        if moved and ret.file_row(slot.row) is None:
            continue  # its row was deleted: reported as row-deleted
        c = cells[key]
        found = None if c is None else c.value
        if not same_value(expected, found):
            out.append(finding(Code.FIXED_CHANGED, sheet, ret.where(slot), key, label=plan.labels.get(key, key),
                               expected=expected, found=found))
    return out


def label_changed(ret: Returned, year: int, label_year: tuple[int, str] | None) -> list[Finding]:
    """``fixed-changed`` at the title's year label when it does not show ``year``."""
    if label_year is not None and label_year[0] == year:
        return []
    return [finding(Code.FIXED_CHANGED, ret.sheet.name, label_year[1] if label_year else
                    a1(ret.file_row(ret.layout.year_row) or ret.layout.year_row, 0),
                    "year", label=Text("年度", "year"), expected=year, found=label_year[0] if label_year else None)]


_PLAIN = (str, float, int)  # the types of a record's values


def same_value(expected: Any, found: Any) -> bool:
    """Whether a cell still holds a fixed value, exactly as the workbook's formulas see it: a
    number as the same number (not as text), a text to the last space."""
    if found.__class__ is expected.__class__ in _PLAIN and found == expected:
        return True  # the usual: the very value
    if isinstance(expected, str):
        return isinstance(found, str) and found == expected
    if isinstance(found, bool) or not isinstance(found, (int, float)):
        return False
    return math.isclose(float(found), float(expected), rel_tol=1e-12, abs_tol=1e-12)


def made_by_xlgen(ret: Returned) -> bool:
    """Whether a file without provenance still shows xlgen's make: its custom properties, defined
    names, hidden list sheet or guide sheet."""
    return any(there for _, there in _marks(ret.package)) or any(s.name == GUIDE_SHEET for s in ret.package.sheets)
