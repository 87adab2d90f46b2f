"""The live self-check (填报检查): its rules, wording and result.

``layout/model.py`` places the block below the total row as formula slots (section ``checks``) and the
per-row helper formulas in hidden columns (section ``helper``), so our engine computes their
cached values, Excel, WPS and LibreOffice recompute them live, and the verifier reads them back.
This module holds what the block says besides the template's rules and reads what it found; it
knows no cell address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlgen.names import CHECKS, HELPER as HELPER  # the section of the helper columns, re-exported
from xlgen.template import rules

SECTION = CHECKS
TITLE = "填报检查"
HEADINGS = ("检查项目", "结果", "结论")
PASS, FAIL = "通过", "未通过"
VERIFY = "请核实"  # a warning rule's row that counts rows: not wrong for sure, not in the verdict
FIX_BEFORE, FIX_AFTER = "：是否应填 ", "？"  # around the value meant, when one row breaks a rule with a fix


@dataclass(frozen=True)
class Check:
    field: str  # slot field: checks.<field> holds the value, checks.<field>_status 通过/未通过
    label: str  # {expected}: the value it must have; {tasks}, {indicators}: the tables' labels


# The weight sums head the block; then one row per counted rule of the template (its [checks],
# xlgen/template/rules.py), each counting the rows its hidden helper column marks.
WEIGHT_CHECKS = (
    Check(rules.WEIGHT_CHECKS[0], "{tasks}分值合计（应为 {expected}）"),
    Check(rules.WEIGHT_CHECKS[1], "{indicators}分值合计（应为 {expected}）"),
)
OVERALL = Check(rules.OVERALL, "填报检查结论（以上各项均通过为“通过”）")
STATUS_SUFFIX = "_status"


def status_key(field: str) -> str:
    return f"{SECTION}.{field}{STATUS_SUFFIX}"


@dataclass(frozen=True)
class CheckResult:
    field: str
    label: str
    value: Any
    status: object  # the status cell's value (通过 when the check passes)

    @property
    def passed(self) -> bool:
        return self.status == PASS


def results(slot_values: dict[str, Any], labels: dict[str, str]) -> list[CheckResult]:
    """The block's findings from slot values by key (computed, cached or recalculated)."""
    out = []
    for field, label in labels.items():
        if field == OVERALL.field:
            out.append(CheckResult(field, label, None, slot_values.get(f"{SECTION}.{field}")))
        else:
            out.append(CheckResult(field, label, slot_values.get(f"{SECTION}.{field}"),
                                   slot_values.get(status_key(field))))
    return out
