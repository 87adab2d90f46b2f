"""Excel-faithful rounding: xlgen, the `formulas` package (with xlgen's functions registered)
and LibreOffice Calc agree on every task weight × execution rate under ROUNDDOWN(w*r,2)."""

from __future__ import annotations

import random
from decimal import ROUND_DOWN, Decimal
from pathlib import Path
from typing import Any

import formulas
import pytest
import xlsxwriter

from xlgen.formula.compiler import compile_formula
from xlgen.formula.excelmath import excel_round, register_with_formulas, rounddown

WEIGHTS = [round(k * 0.1, 1) for k in range(1, 200)]  # 0.1 … 19.9
RATES = [round(j * 0.01, 2) for j in range(0, 101)]  # 0.00 … 1.00
# Excel and LibreOffice values (real-clients.md); `formulas` 1.3.4 alone gets the first six wrong.
KNOWN = [
    ("ROUNDDOWN(4.35,2)", 4.35),
    ("ROUNDDOWN(8.2*1,2)", 8.2),
    ("ROUNDDOWN(0.6*0.95,2)", 0.57),
    ("ROUNDDOWN(0.29*100,0)", 29.0),
    ("ROUND(1.005,2)", 1.01),
    ("ROUND(0.285,2)", 0.29),
    ("ROUNDDOWN(13.3*0.95,2)", 12.63),  # the seed's first task
    ("ROUND(-2.5,0)", -3.0),  # half away from zero
    ("ROUNDDOWN(-1.239,2)", -1.23),  # toward zero
    ("ROUNDUP(1.231,2)", 1.24),
    ("ROUND(1234.5,-2)", 1200.0),
]
GRID_FORMULA = "ROUNDDOWN(A1*B1,2)"


@pytest.fixture(scope="module")
def grid_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One row per weight × rate pair, plus the known cases; cached results left at 0."""
    path = tmp_path_factory.mktemp("rounding") / "grid.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("grid")
    row = 0
    for w in WEIGHTS:
        for r in RATES:
            ws.write_number(row, 0, w)
            ws.write_number(row, 1, r)
            ws.write_formula(row, 2, f"=ROUNDDOWN(A{row + 1}*B{row + 1},2)", None, 0)
            row += 1
    for i, (text, _) in enumerate(KNOWN):
        ws.write_formula(i, 4, "=" + text, None, 0)
    wb.close()
    return path


def pairs() -> list[tuple[float, float]]:
    return [(w, r) for w in WEIGHTS for r in RATES]


def by_hand(w: float, r: float) -> float:
    """ROUNDDOWN(w*r, 2) worked in decimal, independently of xlgen: a weight of one decimal times
    a rate of two is exactly a number of three decimals (e.g. 13.3 × 0.95 = 12.635), which is
    what Excel sees once it rounds the binary product to 15 significant digits (real-clients.md);
    ROUNDDOWN then drops the third decimal (12.63)."""
    exact = Decimal(str(w)) * Decimal(str(r))
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_DOWN))


def test_known_cases_in_xlgen() -> None:
    for text, want in KNOWN:
        assert compile_formula(text).run(lambda _: None) == want, text


def test_known_cases_in_formulas_package() -> None:
    register_with_formulas()
    for text, want in KNOWN:
        got = formulas.Parser().ast("=" + text)[1].compile()()
        assert float(got) == want, f"formulas gives {text} = {got}"


def test_grid_engine_matches_decimal_rule() -> None:
    """The engine (parsing the formula) against the rule in excelmath, over the whole grid."""
    compiled = compile_formula(GRID_FORMULA)
    for w, r in pairs():
        cells = {"A1": w, "B1": r}
        assert compiled.run(cells.get) == rounddown(w * r, 2) == by_hand(w, r), (w, r)


def test_grid_formulas_package_sample() -> None:
    """`formulas` with xlgen's functions registered, on a seeded sample of the grid."""
    register_with_formulas()
    func = formulas.Parser().ast("=" + GRID_FORMULA)[1].compile()
    for w, r in random.Random(2024).sample(pairs(), 1500):
        assert float(func(w, r)) == rounddown(w * r, 2) == by_hand(w, r), (w, r)


def test_decimal_rule_is_not_binary_rounding() -> None:
    """The grid does exercise the difference: binary floor disagrees on many pairs."""
    import math

    differ = [(w, r) for w, r in pairs() if math.floor(w * r * 100) / 100 != rounddown(w * r, 2)]
    assert len(differ) > 100
    assert all(rounddown(w * r, 2) == by_hand(w, r) for w, r in differ)  # and there the rule is right
    assert by_hand(13.3, 0.95) == 12.63 and by_hand(0.6, 0.95) == 0.57  # the seed's first task; KNOWN
    assert excel_round(0.285, 2) == 0.29


@pytest.mark.libreoffice
def test_grid_matches_libreoffice(grid_book: Path, lo_recalc: Any) -> None:
    (values,) = lo_recalc([grid_book])
    wrong = []
    for row, (w, r) in enumerate(pairs(), start=1):
        got = values.get(f"C{row}", 0)
        if not got == rounddown(w * r, 2) == by_hand(w, r):
            wrong.append((w, r, got, rounddown(w * r, 2)))
    assert not wrong, f"{len(wrong)} pairs differ from LibreOffice, e.g. {wrong[:5]}"
    for i, (text, want) in enumerate(KNOWN, start=1):
        assert values.get(f"E{i}") == want, f"LibreOffice: {text} = {values.get(f'E{i}')}"


def test_any_double_rounds_as_in_excel() -> None:
    """Large values (a returned file may hold 1e300 in an amount) and far digits round without
    error, as Excel's ROUND does; found by tests/test_mutated_workbooks.py."""
    assert rounddown(7.518796992481199e24 * 3e8, 2) == 2.25563909774436e33  # 15 significant digits
    assert excel_round(1e308, 2) == 1e308
    assert excel_round(-1.7976931348623157e308, -2) == -1.79769313486232e308
    assert excel_round(123.456, -400) == 0.0 and excel_round(1.5, 1e9) == 1.5
    assert excel_round(5e-324, 400) == 5e-324
    compiled = compile_formula("=ROUNDDOWN(A1*B1,2)")
    assert compiled.run({"A1": 1e300, "B1": 7.0}.get) == 7e300
