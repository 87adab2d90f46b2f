"""Placeholders to cells: a template formula ({field}, {table.field}) on one row of the layout."""

from __future__ import annotations

from xlgen.layout.model import Layout, a1
from xlgen.names import TASKS
from xlgen.template.model import PLACEHOLDER, FormulaSpec


def ref(lay: Layout, name: str, section: str, index: int) -> str:
    """A placeholder's cell on row ``index`` of ``section``, or a whole column (``{table.field}``)."""
    table, _, fld = name.rpartition(".")
    if table:  # a whole column of a table, e.g. {tasks.executed}
        count = lay.task_count if table == TASKS else len(lay.indicator_rows)
        cells = [lay.slots.get(f"{table}[{i}].{fld}") for i in range(count)]
        present = [c for c in cells if c is not None]
        if not present:
            return '""'
        col = present[0].col
        r1, r2 = present[0].row, present[-1].row
        return f"{a1(r1, col, True)}:{a1(r2, col, True)}"
    slot = lay.slots[f"{section}[{index}].{fld}"]
    return slot.a1

def substitute(lay: Layout, spec: FormulaSpec, section: str, index: int) -> str:
    """The formula of ``spec`` on row ``index`` of ``section``: placeholders by cells, guarded by
    its ``when`` and ``needs``."""
    def sub(text: str) -> str:
        return PLACEHOLDER.sub(lambda m: ref(lay, m.group(1), section, index), text)

    body = sub(spec.formula)
    if spec.when:
        body = f'IF({sub(spec.when)},{body},"")'
    if spec.needs:
        tests = [f"ISNUMBER({sub('{' + n + '}')})" for n in spec.needs]
        cond = tests[0] if len(tests) == 1 else f"AND({','.join(tests)})"
        body = f'IF({cond},{body},"")'
    return body
