"""Verify returned workbooks: recompute, compare, detect tampering, check the form's rules.

Stage two of verification (``reader.py`` reads). The template's own formulas (the layout's
compiled program) are evaluated on the returned inputs; the formulas found in the file are only
compared as text with the template's, never evaluated (a returned ``='[other.xlsx]Sheet1'!A1``
must not make the server open another file). Every check yields findings from ``findings.py``,
located by sheet, A1 cell (the file's, after inserted rows) and slot key.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlgen.verify import cache
from xlgen.generate import provenance
from xlgen.generate.addin import validation
from xlgen.formula.engine import Program, XlError, col_index, outside_strings
from xlgen.findings import ERROR, READ_FAILURES, Code, Finding, Text, finding
from xlgen.generate.addin.checks import HELPER, SECTION, STATUS_SUFFIX, TITLE
from xlgen.layout.model import FORMULA, INPUT, REQUIRED_IN_USE, Layout, Slot
from xlgen.intake.reader import Returned, as_text, default_layout, norm, read_returned
from xlgen.template.model import QUALITATIVE, Template, known_templates

PASS, FAIL, ERRORED = "pass", "fail", "error"
REL_TOL = 1e-9  # saved vs recomputed, relative
ABS_TOL = 1e-12  # … and absolute, for results that are 0 up to float noise
# Searched in folders, in any letter case. The old and binary formats are listed too: a
# department that returns one gets a finding saying so, instead of silently missing from the batch.
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb")
_SPACE = re.compile(r"\s+")
MAX_NAMED = 10  # parts a finding names (a file may hold 2,000)
_WORKBOOK = Text("工作簿", "the workbook")  # where a finding about the whole file is


@dataclass
class FileResult:
    path: str
    status: str  # pass | fail | error
    template: str | None = None
    department: str | None = None
    department_name: str | None = None
    year: int | None = None
    total_score: float | None = None
    findings: list[Finding] = field(default_factory=list)
    level: str | None = None  # 优/良/中/差 of the total, by the template's levels

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        """The file's entry of the ``xlgen verify --json`` contract."""
        return {"path": self.path, "status": self.status, "template": self.template,
                "department": self.department, "year": self.year, "total_score": self.total_score,
                "findings": [f.to_json(lang) for f in self.findings]}


def status_of(findings: Sequence[Finding]) -> str:
    if any(f.code in READ_FAILURES for f in findings):
        return ERRORED
    return FAIL if any(f.severity == ERROR for f in findings) else PASS


def status_counts(results: Sequence[FileResult]) -> dict[str, int]:
    """How many files pass, fail and could not be read."""
    counts = {PASS: 0, FAIL: 0, ERRORED: 0}
    for r in results:
        counts[r.status] += 1
    return counts


def report_json(results: Sequence[FileResult], lang: str = "zh") -> dict[str, Any]:
    counts = status_counts(results)
    return {"files": [r.to_json(lang) for r in results],
            "summary": {"files": len(results), "pass": counts[PASS], "fail": counts[FAIL], "error": counts[ERRORED]}}


def exit_code(results: Sequence[FileResult]) -> int:
    """0 when every file passes, 1 when any has an error finding, 2 when any could not be read."""
    if any(r.status == ERRORED for r in results):
        return 2
    return 1 if any(r.status == FAIL for r in results) else 0


# ----------------------------------------------------------------------------- files
def collect(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(workbooks, missing): files as given, folders searched recursively for workbooks."""
    found: list[Path] = []
    missing: list[Path] = []
    for p in paths:
        if p.is_dir():
            inside = {q for q in p.rglob("*") if q.suffix.lower() in SUFFIXES
                      and q.is_file() and not q.name.startswith("~$")}  # ~$: Excel's lock files
            found.extend(sorted(inside))
        elif p.is_file():
            found.append(p)
        else:
            missing.append(p)
    return list(dict.fromkeys(found)), missing  # each path once, in the order found


def verify_paths(files: Sequence[Path], jobs: int = 1,
                 progress: Callable[[FileResult], None] | None = None) -> list[FileResult]:
    """Verify every file (results in the order given); one bad file never stops the batch."""
    if jobs > 1 and len(files) > 1:
        return _parallel(files, jobs, progress)
    results: list[FileResult] = []
    for path in files:
        result = verify_file(path)
        results.append(result)
        if progress:
            progress(result)
    return results


def _parallel(files: Sequence[Path], jobs: int, progress: Callable[[FileResult], None] | None) -> list[FileResult]:
    """``jobs`` worker processes. A worker that dies (killed for memory, say) takes the files it
    held with it: those are verified again in a new pool, and when a round finishes none of
    them, one process per file, so that only the file that kills its process is reported."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    results: dict[int, FileResult] = {}
    pending = list(range(len(files)))
    alone = False
    while pending:
        groups = [[i] for i in pending] if alone else [pending]
        broken: list[int] = []
        for group in groups:
            with ProcessPoolExecutor(max_workers=1 if alone else jobs, initializer=_warm) as pool:
                futures = {i: pool.submit(verify_file, files[i]) for i in group}
                for i in group:
                    try:
                        results[i] = futures[i].result()
                    except BrokenProcessPool:
                        if alone:
                            results[i] = _crashed(files[i])
                        else:
                            broken.append(i)
                        continue
                    if progress:
                        progress(results[i])
        alone = alone or len(broken) == len(pending)
        pending = broken
    return [results[i] for i in range(len(files))]


def _crashed(path: Path) -> FileResult:
    return FileResult(str(path), ERRORED, findings=[finding(Code.UNREADABLE, reason=Text(
        "读取该文件的进程异常终止（可能耗尽内存）", "the process reading this file died (out of memory?)"))])


def _warm() -> None:
    """Worker start: load the templates and their compiled default programs once."""
    for t in known_templates():
        cache.program(default_layout(t))


def verify_file(path: Path) -> FileResult:
    """Read and check one returned workbook. Never raises: a failure is a finding."""
    try:
        returned = read_returned(Path(path))
        if isinstance(returned, Finding):
            return FileResult(str(path), ERRORED, findings=[returned])
        return verify_returned(returned)
    except Exception as exc:  # a bug of ours must not stop a province's batch
        return FileResult(str(path), ERRORED, findings=[finding(Code.UNREADABLE, reason=Text(
            f"xlgen 内部错误（{type(exc).__name__}: {exc}），请报告此文件"[:300],
            f"internal error in xlgen ({type(exc).__name__}: {exc}); please report this file"[:300]))])


# ----------------------------------------------------------------------------- one file
def verify_returned(ret: Returned) -> FileResult:
    lay, t = ret.layout, ret.template
    sheet = ret.sheet.name
    plan = _plan(lay)
    findings: list[Finding] = list(ret.findings)
    inputs = ret.inputs()
    by_cell = {lay.slots[k].a1: v for k, v in inputs.items() if v is not None and v != ""}
    program = cache.program(lay)
    gone = {s.a1 for s in plan.formulas if ret.file_row(s.row) is None}  # formulas of deleted rows
    pure = _without(program, gone).run(by_cell)  # the form's rules applied to the returned inputs

    states, overrides, bare_rows, formula_findings = _formula_cells(ret, plan)

    # What the file's own formula cells should hold, given what it holds where formulas are gone.
    filed = pure if not overrides else _without(program, set(overrides) | gone).run({**by_cell, **{
        k: v for k, v in overrides.items() if v is not None and v != ""}})
    saved_all = [ret.value(s) for s in plan.formulas if states.get(s.key) == "ok"]
    never = bool(saved_all) and all(_blank_or_zero(v) for v in saved_all) and \
        any(not _blank_or_zero(pure.get(s.a1)) for s in plan.formulas)
    if never:
        total_slot = lay.slots["total"]
        findings.append(finding(Code.NEVER_CALCULATED, sheet, ret.where(total_slot), total_slot.key))
    else:
        for s in plan.formulas:
            if states.get(s.key) != "ok":
                continue
            saved, expected = ret.value(s), filed[s.a1]
            if not same(saved, expected):
                findings.append(finding(Code.CACHED_VALUE_MISMATCH, sheet, ret.where(s), s.key,
                                        label=plan.labels[s.key], found=saved, expected=expected))
    findings.extend(formula_findings)

    def effective(s: Slot) -> Any:
        if s.role != FORMULA:
            return inputs.get(s.key)
        return filed.get(s.a1) if states.get(s.key) in ("ok", None) else ret.value(s)

    findings.extend(_rules(ret, plan, inputs, effective))
    findings.extend(_guards(ret, plan, bare_rows))
    findings.extend(_contents(ret, plan))
    findings.sort(key=lambda f: _order(f, ret))

    total = pure.get(lay.slots["total"].a1)
    total_score = total if isinstance(total, float) else None
    code = _text(inputs.get("header.department_code")) or ret.package.properties.get(provenance.PROP_DEPARTMENT)
    name = _text(inputs.get("header.department_name")) or None
    year = _year(ret, plan)
    if year is None:
        findings.append(finding(Code.REQUIRED_MISSING, sheet, None, "year", label=Text("年度", "year")))
    status = status_of(findings)
    return FileResult(str(ret.path), status, t.id, code or None, name, year, total_score, findings,
                      t.level_of(total_score) if total_score is not None else None)


def _formula_cells(ret: Returned, plan: _Plan) -> tuple[dict[str, str], dict[str, Any], set[int], list[Finding]]:
    """Each formula cell's state (ok, overwritten, changed, external, bare: a row inserted without
    formulas), what the file holds where the template's formula is not (by layout cell), the
    layout rows inserted bare, and the findings about them."""
    sheet = ret.sheet.name
    states: dict[str, str] = {}
    overrides: dict[str, Any] = {}  # layout cell → the value the file holds instead of a formula
    bare_rows: set[int] = set()
    formula_findings: list[Finding] = []
    linking = {where for where, _ in ret.sheet.external}
    for row, slots in plan.formula_rows.items():
        file_row = ret.file_row(row)
        if file_row is None:
            continue
        cells = [(s, ret.cell(s)) for s in slots]
        bare = all(c is None or (c.formula is None and _empty(c.value)) for _, c in cells)
        if bare and _inserted_like(ret, plan.table_rows.get(row)):
            bare_rows.add(row)
            for s, _c in cells:
                states[s.key] = "bare"
                overrides[s.a1] = None
            shown = [s for s, _ in cells if s.section != HELPER] or [s for s, _ in cells]
            formula_findings.append(finding(
                Code.ROW_WITHOUT_FORMULAS, sheet, ret.where(shown[0]), shown[0].key,
                row=file_row + 1,
                cells=", ".join(ret.where(s) or "" for s in shown)))
            continue
        for s, c in cells:
            where = ret.where(s)
            saved = None if c is None else c.value
            label = plan.labels[s.key]
            if c is None or c.formula is None:
                states[s.key] = "overwritten"
                overrides[s.a1] = saved
                formula_findings.append(finding(Code.FORMULA_OVERWRITTEN, sheet, where, s.key,
                                                label=label, value=saved))
            elif where in linking:
                states[s.key] = "external"
                overrides[s.a1] = saved
            elif canonical(c.formula) != plan.canonical(ret, s):
                states[s.key] = "changed"
                overrides[s.a1] = saved
                formula_findings.append(finding(Code.FORMULA_CHANGED, sheet, where, s.key, label=label,
                                                expected=ret.remap_formula(s.formula), found=c.formula))
            else:
                states[s.key] = "ok"
    links: list[tuple[str | None, Any]] = [(where, "=" + text) for where, text in ret.sheet.external]
    links += [(where, Text(f"超链接 {target}", f"a hyperlink to {target}")) for where, target in ret.sheet.hyperlinks]
    for where, found in links:
        formula_findings.append(finding(Code.EXTERNAL_REFERENCE, sheet, where, where and plan.key_at(ret, where),
                                        where=where or _sheet_named(sheet), found=found))
    for link in ret.package.external_links:
        formula_findings.append(finding(Code.EXTERNAL_REFERENCE, None, None, None, where=_WORKBOOK, found=link))

    return states, overrides, bare_rows, formula_findings


def _contents(ret: Returned, plan: _Plan) -> list[Finding]:
    """What the file holds besides the form's values: macros and embedded objects (never run or
    opened), texts cut to Excel's limit on reading."""
    objects = ret.sheet.objects
    out = [_holding(code, parts, sheet) for code, parts, sheet in (
        (Code.VBA_PROJECT, ret.package.macros, None),
        (Code.EMBEDDED_OBJECT, sorted({*ret.package.embedded, *objects}), ret.sheet.name if objects else None))
        if parts]
    for where, length in ret.sheet.long_texts:
        key = plan.key_at(ret, where)
        out.append(finding(Code.TEXT_TOO_LONG, ret.sheet.name, where, key,
                           label=plan.labels.get(key, where) if key else where, length=length))
    return out


def _holding(code: Code, parts: Sequence[str], sheet: str | None) -> Finding:
    """A finding about parts the file holds that xlgen never runs (macros, objects): on the
    sheet that names them, else on the workbook; the first MAX_NAMED parts named."""
    named = ", ".join(parts[:MAX_NAMED]) + (f" … (+{len(parts) - MAX_NAMED})" if len(parts) > MAX_NAMED else "")
    return finding(code, sheet, None, None, parts=named,
                   where=_sheet_named(sheet) if sheet else _WORKBOOK)


def _sheet_named(sheet: str) -> Text:
    return Text(f"工作表「{sheet}」", f"the sheet '{sheet}'")


def _order(f: Finding, ret: Returned) -> tuple[int, int, str]:
    m = re.match(r"([A-Z]+)(\d+)", f.cell or "")
    if not m:
        return (-1, 0, f.code.code)
    return (int(m.group(2)), col_index(m.group(1)), f.code.code)


def _inserted_like(ret: Returned, where: tuple[str, int] | None) -> bool:
    """A row the user may have added: a task row, or an indicator row not from the template's tree."""
    if where is None:
        return False
    section, index = where
    if section == "tasks":
        return True
    return section == "indicators" and ret.layout.indicator_rows[index].tree is None


def _without(program: Program, cells: set[str]) -> Program:
    """The program without the steps computing ``cells`` (their values come from the inputs)."""
    if not cells:
        return program
    return Program(tuple((cell, comp) for cell, comp in program.steps if cell not in cells))


# ----------------------------------------------------------------------------- comparisons
@functools.lru_cache(maxsize=4096)
def canonical(text: str) -> str:
    """Formula text for comparison: no '=', no spaces, upper case (outside string literals)."""
    text = text.strip()
    if text.startswith("="):
        text = text[1:]
    return outside_strings(text, lambda part: _SPACE.sub("", part).upper().replace("_XLFN.", ""))


def _empty(v: Any) -> bool:
    return v is None or v == ""


def _blank_or_zero(v: Any) -> bool:
    return _empty(v) or (isinstance(v, (int, float)) and not isinstance(v, bool) and v == 0)


def same(saved: Any, expected: Any) -> bool:
    """A saved result equals the recomputed one: numbers within 1e-9 relative, "" as empty."""
    if _empty(saved) or _empty(expected):
        return _empty(saved) and _empty(expected)
    if isinstance(expected, XlError) or isinstance(saved, XlError):
        return isinstance(expected, XlError) and isinstance(saved, XlError) and expected.code == saved.code
    if isinstance(expected, bool) or isinstance(saved, bool):
        return saved is expected
    if isinstance(expected, float) and isinstance(saved, float):
        return math.isclose(saved, expected, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    return bool(saved == expected)


def _text(v: Any) -> str:
    return as_text(v).strip()


def _year(ret: Returned, plan: _Plan) -> int | None:
    prop = ret.package.properties.get(provenance.PROP_YEAR, "")
    if prop.strip().isdigit():
        return int(prop)
    pattern, first_header = plan.year_label
    top = ret.file_row(first_header) or first_header
    for r in range(top):
        m = pattern.search(norm(ret.sheet.text(r, 0)))
        if m:
            return int(m.group(1))
    return None


# ----------------------------------------------------------------------------- per-layout plan
@dataclass
class _Plan:
    formulas: list[Slot]
    formula_rows: dict[int, list[Slot]]  # layout row → its formula slots (helper columns too)
    table_rows: dict[int, tuple[str, int]]  # layout row → (tasks|indicators, index)
    rows: dict[tuple[str, int], dict[str, Slot]]
    labels: dict[str, str]
    expected: dict[str, str]  # slot key → canonical template formula (layout coordinates)
    by_pos: dict[tuple[int, int], str]
    year_label: tuple[re.Pattern[str], int]  # the title's year label (year as group 1), the first header row

    def canonical(self, ret: Returned, s: Slot) -> str:
        if ret.identity:
            return self.expected[s.key]
        return canonical(ret.remap_formula(s.formula))

    def key_at(self, ret: Returned, a1: str) -> str | None:
        m = re.match(r"([A-Z]+)(\d+)$", a1)
        if not m:
            return None
        row = ret.layout_row(int(m.group(2)) - 1)
        return None if row is None else self.by_pos.get((row, col_index(m.group(1))))


def _plan(lay: Layout) -> _Plan:
    """What verifying a file needs that depends on its layout alone, derived once per layout."""
    return lay.cached("verify_plan", lambda: _build_plan(lay))


def _build_plan(lay: Layout) -> _Plan:
    t = lay.template
    formulas = [s for s in lay.slots.values() if s.role == FORMULA]
    formula_rows: dict[int, list[Slot]] = {}
    rows: dict[tuple[str, int], dict[str, Slot]] = {}
    table_rows: dict[int, tuple[str, int]] = {}
    for s in lay.slots.values():
        rows.setdefault((s.section, s.index), {})[s.field] = s
        if s.section in ("tasks", "indicators"):
            table_rows[s.row] = (s.section, s.index)
    for s in formulas:
        formula_rows.setdefault(s.row, []).append(s)
    heads = {c.field: c.label for c in (*t.tasks.columns, *t.goals.columns, *t.indicators.columns) if c.field}
    heads.update({f.field: f.hint or f.field for f in t.header_fields()})
    for hrow in t.header:
        if len(hrow.fields) == 1:
            heads[hrow.fields[0].field] = hrow.label
    labels = {}
    for s in lay.slots.values():
        base = heads.get(s.field, s.field)
        if s.section == "tasks":
            labels[s.key] = f"{t.tasks.label}第{s.index + 1}行 {base}"
        elif s.section == "indicators":
            tree = lay.indicator_rows[s.index].tree
            labels[s.key] = f"{tree.name if tree else f'{t.indicators.label}第{s.index + 1}行'} {base}"
        elif s.key == "total":
            labels[s.key] = t.total_label
        elif s.section == SECTION:  # the 填报检查 block
            field = s.field.removesuffix(STATUS_SUFFIX)
            labels[s.key] = f"{TITLE}：{lay.check_labels.get(field, field)}"
        elif s.section == HELPER:
            labels[s.key] = f"{TITLE}辅助列 {s.field}"
        else:
            labels[s.key] = base
    year = re.compile(re.escape(norm(t.year_label)).replace(re.escape("{year}"), r"(\d{4})"))
    first_header = min(s.row for s in lay.slots.values() if s.section == "header")
    return _Plan(formulas, formula_rows, table_rows, rows, labels, {s.key: canonical(s.formula) for s in formulas},
                 {(s.row, s.col): s.key for s in lay.slots.values()}, (year, first_header))


# ----------------------------------------------------------------------------- the form's rules
def _number_slot(lay: Layout, s: Slot) -> bool:
    return s.role == INPUT and lay.holds_number(s)


def _in_use(row: dict[str, Slot], inputs: dict[str, Any]) -> bool:
    return any(not _empty(inputs.get(s.key)) for s in row.values() if s.role == INPUT)


def _rules(ret: Returned, plan: _Plan, inputs: dict[str, Any], effective: Callable[[Slot], Any]) -> list[Finding]:
    lay, t = ret.layout, ret.template
    sheet = ret.sheet.name
    out: list[Finding] = []

    def add(code: Code, s: Slot | None, **params: Any) -> None:
        out.append(finding(code, sheet, ret.where(s) if s else None, s.key if s else None, **params))

    deleted = {s.key for s in lay.slots.values() if ret.file_row(s.row) is None}
    texts: set[str] = set()
    # numbers are numbers
    for s in lay.slots.values():
        if s.key in deleted or not _number_slot(lay, s):
            continue
        v = inputs.get(s.key)
        if isinstance(v, str) or isinstance(v, bool):
            texts.add(s.key)
            add(Code.NOT_A_NUMBER, s, label=plan.labels[s.key], text=v)

    # weights add up to the template's totals
    for table, name, total in (("tasks", Text("年度主要任务", "the tasks"), t.weight_tasks),
                               ("indicators", Text("绩效指标", "the indicators"), t.weight_indicators)):
        weights = [s for (sec, _), row in plan.rows.items() if sec == table
                   for s in row.values() if s.type == "weight" and s.key not in deleted]
        if not weights:
            continue
        found = sum(v for v in (inputs.get(s.key) for s in weights) if isinstance(v, float))
        if round(found, 6) != round(total, 6):
            out.append(finding(Code.WEIGHTS_TOTAL, sheet, ret.range_a1(weights), f"{table}.{weights[0].field}",
                               table=name, found=round(found, 6), expected=total))

    required_done: set[str] = set()
    for (section, index), row in plan.rows.items():
        if index < 0 or section not in ("tasks", "indicators"):
            continue
        if any(s.key in deleted for s in row.values()):
            continue
        used = _in_use(row, inputs)
        if section == "tasks":
            _task_rules(row, inputs, effective, add)
        else:
            _indicator_rules(lay, t, index, row, inputs, effective, used, add, required_done)
        # 0 <= 得分 <= 分值
        score, weight = row.get("score"), next((s for s in row.values() if s.type == "weight"), None)
        if score is not None and weight is not None:
            sv, wv = effective(score), inputs.get(weight.key)
            if isinstance(sv, float) and isinstance(wv, float) and (sv < 0 or sv > wv * (1 + REL_TOL) + ABS_TOL):
                add(Code.SCORE_OVER_WEIGHT, score, label=plan.labels[score.key], score=sv, weight=wv)

    # required inputs
    for s in lay.slots.values():
        if s.role != INPUT or s.key in deleted or s.key in texts or s.key in required_done:
            continue
        if not s.required:
            continue
        if s.required == REQUIRED_IN_USE and not _in_use(plan.rows[(s.section, s.index)], inputs):
            continue
        if _blank_text(inputs.get(s.key)):
            add(Code.REQUIRED_MISSING, s, label=plan.labels[s.key])
    return out


def _task_rules(row: dict[str, Slot], inputs: dict[str, Any], effective: Callable[[Slot], Any],
                add: Callable[..., None]) -> None:
    allocated, executed = row.get("allocated"), row.get("executed")
    if allocated is None or executed is None:
        return
    a, e = inputs.get(allocated.key), inputs.get(executed.key)
    if isinstance(a, float) and isinstance(e, float) and e > a:
        add(Code.EXECUTION_OVER_100, executed, executed=e, allocated=a)


def _indicator_rules(lay: Layout, t: Template, index: int, row: dict[str, Slot], inputs: dict[str, Any],
                     effective: Callable[[Slot], Any], used: bool, add: Callable[..., None],
                     required_done: set[str]) -> None:
    ind = lay.indicator_rows[index]
    if ind.tree is None and not used:
        return
    name_slot = row.get("name")
    name = ind.tree.name if ind.tree else _text(inputs.get(name_slot.key)) if name_slot else ""
    operator = next((s for s in row.values() if s.type == "operator"), None)
    unit = next((s for s in row.values() if s.type == "unit"), None)
    actual = next((s for s in row.values() if s.type == "actual"), None)
    degree = row.get("degree")
    if ind.kind == QUALITATIVE:
        if operator is not None and not _empty(inputs.get(operator.key)):
            add(Code.OPERATOR_INVALID, operator, name=name, operator=inputs.get(operator.key),
                expected=Text("空（定性指标）", "blank (a qualitative row)"))
            required_done.add(operator.key)
        grade = inputs.get(actual.key) if actual else None
        chosen = t.grade(grade.strip()) if isinstance(grade, str) else None
        if actual is not None and not _empty(grade) and chosen is None:
            add(Code.GRADE_INVALID, actual, name=name, grade=grade)
        d = inputs.get(degree.key) if degree is not None else None
        if chosen is not None and isinstance(d, float) and not chosen.contains(d):
            band = f"[{chosen.min:g}, {chosen.max:g}" + ("]" if chosen.max_inclusive else ")")  # both languages
            add(Code.GRADE_BAND, degree, name=name, degree=d, grade=chosen.label, band=band)
    else:
        if operator is not None:
            op = inputs.get(operator.key)
            if not _empty(op) and (not isinstance(op, str) or op.strip() not in t.operators):
                add(Code.OPERATOR_INVALID, operator, name=name, operator=op, expected=" ".join(t.operators))
        if unit is not None:
            u = inputs.get(unit.key)
            required_done.add(unit.key)
            if _blank_text(u):
                add(Code.UNIT_MISSING, unit, name=name)
            elif _text(u) not in t.units:
                add(Code.UNIT_INVALID, unit, unit=u, expected=" ".join(t.units))
    # 完成程度 < 1: a 偏差原因分析 and the 改进措施
    if degree is not None:
        d = effective(degree)
        if isinstance(d, float) and d < 1:
            causes = [s for s in row.values() if s.type == "cause"]
            measures = row.get("measures")
            has_cause = any(not _blank_text(inputs.get(s.key)) for s in causes)
            has_measures = measures is None or not _blank_text(inputs.get(measures.key))
            if causes and not has_cause:
                add(Code.DEVIATION_MISSING, causes[0], name=name, degree=d,
                    missing=Text("偏差原因分析", "a deviation analysis"))
            elif not has_measures and measures is not None:
                add(Code.DEVIATION_MISSING, measures, name=name, degree=d,
                    missing=Text("改进措施", "the improvement measures"))


def _blank_text(v: Any) -> bool:
    return _empty(v) or (isinstance(v, str) and not v.strip())


# ----------------------------------------------------------------------------- protection, validation
def _guards(ret: Returned, plan: _Plan, bare_rows: set[int]) -> list[Finding]:
    """Protection and validations the generator writes for this file's layout, still there (rows
    inserted without formulas are reported as such, not once more for their validations)."""
    # the generator protects every form and gives every input its validation (validation.py)
    groups = [[(s, r) for s in group if (r := ret.file_row(s.row)) is not None]
              for group in validation.rule_groups(ret.layout)]  # inputs of rows deleted: none
    sheet = ret.sheet
    out = []
    if not sheet.protected:
        out.append(finding(Code.PROTECTION_REMOVED, sheet.name, None, None))
    needed = {(r, s.col) for group in groups for s, r in group}
    covered: set[tuple[int, int]] = set()
    for ranges in sheet.validations:  # each range costs at most its area or the cells needed
        for r1, c1, r2, c2 in ranges:
            if (r2 - r1 + 1) * (c2 - c1 + 1) <= len(needed):
                covered.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1) if (r, c) in needed)
            else:
                covered.update((r, c) for r, c in needed if r1 <= r <= r2 and c1 <= c <= c2)
    for group in groups:
        for s, r in group:
            if s.row not in bare_rows and (r, s.col) not in covered:
                out.append(finding(Code.VALIDATION_REMOVED, sheet.name, ret.where(s), s.key, label=plan.labels[s.key]))
                break
    return out
