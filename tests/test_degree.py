"""完成程度 and 得分 for every operator branch, from the workbook's own formulas.

Each expected degree is worked out by hand from the rules in scoring.md (财预〔2020〕10号 第十四条
as the MOF system implements it); the workbook's formulas are evaluated by xlgen's engine and
by LibreOffice Calc, and both must agree with the table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xlgen.template.fill import Fill
from xlgen.template.model import Template
from xlgen.generate.workbook import Generated, generate

# operator, 指标值 A, 全年完成值 B, 完成程度 by the rules
CASES: list[tuple[str, Any, Any, Any]] = [
    (">=", 30, 30, 1),  # met
    (">=", 30, 45, 1),  # exceeded: never above 1
    (">=", 30, 27, 0.9),  # 27/30
    (">=", 30, 20, 0.67),  # 0.666… rounded to 2 places
    (">=", 30, -5, 0),  # a negative actual counts as 0
    (">=", 0.3, 0.285, 0.95),  # 0.285/0.3 is 0.94999… in binary, 0.95 in Excel
    (">=", 200, 1.01, 0.01),  # 0.00505 rounds half up
    (">", 95, 90, 0.95),  # 0.947…
    (">", 95, 96, 1),
    ("=", 100, 92.15, 0.92),  # the seed's 预算执行率
    ("=", 100, 100, 1),
    ("=", 100, 120, 1),
    ("=", 0, 0, 1),  # e.g. 违法违规行为发生次数 = 0 次
    ("=", 0, -1, 1),
    ("=", 0, 2, 0),
    ("<=", 5, 5, 1),
    ("<=", 5, 3, 1),
    ("<=", 5, 6, 0.8),  # 1 − (6−5)/5
    ("<=", 5, 7.5, 0.5),
    ("<=", 3, 4, 0.67),  # 1 − 1/3
    ("<=", 5, 10, 0),  # from 2A on: 0
    ("<=", 5, 12, 0),
    ("<", 100, 101, 0.99),
    ("<", 5, 9.99, 0),  # 0.002 rounds to 0
    ("<=", 0, 0, 1),  # A ≤ 0: met or not
    ("<=", 0, -3, 1),
    ("<=", 0, 0.5, 0),
    ("<=", -2, -3, 1),
    ("<=", -2, -1, 0),
    (">=", 30, None, ""),  # nothing entered yet: nothing shown
    ("", 30, 20, ""),  # no operator: nothing shown
    (">=", 30, "92%", ""),  # text in a number cell: nothing shown (the verifier flags it)
]
WEIGHT = 2.5


def case_fill(template: Template) -> Fill:
    extra = [
        {"level1": "测试", "level2": "分支", "name": f"case{i}", "operator": op or None, "target": float(a),
         "unit": "%", "weight": WEIGHT, "actual": (float(b) if isinstance(b, (int, float)) else b)}
        for i, (op, a, b, _) in enumerate(CASES)
    ]
    return Fill(year=2024, extra_indicators=extra)


@pytest.fixture(scope="module")
def cases_book(template: Template, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(template, case_fill(template), tmp_path_factory.mktemp("degree") / "cases.xlsx")


def rows(book: Generated) -> list[tuple[int, tuple[str, Any, Any, Any]]]:
    first = len(book.layout.template.tree)
    return [(first + i, case) for i, case in enumerate(CASES)]


def expected_score(degree: Any) -> Any:
    return "" if degree == "" else WEIGHT * degree


def test_engine_follows_the_rules(cases_book: Generated) -> None:
    for index, (op, a, b, degree) in rows(cases_book):
        got = cases_book.results[f"indicators[{index}].degree"]
        assert got == degree, f"{op} A={a} B={b}: degree {got!r}, rules say {degree!r}"
        assert cases_book.results[f"indicators[{index}].score"] == pytest.approx(expected_score(degree))


@pytest.mark.libreoffice
def test_libreoffice_agrees(cases_book: Generated, lo_recalc: Any) -> None:
    (values,) = lo_recalc([cases_book.path])
    lay = cases_book.layout
    for index, (op, a, b, degree) in rows(cases_book):
        got = values.get(lay.slot(f"indicators[{index}].degree").a1)
        assert (got if got is not None else "") == degree, f"LibreOffice: {op} A={a} B={b} gives {got!r}"
        score = values.get(lay.slot(f"indicators[{index}].score").a1)
        assert (score if score is not None else "") == pytest.approx(expected_score(degree))


def test_reverse_rule_is_a_template_choice(tmp_path: Path) -> None:
    """A template may choose degree = ROUND(A/B, 2) for B > A on <= rows (scoring.md)."""
    from tests.helpers.common import ROOT
    from xlgen.template.model import load_template

    national = (ROOT / "templates" / "_base" / "national.toml").read_text(encoding="utf-8")
    old = "IF({actual}>=2*{target},0,ROUND(1-({actual}-{target})/{target},2))"
    assert old in national
    degree = national[national.index("[formulas.degree]"):national.index("[lists]")]
    alt = tmp_path / "ratio-rule.toml"
    alt.write_text('extends = "liaoning-department-overall"\n' + degree.replace(old, "ROUND({target}/{actual},2)"),
                   encoding="utf-8")
    fill = Fill(extra_indicators=[{"level1": "x", "level2": "y", "name": "z", "operator": "<=", "target": 5.0,
                                   "unit": "%", "weight": 1.0, "actual": 8.0}])
    book = generate(load_template(alt), fill, tmp_path / "alt.xlsx")
    index = len(book.layout.template.tree)
    assert book.results[f"indicators[{index}].degree"] == 0.63  # 5/8 = 0.625 → 0.63
