"""Golden numbers for the other forms: the MOF 项目支出绩效自评表 and Jiangxi's variant.

The expected numbers are worked by hand from the rules in scoring.md for
samples/mof-project-2024.toml (its funding sources 90 + 10 + 5 = 全年预算数 105, 85.5 + 9 + 5 =
全年执行数 99.5, summed by the 年度资金总额 row's formulas):

- 执行率 ROUND(99.5/105, 2) = ROUND(0.947619…, 2) = 0.95
- MOF: 得分 = MIN(10, ROUNDDOWN(10 × 0.95, 2)) = 9.5. Jiangxi: 0.95 ≥ 80 % → 7.
- 培训人次 ≥ 500, 460 → 0.92 × 15 = 13.8; 培训合格率 ≥ 95, 97 → 1 × 15; 项目按期完成率 = 100, 100 → 10;
  人均培训成本 ≤ 300, 330 → 1 − 30/300 = 0.9 × 10 = 9; 技能提升 (grade, 0.9) × 15 = 13.5;
  长效机制 (grade, 0.7) × 15 = 10.5; 满意度 ≥ 90, 92 → 10.  Σ = 81.8.
- 总分: MOF 9.5 + 81.8 = 91.3 (优); Jiangxi 7 + 81.8 = 88.8 (良).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers.common import ROOT, generate_samples, read_values
from tests.helpers.expect import assert_matches
from xlgen.template.model import load_template
from xlgen.generate.workbook import Generated, generate

SAMPLE = ROOT / "samples" / "mof-project-2024.toml"
INDICATORS = {  # name: (完成程度, 得分)
    "培训人次": (0.92, 13.8),
    "培训合格率": (1, 15),
    "项目按期完成率": (1, 10),
    "人均培训成本": (0.9, 9),
    "参训人员技能提升情况": (0.9, 13.5),
    "培训成果长效机制": (0.7, 10.5),
    "参训人员满意度": (1, 10),
}
TEMPLATES = {  # template: (执行率, 执行率得分, 总分, 等级)
    "mof-project": (0.95, 9.5, 91.3, "优"),
    "jiangxi-project": (0.95, 7, 88.8, "良"),
}


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    return generate_samples(tmp_path_factory.mktemp("others"), {name: SAMPLE for name in TEMPLATES})


def expected(book: Generated, name: str) -> dict[str, float]:
    lay = book.layout
    rate, rate_score, total, _ = TEMPLATES[name]
    want = {lay.slot("tasks[0].rate").a1: rate, lay.slot("tasks[0].score").a1: rate_score,
            lay.slot("total").a1: total}
    tree = [row for row in lay.indicator_rows if row.tree is not None]
    assert sorted(row.tree.name for row in tree) == sorted(INDICATORS)  # every hand-worked row, each once
    for row in tree:
        degree, score = INDICATORS[row.tree.name]
        want[lay.slot(f"indicators[{row.index}].degree").a1] = degree
        want[lay.slot(f"indicators[{row.index}].score").a1] = score
    return want


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_engine_and_cached_values(books: dict[str, Generated], name: str) -> None:
    book = books[name]
    lay = book.layout
    by_cell = {lay.slot(k).a1: v for k, v in {**book.inputs, **book.results}.items()}
    assert_matches(by_cell, expected(book, name), f"{name}: xlgen's engine")
    assert_matches(read_values(book.path), expected(book, name), f"{name}: cached values")
    assert lay.template.level_of(book.total) == TEMPLATES[name][3]


@pytest.mark.libreoffice
def test_libreoffice_agrees(books: dict[str, Generated], lo_recalc: Any) -> None:
    names = list(TEMPLATES)
    for name, values in zip(names, lo_recalc([books[n].path for n in names])):
        assert_matches(values, expected(books[name], name), f"{name}: LibreOffice")


@pytest.mark.parametrize("name", ["mof-project", "jiangxi-project", "liaoning-department-overall"])
def test_blank_shows_nothing_computed(name: str, tmp_path: Path) -> None:
    book = generate(load_template(name), None, tmp_path / "blank.xlsx", year=2025)
    shown = {k: v for k, v in book.results.items() if k == "total" or k.startswith(("tasks[", "indicators["))
             and k.split(".")[-1] in ("rate", "score", "degree", "actual")}
    assert shown and all(v == "" for v in shown.values()), shown
