"""Import last year's forms (hand-made, budget-system exports, .xls): one fill per form and a
roster for ``distribute``, so that every department's own tree is carried, not retyped.

Each form is read by its labels (``intake.bylabels``) into a fill of its template, written as
TOML (``YYYY_CODE_NAME.toml``); the departments' identity, tasks and indicator trees, as far as
the template's ``[rollover]`` carries them, make one roster per template
(``roster-TEMPLATE.xlsx``: 部门, 任务 and 指标 sheets, the format ``roster.load_roster`` reads).
Every cell a form holds that could not be placed is reported with its address. Nothing is
written until every output name is known to be free (or ``force``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter

from xlgen.cycle.distribute import safe_name, workbook_name
from xlgen.cycle.roster import CODE_NAMES, INDICATOR_SHEETS, TASK_SHEETS
from xlgen import lang
from xlgen.errors import ErrorCode, XlgenError, said
from xlgen.errors.intake import IntakeCode
from xlgen.errors.system import SystemCode
from xlgen.findings import Finding, Text
from xlgen.outputs import refuse_inputs, write_atomic
from xlgen.cycle.rollover import carried_fill
from xlgen.layout.values import layout_for
from xlgen.intake.adopted import LegacyReturned
from xlgen.intake.bylabels import LegacyForm, Unplaced, read_legacy
from xlgen.intake.reader import Returned
from xlgen.intake.returned import read_returned
from xlgen.verify.year import year_of
from xlgen.layout.model import INPUT
from xlgen.names import GOALS, HEADER, INDICATORS, TASKS
from xlgen.template.fill import Fill, indicator_inputs
from xlgen.template.filltoml import fill_toml
from xlgen.template.model import Template, input_columns

DEPARTMENTS_SHEET = "部门"
# the comments on top of a fill written by import, in the run's language
READ_FROM = Text("读自 {source}（工作表 {sheet}），按模板 {template} 的栏目名称读取。",
                 "Read from {source} (sheet {sheet}) by the labels of template {template}.")
NOT_PLACED = Text("未能对应：{cell} {text}（{reason}）", "not placed: {cell} {text} ({reason})")
BY_KIND = Text("按内容对应：{cell} {text}（{reason}）", "placed by what it holds: {cell} {text} ({reason})")


@dataclass
class Imported:
    """One form read: its fill's file and what could not be placed (or why it was not read)."""

    source: Path
    form: LegacyForm | None = None
    output: Path | None = None
    problem: Finding | None = None
    unplaced: list[Unplaced] = field(default_factory=list)


@dataclass
class ImportResult:
    files: list[Imported]
    rosters: list[Path]


def import_forms(files: Sequence[Path], outdir: Path, template: Template | None = None,
                 force: bool = False) -> ImportResult:
    read = [_read(path, template) for path in files]
    forms = [r for r in read if r.form is not None]
    for r in forms:
        assert r.form is not None
        r.output = outdir / _fill_name(r.form)
    names = [r.output.name for r in forms if r.output is not None]
    clash = next((n for n in names if names.count(n) > 1), None)
    if clash:
        raise XlgenError(ErrorCode.OUTPUT_FAILED, file=outdir / clash, detail=said(SystemCode.SAME_FORM))
    templates = list({id(r.form.template): r.form.template for r in forms if r.form is not None}.values())
    rosters = [outdir / f"roster-{t.id}.xlsx" for t in templates]
    outputs = [*(r.output for r in forms if r.output is not None), *rosters]
    refuse_inputs(outputs, files)
    if not force:  # refuse before writing anything: never half an import
        for path in outputs:
            if path.exists():
                raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=path)
    for r in forms:
        assert r.form is not None and r.output is not None
        text = fill_toml(r.form.fill, r.form.template, _comments(r))
        write_atomic(r.output, force, functools.partial(_write_text, text=text), keep=files)
    for t, out in zip(templates, rosters):
        mine = _latest([r.form for r in forms if r.form is not None and r.form.template is t])
        write_atomic(out, force, functools.partial(_write_roster, t=t, forms=mine), keep=files)
    return ImportResult(read, rosters)


def _write_text(tmp: Path, text: str) -> None:
    tmp.write_text(text, encoding="utf-8")


def _read(path: Path, template: Template | None) -> Imported:
    ret = read_returned(path)
    chosen = isinstance(ret, Returned) and (template is None or template.id == ret.template.id)
    if chosen and isinstance(ret, LegacyReturned):
        form: LegacyForm | Finding = ret.legacy
    elif chosen and isinstance(ret, Returned):
        form = _from_xlgen(ret)  # a form xlgen made: read through its own layout
    else:
        form = read_legacy(path, template)
    if isinstance(form, Finding):
        return Imported(path, problem=form)
    return Imported(path, form, unplaced=[*form.unplaced, *_not_numbers(form)])


def _from_xlgen(ret: Returned) -> LegacyForm:
    """Every input of a form xlgen made, as a fill (its computed cells are the template's)."""
    t = ret.template
    every = {HEADER: tuple(f.field for f in t.header_fields()), GOALS: tuple(input_columns(t.goals.columns)),
             TASKS: tuple(input_columns(t.tasks.columns)), INDICATORS: tuple(indicator_inputs(t))}
    fill = carried_fill(ret, year_of(ret), t, every)
    where = {s.key: a for s in ret.layout.slots.values() if (a := ret.where(s))}
    return LegacyForm(ret.path, ret.sheet.name, t, fill.year, fill, layout_for(t, fill), where, {})


def _not_numbers(form: LegacyForm) -> list[Unplaced]:
    """Texts where the template wants a number: taken out of the fill (which holds numbers there)
    and reported with their cells."""
    lay, fill = form.layout, form.fill
    out = []
    tree = len(lay.template.tree)
    for s in lay.slots.values():
        if s.role != INPUT or not lay.holds_number(s):
            continue
        if s.section in (HEADER, GOALS):
            values = fill.header if s.section == HEADER else fill.goals
        elif s.section == TASKS:
            values = fill.tasks[s.index] if s.index < len(fill.tasks) else {}
        else:
            ind = lay.indicator_rows[s.index]
            values = fill.indicators.get(ind.tree.name, {}) if ind.tree else \
                fill.extra_indicators[s.index - tree] if s.index - tree < len(fill.extra_indicators) else {}
        value = values.get(s.field)
        if isinstance(value, str):
            del values[s.field]
            out.append(Unplaced(form.addresses.get(s.key, "?"), value, said(IntakeCode.NOT_A_NUMBER, slot=s.key)))
    return out


def _fill_name(form: LegacyForm) -> str:
    code = str(form.fill.header.get("department_code") or "")
    name = str(form.fill.header.get("department_name") or "")
    if form.year is None or not code:
        return f"{safe_name(form.path.stem)}.toml"
    return str(Path(workbook_name(form.year, code, name)).with_suffix(".toml"))


def _comments(r: Imported) -> list[str]:
    assert r.form is not None
    fields = {"source": r.source.name, "sheet": r.form.sheet, "template": r.form.template.id}
    return [lang.fill(READ_FROM, fields)] + [
        lang.fill(NOT_PLACED, {"cell": u.address, "text": repr(u.text), "reason": u.reason.message_in(None)})
        for u in r.unplaced] + [
        lang.fill(BY_KIND, {"cell": u.address, "text": repr(u.text), "reason": u.reason.message_in(None)})
        for u in r.form.by_kind]


def _latest(forms: list[LegacyForm]) -> list[LegacyForm]:
    """One form per department code: the latest year's (a folder may hold several years)."""
    by_code: dict[str, LegacyForm] = {}
    for form in forms:
        code = str(form.fill.header.get("department_code") or "")
        if code and (code not in by_code or (form.year or 0) >= (by_code[code].year or 0)):
            by_code[code] = form
    return list(by_code.values())


def _header_labels(t: Template) -> dict[str, str]:
    """Each header field's column name in a roster, as the form names it (a hint that names the
    field, else the row's label when the field is alone on it): a clerk reads 部门编码, not
    department_code, and the roster reader knows both."""
    out: dict[str, str] = {}
    for hrow in t.header:
        for f in hrow.fields:
            if f.hint and f.hint != "万元":
                out[f.field] = f.hint
            elif len(hrow.fields) == 1 and hrow.label:
                out[f.field] = hrow.label
    return out


def _write_roster(tmp: Path, t: Template, forms: list[LegacyForm]) -> None:
    """部门 (the header fields the template carries), 任务 and 指标 (the carried task and
    indicator fields), each row with the department's code first."""
    keep = t.rollover
    inputs = t.header_inputs()
    # the carried fields, then the bureau's fields not carried (next year's amounts): empty columns to fill in
    carried = [f for f in keep.get(HEADER, ()) if f]
    header = list(dict.fromkeys([*carried, *(f for f in t.fixed.get(HEADER, ()) if f in inputs)]))
    labels = {c.field: c.label for c in (*t.tasks.columns, *t.indicators.columns) if c.field and c.label}
    heads = _header_labels(t)
    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})
    code = CODE_NAMES[0]
    code_head = heads.get(code, CODE_NAMES[1])
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        (DEPARTMENTS_SHEET, [heads.get(h, h) for h in header], [[f.fill.header.get(h) if h in carried else None for h in header] for f in forms]),
        (TASK_SHEETS[0], [code_head, *(labels.get(k, k) for k in keep.get(TASKS, ()))],
         [[f.fill.header.get(code), *(task.get(k) for k in keep.get(TASKS, ()))] for f in forms for task in f.fill.tasks]),
        (INDICATOR_SHEETS[0], [code_head, *(labels.get(k, k) for k in keep.get(INDICATORS, ()))],
         [[f.fill.header.get(code), *(ind.get(k) for k in keep.get(INDICATORS, ()))] for f in forms
          for ind in _indicators(f.fill, t)]),
    ]
    for name, names, rows in sheets:
        ws = wb.add_worksheet(name)
        for col, head in enumerate(names):
            ws.write_string(0, col, head)
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if isinstance(value, str):
                    ws.write_string(r, col, value)
                elif isinstance(value, float):
                    ws.write_number(r, col, value)
    wb.close()


def _indicators(fill: Fill, t: Template) -> list[dict[str, Any]]:
    """The fill's indicators in the form's order: the tree's, then the department's own."""
    return [fill.indicators[ind.name] for ind in t.tree if ind.name in fill.indicators] + fill.extra_indicators
