"""Verify returned workbooks: recompute, compare, detect tampering, check the form's rules.

Stage two of verification (``reader.py`` reads). The template's own formulas (the layout's
compiled program) are evaluated on the returned inputs; the formulas found in the file are only
compared as text with the template's, never evaluated (a returned ``='[other.xlsx]Sheet1'!A1``
must not make the server open another file). Every check yields findings from ``findings.py``,
located by sheet, A1 cell (the file's, after inserted rows) and slot key.
"""

from __future__ import annotations

from xlgen.findings import Code, Finding, finding
from xlgen.formula.compiler import Program
from xlgen.intake.adopted import LegacyReturned
from xlgen.intake.reader import Returned
from xlgen.layout.values import inputs_by_cell
from xlgen.names import TOTAL
from xlgen.verify import cache
from xlgen.intake.compare import blank_or_zero, same
from xlgen.verify.plan import plan_for
from xlgen.verify.handmade import verify_legacy
from xlgen.verify.result import FileResult, claim, file_result
from xlgen.verify.fixed import SealPolicy, fixed_findings
from xlgen.verify.formats import format_findings
from xlgen.verify.rules import form_rules
from xlgen.verify.year import label_year, year_from
from xlgen.verify.tamper import OK, contents, external_links, formula_cells, formulas_in_inputs, guards


# ----------------------------------------------------------------------------- one file
def verify_returned(ret: Returned, policy: SealPolicy = SealPolicy()) -> FileResult:
    if isinstance(ret, LegacyReturned):  # a form xlgen did not make: its typed results are checked
        return verify_legacy(ret, policy)
    lay = ret.layout
    sheet = ret.sheet.name
    plan = plan_for(lay)
    findings: list[Finding] = list(ret.findings)
    inputs = ret.inputs()
    by_cell = inputs_by_cell(lay, inputs)
    program = cache.program(lay)
    gone = set() if ret.identity else {s.a1 for s in plan.formulas if ret.file_row(s.row) is None}  # of deleted rows
    pure = _without(program, gone).run(by_cell)  # the form's rules applied to the returned inputs

    states, overrides, bare_rows, formula_findings = formula_cells(ret, plan)

    # What the file's own formula cells should hold, given what it holds where formulas are gone.
    filed = pure if not overrides else _without(program, set(overrides) | gone).run({**by_cell, **{
        k: v for k, v in overrides.items() if v is not None and v != ""}})
    # every formula cell as written (no override) in a file whose rows are the layout's: all kept
    kept = plan.formulas if not overrides and ret.identity else [s for s in plan.formulas if states.get(s.key) == OK]
    saved_all = [None if c is None else c.value for c in ret.cells_of(kept)]
    never = bool(saved_all) and all(blank_or_zero(v) for v in saved_all) and \
        any(not blank_or_zero(pure.get(s.a1)) for s in plan.formulas)
    if never:
        total_slot = lay.slots.get(TOTAL) or plan.formulas[0]  # a form without scores: its first formula
        findings.append(finding(Code.NEVER_CALCULATED, sheet, ret.where(total_slot), total_slot.key))
    else:
        wanted = [filed[s.a1] for s in kept]
        # the usual: each the very value, of the same type, an empty result saved as no value
        # (same() holds; a result is never NaN)
        usual = [None if v == "" else v for v in wanted]
        if saved_all != usual or list(map(type, saved_all)) != list(map(type, usual)):
            for s, saved, expected in zip(kept, saved_all, wanted):
                if not same(saved, expected):
                    findings.append(finding(Code.CACHED_VALUE_MISMATCH, sheet, ret.where(s), s.key,
                                            label=plan.labels[s.key], found=saved, expected=expected))
    findings.extend(formula_findings)
    findings.extend(external_links(ret, plan))
    typed_over = {key for key, state in states.items() if state != OK} if overrides else set()  # each has its override
    findings.extend(form_rules(ret, plan, inputs, by_cell, filed, typed_over))
    findings.extend(guards(ret, plan, bare_rows))
    findings.extend(formulas_in_inputs(ret, plan))
    findings.extend(format_findings(ret, plan))
    findings.extend(contents(ret, plan))
    label = label_year(ret, plan)  # scanned once: the seal check and the year both read it
    year = year_from(ret, label)
    blank = policy.yardstick.get(claim(ret, inputs, year)) if policy.yardstick else None
    findings.extend(fixed_findings(ret, plan, policy, label, blank))
    return file_result(ret, plan, inputs, findings, pure.get(lay.slots[TOTAL].a1) if TOTAL in lay.slots else None, year)


def _without(program: Program, cells: set[str]) -> Program:
    """The program without the steps computing ``cells`` (their values come from the inputs)."""
    if not cells:
        return program
    return Program(tuple((cell, comp) for cell, comp in program.steps if cell not in cells))


