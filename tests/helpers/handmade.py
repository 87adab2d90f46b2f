"""The seed rebuilt as a form xlgen did not make: last year's hand-made workbook.

Its content comes from the seed's own text (samples/seed/); its layout is our own making (other
column spans than xlgen's, numbers typed where xlgen has formulas, no protection, no
validation), in variants: clean labels, the seed's text verbatim with its artefacts (wrapped
labels, cut grade texts, ``95.00%`` as text, the name row as one string), rows shifted, a
mistyped result.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_rowcol_to_cell

OPERATORS = ("=", ">=", "<=", ">", "<")
TITLE = "部门（单位）整体绩效自评表"
CAUSES = ("cause_funding", "cause_system", "cause_staff", "cause_hardware")
# The hand-made form's columns (0-based), unlike xlgen's: the project spans 5 columns, not 7.
TASK_COLS = {"project": (1, 5), "allocated": (6, 6), "executed": (7, 7), "rate": (8, 8), "weight": (9, 9),
             "score": (10, 10)}
IND_COLS = {"level1": 1, "level2": 2, "name": 3, "operator": 4, "target": 5, "unit": 6, "actual": 7, "degree": 8,
            "weight": 9, "score": 10, "cause_funding": 11, "cause_system": 12, "cause_staff": 13,
            "cause_hardware": 14, "measures": 15}
LAST = 15
EXACT_MEASURES = 16  # 改进措施 in the seed's own head


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def _key(text: str) -> str:
    return "".join(text.split())


@dataclass
class SeedRow:
    """One indicator row as the seed's text has it (texts verbatim)."""

    level1: str  # "" where the seed leaves it to the merged cell above
    level2: str
    values: dict[str, str]
    # each value's column counted from the name's, as the seed's text has it: its qualitative rows
    # 综合管理水平 and 依法行政能力 hold their values one column right of the others'
    offsets: dict[str, int] = field(default_factory=dict)


@dataclass
class SeedText:
    year_line: str
    header: list[tuple[str, str]]  # (label, value) verbatim
    tasks: list[list[str]]  # project, allocated, executed, rate, weight, score
    goals: tuple[str, str]
    indicators: list[SeedRow]
    total: str
    names: dict[str, str] = field(default_factory=dict)  # verbatim name → the template's


def read_seed_text(path: Path, tree_names: list[str]) -> SeedText:
    lines = [_cells(line) for line in path.read_text(encoding="utf-8").splitlines()]
    flat = [next((c for c in cells if c), "") for cells in lines]
    year_line = next(t for t in flat if t.endswith("年度"))
    header = []
    for label in ("部门（单位）名称", "部门年初预算收入金额", "部门年初预算支出金额"):
        line = next(t for t in flat if t.startswith(label))
        header.append((label, line[len(label):].strip()))
    tasks = []
    for cells in lines:
        filled = [c for c in cells if c]
        if len(filled) >= 6 and filled[-3].endswith("%") and filled[0] in ("年度主要任务", filled[-6]):
            tasks.append(filled[-6:])
    goal_line = next(cells for cells in lines if cells[0] == "" and len([c for c in cells if c]) == 2
                     and cells[1].startswith("一、"))
    goals = tuple(c for c in goal_line if c)
    wanted = {_key(n): n for n in tree_names}
    rows: list[SeedRow] = []
    names: dict[str, str] = {}
    for cells in lines:
        at = next((i for i, c in enumerate(cells) if _key(c) in wanted), None)
        if at is None:
            continue
        before = [c for c in cells[:at] if c]
        level1, level2 = (before + ["", ""])[:2] if len(before) == 2 else ("", before[0] if before else "")
        names[cells[at]] = wanted[_key(cells[at])]
        after = cells[at + 1:]
        at_filled = [i for i, c in enumerate(after) if c]
        filled = [after[i] for i in at_filled]
        values = {"name": cells[at]}
        fields = ("operator", "target", "unit", "actual", "degree", "weight", "score") if filled[0] in OPERATORS \
            else ("target", "actual", "degree", "weight", "score")
        values.update(zip(fields, filled))
        offsets = {f: at_filled[k] + 1 for k, f in enumerate(fields)}
        score_at = at_filled[len(fields) - 1]
        # 偏差原因分析 (four columns, the last spanning two) and 改进措施 after the score
        rest = after[score_at + 1:] + [""] * 6
        values.update({f: t for f, t in zip((*CAUSES, "", "measures"), rest) if f and t})
        offsets.update({f: score_at + 2 + k for k, f in enumerate((*CAUSES, "", "measures")) if f and rest[k]})
        rows.append(SeedRow(level1, level2, values, offsets))
    total_line = next(cells for cells in lines if cells and cells[0] == "总评价得分")
    return SeedText(year_line, header, tasks, goals, rows, next(c for c in total_line[1:] if c), names)


@dataclass
class Variant:
    """How a hand-made form differs from the clean one."""

    verbatim: bool = False  # the seed's texts as they are (wrapped labels, cut grades, 95.00% as text)
    header_in_one_cell: bool = False  # "部门（单位）名称 703010…-211300000" in one cell
    identity_split: bool = False  # code, name and area code in three cells
    top: int = 0  # rows above the title (a note, blank rows)
    page_breaks: bool = False  # blank rows and the section label repeated inside the indicator table
    typed: dict[tuple[str, str], Any] = field(default_factory=dict)  # (三级指标 name or task N, field) → value
    own: dict[str, dict[str, Any]] = field(default_factory=dict)  # the department's own targets and weights
    extra: list[dict[str, str]] = field(default_factory=list)  # indicators of the department's own, after the tree
    notes: list[str] = field(default_factory=list)  # lines under the total (sign-off): cells of no place
    # the seed's own positions: each indicator value in the column the seed's text puts it (counted
    # from the name), the head as the seed has it (硬件条件保障原因分析 over two columns, 改进措施 after)
    exact: bool = False


@dataclass
class Built:
    path: Path
    cells: dict[tuple[str, str], str]  # (三级指标 name, "task N" or "total"; field) → A1 of the value


GRADES = {"全部或基本达成预期指标 100%-80% (含)"}


def build(seed: SeedText, path: Path, v: Variant) -> Built:
    """Write the seed as a hand-made workbook: values typed, no formula, no protection."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Sheet1")
    pct = wb.add_format({"num_format": "0.00%"})
    cells: dict[tuple[str, str], str] = {}
    plain = wb.add_format({"text_wrap": True})

    def text(r: int, c: int, value: str, last: int | None = None) -> None:
        if last is not None and last > c:
            ws.merge_range(r, c, r, last, value, plain)
        else:
            ws.write_string(r, c, value, plain)

    def value(r: int, c: int, raw: str, last: int | None = None, percent: bool = False) -> None:
        if percent and not v.verbatim:
            ws.write_number(r, c, float(raw.rstrip("%")) / 100, pct)
            return
        try:
            number = float(raw)
        except ValueError:
            text(r, c, raw, last)
            return
        if last is not None and last > c:
            ws.merge_range(r, c, r, last, number)
        else:
            ws.write_number(r, c, number)

    r = 0
    if v.top:
        text(0, 0, "附件 3")
        r = v.top
    text(r, 0, TITLE, LAST)
    text(r + 1, 0, seed.year_line, LAST)
    r += 2
    for name, raw in seed.header:
        if v.header_in_one_cell:
            text(r, 0, f"{name} {raw}", LAST)
        elif v.identity_split and name.endswith("名称"):
            code, rest = raw[:6], raw[6:]
            dept, area = rest.rsplit("-", 1)
            text(r, 0, name, 2)
            text(r, 3, code, 4)
            text(r, 5, dept, 12)
            text(r, 13, area, LAST)
        else:
            text(r, 0, name, 2)
            value(r, 3, raw, LAST)
        r += 1
    # 年度主要任务
    text(r, 0, "年度主要任务")
    for f, label_text in (("project", "对应项目"), ("allocated", "项目下达金额"), ("executed", "项目执行金额"),
                          ("rate", "项目执行率"), ("weight", "分值"), ("score", "得分")):
        text(r, TASK_COLS[f][0], label_text, TASK_COLS[f][1])
    r += 1
    for n, task in enumerate(seed.tasks):
        for f, raw in zip(("project", "allocated", "executed", "rate", "weight", "score"), task):
            raw = str(v.typed.get((f"task {n + 1}", f), raw))
            c1, c2 = TASK_COLS[f]
            value(r, c1, raw, c2, percent=f == "rate")
            cells[(f"task {n + 1}", f)] = xl_rowcol_to_cell(r, c1)
        r += 1
    # 年度目标
    text(r, 0, "年度目标")
    text(r, 1, "年初总体目标", 5)
    text(r, 6, "全年完成情况", LAST)
    text(r + 1, 1, seed.goals[0], 5)
    text(r + 1, 6, seed.goals[1], LAST)
    r += 2
    # 绩效指标
    text(r, 0, "绩效指标")
    heads = {"level1": "一级指标", "level2": "二级指标", "name": "三级指标", "operator": "运算符号", "target": "指标值",
             "unit": "度量单位", "actual": "全年完成值", "degree": "完成程度", "weight": "分值", "score": "得分",
             "measures": "改进措施"}
    for f, head in heads.items():
        if not (v.exact and f == "measures"):
            text(r, IND_COLS[f], head)
    text(r, 11, "偏差原因分析", 15 if v.exact else 14)
    for f, head in zip(CAUSES, ("经费保障原因分析", "制度保障原因分析", "人员保障原因分析", "硬件条件保障原因分析")):
        text(r + 1, IND_COLS[f], head, 15 if v.exact and f == "cause_hardware" else None)
    if v.exact:  # 改进措施 right of the four causes, as in the seed's text
        text(r, EXACT_MEASURES, "改进措施")
    r += 2
    level1 = level2 = ""
    for n, row in enumerate(seed.indicators):
        if v.page_breaks and n in (8, 15):  # as the seed's text: a blank row and the label again
            r += 1
            text(r, 0, "绩效指标")
            r += 1
        name = seed.names[row.values["name"]]
        l1, l2 = row.level1 or level1, row.level2 or level2
        level1, level2 = l1, l2
        shown = dict(row.values)
        shown.update(v.own.get(name, {}))
        if not v.verbatim:
            shown["name"] = name
            if "operator" not in shown:
                shown["actual"] = next(g for g in GRADES if _key(g).startswith(_key(shown["actual"])))
                shown["target"] = _key(shown["target"])
        for f, level, given in (("level1", l1, row.level1), ("level2", l2, row.level2)):
            if given or not v.verbatim:  # verbatim: blank below, as the seed's merged cells read
                text(r, IND_COLS[f], given if v.verbatim else _key(level))
        for f, raw in shown.items():
            raw = str(v.typed.get((name, f), raw))
            col = IND_COLS["name"] + row.offsets[f] if v.exact and f in row.offsets else IND_COLS[f]
            value(r, col, raw)
            cells[(name, f)] = xl_rowcol_to_cell(r, col)
        r += 1
    for row in v.extra:
        for f, raw in row.items():
            value(r, IND_COLS[f], raw)
            cells[(row["name"], f)] = xl_rowcol_to_cell(r, IND_COLS[f])
        r += 1
    text(r, 0, "总评价得分", 9)
    value(r, 10, str(v.typed.get(("total", "total"), seed.total)))
    cells[("total", "total")] = xl_rowcol_to_cell(r, 10)
    for note in v.notes:
        r += 1
        text(r, 1, note)
        cells[(note, "note")] = xl_rowcol_to_cell(r, 1)
    wb.close()
    return Built(path, cells)
