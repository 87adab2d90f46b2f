"""Cells a row's kind does not use are no inputs (issue 25, item 3): a qualitative row's 运算符号
and 度量单位 are written locked and blank, without the input colour and without a dropdown or an
input rule, in every built-in template; the template decides ([indicators.unused] in the national
base). A value there (only a sheet with its protection lifted lets one in) is still counted live
and found by verify, as operator-invalid.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.helpers.addinxml import cell_styles, cells_in, validations
from tests.helpers.userfill import set_cells

from xlgen.generate.styles import INPUT_FILL
from xlgen.generate.workbook import generate
from xlgen.layout.model import FIXED, INPUT
from xlgen.template.model import QUALITATIVE, QUANTITATIVE, load_template
from xlgen.template.rules import OPERATOR
from xlgen.verify.batch import verify_file
from xlgen.layout import cellrules

BUILT_IN = ("liaoning-department-overall", "chongqing-department-overall", "mof-project", "jiangxi-project",
            "sichuan-project", "hunan-department-evaluation")


@pytest.mark.parametrize("template_id", BUILT_IN)
def test_a_qualitative_row_offers_no_operator_or_unit(template_id: str, tmp_path: Path) -> None:
    template = load_template(template_id)
    made = generate(template, None, tmp_path / "blank.xlsx", year=2025)
    lay = made.layout
    styles = cell_styles(made.path, template.sheet)
    validated = {cell for dv in validations(made.path, template.sheet) for cell in cells_in(dv.sqref)}
    unused = [s for s in lay.slots.values() if s.section == "indicators"
              and lay.indicator_rows[s.index].kind == QUALITATIVE and s.type in ("operator", "unit")]
    used = [s for s in lay.slots.values() if s.section == "indicators" and lay.indicator_rows[s.index].tree is None
            and lay.indicator_rows[s.index].kind == QUANTITATIVE and s.type in ("operator", "unit")]
    has_qualitative = any(r.kind == QUALITATIVE for r in lay.indicator_rows)
    assert bool(unused) == (has_qualitative and any(c.type in ("operator", "unit") for c in template.indicators.columns))
    for s in unused:
        assert s.role == FIXED and not s.required, s.key
        style = styles[(s.row, s.col)]
        assert style.locked and style.fill != "FF" + INPUT_FILL.lstrip("#"), s.key
        assert (s.row, s.col) not in validated, s.key
    for s in used:  # a spare quantitative row keeps them: yellow, unlocked, a dropdown (a tree row's are the bureau's)
        style = styles[(s.row, s.col)]
        assert not style.locked and style.fill == "FF" + INPUT_FILL.lstrip("#"), s.key
        assert (s.row, s.col) in validated, s.key


def test_the_template_decides_per_row_kind(tmp_path: Path) -> None:
    """A bureau's form that lets its qualitative rows keep a unit (its [indicators.unused] names the
    operator only): the unit is an input again, the operator still none."""
    source = (Path(__file__).resolve().parents[1] / "templates" / "mof-project.toml").read_text(encoding="utf-8")
    folder = tmp_path / "bureau"
    (folder / "_base").mkdir(parents=True)
    (folder / "_base" / "national.toml").write_bytes(
        (Path(__file__).resolve().parents[1] / "templates" / "_base" / "national.toml").read_bytes())
    (folder / "mof-project.toml").write_text(source + '\n[indicators.unused]\nqualitative = ["operator"]\n',
                                             encoding="utf-8")
    template = load_template(folder / "mof-project.toml")
    assert template.indicators.unused_by(QUALITATIVE) == ("operator",)
    lay = generate(template, None, tmp_path / "blank.xlsx", year=2025).layout
    row = next(r.index for r in lay.indicator_rows if r.kind == QUALITATIVE)
    assert lay.slot(f"indicators[{row}].operator").role == FIXED
    assert lay.slot(f"indicators[{row}].unit").role == INPUT


def test_an_operator_forced_into_a_qualitative_row_is_found_live_and_by_verify(tmp_path: Path) -> None:
    template = load_template("liaoning-department-overall")
    made = generate(template, None, tmp_path / "blank.xlsx", year=2025)
    lay = made.layout
    row = next(r.index for r in lay.indicator_rows if r.kind == QUALITATIVE)
    operator = lay.slot(f"indicators[{row}].operator")
    assert cellrules.row_tests(lay, OPERATOR, "indicators", row) == [(operator, f'{operator.a1}<>""')]
    forced = set_cells(made.path, tmp_path / "forced.xlsx", {operator.a1: ">="})
    found = [(f.code.code, f.cell) for f in verify_file(forced).findings if f.code.code == "operator-invalid"]
    assert found == [("operator-invalid", operator.a1)]


@pytest.mark.parametrize("space", [" ", "\u3000", "\t"])
def test_white_space_in_a_spare_qualitative_row_keeps_its_kind(space: str, tmp_path: Path) -> None:
    """Found by the agreement test: white space typed into a spare qualitative row's 指标值 made
    verify read the row as quantitative (its formulas then 'changed'); the row's formulas tell."""
    template = load_template("jiangxi-project")
    made = generate(template, None, tmp_path / "blank.xlsx", year=2025)
    row = next(r.index for r in made.layout.indicator_rows if r.tree is None and r.kind == QUALITATIVE)
    target = made.layout.slot(f"indicators[{row}].target")
    result = verify_file(set_cells(made.path, tmp_path / "space.xlsx", {target.a1: space}))
    formulas = {"formula-changed", "formula-overwritten", "row-without-formulas"}  # (not recalculated here)
    assert [f.code.code for f in result.findings if f.code.code in formulas] == []
    assert target.key in {f.field for f in result.findings if f.code.code == "required-missing"}  # spaces are no 指标值
