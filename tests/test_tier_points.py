"""Points at every tier, as 达州's 得分表 (forms.md F8, template dazhou-department-score) prints
them: in the labels, with no 分值 column. Each row's points bound its typed 得分 in the cell's input
rule, in the live 填报检查 and in verify, with the same number in each message; the labels' points
are held against the rows beneath them by `templates check`; subtotals sum the rows' points and
scores by formula without a 分值 column; the page prints portrait with the template's widths.

samples/dazhou-department-score-2024.toml, by hand: 部门决策 5 + 4.5 + 5 + 4 + 5 = 23.5 (of 25);
综合管理 1 + 1 + 2 + 1.5 + 3 + 1 + 1 + 2 + 2 + 1.5 + 2 + 2 + 2 + 1 + 2 + 2.5 = 27.5 (of 30);
部门绩效情况 18 + 4 + 3.5 + 4 + 3 + 2.5 + 3.5 = 38.5 (of 45); 合计 89.5 (良).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers.addinxml import accepts, sheet, validations
from tests.helpers.common import ROOT, read_values
from tests.helpers.userfill import set_cells
from xlgen.errors import XlgenError
from xlgen.generate.workbook import Generated, generate
from xlgen.layout import selfcheck as chk
from xlgen.template.fill import load_fill
from xlgen.template.model import load_template
from xlgen.verify.batch import verify_file

SAMPLE = ROOT / "samples" / "dazhou-department-score-2024.toml"
TEMPLATE = ROOT / "templates" / "dazhou-department-score.toml"
TOTAL = 89.5
SUBTOTALS = {"subtotal[0].weight": 25, "subtotal[0].score": 23.5, "subtotal[1].weight": 30,
             "subtotal[1].score": 27.5, "subtotal[2].weight": 45, "subtotal[2].score": 38.5}


def variant(tmp_path: Path, old: str, new: str, name: str = "dazhou.toml") -> Path:
    src = TEMPLATE.read_text(encoding="utf-8")
    assert old in src, old
    path = tmp_path / name
    path.write_text(src.replace(old, new).replace('extends = "_base/national"',
                                                     f'extends = "{ROOT / "templates" / "_base" / "national"}"'),
                    encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    t = load_template("dazhou-department-score")
    return generate(t, load_fill(SAMPLE, t), tmp_path_factory.mktemp("dazhou") / "dazhou.xlsx")


def test_points_come_from_the_labels(book: Generated) -> None:
    t = book.layout.template
    assert t.points_in_tree
    assert [ind.weight for ind in t.tree][:5] == [5, 5, 5, 5, 5]
    assert sum(ind.weight or 0 for ind in t.tree) == 100
    assert book.total == TOTAL
    assert t.level_of(book.total) == "良"
    # the rule reads the row's points as a number: 相关性(5分)'s helper holds 5, 评价结果应用(3分)'s 3
    helpers = {s.index: s.formula for s in book.layout.slots.values() if s.section == chk.HELPER}
    assert ">5)" in helpers[0] and ">3)" in helpers[20]


def test_score_cell_takes_nothing_above_its_points(book: Generated) -> None:
    lay = book.layout
    first = lay.slot("indicators[0].score").a1  # 相关性(5分)
    last = lay.slot("indicators[31].score").a1  # 社会公众满意度(4分)
    rules = validations(book.path, lay.template.sheet)
    by_cell = {cell: dv for dv in rules for cell in dv.sqref.split()}
    assert accepts(book.path, by_cell[first], first, 5) and not accepts(book.path, by_cell[first], first, 7)
    assert accepts(book.path, by_cell[last], last, 4) and not accepts(book.path, by_cell[last], last, 4.5)
    # the message says the row's number, not 「本行分值」 of a column the form does not have
    assert "0 至 5（本行分值）" in by_cell[first].prompt and "0 至 5（本行分值）" in by_cell[first].error
    assert "0 至 4（本行分值）" in by_cell[last].prompt


def test_portrait_and_the_templates_widths(book: Generated) -> None:
    root = sheet(book.path, book.layout.template.sheet)
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    setup = root.find("m:pageSetup", ns)
    assert setup is not None and setup.get("orientation") == "portrait"
    widths = {int(c.get("min", 0)): float(c.get("width", 0)) for c in root.iter(f"{{{ns['m']}}}col")}
    # Excel stores the width with its padding: 16 characters → 16.7109375
    assert [round(widths[c]) for c in (2, 3, 4, 5)] == [17, 23, 35, 13]


def test_seven_on_a_five_point_row_fails_verify_with_the_rows_points(book: Generated, tmp_path: Path) -> None:
    cell = book.layout.slot("indicators[0].score").a1
    bad = set_cells(book.path, tmp_path / "seven.xlsx", {cell: 7})
    result = verify_file(bad)
    assert result.status == "fail"
    over = [f for f in result.findings if f.code.value.code == "score-over-weight"]
    assert [f.cell for f in over] == [cell]
    assert over[0].message("zh") == f"{cell}（相关性(5分) 得分）得分 7 不在 0 到分值 5 之间"


@pytest.mark.libreoffice
def test_libreoffice_agrees_and_the_live_check_fails_a_seven(book: Generated, lo_recalc: Any, tmp_path: Path) -> None:
    lay = book.layout
    cell = lay.slot("indicators[0].score").a1
    seven = set_cells(book.path, tmp_path / "seven.xlsx", {cell: 7})
    honest, bad = lo_recalc([book.path, seven])
    assert honest[lay.slot("total").a1] == TOTAL
    assert honest[lay.slot(chk.status_key("score_range")).a1] == chk.PASS
    assert honest[lay.slot(f"{chk.SECTION}.{chk.OVERALL.field}").a1] == chk.PASS
    assert bad[lay.slot(f"{chk.SECTION}.score_range").a1] == 1
    assert bad[lay.slot(chk.status_key("score_range")).a1] == chk.FAIL
    assert bad[lay.slot("total").a1] == TOTAL + 2


def test_subtotals_without_a_weight_column(tmp_path: Path) -> None:
    path = variant(tmp_path, 'formula = "total"\n', 'formula = "total"\nsubtotals = "level1"\nweight = true\n')
    path = path.with_name("dazhou.toml")
    t = load_template(path)
    made = generate(t, load_fill(SAMPLE, t), tmp_path / "sub.xlsx")
    got = {k: made.results[k] for k in (*SUBTOTALS, "total_weight", "total")}
    assert got == {**SUBTOTALS, "total_weight": 100, "total": TOTAL}
    # 分值: the rows' points as numbers; 得分: the sum of the rows' cells
    assert made.layout.slot("subtotal[0].weight").formula == "ROUND(5+5+5+5+5,6)"
    assert made.layout.slot("subtotal[0].score").formula.startswith('IF(COUNT(')
    values = read_values(made.path)
    assert values[made.layout.slot("subtotal[2].score").a1] == 38.5


@pytest.mark.parametrize("old, new, key, says", [
    ('name = "相关性(5分)"', 'name = "相关性(6分)"', "tree[0].level2",  # 15 stated, 16 beneath
     "'目标任务(15分)' states 15 points; its rows (tree[0]..tree[2]) add up to 16"),
    ('level1 = "部门决策(25分)"', 'level1 = "部门决策(24分)"', "tree[0].level1",
     "'部门决策(24分)' states 24 points; its rows (tree[0]..tree[4]) add up to 25"),
    ('name = "相关性(5分)"', 'name = "相关性(5分)"\nweight = 4', "tree[0].name",
     "'相关性(5分)' states 5 points; the row's weight is 4"),
    ('name = "相关性(5分)"', 'name = "相关性"', "tree[0].weight",
     "the form has no weight column: give the row's points (weight)"),
    ('orientation = "portrait"', 'orientation = "upright"', "template.orientation", "upright"),
    ('width = 16 }', 'width = 0 }', "indicators.columns[0].width", "0 is no usable column width"),
    ('own = 4', 'own = 0', "tree[21].own", "0 is not a row count"),
    ('  { field = "score", label = "得分", type = "score", width = 12 },',
     '  { field = "score", label = "得分", type = "score", width = 12 },\n  { field = "weight", label = "分值", type = "weight" },',
     "tree[21].own", "a block of a department's own rows is for a form without a weight column"),
])
def test_templates_check_holds_the_stated_points(tmp_path: Path, old: str, new: str, key: str, says: str) -> None:
    path = variant(tmp_path, old, new)
    with pytest.raises(XlgenError) as err:
        load_template(path)
    assert err.value.fields["key"] == key
    assert says in err.value.message_in("en")


def test_width_only_on_the_indicators_columns(tmp_path: Path) -> None:
    src = (ROOT / "templates" / "mof-project.toml").read_text(encoding="utf-8")
    path = tmp_path / "mof.toml"
    old = '{ field = "project", label = "资金来源", span = 3, type = "text"'
    assert old in src
    path.write_text(src.replace(old, old + ", width = 12", 1).replace(
        'extends = "_base/national"', f'extends = "{ROOT / "templates" / "_base" / "national"}"'), encoding="utf-8")
    with pytest.raises(XlgenError) as err:
        load_template(path)
    assert err.value.code.name == "KEY_UNKNOWN" and err.value.fields["key"].endswith(".width")


def test_own_rows_inside_their_tier_share_the_blocks_points(book: Generated, tmp_path: Path) -> None:
    lay = book.layout
    head = next(r.index for r in lay.indicator_rows if r.tree is not None and r.tree.own)
    t = lay.template
    assert t.tree[head].name == "部门特性指标" and t.tree[head].own == 4
    assert f"indicators[{head}].score" not in lay.slots  # the block's 得分 is its rows'
    own = [f"indicators[{head + k}]" for k in range(1, 5)]
    names = [lay.slot(f"{o}.name") for o in own]
    assert [s.role for s in names] == ["input"] * 4 and not any(s.bureau for s in names)
    assert [book.inputs[s.key] for s in names] == ["高标准农田建设任务完成率(8分)", "农业技术推广覆盖率(6分)",
                                                   "动物疫病防控任务完成率(6分)", None]
    # inside the tier: 履职成效 merged over the head and its four rows, 可持续发展能力 after them
    tier = lay.slot(f"indicators[{head}].level2")
    assert (tier.row, tier.bottom) == (names[0].row - 1, names[-1].row)
    assert t.tree[head + 5].level2 == "可持续发展能力(15分)"
    assert [lay.points(head + k) for k in range(5)] == [20] * 5
    rules = {cell: dv for dv in validations(book.path, t.sheet) for cell in dv.sqref.split()}
    first = lay.slot(f"{own[0]}.score").a1
    assert "0 至 20（本行分值）" in rules[first].prompt and not accepts(book.path, rules[first], first, 21)
    # the fourth row's 8 makes the block 26 of 20: the head row's rule fails, with the sum and the points
    last = lay.slot(f"{own[3]}.score").a1
    over = verify_file(set_cells(book.path, tmp_path / "over.xlsx", {last: 8, names[3].a1: "新增指标"}))
    assert over.status == "fail"
    found = [f.message("zh") for f in over.findings if f.code.value.code == "score-over-weight"]
    assert len(found) == 1 and "得分 26 不在 0 到分值 20 之间" in found[0], found
    # an own row left half filled (a score without its name) is required in use
    half = verify_file(set_cells(book.path, tmp_path / "half.xlsx", {last: 1}))
    assert half.status == "fail" and any(f.cell == names[3].a1 for f in half.findings)


@pytest.mark.libreoffice
def test_libreoffice_fails_a_block_over_its_points(book: Generated, lo_recalc: Any, tmp_path: Path) -> None:
    lay = book.layout
    head = next(r.index for r in lay.indicator_rows if r.tree is not None and r.tree.own)
    over = set_cells(book.path, tmp_path / "over.xlsx", {lay.slot(f"indicators[{head + 4}].score").a1: 8,
                                                         lay.slot(f"indicators[{head + 4}].name").a1: "新增指标"})
    (saved,) = lo_recalc([over])
    assert saved[lay.slot(f"{chk.SECTION}.score_range").a1] == 1
    assert saved[lay.slot("total").a1] == TOTAL + 8
    result = verify_file(over)
    assert result.status == "fail"


OPTIONAL = '''name = "协作部门满意度(3分)"

[[tree]]
level1 = "部门绩效情况(45分)"
level2 = "满意度(10分)"
name = "管理对象满意度(3分)"

[[tree]]
level1 = "部门绩效情况(45分)"
level2 = "满意度(10分)"
name = "社会公众满意度(4分)"
'''


def test_optional_indicators_share_one_block_of_points(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """可选项: the bureau's optional indicators share the block's 10 points among those a
    department scores; the rest of the form is not rescaled."""
    path = variant(tmp_path, OPTIONAL, 'name = "满意度（可选项，共10分）"\nweight = 10\n'
                   'optional = ["协作部门满意度(可选项)", "管理对象满意度(可选项)", "社会公众满意度(可选项)"]\n')
    path.write_text(path.read_text(encoding="utf-8").replace('version = "2024.1"', 'version = "2099.1"'), encoding="utf-8")
    monkeypatch.setenv("XLGEN_TEMPLATES", str(tmp_path))
    t = load_template(path)
    head = next(i for i, ind in enumerate(t.tree) if ind.optional)
    assert [ind.name for ind in t.tree[head + 1:head + 4]] == list(t.tree[head].optional)
    fill = tmp_path / "fill.toml"
    scores = "\n".join(f'[[indicators]]\nname = "{ind.name}"\nscore = 1\n' for ind in t.tree
                       if ind.weight is not None and ind.name != t.tree[head].name and not ind.own)
    fill.write_text('year = 2024\n[header]\ndepartment_name = "示例"\ndepartment_code = "1"\n' + scores
                    + '[[indicators]]\nname = "协作部门满意度(可选项)"\nscore = 6\n'
                    + '[[indicators]]\nname = "社会公众满意度(可选项)"\nscore = 3\n', encoding="utf-8")
    made = generate(t, load_fill(fill, t), tmp_path / "optional.xlsx")
    lay = made.layout
    names = [lay.slot(f"indicators[{head + k}].name") for k in (1, 2, 3)]
    assert [s.role for s in names] == ["fixed"] * 3 and all(s.bureau for s in names)
    rows = sum(1 for ind in t.tree if ind.weight is not None and ind.name != t.tree[head].name and not ind.own)
    assert made.total == rows + 9  # 6 + 3 of the block's 10, nothing rescaled
    honest = verify_file(made.path)
    assert honest.status == "pass", [f.message("en") for f in honest.findings][:4]
    # 6 + 3 + 2 = 11 of 10: the block's row fails, live and in verify; an unpicked row needs nothing
    over = verify_file(set_cells(made.path, tmp_path / "over.xlsx", {lay.slot(f"indicators[{head + 2}].score").a1: 2}))
    found = [f.message("zh") for f in over.findings if f.code.value.code == "score-over-weight"]
    assert over.status == "fail" and len(found) == 1 and "得分 11 不在 0 到分值 10 之间" in found[0], found
