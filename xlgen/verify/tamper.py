"""Signs of tampering: formulas typed over, changed or linking outside, rows without formulas,
protection and validations removed, macros and embedded objects."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

from xlgen.errors import Said, said
from xlgen.errors.verify import VerifyCode
from xlgen.findings import Code, Finding, Text, finding
from xlgen.generate.guidance import validation
from xlgen.layout.selfcheck import HELPER
from xlgen.intake.reader import Returned
from xlgen.layout.model import Layout, per_layout
from xlgen.names import INDICATORS, TASKS
from xlgen.intake.compare import canonical, empty
from xlgen.intake.recent import Recent
from xlgen.verify.plan import Plan

MAX_NAMED = 10  # parts a finding names (a file may hold 2,000)
WORKBOOK = Text("工作簿", "the workbook")  # where a finding about the whole file is

# The state of a formula cell of the layout in the returned file (formula_cells)
OK, OVERWRITTEN, CHANGED, EXTERNAL, BARE = "ok", "overwritten", "changed", "external", "bare"


def formula_cells(ret: Returned, plan: Plan) -> tuple[dict[str, str], dict[str, Any], set[int], list[Finding]]:
    """Each formula cell's state (OK, OVERWRITTEN, CHANGED, EXTERNAL, BARE: a row inserted without
    formulas), what the file holds where the template's formula is not (by layout cell), the
    layout rows inserted bare, and the findings about them."""
    sheet = ret.sheet.name
    states: dict[str, str] = {}
    overrides: dict[str, Any] = {}  # layout cell → the value the file holds instead of a formula
    bare_rows: set[int] = set()
    formula_findings: list[Finding] = []
    linking = {where for where, _ in ret.sheet.external}
    # the usual cell holds the layout's formula as written, where the file's rows are the layout's
    as_written = ret.identity and not linking
    if as_written:
        if [None if c is None else c.formula for c in ret.cells_at(plan.formula_keys)] == plan.formula_texts:
            return dict.fromkeys(plan.formula_keys, OK), overrides, bare_rows, formula_findings  # every one as written
    for row, slots in plan.formula_rows.items():
        file_row = ret.file_row(row)
        if file_row is None:
            continue
        cells = list(zip(slots, ret.cells_of(slots)))
        bare = all(c is None or (c.formula is None and empty(c.value)) for _, c in cells)
        if bare and inserted_like(ret, plan.table_rows.get(row)):
            bare_rows.add(row)
            for s, _c in cells:
                states[s.key] = BARE
                overrides[s.a1] = None
            shown = [s for s, _ in cells if s.section != HELPER] or [s for s, _ in cells]
            formula_findings.append(finding(
                Code.ROW_WITHOUT_FORMULAS, sheet, ret.where(shown[0]), shown[0].key,
                row=file_row + 1,
                cells=", ".join(ret.where(s) or "" for s in shown)))
            continue
        for s, c in cells:
            if as_written and c is not None and c.formula == s.formula:
                states[s.key] = OK  # its canonical text is the layout's
                continue
            where = ret.where(s)
            saved = None if c is None else c.value
            label = plan.labels[s.key]
            if c is None or c.formula is None:
                states[s.key] = OVERWRITTEN
                overrides[s.a1] = saved
                formula_findings.append(finding(Code.FORMULA_OVERWRITTEN, sheet, where, s.key,
                                                label=label, value=saved))
            elif where in linking:
                states[s.key] = EXTERNAL
                overrides[s.a1] = saved
            elif canonical(c.formula) != plan.canonical(ret, s):
                states[s.key] = CHANGED
                overrides[s.a1] = saved
                formula_findings.append(finding(Code.FORMULA_CHANGED, sheet, where, s.key, label=label,
                                                expected=ret.remap_formula(s.formula), found=c.formula))
            else:
                states[s.key] = OK
    return states, overrides, bare_rows, formula_findings


def external_links(ret: Returned, plan: Plan) -> list[Finding]:
    """Every link out of the file: formulas naming another file or program, hyperlinks, and the
    workbook's external-link parts (never followed)."""
    sheet = ret.sheet.name
    links: list[tuple[str | None, Any]] = [(where, "=" + text) for where, text in ret.sheet.external]
    links += [(where, said(VerifyCode.HYPERLINK, target=target)) for where, target in ret.sheet.hyperlinks]
    out = [finding(Code.EXTERNAL_REFERENCE, sheet, where, where and plan.key_at(ret, where),
                   where=where or _sheet_named(sheet), found=found) for where, found in links]
    out += [finding(Code.EXTERNAL_REFERENCE, None, None, None, where=WORKBOOK, found=link)
            for link in ret.package.external_links]
    return out


def contents(ret: Returned, plan: Plan) -> list[Finding]:
    """What the file holds besides the form's values: macros and embedded objects (never run or
    opened), texts cut to Excel's limit on reading."""
    objects = ret.sheet.objects
    out = [_holding(code, parts, sheet) for code, parts, sheet in (
        (Code.VBA_PROJECT, ret.package.macros, None),
        (Code.EMBEDDED_OBJECT, sorted({*ret.package.embedded, *objects}), ret.sheet.name if objects else None))
        if parts]
    for where, length in ret.sheet.long_texts:
        key = plan.key_at(ret, where)
        out.append(finding(Code.TEXT_TOO_LONG, ret.sheet.name, where, key,
                           label=plan.labels.get(key, where) if key else where, length=length))
    return out


def _holding(code: Code, parts: Sequence[str], sheet: str | None) -> Finding:
    """A finding about parts the file holds that xlgen never runs (macros, objects): on the
    sheet that names them, else on the workbook; the first MAX_NAMED parts named."""
    named = ", ".join(parts[:MAX_NAMED]) + (f" … (+{len(parts) - MAX_NAMED})" if len(parts) > MAX_NAMED else "")
    return finding(code, sheet, None, None, parts=named,
                   where=_sheet_named(sheet) if sheet else WORKBOOK)


def _sheet_named(sheet: str) -> Said:
    return said(VerifyCode.IN_SHEET, sheet=sheet)


def inserted_like(ret: Returned, where: tuple[str, int] | None) -> bool:
    """A row the user may have added: a task row, or an indicator row not from the template's tree."""
    if where is None:
        return False
    section, index = where
    if section == TASKS:
        return True
    return section == INDICATORS and ret.layout.indicator_rows[index].tree is None


# ----------------------------------------------------------------------------- protection, validation
def guards(ret: Returned, plan: Plan, bare_rows: set[int]) -> list[Finding]:
    """Protection and validations the generator writes for this file's layout, still there (rows
    inserted without formulas are reported as such, not once more for their validations).

    A form's returns mostly hold the validations it was sent with: where the file's rows are
    the layout's, the findings are kept per layout for each set of validations met (a file's
    findings depend on nothing else then)."""
    if not ret.identity or bare_rows:
        return _guards(ret, plan, bare_rows)
    key = (ret.sheet.name, ret.sheet.protected, tuple(map(tuple, ret.sheet.validations)))
    return list(_guarded(ret.layout).kept(key, lambda: tuple(_guards(ret, plan, bare_rows))))


MAX_GUARDED = 64  # sets of validations kept per layout


@per_layout
def _guarded(lay: Layout) -> Recent:
    """(sheet, protected, validations met) → the findings of ``_guards`` on a file whose rows are the layout's."""
    return Recent(MAX_GUARDED)


def _guards(ret: Returned, plan: Plan, bare_rows: set[int]) -> list[Finding]:
    # the generator protects every form and gives every input its validation (validation.py)
    groups = [[(s, r) for s in group if (r := ret.file_row(s.row)) is not None]
              for group in validation.rule_groups(ret.layout)]  # inputs of rows deleted: none
    sheet = ret.sheet
    out = []
    if not sheet.protected:
        out.append(finding(Code.PROTECTION_REMOVED, sheet.name, None, None))
    needed: dict[int, list[int]] = {}  # column → the file rows needing a validation there, in order
    for r, c in sorted({(r, s.col) for group in groups for s, r in group}):
        needed.setdefault(c, []).append(r)
    covered: set[tuple[int, int]] = set()
    for ranges in sheet.validations:  # each range costs the columns needed and the cells it covers
        for r1, c1, r2, c2 in ranges:
            for c, rows in needed.items():
                if c1 <= c <= c2:
                    covered.update((r, c) for r in rows[bisect_left(rows, r1):bisect_right(rows, r2)])
    for group in groups:
        for s, r in group:
            if s.row not in bare_rows and (r, s.col) not in covered:
                out.append(finding(Code.VALIDATION_REMOVED, sheet.name, ret.where(s), s.key, label=plan.labels[s.key]))
                break  # one finding per validation the generator wrote, at its first cell left uncovered
    return out


def formulas_in_inputs(ret: Returned, plan: Plan) -> list[Finding]:
    """Inputs are constants: a formula there (=F19, =calc!A1) takes its value from elsewhere (one
    linking outside is reported as external-reference)."""
    linking = {where for where, _ in ret.sheet.external}
    out = []
    lay = ret.layout
    for s, c in zip(lay.value_slots, ret.cells_at(lay.value_keys)):
        if c is not None and c.formula is not None and ret.where(s) not in linking:
            out.append(finding(Code.FORMULA_IN_INPUT, ret.sheet.name, ret.where(s), s.key,
                               label=plan.labels.get(s.key, s.key), formula=c.formula))
    return out
