"""A department's own indicators under the tree take the tree's rule: a text target makes the row
qualitative (grade from the list, 完成程度 typed inside the grade's band), a number makes it
quantitative (完成程度 by formula). Generated, verified, recalculated and rolled over as such."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pytest

from tests.helpers.addinxml import a1_rc, cells_in, validations
from tests.helpers.common import SAMPLE
from xlgen.template.fill import load_fill
from xlgen.layout.model import QUALITATIVE, QUANTITATIVE
from xlgen.cycle.rollover import RolledOver, rollover
from xlgen.template.model import Template
from xlgen.verify.batch import verify_file
from xlgen.generate.workbook import Generated, generate

OWN = """
[[indicators]]
level1 = "履职效能"
level2 = "社会效益"
name = "服务对象满意情况"
target = "{grade}"
actual = "{grade}"
degree = 0.9
weight = 1.5
cause_staff = "个别事项回应不及时。"
measures = "建立回访台账。"

[[indicators]]
level1 = "履职效能"
level2 = "社会效益"
name = "政策宣传覆盖率"
operator = ">="
target = 90
unit = "%"
actual = 95
weight = 1.5
"""


@pytest.fixture()
def own(template: Template, tmp_path: Path) -> Generated:
    """The seed, with 3 of the 3.5 points of 重点工作办结率 (完成程度 1) given to two own rows."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count('name = "重点工作办结率"\nactual = 100\n') == 1
    text = text.replace('name = "重点工作办结率"\nactual = 100\n', 'name = "重点工作办结率"\nactual = 100\nweight = 0.5\n')
    fill_path = tmp_path / "own.toml"
    fill_path.write_text(text + OWN.format(grade=template.grades[0].label), encoding="utf-8")
    return generate(template, load_fill(fill_path, template), tmp_path / "own.xlsx")


def own_rows(book: Generated) -> list[Any]:
    tree = len(book.layout.template.tree)
    return [r for r in book.layout.indicator_rows if r.index >= tree]


def test_text_target_makes_a_qualitative_row(own: Generated, template: Template) -> None:
    rows = own_rows(own)
    # they take a spare row of their kind each; one quantitative spare row is left
    assert [r.kind for r in rows] == [QUALITATIVE, QUANTITATIVE, QUANTITATIVE]
    qual, quant = (own.layout.row_slots("indicators", r.index) for r in rows[:2])
    assert qual["degree"].role == "input" and quant["degree"].role == "formula"
    # the 完成程度 typed, its score by formula: 1.5 × 0.9
    assert own.inputs[qual["degree"].key] == 0.9 and own.results[qual["score"].key] == 1.35
    assert own.results[quant["degree"].key] == 1 and own.results[quant["score"].key] == 1.5
    # the qualitative row's grade cell offers the grades and its 完成程度 cell checks the band;
    # the quantitative row's 全年完成值 takes a number
    def rules_at(slot: Any) -> list[str]:
        at = a1_rc(slot.a1)
        return [dv.formula1 if dv.type in ("list", "custom") else dv.type
                for dv in validations(own.path, template.sheet) if at in cells_in(dv.sqref)]

    assert rules_at(qual["actual"]) == ["xlgen_list_grades"]
    assert "xlgen_grade_1" in rules_at(qual["degree"])[0]
    assert rules_at(quant["actual"]) == ["decimal"] and rules_at(quant["operator"]) == ["xlgen_list_operators"]

# weights still 60 (3.5 → 0.5, plus 1.5 and 1.5); total 97.18 − 3 + 1.35 + 1.5
EXPECTED_TOTAL = 97.03


def test_verified(own: Generated) -> None:
    result = verify_file(own.path)
    assert result.findings == [] and result.status == "pass"
    assert result.total_score == pytest.approx(EXPECTED_TOTAL)


@pytest.mark.libreoffice
def test_recalculated_by_libreoffice(own: Generated, lo_recalc: Callable[..., list[dict[str, Any]]]) -> None:
    expected = EXPECTED_TOTAL
    values = lo_recalc([own.path])[0]
    qual, quant = (own.layout.row_slots("indicators", r.index) for r in own_rows(own)[:2])
    assert values[qual["score"].a1] == pytest.approx(1.35) and values[quant["score"].a1] == pytest.approx(1.5)
    assert values[own.layout.slot("total").a1] == pytest.approx(expected)


def test_rollover_keeps_the_own_rows_and_their_kinds(own: Generated, tmp_path: Path) -> None:
    done = rollover(own.path, 2025, tmp_path / "next.xlsx")
    assert isinstance(done, RolledOver), done  # not a Finding
    rows = own_rows(done.generated)
    assert [r.kind for r in rows][:2] == [QUALITATIVE, QUANTITATIVE]
    inputs = done.generated.inputs
    qual, quant = (done.generated.layout.row_slots("indicators", r.index) for r in rows[:2])
    assert inputs[qual["name"].key] == "服务对象满意情况" and inputs[qual["degree"].key] is None
    assert inputs[quant["target"].key] == 90 and inputs[quant["actual"].key] is None
    again = verify_file(done.generated.path)
    # this year's actuals are to fill (and the cleared amounts make 预算执行率 0); nothing else
    assert {f.code.code for f in again.findings} == {"required-missing", "deviation-missing"}
    own_keys = {s.key for s in (*qual.values(), *quant.values())}
    assert {f.field for f in again.findings if f.field in own_keys} == {
        qual["actual"].key, qual["degree"].key, quant["actual"].key}
