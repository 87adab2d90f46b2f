"""A legacy form read as a returned workbook: what verify and rollover work on.

The values a ``LegacyForm`` read are put on a sheet at the cells of its template's layout, so
that the verifier's rules and the rollover read it as they read any returned form; every finding
is located at the cell the value came from in the legacy file (``where``), not at the layout's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from xlgen.intake.bylabels import LegacyForm, read_legacy
from xlgen.intake.package import Cell, Package, Sheet
from xlgen.intake.reader import Returned
from xlgen.intake.safezip import SafeZip
from xlgen.layout.model import FORMULA, Slot
from xlgen.layout.values import bind_inputs
from xlgen.findings import Finding
from xlgen.template.model import Template


@dataclass
class LegacyReturned(Returned):
    """A ``Returned`` whose cells are at the layout's places and whose addresses are the legacy file's."""

    form: LegacyForm | None = field(default=None)

    @property
    def legacy(self) -> LegacyForm:
        assert self.form is not None
        return self.form

    def where(self, slot: Slot) -> str | None:
        return self.legacy.addresses.get(slot.key)

    def range_a1(self, slots: list[Slot]) -> str | None:
        found = [a for a in (self.where(s) for s in slots) if a]
        if not found:
            return None
        return found[0] if len(found) == 1 else f"{found[0]}:{found[-1]}"


def adopt(form: LegacyForm) -> LegacyReturned:
    """``form`` as a returned workbook of its template's layout."""
    lay = form.layout
    values = bind_inputs(lay, form.fill)
    cells = {(s.row, s.col): Cell(values.get(s.key)) for s in lay.slots.values() if s.role != FORMULA}
    cells.update({(lay.slots[k].row, lay.slots[k].col): Cell(v) for k, v in form.typed.items()})
    sheet = Sheet(form.sheet, cells, protected=False, validations=[], external=[])
    pkg = form.grid.package if form.grid is not None and form.grid.package is not None else _no_package(form.path)
    rows: dict[int, int | None] = {r: r for r in range(lay.last_row + 1)}
    return LegacyReturned(form.path, pkg, form.template, lay, sheet, rows, form=form)


def read_adopted(path: Path, template: Template | None = None) -> LegacyReturned | Finding:
    form = read_legacy(path, template)
    return form if isinstance(form, Finding) else adopt(form)


def _no_package(path: Path) -> Package:
    """The package of a file that has none (an .xls): no parts, no names, no properties."""
    return Package(path, SafeZip(path, b"", {}), [], {}, {}, [], None)
