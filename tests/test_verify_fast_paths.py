"""verify reads a returned file's cells in bulk (#24): ``Returned.cells_of``, ``cells_at`` and
``cells_by_key`` give what ``cell`` gives slot by slot, and ``where`` the file's address, whether the file's rows are the layout's
or moved (rows inserted above a slot, rows deleted)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from tests.helpers.common import LIAONING, ROOT

from xlgen.formula.references import col_letters
from xlgen.generate.workbook import generate
from xlgen.intake.reader import Returned
from xlgen.intake.returned import read_returned
from xlgen.template.fill import load_fill
from xlgen.template.model import load_template


@pytest.fixture(scope="module")
def seed_return(tmp_path_factory: pytest.TempPathFactory) -> Returned:
    template = load_template(ROOT / "templates" / f"{LIAONING}.toml")
    out = tmp_path_factory.mktemp("fast") / "seed.xlsx"
    generate(template, load_fill(ROOT / "samples" / "chaoyang-2024.toml", template), out)
    ret = read_returned(out)
    assert isinstance(ret, Returned) and ret.identity
    return ret


def moved(ret: Returned) -> Returned:
    """The file read as if two rows were inserted above layout row 20 and layout row 9 deleted."""
    rows: dict[int, int | None] = {r: (r if r < 20 else r + 2) for r in range(ret.layout.last_row + 1)}
    rows[9] = None
    return dataclasses.replace(ret, rows=rows)


@pytest.mark.parametrize("shift", [False, True], ids=["as-laid-out", "rows-moved"])
def test_cells_of_gives_each_slots_cell(seed_return: Returned, shift: bool) -> None:
    ret = moved(seed_return) if shift else seed_return
    assert ret.identity is not shift
    slots = list(ret.layout.slots.values())
    assert ret.cells_of(slots) == [ret.cell(s) for s in slots]
    assert ret.cells_at(s.key for s in reversed(slots)) == [ret.cell(s) for s in reversed(slots)]
    assert list(ret.cells_by_key) == list(ret.layout.slots)  # in the layout's order
    for s in slots:
        r = ret.rows.get(s.row, s.row)
        assert ret.where(s) == (None if r is None else f"{col_letters(s.col)}{r + 1}")
        assert ret.value(s) == (None if ret.cell(s) is None else ret.cell(s).value)
    assert ret.inputs() == {s.key: ret.value(s) for s in slots if s.role != "formula"}
    held = [s for s in slots if ret.cell(s) is not None]
    assert len(held) > 300  # the form's cells are found (the seed fills most inputs)
    if shift:  # a slot under the inserted rows is read two rows down; one in the deleted row not at all
        below = next(s for s in held if s.row >= 20)
        assert ret.where(below) == f"{col_letters(below.col)}{below.row + 3}"
        gone = [s for s in slots if s.row == 9]
        assert gone and all(ret.where(s) is None and ret.cell(s) is None for s in gone)
