"""`xlgen templates check`: what loading a template does not already refuse.

Loading (template.py) stops at the first broken key. These checks look at the template as a
whole — formulas that compile and evaluate, grade bands that tile 0–1, levels, labels that fit —
and return every problem, each naming the file, the key and what was expected.
"""

from __future__ import annotations

from pathlib import Path

from xlgen.formula.functions import EngineError, XlError
from xlgen.errors import Field, XlgenError
from xlgen.errors.template import TemplateCode
from xlgen.generate.guidance.printsetup import PAD_PX, UNIT_PX, column_widths, lines_needed
from xlgen.generate.breaches import breaches
from xlgen.layout.model import FORMULA
from xlgen.layout.placer import build_layout
from xlgen.names import GOALS, HEADER, INDICATORS, TASKS
from xlgen.template.model import Template, load_template


def _problem(t: Template, key: str, code: TemplateCode, /, **fields: Field) -> XlgenError:
    return XlgenError(code, file=t.path, key=key, **fields)


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
    return [_problem(t, b.key, TemplateCode.BREAKS_LIMIT, where=b.where, problem=b.detail) for b in breaches(layout)]


def _rollover_fields(t: Template) -> list[XlgenError]:
    """A carried field must be a field of that section (a typo must not drop data silently)."""
    fields = {HEADER: {f.field for f in t.header_fields()}, TASKS: set(t.tasks.fields()),
              GOALS: set(t.goals.fields()), INDICATORS: set(t.indicators.fields())}
    return [_problem(t, f"rollover.{section}", TemplateCode.ROLLOVER_FIELD, name=name, section=section,
                     fields=", ".join(sorted(fields[section])))
            for section, names in t.rollover.items() for name in names if name not in fields[section]]


def _formulas_compile(t: Template) -> list[XlgenError]:
    """Every formula, placed in a blank, parses and evaluates with Excel's semantics."""
    try:
        layout = build_layout(t, t.task_rows, t.spare_kinds)
        results = layout.program.run({})
    except EngineError as exc:
        return [_problem(t, "formulas", TemplateCode.FORMULAS_FAIL, said=str(exc))]
    except KeyError as exc:
        return [_problem(t, "formulas", TemplateCode.FORMULAS_FIELD, name=str(exc))]
    # a blank shows no error value (a sum over a table the form does not have: SUM("") is #VALUE!)
    return [_problem(t, "formulas", TemplateCode.FORMULA_ERROR_ON_BLANK, slot=s.key, cell=s.a1, error=str(results[s.a1]),
                     formula=s.formula)
            for s in layout.slots.values() if s.role == FORMULA and isinstance(results.get(s.a1), XlError)]


def _grade_bands(t: Template) -> list[XlgenError]:
    if not t.grades:
        return []
    bands = sorted(t.grades, key=lambda g: g.min)
    out = []
    if bands[0].min != 0:
        out.append(_problem(t, "grades", TemplateCode.GRADES_START, low=bands[0].min))
    if bands[-1].max != 1 or not bands[-1].max_inclusive:
        out.append(_problem(t, "grades", TemplateCode.GRADES_END))
    for low, high in zip(bands, bands[1:]):
        if low.max != high.min:
            out.append(_problem(t, "grades", TemplateCode.GRADES_GAP, low=low.label, end=low.max, high=high.label,
                                start=high.min))
        elif low.max_inclusive:
            out.append(_problem(t, "grades", TemplateCode.GRADES_OVERLAP, low=low.label, end=low.max, high=high.label))
    return out


def _levels(t: Template) -> list[XlgenError]:
    mins = [lv.min for lv in t.levels]
    labels = [lv.label for lv in t.levels]
    out = []
    if len(set(labels)) != len(labels):
        out.append(_problem(t, "levels", TemplateCode.LEVELS_REPEAT))
    if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
        out.append(_problem(t, "levels", TemplateCode.LEVELS_ORDER, mins=str(mins)))
    if t.levels and min(mins) != 0:
        out.append(_problem(t, "levels", TemplateCode.LEVELS_START))
    return out


def _tree_rows(t: Template) -> list[XlgenError]:
    out = []
    for i, ind in enumerate(t.tree):
        if t.scored and not ind.block and (ind.weight is None or ind.weight <= 0):  # own rows: their block's points
            out.append(_problem(t, f"tree[{i}].weight", TemplateCode.WEIGHT_NOT_POSITIVE, name=ind.name))
        if not ind.qualitative and not ind.unit and ind.target is not None:
            out.append(_problem(t, f"tree[{i}].unit", TemplateCode.UNIT_MISSING, name=ind.name))
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
            out.append(_problem(t, "labels", TemplateCode.LABEL_TOO_LONG, label=lab.text, lines=lines, room=room))
    return out
