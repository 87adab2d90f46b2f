"""The bureau's yardstick: every fixed value of a returned file compared with its sealed record.

A file carries the record of what the bureau fixed in it and a seal over the record (``seal.py``).
Each value that moved is ``fixed-changed`` at its cell; a record that does not match its seal is
``seal-broken``; a file of xlgen's make without a record is ``seal-missing`` (a file of a layout
older than seals: ``seal-predates``, a warning unless the bureau requires seals).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from xlgen.findings import Code, Finding, Text, finding
from xlgen.generate import provenance, seal
from xlgen.generate.addin.guide import SHEET as GUIDE_SHEET
from xlgen.intake.reader import Returned
from xlgen.layout.model import LIST_SHEET
from xlgen.verify.identity import BROKEN, MISSING, UNCHECKED, identity_of
from xlgen.verify.plan import Plan


@dataclass(frozen=True)
class SealPolicy:
    """How a verification treats seals: the bureau's key, and whether a file must carry a seal."""

    key: bytes | None = None
    require: bool = False


def fixed_findings(ret: Returned, plan: Plan, policy: SealPolicy,
                   label_year: tuple[int, str] | None = None) -> list[Finding]:
    """What the file changed of the values its record fixed, and whether the record is sealed
    (``label_year``: the year the title's label shows, and its cell)."""
    props = ret.package.properties
    sheet = ret.sheet.name
    found = identity_of(props, policy.key)
    if found.state == MISSING:
        stamp = props.get(provenance.PROP_LAYOUT)
        if stamp in provenance.READ_LAYOUTS and stamp < provenance.SEALED_SINCE:
            if policy.require:
                return [finding(Code.SEAL_MISSING, sheet, None, None, reason=Text(
                    f"版式 {stamp} 早于封印，而核验要求封印", f"layout {stamp} predates seals and a seal is required"))]
            # no record: the year the bureau stamped in the properties is the label's yardstick
            prop = props.get(provenance.PROP_YEAR, "")
            moved = label_changed(ret, int(prop), label_year) if prop.isdigit() else []
            return [finding(Code.SEAL_PREDATES, sheet, None, None, layout=stamp), *moved]
        if made_by_xlgen(ret):
            return [finding(Code.SEAL_MISSING, sheet, None, None, reason=Text(
                "文档属性中没有记录", "no record in the document properties"))]
        return []
    record = found.record
    if record is None:
        return [finding(Code.SEAL_BROKEN, sheet, None, None, reason=Text("记录无法解读", "the record cannot be read"))]
    out: list[Finding] = []
    if found.state == UNCHECKED:
        out.append(finding(Code.SEAL_UNCHECKED, sheet, None, None))
    elif found.state == BROKEN:
        reason = (Text("封印不是用该密钥生成的", "the seal was not made with this key") if policy.key is not None
                  else Text("记录的哈希与封印不同", "the record's hash differs from the seal"))
        out.append(finding(Code.SEAL_BROKEN, sheet, None, None, reason=reason))
    out.extend(changed(ret, plan, record, label_year))
    return out


def changed(ret: Returned, plan: Plan, record: seal.Record, label_year: tuple[int, str] | None) -> list[Finding]:
    """``fixed-changed`` for each value of ``record`` the file no longer holds."""
    sheet = ret.sheet.name
    out = []
    for key, expected in record.fields.items():
        slot = ret.layout.slots.get(key)
        if slot is None:  # the file has fewer rows than the blank had: the row is gone
            out.append(finding(Code.FIXED_CHANGED, sheet, None, key, label=key, expected=expected, found=None))
            continue
        if ret.file_row(slot.row) is None:
            continue  # its row was deleted: reported as row-deleted
        found = ret.value(slot)
        if not same_value(expected, found):
            out.append(finding(Code.FIXED_CHANGED, sheet, ret.where(slot), key, label=plan.labels.get(key, key),
                               expected=expected, found=found))
    if record.year is not None:
        prop = ret.package.properties.get(provenance.PROP_YEAR)
        if prop != str(record.year):
            out.append(finding(Code.FIXED_CHANGED, None, None, "year", label=Text(
                "文档属性 年度", "the document property year"), expected=record.year, found=prop))
        out.extend(label_changed(ret, record.year, label_year))
    return out


def label_changed(ret: Returned, year: int, label_year: tuple[int, str] | None) -> list[Finding]:
    """``fixed-changed`` at the title's year label when it does not show ``year``."""
    if label_year is not None and label_year[0] == year:
        return []
    return [finding(Code.FIXED_CHANGED, ret.sheet.name, label_year[1] if label_year else f"A{(ret.file_row(1) or 1) + 1}",
                    "year", label=Text("年度", "year"), expected=year, found=label_year[0] if label_year else None)]


def same_value(expected: Any, found: Any) -> bool:
    """Whether a cell still holds a fixed value, exactly as the workbook's formulas see it: a
    number as the same number (not as text), a text to the last space."""
    if isinstance(expected, str):
        return isinstance(found, str) and found == expected
    if isinstance(found, bool) or not isinstance(found, (int, float)):
        return False
    return math.isclose(float(found), float(expected), rel_tol=1e-12, abs_tol=1e-12)


def made_by_xlgen(ret: Returned) -> bool:
    """Whether a file without provenance still shows xlgen's make: its custom properties, defined
    names, hidden list sheet or guide sheet."""
    pkg = ret.package
    prefix = provenance.NAME_PREFIX
    return (any(name.startswith(prefix) for name in pkg.properties)
            or any(name.startswith(prefix) for name in pkg.names)
            or any(s.name in (LIST_SHEET, GUIDE_SHEET) for s in pkg.sheets))
