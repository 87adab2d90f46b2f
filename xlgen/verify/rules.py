"""The form's rules on a returned file's values: numbers, weights, units, operators, grades and
required inputs (built into xlgen), and the template's own per-row rules (its [checks]),
evaluated by the engine on the template's formulas."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from xlgen.findings import Code, Finding, Text, finding, rule_code
from xlgen.formula.engine import evaluate
from xlgen.generate.addin import printsetup
from xlgen.intake.celltext import as_text
from xlgen.intake.reader import Returned
from xlgen.layout.formulas import substitute
from xlgen.layout.model import FORMULA, INPUT, REQUIRED_IN_USE, Layout, Slot
from xlgen.names import INDICATORS, TASKS
from xlgen.template.model import QUALITATIVE, Table, Template
from xlgen.verify.compare import empty, text_of
from xlgen.verify.plan import Plan


# ----------------------------------------------------------------------------- the form's rules
def _number_slot(lay: Layout, s: Slot) -> bool:
    return s.role == INPUT and lay.holds_number(s)


def _in_use(row: dict[str, Slot], inputs: dict[str, Any]) -> bool:
    return any(not empty(inputs.get(s.key)) for s in row.values() if s.role == INPUT)


def form_rules(ret: Returned, plan: Plan, inputs: dict[str, Any], by_cell: dict[str, Any],
               computed: dict[str, Any], typed_over: Collection[str] = ()) -> list[Finding]:
    """Every rule of the form on a returned file: the built-in ones, then the template's.

    ``by_cell``: the typed inputs and ``computed``: the formula cells' results, both by layout
    cell. A formula cell whose slot key is in ``typed_over`` (its formula overwritten, changed …)
    counts in a message with what the file holds there, as that is what the department sees."""

    def effective(s: Slot) -> Any:
        if s.role != FORMULA:
            return inputs.get(s.key)
        return ret.value(s) if s.key in typed_over else computed.get(s.a1)

    return _built_in(ret, plan, inputs) + rule_findings(ret, plan, inputs, effective, {**by_cell, **computed})


def _built_in(ret: Returned, plan: Plan, inputs: dict[str, Any]) -> list[Finding]:
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
    for table, name, total in ((TASKS, Text("年度主要任务", "the tasks"), t.weight_tasks),
                               (INDICATORS, Text("绩效指标", "the indicators"), t.weight_indicators)):
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
        if index < 0 or section not in (TASKS, INDICATORS):
            continue
        if any(s.key in deleted for s in row.values()):
            continue
        if section == INDICATORS and not _applies(t, row, inputs):  # marked not applicable (F9): no input of it is required
            required_done.update(s.key for s in row.values())
        elif section == INDICATORS:
            _indicator_rules(lay, t, index, row, inputs, _in_use(row, inputs), add, required_done)

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
    out.extend(text_overflows(ret, plan, inputs))
    return out


def _applies(t: Template, row: dict[str, Slot], inputs: dict[str, Any]) -> bool:
    """Whether an indicator row is scored: not marked with the template's not-applicable word (F9)."""
    mark = row.get(t.indicators.applies) if t.indicators.not_applicable else None
    return mark is None or text_of(inputs.get(mark.key)) != t.indicators.not_applicable


def text_overflows(ret: Returned, plan: Plan, inputs: dict[str, Any]) -> list[Finding]:
    """Texts longer than their cell shows at Excel's highest rows: kept, read whole, but cut on
    the form and its print (a warning: the text is the department's to shorten)."""
    lay = ret.layout
    out = []
    for key, value in inputs.items():
        slot = lay.slots.get(key)
        if slot is None or not isinstance(value, str) or slot.col >= lay.width or ret.file_row(slot.row) is None:
            continue
        if printsetup.overflows(lay, slot, value):
            out.append(finding(Code.TEXT_OVERFLOWS, ret.sheet.name, ret.where(slot), key, label=plan.labels[key],
                               length=len(value), shown=printsetup.shown_chars(lay, slot)))
    return out


def _indicator_rules(lay: Layout, t: Template, index: int, row: dict[str, Slot], inputs: dict[str, Any],
                     used: bool, add: Callable[..., None], required_done: set[str]) -> None:
    ind = lay.indicator_rows[index]
    if ind.tree is None and not used:
        return
    name = _row_name(lay, INDICATORS, index, row, inputs)
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
        chosen = t.grade(grade) if isinstance(grade, str) else None  # as the band formula compares: no strip
        if actual is not None and not empty(grade) and chosen is None:
            add(Code.GRADE_INVALID, actual, name=name, grade=grade)
        d = inputs.get(degree.key) if degree is not None else None
        if chosen is not None and isinstance(d, float) and not chosen.contains(d):
            band = f"[{chosen.min:g}, {chosen.max:g}" + ("]" if chosen.max_inclusive else ")")  # both languages
            add(Code.GRADE_BAND, degree, name=name, degree=d, grade=chosen.label, band=band)
    else:
        if operator is not None:
            op = inputs.get(operator.key)
            # exactly as the 完成程度 formula compares it: ">= " is no operator, the row scores nothing
            if not empty(op) and op not in t.operators:
                add(Code.OPERATOR_INVALID, operator, name=name, operator=op, expected=" ".join(t.operators))
        if unit is not None:
            u = inputs.get(unit.key)
            required_done.add(unit.key)
            if _blank_text(u):
                add(Code.UNIT_MISSING, unit, name=name)
            elif as_text(u) not in t.units:  # as the formulas compare it ({unit}="%"): no strip
                add(Code.UNIT_INVALID, unit, unit=u, expected=" ".join(t.units))


def rule_findings(ret: Returned, plan: Plan, inputs: dict[str, Any], effective: Callable[[Slot], Any],
                  values: dict[str, Any]) -> list[Finding]:
    """The template's own rules (its [checks], template/rules.py) on each table row: the row breaks
    a rule where the rule's helper formula — the very formula the workbook's 填报检查 counts —
    evaluated by the engine on the returned values (``values``, by layout cell) is not 0."""
    lay, t = ret.layout, ret.template
    out: list[Finding] = []
    for rule in t.checks:
        if not rule.code or rule.structural:
            continue
        code = rule_code(rule.code, rule.severity, rule.zh, rule.en)
        reads = [ref.rpartition(".")[2] for ref in t.formulas[rule.formula].placeholders()]
        for helper in plan.helpers.get(rule.name, ()):
            section, index = plan.table_rows[helper.row]
            row = plan.rows[(section, index)]
            if not _breaks(helper, values.get) or any(ret.file_row(s.row) is None for s in row.values()):
                continue
            blank = [row[f] for f in reads if f in row and row[f].role == INPUT and _blank_text(inputs.get(row[f].key))]
            # what to fill: each blank input that alone mends the row, else all of them
            mends = [s for s in blank if not _breaks(helper, _filled(values, s.a1))]
            missing = [s.field for s in mends or blank]
            at = row.get(rule.at) or next((row[f] for f in missing), None) or \
                next((row[f] for f in reads if f in row), next(iter(row.values())))
            params = {f: effective(s) for f, s in row.items()}
            params.update(name=_row_name(lay, section, index, row, inputs), label=plan.labels[at.key],
                          missing="、".join(_labels(t.tasks if section == TASKS else t.indicators, missing)))
            if rule.fix:  # the value meant, by the formula the live 填报检查 shows it with (请核实：是否应填 95？)
                params["fix"] = evaluate(helper.a1, substitute(lay, t.formulas[rule.fix], section, index), values.get)
            out.append(finding(code, ret.sheet.name, ret.where(at), at.key, **params))
    return out


def _filled(values: dict[str, Any], cell: str) -> Callable[[str], Any]:
    """Read ``values`` as if ``cell`` held a text."""
    return lambda a1: "x" if a1 == cell else values.get(a1)


def _breaks(helper: Slot, get: Callable[[str], Any]) -> bool:
    value = evaluate(helper.a1, helper.formula, get)
    return isinstance(value, float) and value != 0


def _row_name(lay: Layout, section: str, index: int, row: dict[str, Slot], inputs: dict[str, Any]) -> str:
    """What a message calls a table row: its indicator's name, or the row's first text."""
    tree = lay.indicator_rows[index].tree if section == INDICATORS else None
    if tree is not None:
        return tree.name
    named = row.get("name") or row.get("project")
    return text_of(inputs.get(named.key)) if named is not None else ""


def _labels(table: Table, fields: list[str]) -> list[str]:
    """The labels of ``fields``; a group's label for a group of columns all in ``fields``."""
    out: list[str] = []
    for col in table.columns:
        if col.field not in fields:
            continue
        group = [c.field for c in table.columns if col.group and c.group == col.group]
        label = col.group if group and set(group) <= set(fields) else col.label
        if label not in out:
            out.append(label)
    return out


def _blank_text(v: Any) -> bool:
    return empty(v) or (isinstance(v, str) and not v.strip())
