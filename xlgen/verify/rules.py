"""The form's rules on a returned file's values: weights, deviations, units, operators, grades."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xlgen.findings import Code, Finding, Text, finding
from xlgen.intake.reader import Returned
from xlgen.layout.model import INPUT, REQUIRED_IN_USE, Layout, Slot
from xlgen.template.model import QUALITATIVE, Template
from xlgen.verify.compare import ABS_TOL, REL_TOL, empty, text_of
from xlgen.verify.plan import Plan


# ----------------------------------------------------------------------------- the form's rules
def _number_slot(lay: Layout, s: Slot) -> bool:
    return s.role == INPUT and lay.holds_number(s)


def _in_use(row: dict[str, Slot], inputs: dict[str, Any]) -> bool:
    return any(not empty(inputs.get(s.key)) for s in row.values() if s.role == INPUT)


def form_rules(ret: Returned, plan: Plan, inputs: dict[str, Any], effective: Callable[[Slot], Any]) -> list[Finding]:
    lay, t = ret.layout, ret.template
    sheet = ret.sheet.name
    out: list[Finding] = []

    def add(code: Code, s: Slot | None, **params: Any) -> None:
        out.append(finding(code, sheet, ret.where(s) if s else None, s.key if s else None, **params))

    deleted = {s.key for s in lay.slots.values() if ret.file_row(s.row) is None}
    texts: set[str] = set()
    # numbers are numbers
    for s in lay.slots.values():
        if s.key in deleted or not _number_slot(lay, s):
            continue
        v = inputs.get(s.key)
        if isinstance(v, str) or isinstance(v, bool):
            texts.add(s.key)
            add(Code.NOT_A_NUMBER, s, label=plan.labels[s.key], text=v)

    # weights add up to the template's totals
    for table, name, total in (("tasks", Text("年度主要任务", "the tasks"), t.weight_tasks),
                               ("indicators", Text("绩效指标", "the indicators"), t.weight_indicators)):
        weights = [s for (sec, _), row in plan.rows.items() if sec == table
                   for s in row.values() if s.type == "weight" and s.key not in deleted]
        if not weights:
            continue
        found = sum(v for v in (inputs.get(s.key) for s in weights) if isinstance(v, float))
        if round(found, 6) != round(total, 6):
            out.append(finding(Code.WEIGHTS_TOTAL, sheet, ret.range_a1(weights), f"{table}.{weights[0].field}",
                               table=name, found=round(found, 6), expected=total))

    required_done: set[str] = set()
    for (section, index), row in plan.rows.items():
        if index < 0 or section not in ("tasks", "indicators"):
            continue
        if any(s.key in deleted for s in row.values()):
            continue
        used = _in_use(row, inputs)
        if section == "tasks":
            _task_rules(row, inputs, effective, add)
        else:
            _indicator_rules(lay, t, index, row, inputs, effective, used, add, required_done)
        # 0 <= 得分 <= 分值
        score, weight = row.get("score"), next((s for s in row.values() if s.type == "weight"), None)
        if score is not None and weight is not None:
            sv, wv = effective(score), inputs.get(weight.key)
            if isinstance(sv, float) and isinstance(wv, float) and (sv < 0 or sv > wv * (1 + REL_TOL) + ABS_TOL):
                add(Code.SCORE_OVER_WEIGHT, score, label=plan.labels[score.key], score=sv, weight=wv)

    # required inputs
    for s in lay.slots.values():
        if s.role != INPUT or s.key in deleted or s.key in texts or s.key in required_done:
            continue
        if not s.required:
            continue
        if s.required == REQUIRED_IN_USE and not _in_use(plan.rows[(s.section, s.index)], inputs):
            continue
        if _blank_text(inputs.get(s.key)):
            add(Code.REQUIRED_MISSING, s, label=plan.labels[s.key])
    return out


def _task_rules(row: dict[str, Slot], inputs: dict[str, Any], effective: Callable[[Slot], Any],
                add: Callable[..., None]) -> None:
    allocated, executed = row.get("allocated"), row.get("executed")
    if allocated is None or executed is None:
        return
    a, e = inputs.get(allocated.key), inputs.get(executed.key)
    if isinstance(a, float) and isinstance(e, float) and e > a:
        add(Code.EXECUTION_OVER_100, executed, executed=e, allocated=a)


def _indicator_rules(lay: Layout, t: Template, index: int, row: dict[str, Slot], inputs: dict[str, Any],
                     effective: Callable[[Slot], Any], used: bool, add: Callable[..., None],
                     required_done: set[str]) -> None:
    ind = lay.indicator_rows[index]
    if ind.tree is None and not used:
        return
    name_slot = row.get("name")
    name = ind.tree.name if ind.tree else text_of(inputs.get(name_slot.key)) if name_slot else ""
    operator = next((s for s in row.values() if s.type == "operator"), None)
    unit = next((s for s in row.values() if s.type == "unit"), None)
    actual = next((s for s in row.values() if s.type == "actual"), None)
    degree = row.get("degree")
    if ind.kind == QUALITATIVE:
        if operator is not None and not empty(inputs.get(operator.key)):
            add(Code.OPERATOR_INVALID, operator, name=name, operator=inputs.get(operator.key),
                expected=Text("空（定性指标）", "blank (a qualitative row)"))
            required_done.add(operator.key)
        grade = inputs.get(actual.key) if actual else None
        chosen = t.grade(grade.strip()) if isinstance(grade, str) else None
        if actual is not None and not empty(grade) and chosen is None:
            add(Code.GRADE_INVALID, actual, name=name, grade=grade)
        d = inputs.get(degree.key) if degree is not None else None
        if chosen is not None and isinstance(d, float) and not chosen.contains(d):
            band = f"[{chosen.min:g}, {chosen.max:g}" + ("]" if chosen.max_inclusive else ")")  # both languages
            add(Code.GRADE_BAND, degree, name=name, degree=d, grade=chosen.label, band=band)
    else:
        if operator is not None:
            op = inputs.get(operator.key)
            if not empty(op) and (not isinstance(op, str) or op.strip() not in t.operators):
                add(Code.OPERATOR_INVALID, operator, name=name, operator=op, expected=" ".join(t.operators))
        if unit is not None:
            u = inputs.get(unit.key)
            required_done.add(unit.key)
            if _blank_text(u):
                add(Code.UNIT_MISSING, unit, name=name)
            elif text_of(u) not in t.units:
                add(Code.UNIT_INVALID, unit, unit=u, expected=" ".join(t.units))
    # 完成程度 < 1: a 偏差原因分析 and the 改进措施
    if degree is not None:
        d = effective(degree)
        if isinstance(d, float) and d < 1:
            causes = [s for s in row.values() if s.type == "cause"]
            measures = row.get("measures")
            has_cause = any(not _blank_text(inputs.get(s.key)) for s in causes)
            has_measures = measures is None or not _blank_text(inputs.get(measures.key))
            if causes and not has_cause:
                add(Code.DEVIATION_MISSING, causes[0], name=name, degree=d,
                    missing=Text("偏差原因分析", "a deviation analysis"))
            elif not has_measures and measures is not None:
                add(Code.DEVIATION_MISSING, measures, name=name, degree=d,
                    missing=Text("改进措施", "the improvement measures"))


def _blank_text(v: Any) -> bool:
    return empty(v) or (isinstance(v, str) and not v.strip())
