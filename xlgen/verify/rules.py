"""The form's rules on a returned file's values, each by evaluating with the engine the formula
the workbook's live 填报检查 has for it (no Python copy): the weight sums, the rules xlgen builds
from the layout (required inputs, numbers, grades and bands, operators, units:
layout/cellrules.py) and the template's own per-row rules (its [checks])."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from types import MappingProxyType
from typing import Any

from xlgen.findings import Code, Finding, Text, finding, rule_code
from xlgen.formula.compiler import Compiled, compile_formula, evaluate, value_of
from xlgen.generate.guidance import printsetup
from xlgen.layout import selfcheck as chk
from xlgen.intake.reader import Returned
from xlgen.layout import cellrules
from xlgen.layout.formulas import ref, substitute
from xlgen.layout.model import FORMULA, INPUT, Layout, Slot, blank, per_layout
from xlgen.names import INDICATORS, TASKS
from xlgen.template.model import QUALITATIVE, Table
from xlgen.template.rules import BAND, NUMBER, OPERATOR, UNIT, WEIGHT_CHECKS
from xlgen.intake.compare import empty, text_of
from xlgen.intake.recent import Recent
from xlgen.verify.plan import Plan


# ----------------------------------------------------------------------------- the form's rules
def form_rules(ret: Returned, plan: Plan, inputs: dict[str, Any], by_cell: dict[str, Any],
               computed: dict[str, Any], typed_over: Collection[str] = ()) -> list[Finding]:
    """Every rule of the form on a returned file: the weight sums, the structural rules, then the
    template's; each by evaluating the formula the workbook's 填报检查 has for it.

    ``by_cell``: the typed inputs and ``computed``: the formula cells' results, both by layout
    cell. A formula cell whose slot key is in ``typed_over`` (its formula overwritten, changed …)
    counts in a message with what the file holds there, as that is what the department sees."""

    def effective(s: Slot) -> Any:
        if s.role != FORMULA:
            return inputs.get(s.key)
        return ret.value(s) if s.key in typed_over else computed.get(s.a1)

    values = {**by_cell, **computed}
    # with no formula cell typed over, each helper's value is the program's result, already computed
    known = computed if not typed_over else {}
    return (weight_sums(ret, plan, values) + structural(ret, plan, inputs, values, known)
            + text_overflows(ret, plan, inputs) + rule_findings(ret, plan, inputs, effective, values, known))


def weight_sums(ret: Returned, plan: Plan, values: dict[str, Any]) -> list[Finding]:
    """The 填报检查's weight rows (分值合计 against the template's totals), their value and status
    formulas evaluated on the returned values."""
    lay, t = ret.layout, ret.template
    out = []
    for field, table, name, total in ((WEIGHT_CHECKS[0], TASKS, Text("年度主要任务", "the tasks"), t.weight_tasks),
                                      (WEIGHT_CHECKS[1], INDICATORS, Text("绩效指标", "the indicators"),
                                       t.weight_indicators)):
        value, status = lay.slots.get(f"{chk.SECTION}.{field}"), lay.slots.get(chk.status_key(field))
        if value is None or status is None:
            continue
        found = evaluate(value.a1, value.formula, values.get)
        if evaluate(status.a1, status.formula, {**values, value.a1: found}.get) == chk.PASS:
            continue
        weights = [s for (sec, _), row in plan.rows.items() if sec == table
                   for s in row.values() if s.type == "weight" and ret.file_row(s.row) is not None]
        out.append(finding(Code.WEIGHTS_TOTAL, ret.sheet.name, ret.range_a1(weights), f"{table}.{weights[0].field}",
                           table=name, found=found, expected=total))
    return out


def structural(ret: Returned, plan: Plan, inputs: dict[str, Any], values: dict[str, Any],
               known: Mapping[str, Any] = MappingProxyType({})) -> list[Finding]:
    """The rules xlgen builds from the layout (required, number, band, operator, unit): on each row
    whose helper formula — the one the 填报检查 counts — is not 0, and on the header's cells, the
    cell tests it is made of (layout/cellrules.py), each breaking cell a finding."""
    lay = ret.layout
    out = []
    for rule in ret.template.checks:
        if not rule.structural:
            continue
        tests: list[tuple[Slot, Compiled]] = []
        for helper in _breaking(plan, rule.name, known):
            section, index = plan.table_rows[helper.row]
            if ret.file_row(helper.row) is not None and _breaks(helper, values.get, known):
                tests += _cell_tests(lay, rule.name, section, index)
        tests += _cell_tests(lay, rule.name)
        for slot, test in tests:
            if ret.file_row(slot.row) is not None and _true(value_of(slot.a1, test, values.get)):
                out.append(_structural_finding(ret, plan, rule.name, slot, inputs))
    return out


@per_layout
def _compiled_tests(lay: Layout) -> dict[tuple[str, str, int], list[tuple[Slot, Compiled]]]:
    """The layout's cell tests compiled, by (rule, table, row index), filled as files ask for them."""
    return {}


def _cell_tests(lay: Layout, rule: str, table: str = "", index: int = -1) -> list[tuple[Slot, Compiled]]:
    """The cell tests of structural ``rule`` on row ``index`` of ``table`` (none given: on the
    cells outside the tables), compiled once per layout."""
    known = _compiled_tests(lay)
    tests = known.get((rule, table, index))
    if tests is None:
        made = cellrules.row_tests(lay, rule, table, index) if table else cellrules.form_tests(lay, rule)
        tests = known[(rule, table, index)] = [(slot, compile_formula(test)) for slot, test in made]
    return tests


def _structural_finding(ret: Returned, plan: Plan, rule: str, s: Slot, inputs: dict[str, Any]) -> Finding:
    """What verify says of the cell ``s`` breaking the structural ``rule``."""
    lay, t = ret.layout, ret.template
    value = inputs.get(s.key)
    code, params = Code.REQUIRED_MISSING, dict[str, Any](label=plan.labels[s.key])
    if rule == NUMBER:
        code, params["text"] = Code.NOT_A_NUMBER, value
    elif rule in (OPERATOR, UNIT, BAND):
        name = _row_name(lay, s.section, s.index, plan.rows[(s.section, s.index)], inputs)
        if rule == OPERATOR:
            qualitative = lay.indicator_rows[s.index].kind == QUALITATIVE
            code, params = Code.OPERATOR_INVALID, {"name": name, "operator": value, "expected": Text(
                "空（定性指标）", "blank (a qualitative row)") if qualitative else " ".join(t.operators)}
        elif rule == UNIT:
            code, params = Code.UNIT_INVALID, {"unit": value, "expected": " ".join(t.units)}
        elif s.type == "actual":
            code, params = Code.GRADE_INVALID, {"name": name, "grade": value}
        else:
            grade = t.grade(str(inputs.get(f"indicators[{s.index}].actual")))
            assert grade is not None  # the test holds on a listed grade only
            band = f"[{grade.min:g}, {grade.max:g}" + ("]" if grade.max_inclusive else ")")  # both languages
            code, params = Code.GRADE_BAND, {"name": name, "degree": value, "grade": grade.label, "band": band}
    return finding(code, ret.sheet.name, ret.where(s), s.key, **params)


def text_overflows(ret: Returned, plan: Plan, inputs: dict[str, Any]) -> list[Finding]:
    """Texts longer than their cell shows at Excel's highest rows: kept, read whole, but cut on
    the form and its print (a warning: the text is the department's to shorten)."""
    lay = ret.layout
    out = []
    shown, seen = _shown(lay)
    moved = not ret.identity  # rows deleted, or moved: else every slot is where the layout has it
    for key, value in inputs.items():
        if not isinstance(value, str):  # the most, first
            continue
        slot = shown.get(key)
        if slot is None or (moved and ret.file_row(slot.row) is None):
            continue
        if seen.kept((key, value), lambda: printsetup.overflows(lay, slot, value)):
            out.append(finding(Code.TEXT_OVERFLOWS, ret.sheet.name, ret.where(slot), key, label=plan.labels[key],
                               length=len(value), shown=printsetup.shown_chars(lay, slot)))
    return out


MAX_SEEN = 8192  # texts whose fit is kept per layout (a collection repeats the bureau's names and most answers)


@per_layout
def _shown(lay: Layout) -> tuple[dict[str, Slot], Recent]:
    """The slots on the printed form (inside its width), by key; and whether a text overflows
    its slot, by (key, text), as met (``printsetup.overflows`` depends on nothing else)."""
    return {s.key: s for s in lay.slots.values() if s.col < lay.width}, Recent(MAX_SEEN)


def rule_findings(ret: Returned, plan: Plan, inputs: dict[str, Any], effective: Callable[[Slot], Any],
                  values: dict[str, Any], known: Mapping[str, Any] = MappingProxyType({})) -> list[Finding]:
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
        for helper in _breaking(plan, rule.name, known):
            section, index = plan.table_rows[helper.row]
            row = plan.rows[(section, index)]
            if not _breaks(helper, values.get, known) or any(ret.file_row(s.row) is None for s in row.values()):
                continue
            blank = [row[f] for f in reads if f in row and row[f].role == INPUT and _blank_text(inputs.get(row[f].key))]
            # what to fill: each blank input that alone mends the row, else all of them
            mends = [s for s in blank if not _breaks(helper, _filled(values, s.a1))]
            missing = [s.field for s in mends or blank]
            at = row.get(rule.at) or next((row[f] for f in missing), None) or \
                next((row[f] for f in reads if f in row), next(iter(row.values())))
            params: dict[str, Any] = {f: effective(s) for f, s in row.items()}
            for f in reads:  # read without a cell of the row: the tree's points, a block's sum
                if f not in row:
                    params[f] = evaluate(helper.a1, ref(lay, f, section, index), values.get)
            params.update(name=_row_name(lay, section, index, row, inputs), label=plan.labels[at.key],
                          missing="、".join(_labels(t.tasks if section == TASKS else t.indicators, missing)))
            if rule.fix:  # the value meant, by the formula the live 填报检查 shows it with (请核实：是否应填 95？)
                params["fix"] = evaluate(helper.a1, substitute(lay, t.formulas[rule.fix], section, index), values.get)
            out.append(finding(code, ret.sheet.name, ret.where(at), at.key, **params))
    return out


_ZERO = frozenset({0.0})


def _breaking(plan: Plan, rule: str, known: Mapping[str, Any]) -> list[Slot]:
    """The helper cells of ``rule`` to look at: none when every one is known to be 0 (the usual
    file: no row breaks the rule), else all of them (each then judged by ``_breaks``)."""
    try:
        if set(map(known.__getitem__, plan.helper_cells.get(rule, ()))) <= _ZERO:
            return []
    except (KeyError, TypeError):  # a helper not computed (a value typed over), or not a plain value
        pass
    return plan.helpers.get(rule, [])


def _filled(values: dict[str, Any], cell: str) -> Callable[[str], Any]:
    """Read ``values`` as if ``cell`` held a text."""
    return lambda a1: "x" if a1 == cell else values.get(a1)


def _breaks(helper: Slot, get: Callable[[str], Any], known: Mapping[str, Any] = MappingProxyType({})) -> bool:
    """Whether the row of ``helper`` breaks its rule (``known``: helper values already computed)."""
    if helper.a1 in known:
        return _true(known[helper.a1])
    return _holds(helper.a1, helper.formula, get)


def _holds(a1: str, formula: str, get: Callable[[str], Any]) -> bool:
    """Whether ``formula`` (in cell ``a1``) gives TRUE or a number other than 0."""
    return _true(evaluate(a1, formula, get))


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, float) and value != 0)


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
    """Empty as the workbook's formulas test it (layout.model.blank): white space is nothing."""
    return empty(v) or (isinstance(v, str) and _holds("A1", blank("A1"), {"A1": v}.get))
