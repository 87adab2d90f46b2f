"""verify compares a returned file's formulas by meaning, not by text (xlgen/intake/compare.py
``canonical``): an honest return whose formulas another program rewrote equivalently on save
passes; a real change (another cell, function, operator or constant) still fails at its cell.

The rewrites are the ones the programs make: number literals at full precision
(``I21>=0.8`` saved as ``I21>=0.800000000000000000011``), one-cell ranges shortened
(``SUM($Q$16:$Q$16)`` saved as ``SUM($Q$16)``), names in lower case, spaces, anchors dropped.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape, unescape

import pytest
from tests.helpers.common import ROOT, generate_samples
from tests.helpers.verifykit import edit_sheet, set_formula

from xlgen.generate.workbook import Generated
from xlgen.verify.batch import verify_file
from xlgen.intake.compare import canonical

SAMPLES = {
    "liaoning-department-overall": ROOT / "samples" / "chaoyang-2024.toml",
    "chongqing-department-overall": ROOT / "samples" / "chongqing-department-overall-2024.toml",
    "hunan-department-evaluation": ROOT / "samples" / "hunan-department-evaluation-2024.toml",
    "mof-project": ROOT / "samples" / "mof-project-2024.toml",
    "sichuan-project": ROOT / "samples" / "sichuan-project-2024.toml",
}
_FORMULA = re.compile(r"<f>([^<]*)</f>")
_STRING = re.compile(r'"(?:[^"]|"")*"')
_DECIMAL = re.compile(r"(?<![A-Za-z0-9_.$])(\d+\.\d+)(?![0-9])")
_ONE_CELL = re.compile(r"(\$?[A-Z]{1,3}\$?\d+):\1(?![0-9])")


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    return generate_samples(tmp_path_factory.mktemp("meaning"), SAMPLES)


def _outside_strings(formula: str, change: "re.Pattern[str]", to: str) -> str:
    parts, last = [], 0
    for lit in _STRING.finditer(formula):
        parts += [change.sub(to, formula[last:lit.start()]), lit.group(0)]
        last = lit.end()
    return "".join(parts + [change.sub(to, formula[last:])])


def _honest(xml: str) -> tuple[str, int]:
    """The sheet's formulas as another program saves them: full-precision literals, one-cell
    ranges as the cell, ROUND in lower case, a space after each comma (never inside a string
    literal); and how many formulas changed."""
    count = 0

    def one(m: re.Match[str]) -> str:
        nonlocal count
        formula = unescape(m.group(1))
        text = _outside_strings(formula, _DECIMAL, r"\g<1>00000000000000000011")
        text = _outside_strings(text, _ONE_CELL, r"\1")
        text = _outside_strings(text, re.compile(r"\bROUND\("), "round( ")
        text = _outside_strings(text, re.compile(r","), ", ")
        count += text != formula
        return f"<f>{escape(text)}</f>"

    return _FORMULA.sub(one, xml), count


@pytest.mark.parametrize("name", SAMPLES)
def test_an_honest_return_with_formulas_rewritten_equivalently_passes(name: str, samples: dict[str, Generated],
                                                                      tmp_path: Path) -> None:
    made = samples[name]
    rewrites = 0

    def change(xml: str) -> str:
        nonlocal rewrites
        xml, rewrites = _honest(xml)
        return xml

    path = edit_sheet(made.path, tmp_path / "rewritten.xlsx", change)
    assert rewrites > 20  # every formula of the form has a comma
    result = verify_file(path)
    assert [f.code.code for f in result.findings if f.code.code == "formula-changed"] == []
    assert result.status == verify_file(made.path).status


def test_the_two_rewrites_of_the_issue_are_one_meaning() -> None:
    assert canonical("=I21>=0.800000000000000000011") == canonical("I21>=0.8")
    assert canonical("ROUND(SUM($Q$16),2)") == canonical("ROUND(SUM($Q$16:$Q$16),2)")
    assert canonical("sum( q16 ) * 1E2") == canonical("SUM($Q$16)*100")
    assert canonical("A1*80%") == canonical("A1*0.8")
    assert canonical("SUM(B2:A1)") == canonical("SUM($A$1:$B$2)")


@pytest.mark.parametrize("changed", [
    "I21>=0.81",  # another constant
    "I22>=0.8",  # another cell
    "I21>0.8",  # another operator
    "SUM(Q16:Q17)>=0.8",  # another range
    'I21>="0.8"',  # a text, not a number
    "ROUNDDOWN(I21,2)>=0.8",  # another function
    "I21>=0.80000000000001",  # another number, at Excel's 15 digits
])
def test_a_real_change_is_another_meaning(changed: str) -> None:
    assert canonical(changed) != canonical("I21>=0.800000000000000000011")


def test_string_literals_keep_their_text() -> None:
    assert canonical('IF(A1="0.80",1,0)') != canonical('IF(A1="0.8",1,0)')
    assert canonical('IF(A1="a b",1,0)') != canonical('IF(A1="A B",1,0)')


@pytest.mark.parametrize("name", ["liaoning-department-overall", "mof-project"])
def test_a_changed_constant_still_fails_at_its_cell(name: str, samples: dict[str, Generated], tmp_path: Path) -> None:
    made = samples[name]
    score = made.layout.slot("indicators[0].score")
    weight, degree = made.layout.slot("indicators[0].weight").a1, made.layout.slot("indicators[0].degree").a1
    path = edit_sheet(made.path, tmp_path / "changed.xlsx",
                      set_formula(score.a1, f"MIN({weight}, {weight}*{degree}*1.000000001)"))
    found = [(f.code.code, f.cell) for f in verify_file(path).findings if f.code.code == "formula-changed"]
    assert found == [("formula-changed", score.a1)]
