"""A likely percent-scale slip (issue 12): on a row measured in %, 95 % typed as 0.95 (or a target of
0.9 against an actual of 95) is a warning `percent-scale`, in the live 填报检查 (its row says 请核实,
the verdict ignores it) and in `xlgen verify`, both from the one rule of the national base.

By hand: 重点工作办结率 has 指标值 100 (%); typed 0.95 its 完成程度 is ROUND(0.95/100, 2) = 0.01, so
the row also needs a cause and measures (given below) to leave the warning alone.
"""

from __future__ import annotations

import copy
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.helpers.addinxml import without_cached_values
from xlgen.cli import app
from xlgen.formula.references import col_letters
from xlgen.generate.workbook import Generated, generate
from xlgen.template.fill import Fill
from xlgen.template.model import Template

runner = CliRunner()
ROW = "重点工作办结率"
SLIPS = {  # case → (actual, target, the 填报检查 row's status)
    "honest": (100, None, "通过"),
    "fraction": (0.95, None, "请核实：是否应填 95？"),  # 95 % typed as 0.95 against 100: 0.95 × 100
    "reverse": (95, 0.9, "请核实：是否应填 0.95？"),  # a target of 0.9 against 95: 95 ÷ 100
    "zero": (0, None, "通过"),  # nothing done is no slip
    "small": (1.2, 1.0, "通过"),  # both small: the same scale
}
OTHER = "工作完成及时率"  # a second % row, slipped too in the "two" book


def slipped(sample_fill: Fill, actual: float, target: float | None) -> Fill:
    fill = copy.deepcopy(sample_fill)
    row = fill.indicators[ROW]
    row["actual"] = actual
    if target is not None:
        row["target"] = target
    row["cause_staff"] = "统计口径调整"
    row["measures"] = "加强统计复核"
    return fill


def verify(path: Path, lang: str = "zh") -> dict[str, Any]:
    result = runner.invoke(app, ["verify", str(path), "--json", "--lang", lang])
    entry: dict[str, Any] = json.loads(result.output)["files"][0]
    return entry


@pytest.fixture(scope="module")
def books(template: Template, sample_fill: Fill, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    out = tmp_path_factory.mktemp("percent")
    books = {case: generate(template, slipped(sample_fill, a, t), out / f"{case}.xlsx")
             for case, (a, t, _status) in SLIPS.items()}
    two = slipped(sample_fill, 0.95, None)
    two.indicators[OTHER].update(actual=0.98, cause_staff="人手不足", measures="补充人员")
    books["two"] = generate(template, two, out / "two.xlsx")
    return books


@pytest.mark.parametrize("case", list(SLIPS))
def test_the_live_check_and_verify_say_the_same(books: dict[str, Generated], case: str) -> None:
    book = books[case]
    status = SLIPS[case][2]
    flagged = status != "通过"
    assert (book.results["checks.percent_scale"], book.results["checks.percent_scale_status"]) == (int(flagged), status)
    entry = verify(book.path)
    found = [f for f in entry["findings"] if f["code"] == "percent-scale"]
    actual = book.layout.slot(f"indicators[{_row(book)}].actual")
    assert [(f["cell"], f["severity"]) for f in found] == ([(actual.a1, "warning")] if flagged else [])
    if case == "fraction":  # the fix names the number meant: 0.95 × 100
        assert found[0]["message"] == (
            f"{actual.a1}：「{ROW}」的度量单位为 %，全年完成值 0.95 与指标值 100 相差约 100 倍，"
            "疑似百分数填法有误：是否应填 95？请核实后按百分数填写（95% 填 95，不填 0.95）")
        [english] = [f for f in verify(book.path, "en")["findings"] if f["code"] == "percent-scale"]
        assert english["message"] == (
            f"{actual.a1}: '{ROW}' is measured in %, yet its actual 0.95 and its target 100 differ about 100-fold: "
            "did you mean 95? Check it and type percents as such (95 % is typed 95, not 0.95)")
    if case == "reverse":  # a percent against a target below 1.5: 95 ÷ 100
        assert "全年完成值 95 与指标值 0.9 相差约 100 倍，疑似百分数填法有误：是否应填 0.95？" in found[0]["message"]
        # a warning: the workbook's verdict and verify's status both stay a pass
        assert book.results["checks.overall"] == "通过"
        assert entry["status"] == "pass", entry["findings"]


def _row(book: Generated) -> int:
    return next(i for i, r in enumerate(book.layout.indicator_rows) if r.tree and r.tree.name == ROW)


def test_the_rule_is_in_the_guide_and_highlighted(books: dict[str, Generated]) -> None:
    book = books["fraction"]
    lay = book.layout
    assert lay.check_labels["percent_scale"].startswith("度量单位为 % 但全年完成值与指标值相差约 100 倍")
    with zipfile.ZipFile(book.path) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode("utf-8")
        strings = zf.read("xl/sharedStrings.xml").decode("utf-8")
    first = lay.slot("indicators[0].actual").row + 1  # the highlight's range starts at the table's first row
    col = col_letters(lay.helper_cols["percent_scale"])
    assert f"<formula>${col}{first}=1</formula>" in sheet  # a slipped row turns light red
    status = lay.slot("checks.percent_scale_status")
    assert f'<conditionalFormatting sqref="{status.a1}' in sheet  # amber on 请核实 and on 请核实：是否应填 95？
    assert f'<formula>LEFT({status.a1},3)="请核实"</formula>' in sheet
    assert "度量单位为 % 的指标按百分数填写（95% 填 95，不填 0.95）" in strings  # its 填表说明 line
    # a rule that is an error keeps 未通过 only: no 请核实 format on its status cell
    analysis = lay.slot("checks.missing_analysis_status")
    block = sheet.split(f'<conditionalFormatting sqref="{analysis.a1}', 1)[1].split("</conditionalFormatting>", 1)[0]
    assert "请核实" not in block


@pytest.mark.libreoffice
def test_libreoffice_agrees(books: dict[str, Generated], lo_recalc: Any, tmp_path: Path) -> None:
    cases = list(SLIPS)
    stripped = [without_cached_values(books[c].path, tmp_path / f"{c}.xlsx") for c in cases]
    for case, values in zip(cases, lo_recalc(stripped)):
        lay = books[case].layout
        status = SLIPS[case][2]
        assert (values.get(lay.slot("checks.percent_scale").a1),
                values.get(lay.slot("checks.percent_scale_status").a1)) == (int(status != "通过"), status), case
        if case == "fraction":
            assert values.get(lay.slot("checks.overall").a1) == "通过"


def test_two_slipped_rows_ask_without_a_number(books: dict[str, Generated]) -> None:
    """The live row names the value meant for one slipped row only; verify names each."""
    book = books["two"]
    assert (book.results["checks.percent_scale"], book.results["checks.percent_scale_status"]) == (2, "请核实")
    found = [f["message"] for f in verify(book.path)["findings"] if f["code"] == "percent-scale"]
    assert len(found) == 2 and "是否应填 95？" in found[0] and "是否应填 98？" in found[1], found


@pytest.mark.parametrize("case", ["fraction", "two", "honest"])
def test_the_status_is_amber_with_or_without_the_number(books: dict[str, Generated], case: str) -> None:
    """The 请核实 format tests the text's beginning (LEFT, a classic function): 请核实 and 请核实：是否应填 95？
    both light amber, 通过 stays green."""
    from tests.helpers.addinxml import highlighted
    from xlgen.generate.guidance.conditional import PASS_FILL, VERIFY_FILL

    book = books[case]
    values = {**book.inputs, **book.results}
    cells = {book.layout.slot(k).a1: v for k, v in values.items() if v is not None and v != ""}
    status = book.layout.slot("checks.percent_scale_status")
    fill = highlighted(book.path, book.layout.template.sheet, cells).get(status.a1)
    assert fill == "FF" + (PASS_FILL if case == "honest" else VERIFY_FILL).lstrip("#").upper(), (case, cells[status.a1])
