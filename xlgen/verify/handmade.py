"""Verify a form xlgen did not make: recompute every computed cell from its typed inputs.

A legacy form has no formulas, protection or validation to check (one ``not-generated``
warning says so). What it typed where the template computes (项目执行率, 得分, 完成程度, 总评价得分)
is compared with the template's rules applied to its typed inputs: each disagreement is a
``value-mismatch`` at the legacy file's cell. The form's rules (weights, bands, deviation
analysis …) are the verifier's own; the total score reported is the recomputed one.

The values path is for forms xlgen never distributed (import): a file read by it that claims a
distributed department, or any under ``--require-seal``, is ``marks-removed`` (its marks were
stripped), or ``conversion-required`` (xlgen's .xls/.et that could not be converted); under
``--distributed`` its values are still compared with the blank its department was sent.
"""

from __future__ import annotations

from xlgen.findings import Code, Finding, finding
from xlgen.intake.adopted import LegacyReturned
from xlgen.layout.values import inputs_by_cell
from xlgen.names import TOTAL
from xlgen.verify import cache
from xlgen.intake.compare import blank_or_zero, empty, same
from xlgen.verify.plan import plan_for
from xlgen.verify.fixed import SealPolicy, fields_changed, marks_removed
from xlgen.verify.result import FileResult, claim, file_result
from xlgen.verify.rules import form_rules
from xlgen.verify.tamper import contents


def verify_legacy(ret: LegacyReturned, policy: SealPolicy = SealPolicy()) -> FileResult:
    lay, t, form = ret.layout, ret.template, ret.legacy
    sheet = ret.sheet.name
    plan = plan_for(lay)
    inputs = ret.inputs()
    by_cell = inputs_by_cell(lay, inputs)
    recomputed = cache.program(lay).run(by_cell)
    # what reading said (converted by LibreOffice; xlgen's form whose conversion failed, which is
    # then no "not generated" form)
    findings: list[Finding] = list(ret.findings)
    unconverted = next((f for f in findings if f.code == Code.NOT_CONVERTED), None)
    if unconverted is None:
        findings.append(finding(Code.NOT_GENERATED, sheet, None, None, template=t.id))
    blank = policy.yardstick.get(claim(ret, inputs, form.year)) if policy.yardstick else None
    if blank is not None or policy.require:  # never a way around the seal and the distribution
        if unconverted is not None:
            findings.append(finding(Code.CONVERSION_REQUIRED, **unconverted.params))
        else:
            findings.extend(marks_removed(ret))
        if blank is not None and blank.record is not None:
            findings.extend(fields_changed(ret, plan, blank.record.fields))
    for k, typed in form.typed.items():
        s = lay.slots[k]
        expected = recomputed.get(s.a1)
        if not same(typed, expected) and not (empty(expected) and blank_or_zero(typed)):  # an unused row's 0
            findings.append(finding(Code.VALUE_MISMATCH, sheet, ret.where(s), k, label=plan.labels[k],
                                    found=typed, expected=expected))
    findings.extend(form_rules(ret, plan, inputs, by_cell, recomputed))
    findings.extend(contents(ret, plan))  # macros and embedded objects of an .xlsm/.xlsx: never run
    findings.extend(finding(Code.CELL_UNPLACED, sheet, u.address, None, text=u.text, reason=u.reason)
                    for u in form.unplaced)
    return file_result(ret, plan, inputs, findings, recomputed.get(lay.slots[TOTAL].a1) if TOTAL in lay.slots else None, form.year)
