"""What verifying a file needs that depends on its layout alone, derived once per layout."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from xlgen.formula.references import col_index
from xlgen.layout.selfcheck import HELPER, SECTION, STATUS_SUFFIX, TITLE
from xlgen.intake.celltext import norm
from xlgen.intake.reader import Returned
from xlgen.layout.model import FORMULA, Layout, Slot, per_layout
from xlgen.names import INDICATORS, TASKS, TOTAL
from xlgen.intake.compare import canonical


# ----------------------------------------------------------------------------- per-layout plan
@dataclass
class Plan:
    formulas: list[Slot]
    formula_rows: dict[int, list[Slot]]  # layout row → its formula slots (helper columns too)
    table_rows: dict[int, tuple[str, int]]  # layout row → (tasks|indicators, index)
    rows: dict[tuple[str, int], dict[str, Slot]]
    labels: dict[str, str]
    expected: dict[str, str]  # slot key → canonical template formula (layout coordinates)
    by_pos: dict[tuple[int, int], str]
    year_label: tuple[re.Pattern[str], int]  # the title's year label (year as group 1), the first header row
    helpers: dict[str, list[Slot]]  # rule name → its helper cells, one per table row carrying it

    @functools.cached_property
    def helper_cells(self) -> dict[str, tuple[str, ...]]:
        """Each rule's helper cells (A1), as ``helpers`` lists them."""
        return {rule: tuple(h.a1 for h in helpers) for rule, helpers in self.helpers.items()}

    @functools.cached_property
    def formula_keys(self) -> list[str]:
        return [s.key for s in self.formulas]

    @functools.cached_property
    def formula_texts(self) -> list[str | None]:
        """The formulas as the generator writes them, in the order of ``formula_keys``."""
        return [s.formula for s in self.formulas]

    def canonical(self, ret: Returned, s: Slot) -> str:
        if ret.identity:
            return self.expected[s.key]
        return canonical(ret.remap_formula(s.formula))

    def key_at(self, ret: Returned, a1: str) -> str | None:
        m = re.match(r"([A-Z]+)(\d+)$", a1)
        if not m:
            return None
        row = ret.layout_row(int(m.group(2)) - 1)
        return None if row is None else self.by_pos.get((row, col_index(m.group(1))))


@per_layout
def plan_for(lay: Layout) -> Plan:
    """What verifying a file needs that depends on its layout alone, derived once per layout."""
    t = lay.template
    formulas = [s for s in lay.slots.values() if s.role == FORMULA]
    formula_rows: dict[int, list[Slot]] = {}
    rows: dict[tuple[str, int], dict[str, Slot]] = {}
    table_rows: dict[int, tuple[str, int]] = {}
    for s in lay.slots.values():
        rows.setdefault((s.section, s.index), {})[s.field] = s
        if s.section in (TASKS, INDICATORS):
            table_rows[s.row] = (s.section, s.index)
    for s in formulas:
        formula_rows.setdefault(s.row, []).append(s)
    heads = {c.field: c.label for c in (*t.tasks.columns, *t.goals.columns, *t.indicators.columns) if c.field}
    for hrow in (*t.header, *t.footer):
        for f in hrow.fields:
            heads[f.field] = f.hint or f.label.rstrip("：:") or f.field
        if len(hrow.fields) == 1 and hrow.label:
            heads[hrow.fields[0].field] = hrow.label
    labels = {}
    for s in lay.slots.values():
        base = heads.get(s.field, s.field)
        if s.section == TASKS:
            labels[s.key] = f"{t.tasks.label}第{s.index + 1}行 {base}"
        elif s.section == INDICATORS:
            tree = lay.indicator_rows[s.index].tree
            labels[s.key] = f"{tree.name if tree else f'{t.indicators.label}第{s.index + 1}行'} {base}"
        elif s.key == TOTAL:
            labels[s.key] = t.total_label
        elif s.section == TOTAL and s.index >= 0:  # a tier's subtotal: its row's label, 分值 or 得分
            tier = next((lb.text for lb in lay.labels if lb.row == s.row and lb.col == 0), "")
            labels[s.key] = f"{tier} {'得分' if s.field.endswith('score') else '分值'}"
        elif s.section == SECTION:  # the 填报检查 block
            field = s.field.removesuffix(STATUS_SUFFIX)
            labels[s.key] = f"{TITLE}：{lay.check_labels.get(field, field)}"
        elif s.section == HELPER:
            # named by its 填报检查 row (else its 填表说明 line), never by its key
            rule = next((r for r in t.checks if r.name == s.field), None)
            said = (lay.check_labels.get(rule.check_field) or rule.guide.rstrip("。")) if rule else ""
            labels[s.key] = f"{TITLE}辅助列：{said}" if said else f"{TITLE}辅助列"
        else:
            labels[s.key] = base
    year = re.compile(re.escape(norm(t.year_label)).replace(re.escape("{year}"), r"(\d{4})"))
    first_header = lay.year_row + 1  # the year label is looked for above (header rows that do not print: too)
    helpers: dict[str, list[Slot]] = {}
    for s in formulas:
        if s.section == HELPER:
            helpers.setdefault(s.field, []).append(s)
    return Plan(formulas, formula_rows, table_rows, rows, labels, {s.key: canonical(s.formula) for s in formulas},
                {(s.row, s.col): s.key for s in lay.slots.values()}, (year, first_header), helpers)
