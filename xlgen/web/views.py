"""What the pages show, made from the stage functions' own results: the templates, a roster's
plan, a distribution, the collection's table, a department's findings with the part of the form
around each, and the summary's charts (the numbers of the summary workbook's 图表)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlgen import lang
from xlgen.cycle.plan import Plan, Step
from xlgen.cycle.steps import DistributeOptions, distribute_roster
from xlgen.errors import XlgenError
from xlgen.findings import Finding
from xlgen.formula.references import col_index, col_letters
from xlgen.intake.reader import Returned
from xlgen.intake.returned import read_returned
from xlgen.template.model import Template, list_templates, templates_dirs
from xlgen.verify.manifest import read_manifest
from xlgen.verify.reconcile import DUPLICATE, MISSING, UNTOUCHED
from xlgen.verify.report import (CHART_TITLES, SEVERITY, STATUS, Row, chart_statuses, chart_tables, grades_of,
                                 summary_rows)
from xlgen.verify.result import FileResult
from xlgen.verify.returns import Verified
from xlgen.web.pagetext import Page
from xlgen.web.workspace import Workspace


# ----------------------------------------------------------------------------- 模板
@dataclass(frozen=True)
class TemplateRow:
    id: str
    version: str
    title: str
    source: str
    problem: str | None = None
    picture: str | None = None  # file name in previews/


def template_rows(ws: Workspace) -> list[TemplateRow]:
    built_in = templates_dirs()[-1]
    rows = []
    for path, loaded in list_templates():
        source = Page.BUILT_IN() if path.parent == built_in else Page.BUREAU(folder=path.parent.name)
        if isinstance(loaded, XlgenError):
            rows.append(TemplateRow(path.stem, "—", "", source, loaded.message))
            continue
        picture = picture_name(loaded)
        rows.append(TemplateRow(loaded.id, loaded.version, loaded.title, source, None,
                                picture if (ws.previews / picture).is_file() else None))
    return rows


def picture_name(t: Template) -> str:
    return f"{t.id}-{t.version}.png"


# ----------------------------------------------------------------------------- 分发
@dataclass(frozen=True)
class RosterPlan:
    """What distributing a roster would do (``xlgen distribute --dry-run``), before anything is written."""

    id: str  # of the check that made it: the page's 生成 names it
    roster: Path
    template: str
    year: int
    plan: Plan

    def of(self, *kinds: str) -> list[Step]:
        return self.plan.of(*kinds)

    @property
    def count(self) -> int:
        return len(self.plan.steps)

    @property
    def writes(self) -> bool:
        return any(s.writes for s in self.plan.steps)


def roster_plan(ws: Workspace, template: str, roster: Path, year: int, plan_id: str) -> RosterPlan:
    """The roster read as ``distribute`` reads it (an XlgenError naming every problem by row and
    column) and reconciled with the year's folder: ``distribute --dry-run``, the same call."""
    done = distribute_roster(DistributeOptions(template, roster, year, ws.distributed(year), dry_run=True))
    return RosterPlan(plan_id, roster, done.template.id, year, done.done.plan)


def manifest_rows(ws: Workspace, year: int) -> list[dict[str, str]]:
    path = ws.manifest(year)
    try:
        return read_manifest(path) if path.is_file() else []
    except (OSError, UnicodeDecodeError, ValueError):
        return []


# ----------------------------------------------------------------------------- 收集
@dataclass(frozen=True)
class TableRow:
    row: Row
    status_text: str

    @property
    def linked(self) -> bool:
        return self.row.code is not None and self.row.status != MISSING


def table(verified: Verified, status: str | None = None) -> tuple[list[TableRow], dict[str, int]]:
    """The summary workbook's 汇总 rows (filtered by status) and how many of each status."""
    rows = summary_rows(verified.results, verified.reconciled)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    words = STATUS[lang.current()]
    shown = [TableRow(r, words.get(r.status, r.status)) for r in rows if status is None or r.status == status]
    return shown, counts


@dataclass(frozen=True)
class Around:
    """The part of the form around a finding's cell: rows × columns of shown values."""

    columns: list[str]
    rows: list[tuple[int, list[tuple[str, bool]]]]  # (row number, [(text, is the cell)])


@dataclass(frozen=True)
class Shown:
    finding: Finding
    label: str | None
    message: str
    around: Around | None
    severity: str  # in the page's words (错误/警告), the summary workbook's table


@dataclass(frozen=True)
class FileFindings:
    result: FileResult
    name: str
    chosen: bool
    findings: list[Shown] = field(default_factory=list)


def department(verified: Verified, code: str) -> tuple[str, str, list[FileFindings]] | None:
    """(code, name, each file it returned with its findings), None when no such department."""
    rec = verified.reconciled
    if rec is None:
        return None
    d = next((d for d in rec.departments if d.blank.code == code), None)
    if d is None:
        return None
    files = []
    for r in d.returned:
        quiet = d.status == UNTOUCHED  # an untouched blank's findings say nothing
        ret = _read(r) if r.findings and not quiet else None
        words = SEVERITY[lang.current()]
        shown = [] if quiet else [Shown(f, r.label(f), f.message(lang.current()), around(ret, f) if ret else None,
                                        words[f.severity]) for f in r.findings]
        files.append(FileFindings(r, Path(r.path).name, d.chosen is r or d.status == DUPLICATE, shown))
    return d.blank.code, d.blank.name, files


def _read(r: FileResult) -> Returned | None:
    """The returned file read again through the safe layer (the findings came from it)."""
    ret = read_returned(Path(r.path))
    return ret if isinstance(ret, Returned) else None


AROUND_ROWS, AROUND_COLS = 2, 3  # rows above and below, columns either side


def around(ret: Returned, f: Finding, shown: str | None = None) -> Around | None:
    if f.cell is None or (f.sheet is not None and f.sheet != ret.sheet.name):
        return None
    m = re.fullmatch(r"\$?([A-Z]{1,3})\$?(\d+)", f.cell)
    if m is None:
        return None
    col, row = col_index(m.group(1)), int(m.group(2)) - 1
    cols = range(max(0, col - AROUND_COLS), col + AROUND_COLS + 1)
    rows = []
    for r in range(max(0, row - AROUND_ROWS), row + AROUND_ROWS + 1):
        cells = []
        for c in cols:
            cell = ret.sheet.cells.get((r, c))
            cells.append((_text(cell.value if cell is not None else None), (r, c) == (row, col)))
        rows.append((r + 1, cells))
    return Around([col_letters(c) for c in cols], rows)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


# ----------------------------------------------------------------------------- 汇总
@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[tuple[str, float]]

    @property
    def most(self) -> float:
        return max([v for _, v in self.bars] + [1.0])


def charts(verified: Verified) -> list[Chart]:
    """The three charts of the summary workbook's 图表, from the same tables."""
    language = lang.current()
    rows = summary_rows(verified.results, verified.reconciled)
    tables = chart_tables(rows, chart_statuses(verified.reconciled, language), grades_of(verified.results), language)
    return [Chart(title, [(label, cached) for label, _formula, cached in t])
            for t, title in zip(tables, CHART_TITLES[language])]

