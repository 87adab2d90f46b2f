"""F9 (../shared/docs/forms.md): indicators that do not apply are dropped and the rest rescaled
to 100. tests/templates/mof-not-applicable.toml is the MOF form with a 是否适用 column (type
"applies", `[indicators] not_applicable = "不适用"`) and a total rescaled by SUMIF.

Hand arithmetic for samples/mof-project-2024.toml with 参训人员满意度 (分值 10) marked 不适用 and
its 实际完成值 left empty:
- 预算执行率 row: 99.5 / 105 → 0.95 → 9.5 (tests/test_funding_rows.py)
- indicators (tests/test_other_templates.py) without 满意度: 13.8 + 15 + 10 + 9 + 13.5 + 10.5 = 71.8
- Σ 得分 = 9.5 + 71.8 = 81.3 out of the 100 − 10 = 90 points that apply
- 总分 = ROUND(81.3 × 100 / 90, 2) = ROUND(90.333…, 2) = 90.33 (优); unmarked it is 91.3
- the marked row: 完成程度 and 得分 blank, even with a 实际完成值 typed; its inputs not required
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers.common import ROOT, read_values
from tests.helpers.expect import assert_matches
from tests.helpers.verifykit import edit_sheet, set_cached
from xlgen.errors import XlgenError
from xlgen.generate.workbook import Generated, generate
from xlgen.template.fill import load_fill
from xlgen.template.model import load_template

TEMPLATE = ROOT / "tests" / "templates" / "mof-not-applicable.toml"
SAMPLE = ROOT / "samples" / "mof-project-2024.toml"
DROPPED = "参训人员满意度"


def _fill(tmp_path: Path, actual: str = "") -> Path:
    text = SAMPLE.read_text(encoding="utf-8")
    old = f'name = "{DROPPED}"\nactual = 92\n'
    assert old in text
    path = tmp_path / "fill.toml"
    path.write_text(text.replace(old, f'name = "{DROPPED}"\napplies = "不适用"\n{actual}'), encoding="utf-8")
    return path


def _index(book: Generated) -> int:
    return next(r.index for r in book.layout.indicator_rows if r.tree is not None and r.tree.name == DROPPED)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("f9")
    t = load_template(TEMPLATE)
    return generate(t, load_fill(_fill(out), t), out / "f9.xlsx")


def expected(book: Generated) -> dict[str, float]:
    lay = book.layout
    return {lay.slot("tasks[0].score").a1: 9.5, lay.slot("total").a1: 90.33}


def test_the_marked_row_is_dropped_and_the_rest_rescaled(book: Generated) -> None:
    i = _index(book)
    assert book.total == 90.33 and book.layout.template.level_of(book.total) == "优"
    assert book.results[f"indicators[{i}].degree"] == "" and book.results[f"indicators[{i}].score"] == ""
    assert book.results["checks.missing_required"] == 0  # the marked row's empty 实际完成值 is not missing
    assert_matches(read_values(book.path), expected(book), "cached values")
    mark = book.layout.slot(f"indicators[{i}].applies").a1
    assert book.layout.slot(f"indicators[{i}].score").formula.startswith(f'IF({mark}<>"不适用",')


def test_the_guide_says_how_to_drop_a_row(book: Generated) -> None:
    from xlgen.generate.guidance.guide import rules

    assert "指标不适用时，在是否适用中选择“不适用”：该行不评分、不必填写，总分按其余指标的分值折算。" in \
        rules(book.layout, False)


def test_a_value_typed_on_a_marked_row_still_scores_nothing(tmp_path: Path) -> None:
    t = load_template(TEMPLATE)
    got = generate(t, load_fill(_fill(tmp_path, "actual = 92\n"), t), tmp_path / "typed.xlsx")
    assert got.results[f"indicators[{_index(got)}].score"] == "" and got.total == 90.33


def test_unmarked_the_form_scores_as_the_mof_form(tmp_path: Path) -> None:
    t = load_template(TEMPLATE)
    assert generate(t, load_fill(SAMPLE, t), tmp_path / "all.xlsx").total == 91.3  # 9.5 + 81.8


@pytest.mark.libreoffice
def test_libreoffice_agrees_and_verify_judges(book: Generated, lo_recalc: Any, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from xlgen.libreoffice import convert
    from xlgen.verify.batch import verify_file

    monkeypatch.setenv("XLGEN_TEMPLATES", str(TEMPLATE.parent))
    (saved,) = convert([book.path], "xlsx", tmp_path / "lo")
    values = read_values(saved)
    assert_matches(values, expected(book), "LibreOffice")
    i = _index(book)
    assert not isinstance(values.get(book.layout.slot(f"indicators[{i}].score").a1), (int, float))
    honest = verify_file(saved)
    assert honest.status == "pass", [f.message("en") for f in honest.findings]
    assert honest.total_score == 90.33
    total = book.layout.slot("total").a1  # the unrescaled 81.3 saved as the total
    result = verify_file(edit_sheet(saved, tmp_path / "tampered.xlsx", set_cached(total, "81.3")))
    assert result.status == "fail"
    assert any(f.cell == total for f in result.findings), [f.message("en") for f in result.findings]


@pytest.mark.parametrize(("old", "new", "key", "says"), [
    ('not_applicable = "不适用"', "", "indicators.not_applicable", 'say the word that marks a row'),
    ('{ field = "applies", label = "是否适用", type = "applies" },', "", "indicators.not_applicable",
     'no column of type "applies"'),
    ('{ field = "applies", label = "是否适用", type = "applies" },',
     '{ field = "applies", label = "是否适用", type = "applies" }, { field = "again", label = "又", type = "applies" },',
     "indicators.columns[11].type", 'a second "applies" column'),
])
def test_the_keys_are_checked_with_their_key(tmp_path: Path, old: str, new: str, key: str, says: str) -> None:
    src = TEMPLATE.read_text(encoding="utf-8")
    assert old in src
    path = tmp_path / "variant.toml"
    path.write_text(src.replace(old, new), encoding="utf-8")
    with pytest.raises(XlgenError) as info:
        load_template(path)
    assert f"key '{key}'" in str(info.value) and says in str(info.value), str(info.value)
