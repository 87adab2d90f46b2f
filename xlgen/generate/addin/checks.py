"""The live self-check (填报检查): its rules, wording and result.

``layout.py`` places the block below the total row as formula slots (section ``checks``) and the
per-row helper formulas in hidden columns (section ``helper``), so our engine computes their
cached values, Excel, WPS and LibreOffice recompute them live, and the verifier reads them back.
This module holds what the block says and reads what it found; it knows no cell address.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SECTION = "checks"
HELPER = "helper"
TITLE = "填报检查"
HEADINGS = ("检查项目", "结果", "结论")
PASS, FAIL = "通过", "未通过"

# Helper roles: one hidden column each, a 0/1 (or a count, for `required`) per table row.
# `required` and `band` are structural (built by layout.py); the others are template formulas.
HELPER_ROLES = ("required", "analysis", "score", "band", "overspend")


@dataclass(frozen=True)
class Check:
    field: str  # slot field: checks.<field> holds the value, checks.<field>_status 通过/未通过
    label: str  # {expected}: the value it must have; {tasks}, {indicators}: the tables' labels
    helper: str = ""  # the helper role it counts ("" for the weight sums)


CHECKS = (
    Check("task_weights", "{tasks}分值合计（应为 {expected}）"),
    Check("indicator_weights", "{indicators}分值合计（应为 {expected}）"),
    Check("missing_required", "未填写的必填项个数（应为 0；未填处以橙色标出）", "required"),
    Check("missing_analysis", "完成程度低于 100% 但未填偏差原因分析或改进措施的指标数（应为 0）", "analysis"),
    Check("score_range", "得分小于 0 或大于分值的行数（应为 0）", "score"),
    Check("band", "定性指标等级不在列表中或完成程度不在所选等级区间内的行数（应为 0）", "band"),
)
OVERALL = Check("overall", "填报检查结论（以上各项均通过为“通过”）")
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
