"""The provinces' forms shipped as built-in templates (../shared/docs/forms.md): each sample fill
computes, in xlgen's engine, in its cached values and in LibreOffice, the numbers worked by hand
below; `verify` passes the honest file and fails a tampered one.

sichuan-project (F1), samples/sichuan-project-2024.toml:
- 总额 = 财政资金 + 财政专户管理资金 + 单位资金 (+ 其他资金, empty): 230 + 0 + 8.93 = 238.93;
  240 + 0 + 11.89 = 251.89; 216.5 + 0 + 10 = 226.5
- 预算执行率 = ROUND(226.5 / 251.89, 4) = ROUND(0.899202…, 4) = 0.8992 (the form prints 执行率 to
  0.01 %: 100.00 %); 得分 = ROUND(10 × 0.8992, 2) = 8.99
- sources' own 执行率: 216.5 / 240 = 0.902083… → 0.9021; 10 / 11.89 = 0.841043… → 0.841; 0 / 0: 0.00 %, as the form prints it (#22)
- 足额保障率 = 100, 100 → 22.5; 科目调整次数 ≤ 10, 12 → 1 − 2/10 = 0.8 → 18; 按时发放率 = 100 → 22.5;
  结余率 ≤ 5, 6 → 1 − 1/5 = 0.8 → 18.  Σ = 81
- 合计: 权重 10 + 90 = 100; 得分 8.99 + 81 = 89.99 (良)

chongqing-department-overall (F3), samples/chongqing-department-overall-2024.toml:
- 执行率 = ROUND(1140 / 1500, 2) = 0.76; 执行率得分 = ROUNDDOWN(10 × 0.76, 2) = 7.6 (the form's own example)
- the published form's rows and weights (the template's header says which are ours):
  财政供养人员控制率 (reverse) 92 ≤ 100 → 100 % → 2; “三公经费”变动率 (reverse) 0 ≤ 0 → 2; 基础信息完善
  100 → 1; 预算完成率 76 ≥ 70 → 2; 预算调整率 (reverse) 4 > 3 → 3/4 = 75 % → 1.5; 结转结余率 0 ≤ 2 → 2;
  公用经费控制率 97 ≤ 100 → 2; “三公经费”控制率 95 ≤ 100 → 2; 政府采购执行率 72.74/100 = 72.74 % →
  2 × 0.7274 = 1.4548 → 1.45  (Σ 15.95)
- 定性: 管理制度健全性 达成年度指标 95 % → 3 × 0.95 = 2.85; 资金使用合规性 部分达成… 70 % → 5 × 0.7 =
  3.5; 预决算信息公开性 and 资产管理安全 100 % → 1 and 2  (Σ 9.35)
- 固定资产利用率 100 ≥ 90 → 2; 党性教育培训次数 12 ≥ 6 → 5; 组织宣传活动次数 8/10 = 80 % → 8;
  制作宣传品数量 20 ≥ 10 → 5; 播发稿件数量 2400 against the 调整指标值 2500 → 96 % → 9.6;
  业务保障能力提升 85/90 = 0.94444 → 94.44 % → 9.444 → 9.44; 公共服务满意度 72/90 = 80 % → 16  (Σ 55.04)
- indicators 15.95 + 9.35 + 55.04 = 80.34; 总分 7.6 + 80.34 = 87.94 (良), shown in the header's 自评总分 too

hunan-department-evaluation (F2), samples/hunan-department-evaluation-2024.toml (typed scores; the
rows as the template's header says, the first nine from glj.yueyang.gov.cn/6173/6181/content_1705915.html):
- each typed score is the row's 评分标准 applied to the sample's facts: “三公经费”变动率 2 % → 5 − 2 × 0.5
  = 4; 重点支出安排率 85 % → 4; 预算调整率 6 % → 2; 资金结余 有结余、不超过上年结转 → 2; 固定资产利用率
  94 % → 5 − 0.5 = 4.5; 满意度 86 % → 8
- 投入 5 + 4 + 4 = 13; 预算执行 2 + 3 + 2 + 6 = 13; 预算管理 3 + 3 + 2.5 + 6 = 14.5;
  资产管理 5 + 4.5 = 9.5; 职责履行 15 + 8 = 23; 履职效益 10 + 8 = 18
- 一级 (the points in the tiers' labels; 附件3-1 prints no 小计 row): 投入 分值 5 + 5 + 5 = 15, 得分 13;
  过程 3 + 3 + 3 + 6 + 3 + 3 + 3 + 6 + 5 + 5 = 40, 得分 13 + 14.5 + 9.5 = 37; 产出及效益 15 + 10 + 10 + 10
  = 45, 得分 23 + 18 = 41 (the subtotals of a variant with [total] subtotals, below)
- 合计 100 and 13 + 37 + 41 = 91 (优)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.helpers.common import ROOT, generate_samples, read_values
from tests.helpers.expect import assert_matches
from tests.helpers.userfill import set_cells
from tests.helpers.verifykit import edit_sheet, set_cached, set_formula
from xlgen.cli import app
from xlgen.errors import XlgenError
from xlgen.generate.workbook import Generated, generate
from xlgen.template.fill import load_fill
from xlgen.template.model import load_template

FORMS: dict[str, dict[str, Any]] = {
    "sichuan-project": {
        "tasks[0].initial": 238.93, "tasks[0].allocated": 251.89, "tasks[0].executed": 226.5,
        "tasks[0].rate": 0.8992, "tasks[0].score": 8.99, "tasks[1].rate": 0.9021, "tasks[2].rate": 0,
        "tasks[3].rate": 0.841, "indicators[0].score": 22.5, "indicators[1].score": 18,
        "indicators[2].score": 22.5, "indicators[3].score": 18, "total_weight": 100, "total": 89.99,
    },
    "chongqing-department-overall": {
        "tasks[0].rate": 0.76, "tasks[0].score": 7.6,
        "indicators[0].degree": 1, "indicators[0].score": 2, "indicators[1].degree": 1, "indicators[1].score": 2,
        "indicators[4].degree": 0.75, "indicators[4].score": 1.5, "indicators[8].degree": 0.7274,
        "indicators[8].score": 1.45, "indicators[9].score": 2.85, "indicators[10].score": 3.5,
        "indicators[15].degree": 0.8, "indicators[15].score": 8, "indicators[17].degree": 0.96,
        "indicators[17].score": 9.6, "indicators[18].degree": 0.9444, "indicators[18].score": 9.44,
        "indicators[19].degree": 0.8, "indicators[19].score": 16,
        "total_weight": 100, "total": 87.94, "header.self_total": 87.94,
    },
    "hunan-department-evaluation": {
        "total_weight": 100, "total": 91,
    },
}
LEVELS = {"sichuan-project": "良", "chongqing-department-overall": "良", "hunan-department-evaluation": "优"}


def sample(name: str) -> Path:
    return ROOT / "samples" / f"{name}-2024.toml"


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    return generate_samples(tmp_path_factory.mktemp("forms"), {name: sample(name) for name in FORMS})


def by_cell(book: Generated, name: str) -> dict[str, Any]:
    return {book.layout.slot(k).a1: v for k, v in FORMS[name].items()}


@pytest.mark.parametrize("name", list(FORMS))
def test_engine_and_cached_values(books: dict[str, Generated], name: str) -> None:
    book = books[name]
    want = FORMS[name]
    got = {k: book.results[k] for k in want}
    assert {k for k, v in got.items() if v == ""} == {k for k, v in want.items() if v == ""}
    assert {k: v for k, v in got.items() if v != ""} == pytest.approx({k: v for k, v in want.items() if v != ""})
    cached = read_values(book.path)
    assert_matches(cached, {a1: v for a1, v in by_cell(book, name).items() if v != ""}, f"{name}: cached values")
    assert book.layout.template.level_of(book.total) == LEVELS[name]


@pytest.mark.libreoffice
def test_libreoffice_agrees_and_verify_judges(books: dict[str, Generated], lo_recalc: Any, tmp_path: Path) -> None:
    from xlgen.libreoffice import convert
    from xlgen.verify.batch import verify_file

    names = list(FORMS)
    saved = convert([books[n].path for n in names], "xlsx", tmp_path / "lo")
    for name, path in zip(names, saved):
        want = {a1: v for a1, v in by_cell(books[name], name).items() if v != ""}
        assert_matches(read_values(path), want, f"{name}: LibreOffice")
        honest = verify_file(path)
        assert honest.status == "pass", (name, [f.message("en") for f in honest.findings])
        assert honest.total_score == FORMS[name]["total"]
    # tampered: a total typed over with a constant (Sichuan), the header's 自评总分 and an
    # indicator's 得分 typed over (Chongqing), a typed score above its 分值 and a 评分标准 rewritten (Hunan)
    lay = {n: books[n].layout for n in names}
    sichuan = edit_sheet(saved[0], tmp_path / "sichuan.xlsx",
                         set_formula(lay["sichuan-project"].slot("tasks[0].allocated").a1, "300"))
    chongqing = edit_sheet(saved[1], tmp_path / "chongqing.xlsx",
                           set_formula(lay["chongqing-department-overall"].slot("header.self_total").a1, "95"))
    hunan_score = lay["hunan-department-evaluation"].slot("indicators[0].score").a1
    hunan = edit_sheet(saved[2], tmp_path / "hunan.xlsx", set_cached(hunan_score, "6"))
    criterion = lay["hunan-department-evaluation"].slot("indicators[0].criterion").a1  # the yardstick rewritten
    hunan_criterion = set_cells(saved[2], tmp_path / "hunan-criterion.xlsx",
                                {criterion: "以100%为标准。每超过一个百分点扣0.1分，扣完为止。"})
    for path, cell in ((sichuan, lay["sichuan-project"].slot("tasks[0].allocated").a1),
                       (chongqing, lay["chongqing-department-overall"].slot("header.self_total").a1),
                       (hunan, hunan_score), (hunan_criterion, criterion)):
        result = verify_file(path)
        assert result.status == "fail", path.name
        assert any(f.cell == cell for f in result.findings), (path.name, [f.message("en") for f in result.findings])


def test_sichuan_prints_its_funding_rows_footer_and_sign_off() -> None:
    lay = generate_layout("sichuan-project")
    labels = {lab.text for lab in lay.labels}
    assert {"总额", "合计", "评价结论", "存在问题", "改进措施", "项目负责人：", "财务负责人：", "实施单位（盖章）"} <= labels | {
        s.default for s in lay.slots.values() if isinstance(s.default, str)}
    assert [lay.slot(f"tasks[{i}].project").default for i in range(5)] == [
        "总额", "其中：财政资金", "财政专户管理资金", "单位资金", "其他资金"]
    # the sources show their own 执行率 and "/" only in 权重 and 得分
    assert "tasks[1].rate" in lay.slots and "tasks[1].weight" not in lay.slots and "tasks[1].score" not in lay.slots
    assert not lay.slot("tasks[0].reason").required  # 原因 only when the form asks (执行率 < 90 %)
    goals, tasks, indicators = (lay.slot("goals.goal_plan").row, lay.slot("tasks[0].project").row,
                                lay.slot("indicators[0].name").row)
    assert goals < tasks < indicators  # 项目基本情况 first, as the form has it
    # 1.项目年度目标完成情况: 项目年度目标 | 年度目标完成情况 side by side; then 2.项目实施内容及过程概述
    # over one cell across the table, on rows of their own (青神's published form)
    plan, result, process = (lay.slot(f"goals.{f}") for f in ("goal_plan", "goal_result", "goal_process"))
    heads = {(lab.row, lab.col, lab.last_col): lab.text for lab in lay.labels}
    assert (plan.row, result.row, plan.col, result.last_col) == (result.row, plan.row, 1, lay.width - 1)
    assert result.col == plan.last_col + 1
    assert heads[(plan.row - 2, 1, lay.width - 1)] == "1.项目年度目标完成情况"
    assert (heads[(plan.row - 1, plan.col, plan.last_col)], heads[(plan.row - 1, result.col, result.last_col)]) == (
        "项目年度目标", "年度目标完成情况")
    assert heads[(plan.row + 1, 1, lay.width - 1)] == "2.项目实施内容及过程概述"
    assert (process.row, process.col, process.last_col) == (plan.row + 2, 1, lay.width - 1)
    # the department's code: on a row above the printed form (the form prints the 主管部门's name only)
    code, name = lay.slot("header.department_code"), lay.slot("header.department_name")
    assert code.row < lay.form_first_row <= lay.title_row < name.row and name.col == 1
    assert lay.slot("header.implementer").row == name.row
    total = lay.slot("total")
    assert lay.slot("footer.conclusion").row == total.row + 1 and lay.slot("footer.project_lead").row == total.row + 4
    assert lay.slot("total_weight").col == lay.slot("indicators[0].weight").col
    assert total.col == lay.slot("indicators[0].score").col


def test_chongqing_has_no_tiers_and_rows_choose_their_rule() -> None:
    lay = generate_layout("chongqing-department-overall")
    assert "indicators[0].level1" not in lay.slots and lay.template.tiers == ()
    reverse, ratio = lay.slot("indicators[0].degree").formula, lay.slot("indicators[2].degree").formula
    assert ",1,IF(" in reverse and "<=" in reverse.split(",1,")[0] and ">=" in ratio.split(",1,")[0]
    assert lay.slot("indicators[0].nature").role == "fixed" and lay.slot("indicators[0].core").default == "否"
    assert lay.slot("indicators[0].target_adjusted").required == ""  # 调整指标值: only where adjusted
    assert lay.slot("header.self_total").formula == lay.slot("total").a1


def test_chongqing_is_the_published_tree_as_far_as_its_source_goes() -> None:
    """The 融媒体中心 form's 19 rows (m.yzwku.com/doc/98587.html) in its order with its weights, 2 or
    3 points for most (Σ 70), its qualitative targets 高 / 好 and 是否核心指标; the 20 points the
    stored copy cuts off are one row (公共服务满意度); the 部门编码 does not print."""
    t = load_template("chongqing-department-overall")
    assert [r.weight for r in t.tree] == [2, 2, 1, 2, 2, 2, 2, 2, 2, 3, 5, 1, 2, 2, 5, 10, 5, 10, 10, 20]
    assert sum(r.weight for r in t.tree[:19]) == 70 and t.tree[19].name == "公共服务满意度"
    assert {r.name: r.target for r in t.tree if r.qualitative} == {
        "管理制度健全性": "高", "资金使用合规性": "好", "预决算信息公开性": "高", "资产管理安全": "好"}
    assert [r.name for r in t.tree if dict(r.extra)["core"] == "是"] == [
        "预算完成率", "结转结余率", "公用经费控制率", "政府采购执行率", "党性教育培训次数", "组织宣传活动次数", "播发稿件数量"]
    reverse = [r.name for r in t.tree if r.formula("degree") == "reverse"]
    assert reverse == ["财政供养人员控制率", "“三公经费”变动率", "预算调整率", "结转结余率", "公用经费控制率", "“三公经费”控制率"]
    lay = generate_layout("chongqing-department-overall")
    code, name = lay.slot("header.department_code"), lay.slot("header.department_name")
    assert code.row < lay.form_first_row <= lay.title_row < name.row and name.col == 2  # 主管部门 | its name


def test_hunan_has_only_indicators_and_typed_scores() -> None:
    lay = generate_layout("hunan-department-evaluation")
    assert lay.task_count == 0 and not [s for s in lay.slots.values() if s.section in ("tasks", "goals")]
    score = lay.slot("indicators[0].score")
    assert score.role == "input" and score.required == "always"
    assert lay.slot("indicators[0].criterion").role == "fixed" and lay.slot("indicators[0].criterion").bureau
    assert "checks.task_weights" not in lay.slots  # no tasks: no check of their weights
    assert not any('SUM("")' in s.formula for s in lay.slots.values())


def test_hunan_prints_the_seven_columns_of_3_1_from_column_a() -> None:
    """附件3-1 as published: 一级指标 in column A (no table label beside it), seven columns (评分标准
    over five sheet columns, 扣分原因 over two), 合计 with 100 under 分值 and the total under
    自评得分, no 小计 rows; the identity on a row above the printed form."""
    lay = generate_layout("hunan-department-evaluation")
    t = lay.template
    assert t.label_cols == 0 and lay.width == t.print_width == 12
    heads = sorted((lab.col, lab.text) for lab in lay.labels if lab.style == "head" and lab.row <= lay.form_last_row)
    assert [text for _col, text in heads] == ["一级指标", "二级指标", "三级指标", "评分标准", "分值", "自评得分",
                                              "扣分原因和其他说明"]
    assert heads[0][0] == 0 and not [lab for lab in lay.labels if lab.style == "section" and lab.row < lay.form_last_row]
    assert lay.slot("indicators[0].level1").col == 0 and lay.regions["indicators"][1] == 0
    total = lay.slot("total")
    assert (lay.slot("total_weight").col, total.col) == (lay.slot("indicators[0].weight").col,
                                                         lay.slot("indicators[0].score").col)
    assert total.row == lay.slot(f"indicators[{len(t.tree) - 1}].name").row + 1  # no 小计 between
    assert not [k for k in lay.slots if k.startswith("subtotal")]
    name, code = lay.slot("header.department_name"), lay.slot("header.department_code")
    assert name.row == code.row < lay.form_first_row == lay.title_row


def test_hunan_is_the_yueyang_table() -> None:
    """The 岳阳 评分表's seven columns in its order, no 指标说明; each tier's label states the
    points of its rows (投入（15分）= 5 + 5 + 5), and the tiers add up to 100; the rows the
    published page prints keep its wording, line breaks included."""
    import re
    from collections import defaultdict

    template = load_template("hunan-department-evaluation")
    assert [c.label for c in template.indicators.columns] == [
        "一级指标", "二级指标", "三级指标", "评分标准", "分值", "自评得分", "扣分原因和其他说明"]
    sums: dict[str, float] = defaultdict(float)
    for row in template.tree:
        sums[row.level1] += row.weight
        sums[row.level2] += row.weight
    stated = {label: float(m.group(1)) for label in sums if (m := re.search(r"（(\d+(?:\.\d+)?)分）$", label))}
    assert stated == dict(sums), "every tier label states its points, and they are its rows' sum"
    assert sum(v for k, v in sums.items() if k in {r.level1 for r in template.tree}) == 100
    rows = {r.name: r for r in template.tree}
    assert [r.name for r in template.tree][:9] == [
        "财政供养人员控制率", "“三公经费”变动率", "重点支出安排率", "预算调整率", "支付进度", "资金结余",
        "“三公经费”控制率", "管理制度健全性", "资金使用合规性"]
    compliance = dict(rows["资金使用合规性"].extra)["criterion"]
    assert compliance.count("\n") == 5 and compliance.startswith("①支出符合国家财经法规")
    assert dict(rows["财政供养人员控制率"].extra)["criterion"].startswith("以100%为标准。在职人员控制率≦100%，计5分")


def generate_layout(name: str) -> Any:
    from xlgen.layout.values import layout_for

    return layout_for(load_template(name), None)


def test_templates_lists_the_built_in_forms_in_an_aligned_table_at_80_columns() -> None:
    from rich.cells import cell_len

    listed = CliRunner().invoke(app, ["templates", "--lang", "zh"], terminal_width=80)
    assert listed.exit_code == 0
    lines = listed.output.splitlines()
    ids = ("chongqing-department-overall", "dazhou-department-score", "hengshan-special-fund",
           "hunan-department-evaluation", "jiangxi-project", "liaoning-department-overall", "mof-project", "sichuan-project")
    assert [line.split()[0] for line in lines] == ["标识", *ids]
    liaoning = lines[1 + ids.index("liaoning-department-overall")]
    assert liaoning.split() == ["liaoning-department-overall", "2024.1", "部门（单位）整体绩效自评表", "内置"]
    assert max(cell_len(line) for line in lines) <= 80, lines
    for word, shown in zip(("版本", "标题", "文件"), ("2024.1", "部门（单位）整体绩效自评表", "内置")):
        at = cell_len(lines[0][:lines[0].index(word)])  # each column starts at the same terminal column
        assert cell_len(liaoning[:liaoning.index(shown)]) == at
        for line in lines[1:]:
            assert line[len(line) - len(line.lstrip())] != " " and cell_len(line) > at
            prefix = next(i for i in range(len(line)) if cell_len(line[:i]) == at)
            assert line[prefix - 1] == " " and line[prefix] != " ", (word, line)


def _variant(tmp_path: Path, name: str, old: str, new: str) -> Path:
    src = (ROOT / "templates" / f"{name}.toml").read_text(encoding="utf-8")
    assert old in src, old
    path = tmp_path / f"{name}.toml"
    path.write_text(src.replace(old, new), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "old", "new", "key", "says"), [
    ("hunan-department-evaluation", 'sections = ["indicators"]', 'sections = ["indicators", "goals"]',
     "template.sections", "then indicators last"),
    ("hunan-department-evaluation", "[rows]", '[goals]\nlabel = "x"\ncolumns = []\n\n[rows]', "goals",
     "the form has no goals"),
    ("hunan-department-evaluation", 'type = "score" }', 'type = "scores" }', "indicators.columns[5].type",
     "'scores' is not a column type"),
    ("chongqing-department-overall", 'formulas = { degree = "reverse" }', 'formulas = { unit = "reverse" }',
     "tree[0].formulas.unit", "'unit' is not a computed column"),
    ("chongqing-department-overall", 'formulas = { degree = "reverse" }', 'formulas = { degree = "reversed" }',
     "tree[0].formulas.degree", "'reversed' is not a key of [formulas]"),
    ("chongqing-department-overall", 'type = "computed", formula = "header_total" }', 'type = "computed" }',
     "header[1].fields[2].formula", "a computed field names its formula"),
    ("chongqing-department-overall", 'formula = "header_total" }', 'formula = "header_sum" }',
     "header[1].fields[2].formula", "'header_sum' is not a key of [formulas]"),
    ("chongqing-department-overall", 'core = "否"\nformulas', 'cores = "否"\nformulas', "tree[0].cores", ""),
    ("liaoning-department-overall", "tasks = 6 ", "tasks = 0 ", "rows.tasks",
     'a form without tasks leaves "tasks" out of [template] sections'),
    ("sichuan-project", 'marked = ["weight", "score"]', 'marked = ["weight", "project"]',
     "tasks.funding.marked[1]", "'project' is not a column the sources may mark"),
    ("sichuan-project", 'fields = [ { field = "conclusion"', 'fields = [ { field = "conclusion", label_span = 0',
     "footer[0].fields[0].span", "spans are column counts"),
    # a header row on the screen only sits above the title: it comes first; the footer has none
    ("sichuan-project", 'label = "主管部门"\nlabel_span = 1', 'label = "主管部门"\nprint = false\nlabel_span = 1',
     "header[2].print", "header rows that do not print come first"),
    ("sichuan-project", 'label = "评价结论"', 'label = "评价结论"\nprint = false', "footer[0].print", "is not known here"),
    # a goals block (the columns of one group) spans the table
    ("sichuan-project", 'group = "2.项目实施内容及过程概述", span = 11', 'group = "2.项目实施内容及过程概述", span = 10',
     "tasks.columns", "must span the same width"),
])
def test_new_keys_are_checked_with_their_key(tmp_path: Path, name: str, old: str, new: str, key: str,
                                             says: str) -> None:
    path = _variant(tmp_path, name, old, new)
    if "extends" in path.read_text(encoding="utf-8"):
        text = path.read_text(encoding="utf-8").replace(
            'extends = "_base/national"', f'extends = "{(ROOT / "templates" / "_base" / "national").as_posix()}"')
        path.write_text(text, encoding="utf-8")
    with pytest.raises(XlgenError) as info:
        load_template(path)
    text = str(info.value)
    assert f"key '{key}'" in text and says in text, text


def test_a_repeated_sub_expression_evaluates() -> None:
    """`formulas` passes a repeated sub-expression on through "bypass" nodes (the effective target
    IF(ISNUMBER(调整指标值),调整指标值,年初指标值) of Chongqing's rules, written three times)."""
    from xlgen.formula.compiler import build_program

    effective = "IF(ISNUMBER(A3),A3,A2)"
    program = build_program({"B1": f"=IF(A1<={effective},1,IF({effective}>0,ROUND({effective}/A1,4),0))"})
    assert program.run({"A1": 92.0, "A2": 100.0})["B1"] == 1
    assert program.run({"A1": 110.0, "A2": 100.0})["B1"] == 0.9091  # 100/110
    assert program.run({"A1": 110.0, "A2": 100.0, "A3": 105.0})["B1"] == 0.9545  # 105/110


@pytest.mark.parametrize(("name", "indicator", "blanked", "code", "says"), [
    ("hunan-department-evaluation", "“三公经费”变动率", "deduction", "deduction-missing",
     "scores 4 of 5, so the reason for the deduction must be given"),
    ("sichuan-project", "科目调整次数", "cause", "cause-missing", "scores 18 of 22.5, so the cause must be analysed"),
    ("sichuan-project", "总额", "reason", "reason-missing", "the execution rate 0.8992 is below 90 %"),
])
def test_a_forms_own_rule_is_checked_live_and_by_verify(tmp_path: Path, name: str, indicator: str, blanked: str,
                                                       code: str, says: str) -> None:
    """A rule the template words itself ([checks.NAME] with its code) counts in the 填报检查 and
    is reported by verify at the cell it names, from the same formula."""
    from xlgen.verify.batch import verify_file

    template = load_template(name)
    fill = load_fill(sample(name), template)
    if blanked == "reason":  # the 总额 row (执行率 89.92 %): the conditional rule of the funding rows
        del next(task for task in fill.tasks if task["project"] == indicator)[blanked]
    else:
        del fill.indicators[indicator][blanked]
    book = generate(template, fill, tmp_path / f"{name}.xlsx")
    if blanked == "reason":
        key = "tasks[0].reason"
    else:
        index = next(row.index for row in book.layout.indicator_rows if row.tree and row.tree.name == indicator)
        key = f"indicators[{index}].{blanked}"
    assert book.results[f"checks.missing_{ {'cause': 'analysis'}.get(blanked, blanked)}"] == 1
    result = verify_file(book.path)
    (found,) = [f for f in result.findings if f.code.value.code == code]
    assert found.cell == book.layout.slot(key).a1
    assert says in found.message("en")


SUBTOTALS = 'formula = "total"\nsubtotals = "level1"\nsubtotal_label = "{tier}小计"\n'


@pytest.mark.parametrize(("old", "new", "key", "says"), [
    ('subtotals = "level1"', 'subtotals = "level3"', "total.subtotals", "'level3' is not a tier column"),
    ('subtotal_label = "{tier}小计"', 'subtotal_label = "小计"', "total.subtotal_label", "does not name the tier"),
    ("weight = true\n", "weight = false\n", "", ""),  # the label's 7 columns leave room for 分值: fine
    ('{ field = "score", label = "自评得分", type = "score" },', '{ field = "mark", label = "自评得分", type = "score" },',
     "total.subtotals", "a score column"),
])
def test_subtotal_keys_are_checked_with_their_key(tmp_path: Path, old: str, new: str, key: str, says: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """[total] subtotals, on a variant of the Hunan form with a 小计 row per 一级指标 (附件3-1 has none)."""
    src = (ROOT / "templates" / "hunan-department-evaluation.toml").read_text(encoding="utf-8")
    src = src.replace('formula = "total"\n', SUBTOTALS, 1)
    assert old in src
    path = tmp_path / "variant.toml"
    text = src.replace(old, new, 1).replace('extends = "_base/national"', 'extends = "'
                                            + (ROOT / "templates" / "_base" / "national").as_posix() + '"')
    if "mark" in new:  # the score column renamed: its formulas follow
        text = text.replace("{indicators.score}", "{indicators.mark}").replace("{score}", "{mark}")
    path.write_text(text, encoding="utf-8")
    if not key:
        lay = generate(load_template(path), None, tmp_path / "blank.xlsx").layout
        total, weight = lay.slot("total"), lay.slot("subtotal[0].weight")
        assert (weight.row, weight.col) == (lay.slot("subtotal[0].score").row, total.col - 1)
        return
    if not old.startswith("subtotals"):
        return
    # the variant as written: each 一级's 分值 and 得分 summed live above 合计; one typed over fails verify
    from xlgen.verify.batch import verify_file

    variant = tmp_path / "own" / "hunan-subtotals.toml"  # verify finds it by its id in the bureau's folder
    variant.parent.mkdir()
    variant.write_text(text.replace(new, old, 1).replace('id = "hunan-department-evaluation"', 'id = "hunan-subtotals"'),
                       encoding="utf-8")
    monkeypatch.setenv("XLGEN_TEMPLATES", str(variant.parent))
    template = load_template(variant)
    book = generate(template, load_fill(sample("hunan-department-evaluation"), template), tmp_path / "sub.xlsx")
    assert [(book.results[f"subtotal[{i}].weight"], book.results[f"subtotal[{i}].score"]) for i in range(3)] == [
        (15, 13), (40, 37), (45, 41)]
    assert {lab.text for lab in book.layout.labels} >= {
        "投入（15分）小计", "过程（40分）小计", "产出及效益（45分）小计"}
    cell = book.layout.slot("subtotal[0].score").a1  # 投入's 13 typed over as 15
    tampered = edit_sheet(book.path, tmp_path / "typed-over.xlsx", set_formula(cell, "15"))
    assert any(f.cell == cell for f in verify_file(tampered).findings)
    with pytest.raises(XlgenError) as info:
        load_template(path)
    assert f"key '{key}'" in str(info.value) and says in str(info.value), str(info.value)
