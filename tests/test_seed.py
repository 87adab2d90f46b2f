"""The sample generated from samples/chaoyang-2024.toml gives every number of the seed form.

Expected numbers are read from the seed's own text (samples/seed/), never from xlgen. Each is
checked four ways: xlgen's engine, the cached values in the file, the `formulas` package
recomputing the file's own formulas, and LibreOffice Calc recalculating it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import formulas
import pytest

from tests.helpers.addinxml import without_cached_values
from tests.helpers.seedform import SeedForm, read_seed
from tests.helpers.common import SEED, read_values
from tests.helpers.expect import assert_matches, same
from xlgen.formula.excelmath import register_with_formulas
from xlgen.template.model import Template
from xlgen.generate.workbook import Generated


@pytest.fixture(scope="module")
def seed(template: Template) -> SeedForm:
    return read_seed(SEED, [ind.name for ind in template.tree])


def expected_cells(sample: Generated, seed: SeedForm) -> dict[str, float]:
    """Seed number by the sample's cell address (addresses from the layout)."""
    lay = sample.layout
    want: dict[str, float] = {}
    assert len(seed.tasks) == 3
    for i, task in enumerate(seed.tasks):
        want[lay.slot(f"tasks[{i}].rate").a1] = task.rate
        want[lay.slot(f"tasks[{i}].score").a1] = task.score
    assert len(seed.indicators) == 24
    for row in lay.indicator_rows:
        if row.tree is None:
            continue
        ind = seed.indicators[row.tree.name]
        want[lay.slot(f"indicators[{row.index}].degree").a1] = ind.degree
        want[lay.slot(f"indicators[{row.index}].score").a1] = ind.score
        if row.kind == "linked":
            want[lay.slot(f"indicators[{row.index}].actual").a1] = float(ind.actual)
    want[lay.slot("total").a1] = seed.total
    return want


def test_seed_numbers_parsed(seed: SeedForm) -> None:
    assert [t.rate for t in seed.tasks] == [0.95, 0.93, 0.92]
    assert [t.score for t in seed.tasks] == [12.63, 12.36, 12.32]
    assert seed.indicators["预算执行率"].degree == 0.92
    assert seed.indicators["预算执行率"].score == 1.472
    assert seed.total == 97.18


def test_engine_reproduces_seed(sample: Generated, seed: SeedForm) -> None:
    lay = sample.layout
    by_cell = {lay.slot(k).a1: v for k, v in {**sample.inputs, **sample.results}.items()}
    assert_matches(by_cell, expected_cells(sample, seed), "xlgen's engine")
    task_scores = sum(sample.results[f"tasks[{i}].score"] for i in range(3))
    assert round(task_scores, 2) == 37.31  # Σ task 得分 of the seed (scoring.md)


def test_cached_values_reproduce_seed(sample: Generated, seed: SeedForm) -> None:
    assert_matches(read_values(sample.path), expected_cells(sample, seed), "the cached values")


def test_formulas_package_reproduces_seed(sample: Generated, seed: SeedForm) -> None:
    register_with_formulas()
    solution = formulas.ExcelModel().loads(str(sample.path)).finish().calculate()
    prefix = f"'[{sample.path.name}]{sample.layout.template.sheet.upper()}'!"
    values = {}
    for key, ranges in solution.items():
        if key.upper().startswith(prefix.upper()) and ":" not in key:
            values[key[len(prefix):]] = ranges.value[0, 0]
    assert_matches(values, expected_cells(sample, seed), "the formulas package")


@pytest.mark.libreoffice
def test_libreoffice_reproduces_seed(sample: Generated, seed: SeedForm, lo_recalc: Any, tmp_path: Path) -> None:
    # Prove LibreOffice recalculates: give it a copy whose cached results are all zero.
    zeroed = without_cached_values(sample.path, tmp_path / "zeroed.xlsx")
    assert not any(same(v, seed.total) for v in read_values(zeroed).values())
    (values,) = lo_recalc([zeroed])
    assert_matches(values, expected_cells(sample, seed), "LibreOffice")


def test_spare_rows_show_nothing(sample: Generated) -> None:
    values = read_values(sample.path)
    lay = sample.layout
    spare = [row for row in lay.indicator_rows if row.tree is None]
    assert lay.task_count > 3 and spare  # the blank keeps spare rows of both tables: check them
    for i in range(3, lay.task_count):
        for fld in ("rate", "score"):
            assert values.get(lay.slot(f"tasks[{i}].{fld}").a1) in (None, "")
    for row in spare:
        for fld in ("degree", "score"):
            assert values.get(lay.slot(f"indicators[{row.index}].{fld}").a1) in (None, "")

