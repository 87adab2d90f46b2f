"""The per-cell tests the structural rules of 填报检查 are made of: one definition for the
workbook and verify.

A structural rule (``required``, ``number``, ``band``, ``operator``, ``unit``; see
``template/rules.py``) is built by xlgen from the layout, not written in the template. Each is a
set of cell tests: a formula per cell, TRUE when that cell breaks the rule. The hidden helper
column counts a row's tests (``helper``), the 填报检查 row adds the helpers and the tests of the
header's cells (``form_tests``), and ``xlgen verify`` evaluates the same helper and, on a row that
breaks the rule, each test, to point at the cell: the workbook and verify cannot disagree about a
cell a clerk can type or paste into.
"""

from __future__ import annotations

from xlgen.layout.model import EMPTY, Layout, Slot, blank, excel_string
from xlgen.names import FOOTER, GOALS, HEADER, INDICATORS
from xlgen.template.model import QUALITATIVE
from xlgen.template.rules import BAND, NUMBER, OPERATOR, REQUIRED, UNIT

Test = tuple[Slot, str]  # a cell and its formula: TRUE when the cell breaks the rule


def not_one_of(a1: str, allowed: tuple[str, ...]) -> str:
    """Formula: TRUE when the cell holds something that is not exactly one of ``allowed``
    (Excel's = keeps spaces: ">= " is none of the list)."""
    listed = ",".join(f"{a1}={excel_string(o)}" for o in allowed)
    return f"AND({a1}<>{EMPTY},NOT(OR({listed})))"


def row_tests(lay: Layout, rule: str, table: str, index: int) -> list[Test]:
    """The tests of structural ``rule`` on row ``index`` of ``table`` (none: the rule skips it)."""
    t = lay.template
    if rule == REQUIRED:
        return [(s, lay.required_blank(s)) for s in lay.row_inputs(table, index) if s.required]
    if rule == NUMBER:
        return [(s, f"ISTEXT({s.a1})") for s in lay.row_inputs(table, index) if lay.holds_number(s)]
    if table != INDICATORS:
        return []
    row = lay.indicator_rows[index]
    operator = lay.slots.get(f"indicators[{index}].operator")
    unit = lay.slots.get(f"indicators[{index}].unit")
    if rule == OPERATOR and operator is not None:
        # any operator on a qualitative row (whose cell is no input: only an unprotected sheet
        # lets one in), else one not exactly of [lists] operators
        return [(operator, f"{operator.a1}<>{EMPTY}" if row.kind == QUALITATIVE
                 else not_one_of(operator.a1, t.operators))]
    if rule == UNIT and unit is not None and row.kind != QUALITATIVE and t.units:
        return [(unit, not_one_of(unit.a1, t.units))]
    if rule == BAND and row.kind == QUALITATIVE and t.grades:
        grade, degree = lay.slots[f"indicators[{index}].actual"], lay.slots[f"indicators[{index}].degree"]
        labels = tuple(g.label for g in t.grades)
        listed = ",".join(f"{grade.a1}={excel_string(g)}" for g in labels)
        return [(grade, not_one_of(grade.a1, labels)),  # grade-invalid
                (degree, f"AND(OR({listed}),{degree.a1}<>{EMPTY},NOT({lay.band_rule(index)}))")]  # grade-band
    return []


def form_tests(lay: Layout, rule: str) -> list[Test]:
    """The tests of structural ``rule`` on the cells outside the tables (header, goals, footer):
    the 填报检查 row adds them to its helpers' sum."""
    fields = [s for s in lay.input_slots() if s.section in (HEADER, GOALS, FOOTER)]
    if rule == REQUIRED:
        return [(s, blank(s.a1)) for s in fields if s.required]
    if rule == NUMBER:
        return [(s, f"ISTEXT({s.a1})") for s in fields if lay.holds_number(s)]
    return []


def count(tests: list[Test]) -> str:
    """Formula: how many of ``tests`` hold; "0" for none. Each test is turned into 1 or 0 by IF,
    never summed as TRUE/FALSE: LibreOffice saves such a sum to .xls as the logical FALSE."""
    return "+".join(f"IF({formula},1,0)" for _, formula in tests) or "0"
