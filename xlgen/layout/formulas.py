"""Placeholders to cells: a template formula ({field}, {table.field}) on one row of the layout."""

from __future__ import annotations

from xlgen.layout.model import Layout, a1_range, blank, excel_number, excel_string
from xlgen.names import INDICATORS, TOTAL
from xlgen.template.model import LEVEL, PLACEHOLDER, FormulaSpec


def ref(lay: Layout, name: str, section: str, index: int) -> str:
    """A placeholder's cell on row ``index`` of ``section``, or a whole column (``{table.field}``)."""
    if name == TOTAL:  # the form's total (a header's 自评总分)
        return lay.slots[TOTAL].a1
    if name == LEVEL:  # the total's level (自评等级): the best whose minimum it reaches
        return level_chain(lay)
    table, _, fld = name.rpartition(".")
    if table:  # a whole column of a table, e.g. {tasks.executed}
        present = lay.column_slots(table, fld)
        if not present:
            return '""'
        col = present[0].col
        r1, r2 = present[0].row, present[-1].row
        return a1_range(r1, col, r2, col)
    key = f"{section}[{index}].{fld}" if index >= 0 else f"{section}.{fld}"
    if key not in lay.slots and fld == "weight" and lay.template.points_in_tree:
        points = lay.points(index)  # no 分值 column: the row's points, as the tree gives them
        return excel_number(points) if points is not None else '""'
    if key not in lay.slots and section == INDICATORS and lay.block_sum(index, fld):
        return f"({lay.block_sum(index, fld)})"  # a block's head row: its own rows' sum
    return lay.slots[key].a1

def substitute(lay: Layout, spec: FormulaSpec, section: str, index: int) -> str:
    """The formula of ``spec`` on row ``index`` of ``section``: placeholders by cells, guarded by
    its ``when`` and ``needs``."""
    def sub(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: f"({blank(ref(lay, m.group(1), section, index))})" if m.group(2)
                               else ref(lay, m.group(1), section, index), text)

    body = sub(spec.formula)
    if spec.when:
        body = f'IF({sub(spec.when)},{body},"")'
    if spec.needs:
        tests = [f"ISNUMBER({sub('{' + n + '}')})" for n in spec.needs]
        cond = tests[0] if len(tests) == 1 else f"AND({','.join(tests)})"
        body = f'IF({cond},{body},"")'
    return body


def level_chain(lay: Layout) -> str:
    """IF(total>=90,"优",IF(total>=80,"良",IF(total>=60,"中","差"))) from the template's [[levels]]."""
    total = lay.slots[TOTAL].a1
    levels = sorted(lay.template.levels, key=lambda lv: -lv.min)
    chain = excel_string(levels[-1].label)
    for lv in reversed(levels[:-1]):
        chain = f"IF({total}>={excel_number(lv.min)},{excel_string(lv.label)},{chain})"
    return chain

