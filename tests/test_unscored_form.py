"""A form without scores: 衡山's 县级专项资金绩效目标自评表 (forms.md F4, template
hengshan-special-fund). No 分值, 得分, total, weights or grades; 执行率 per funding row; text
年度指标值 as the bureau wrote them (100%, 0起, ≥90%, 高); the template's own rule requires each
全年完成值. Generated, verified and recalculated in LibreOffice like the scored forms.

samples/hengshan-special-fund-2020.toml, the source's own values: 县级资金 194.9 / 194.9 = 100 %;
年度资金总额 = 0 + 194.9 + 0 = 194.9 / 194.9 = 100 %; the empty sources' 执行率 stay blank.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers.common import ROOT, read_values
from tests.helpers.userfill import set_cells
from xlgen.errors import XlgenError
from xlgen.generate.workbook import Generated, generate
from xlgen.layout import selfcheck as chk
from xlgen.names import TOTAL
from xlgen.template.fill import load_fill
from xlgen.template.model import load_template
from xlgen.verify.batch import verify_file

TEMPLATE = ROOT / "templates" / "hengshan-special-fund.toml"
SAMPLE = ROOT / "samples" / "hengshan-special-fund-2020.toml"
RATES = {"tasks[0].rate": 1.0, "tasks[1].rate": "", "tasks[2].rate": 1.0, "tasks[3].rate": "",
         "tasks[0].allocated": 194.9, "tasks[0].executed": 194.9}


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    t = load_template("hengshan-special-fund")
    return generate(t, load_fill(SAMPLE, t), tmp_path_factory.mktemp("hengshan") / "hengshan.xlsx")


def variant(tmp_path: Path, old: str, new: str) -> Path:
    src = TEMPLATE.read_text(encoding="utf-8")
    assert old in src, old
    path = tmp_path / "hengshan.toml"
    path.write_text(src.replace(old, new, 1).replace(
        'extends = "_base/national"', f'extends = "{ROOT / "templates" / "_base" / "national"}"'), encoding="utf-8")
    return path


def test_no_total_no_weights_and_every_rate(book: Generated) -> None:
    lay = book.layout
    t = lay.template
    assert not t.scored and t.weight_indicators == 0 and t.weight_tasks == 0
    assert TOTAL not in lay.slots and book.total is None
    assert {lay.slot(k).field for k in RATES} == {"rate", "allocated", "executed"}
    assert {k: book.results.get(k, book.inputs.get(k)) for k in RATES} == RATES
    # the tree's 年度指标值 are the bureau's text, locked; 全年完成值 are the department's
    assert lay.slot("indicators[4].plan").default == "0" and lay.slot("indicators[15].plan").default == "≥90%"
    assert lay.slot("indicators[0].plan").bureau and not lay.slot("indicators[0].result").bureau
    # no 分值 or 得分 anywhere: no weight check in the 填报检查, only the template's own rule and the verdict
    assert {f for f in lay.check_labels} >= {"missing_result"}
    assert not any("分值" in text for text in lay.check_labels.values())


def test_verify_passes_the_sample_and_fails_an_empty_result(book: Generated, tmp_path: Path) -> None:
    honest = verify_file(book.path)
    assert honest.status == "pass", [f.message("en") for f in honest.findings]
    assert honest.total_score is None and honest.level is None
    cell = book.layout.slot("indicators[13].result").a1  # 粮食储备设备维护及安全性: 高
    bad = verify_file(set_cells(book.path, tmp_path / "empty.xlsx", {cell: " "}))
    assert bad.status == "fail"
    missing = [f for f in bad.findings if f.code.code == "result-missing"]
    assert [f.cell for f in missing] == [cell]
    assert missing[0].message("zh") == f"{cell}：「粮食储备设备维护及安全性」未填写全年完成值"


@pytest.mark.libreoffice
def test_libreoffice_agrees(book: Generated, lo_recalc: Any, tmp_path: Path) -> None:
    lay = book.layout
    cell = lay.slot("indicators[13].result").a1
    empty = set_cells(book.path, tmp_path / "empty.xlsx", {cell: ""})
    honest, bad = lo_recalc([book.path, empty])
    assert honest[lay.slot("tasks[0].rate").a1] == 1 and honest[lay.slot("tasks[2].rate").a1] == 1
    assert honest.get(lay.slot("tasks[1].rate").a1) in (None, "")
    assert honest[lay.slot(f"{chk.SECTION}.{chk.OVERALL.field}").a1] == chk.PASS
    assert bad[lay.slot(f"{chk.SECTION}.missing_result").a1] == 1
    assert bad[lay.slot(f"{chk.SECTION}.{chk.OVERALL.field}").a1] == chk.FAIL
    assert read_values(book.path)[lay.slot("tasks[0].rate").a1] == 1  # xlgen's own cached value


@pytest.mark.parametrize("old, new, key, says", [
    ('[[footer]]', '[total]\nlabel = "合计"\nlabel_span = 8\nformula = "total"\n\n[[footer]]', "total",
     "[total] has no effect"),
    ('[[footer]]', '[weights]\nindicators = 100\n\n[[footer]]', "weights.indicators", "carries no points"),
    ('  { field = "result", label = "全年完成值", type = "text", width = 12 },',
     '  { field = "result", label = "全年完成值", type = "text", width = 12 },\n'
     '  { field = "score", label = "得分", type = "score" },', "total", "expected a table"),
])
def test_a_form_without_scores_takes_no_score_keys(tmp_path: Path, old: str, new: str, key: str, says: str) -> None:
    with pytest.raises(XlgenError) as err:
        load_template(variant(tmp_path, old, new))
    assert err.value.fields["key"] == key
    assert says in err.value.message_in("en")
