"""`xlgen templates check`: what loading a template does not already refuse.

Loading (template.py) stops at the first broken key. These checks look at the template as a
whole — formulas that compile and evaluate, grade bands that tile 0–1, levels, labels that fit —
and return every problem, each naming the file, the key and what was expected.
"""

from __future__ import annotations

from pathlib import Path

from xlgen.formula.functions import EngineError, XlError
from xlgen.errors import ErrorCode, XlgenError
from xlgen.findings import Text
from xlgen.generate.guidance.printsetup import PAD_PX, UNIT_PX, column_widths, lines_needed
from xlgen.generate.breaches import breaches
from xlgen.layout.model import FORMULA
from xlgen.layout.placer import build_layout
from xlgen.names import GOALS, HEADER, INDICATORS, TASKS
from xlgen.template.model import Template, load_template


def _problem(t: Template, key: str, detail: str | Text) -> XlgenError:
    return XlgenError(ErrorCode.VALUE_INVALID, file=t.path, key=key, detail=detail)


def check_template(t: Template) -> list[XlgenError]:
    problems: list[XlgenError] = []
    problems += _formulas_compile(t)
    problems += _grade_bands(t)
    problems += _levels(t)
    problems += _tree_rows(t)
    problems += _labels_fit(t)
    problems += _rollover_fields(t)
    problems += _excel_limits(t)
    return problems


def check_template_file(name: str | Path) -> tuple[Template, list[XlgenError]]:
    """``xlgen templates check``: the template loaded (an XlgenError when it cannot be) and every
    problem found in it."""
    t = load_template(name)
    return t, check_template(t)


def _excel_limits(t: Template) -> list[XlgenError]:
    """The blank breaks none of Excel's limits (the writer refuses what would)."""
    try:
        layout = build_layout(t, t.task_rows, t.spare_kinds)
    except (EngineError, KeyError):
        return []  # reported by _formulas_compile
    return [_problem(t, b.key, Text(f"{b.where.zh}：{b.detail.zh}", f"{b.where.en}: {b.detail.en}"))
            for b in breaches(layout)]


def _rollover_fields(t: Template) -> list[XlgenError]:
    """A carried field must be a field of that section (a typo must not drop data silently)."""
    fields = {HEADER: {f.field for f in t.header_fields()}, TASKS: set(t.tasks.fields()),
              GOALS: set(t.goals.fields()), INDICATORS: set(t.indicators.fields())}
    return [_problem(t, f"rollover.{section}", Text(
                f"「{name}」不是 {section} 的字段；应为以下之一：{', '.join(sorted(fields[section]))}",
                f"'{name}' is not a field of the {section}; expected one of {', '.join(sorted(fields[section]))}"))
            for section, names in t.rollover.items() for name in names if name not in fields[section]]


def _formulas_compile(t: Template) -> list[XlgenError]:
    """Every formula, placed in a blank, parses and evaluates with Excel's semantics."""
    try:
        layout = build_layout(t, t.task_rows, t.spare_kinds)
        results = layout.program.run({})
    except EngineError as exc:
        return [_problem(t, "formulas", Text(f"无法计算：{exc}", f"does not evaluate: {exc}"))]
    except KeyError as exc:
        return [_problem(t, "formulas", Text(f"用了任何表都没有的字段：{exc}", f"names a field no table has: {exc}"))]
    # a blank shows no error value (a sum over a table the form does not have: SUM("") is #VALUE!)
    return [_problem(t, "formulas", Text(f"{s.key}（{s.a1}）在空白表上得出 {results[s.a1]}：{s.formula}",
                                         f"{s.key} ({s.a1}) gives {results[s.a1]} on a blank: {s.formula}"))
            for s in layout.slots.values() if s.role == FORMULA and isinstance(results.get(s.a1), XlError)]


def _grade_bands(t: Template) -> list[XlgenError]:
    if not t.grades:
        return []
    bands = sorted(t.grades, key=lambda g: g.min)
    out = []
    if bands[0].min != 0:
        out.append(_problem(t, "grades", Text(f"最低的区间从 {bands[0].min:g} 开始；应从 0 开始",
                                              f"the lowest band starts at {bands[0].min:g}; expected 0")))
    if bands[-1].max != 1 or not bands[-1].max_inclusive:
        out.append(_problem(t, "grades", Text("最高的区间须止于 1 并包含 1（max = 1，max_inclusive = true）",
                                              "the highest band must end at 1 inclusive (max = 1, max_inclusive = true)")))
    for low, high in zip(bands, bands[1:]):
        if low.max != high.min:
            out.append(_problem(t, "grades", Text(
                f"「{low.label}」止于 {low.max:g}，而「{high.label}」从 {high.min:g} 开始；区间须首尾相接，不留空隙、不重叠",
                f"'{low.label}' ends at {low.max:g} but '{high.label}' starts at "
                f"{high.min:g}; bands must meet without gap or overlap")))
        elif low.max_inclusive:
            out.append(_problem(t, "grades", Text(
                f"「{low.label}」包含 {low.max:g}，而它也是「{high.label}」的起点；请设 max_inclusive = false",
                f"'{low.label}' includes {low.max:g}, which also starts '{high.label}'; set max_inclusive = false")))
    return out


def _levels(t: Template) -> list[XlgenError]:
    mins = [lv.min for lv in t.levels]
    labels = [lv.label for lv in t.levels]
    out = []
    if len(set(labels)) != len(labels):
        out.append(_problem(t, "levels", Text("等次名称重复", "level labels repeat")))
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        out.append(_problem(t, "levels", Text(f"下限 {mins} 须从最好的等次到最差的等次严格递减",
                                              f"minimums {mins} must fall strictly from the best level to the worst")))
    if t.levels and min(mins) != 0:
        out.append(_problem(t, "levels", Text("最低等次须从 0 开始，使每个得分都有等次",
                                              "the lowest level must start at 0 so that every score gets a level")))
    return out


def _tree_rows(t: Template) -> list[XlgenError]:
    out = []
    for i, ind in enumerate(t.tree):
        if t.scored and not ind.block and (ind.weight is None or ind.weight <= 0):  # own rows: their block's points
            out.append(_problem(t, f"tree[{i}].weight", Text(f"「{ind.name}」的分值须大于 0",
                                                             f"'{ind.name}' needs a weight above 0")))
        if not ind.qualitative and not ind.unit and ind.target is not None:
            out.append(_problem(t, f"tree[{i}].unit", Text(f"「{ind.name}」是定量指标，须有度量单位",
                                                           f"'{ind.name}' is quantitative and needs a unit")))
    return out


def _labels_fit(t: Template) -> list[XlgenError]:
    """Each label wraps into at most three lines per row it spans, at the widths xlgen sets."""
    layout = build_layout(t, t.task_rows, t.spare_kinds)
    widths = column_widths(layout)
    out = []
    for lab in layout.labels:
        if not lab.text or lab.style == "title":
            continue
        width_px = sum(widths[c] * UNIT_PX + PAD_PX for c in range(lab.col, lab.last_col + 1)) - 2 * PAD_PX
        lines, room = lines_needed(lab.text, width_px), 3 * (lab.last_row - lab.row + 1)
        if lines > room:
            out.append(_problem(t, "labels", Text(
                f"「{lab.text}」折成 {lines} 行，而其单元格只显示 {room} 行：请缩短，或让它跨更多列",
                f"'{lab.text}' wraps into {lines} lines where its cell shows {room}; "
                "shorten it or give its column a larger span")))
    return out
