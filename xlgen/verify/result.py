"""A verified file's result: its status, findings, score, and the ``--json`` contract."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlgen.formula.references import col_index
from xlgen.findings import ERROR, READ_FAILURES, Code, Finding, Text, finding
from xlgen.names import ERRORED as ERRORED, FAIL as FAIL, PASS as PASS  # re-exported
from xlgen.generate import provenance, seal
from xlgen.intake.reader import Returned
from xlgen.intake.compare import text_of
from xlgen.verify.plan import Plan


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
    template_version: str | None = None
    inputs_digest: str | None = None  # of what the department can type (see inputs_digest)
    saved_at: str | None = None  # when it was last saved, by its core properties (ISO 8601)
    labels: dict[str, str] = field(default_factory=dict)  # a finding's field → the label people read
    plain_seal: bool = False  # sealed with the public SHA-256 (not the bureau's key): shows accidents, not intent

    def label(self, f: Finding) -> str | None:
        """The field of ``f`` as the form names it (「重点工作办结率 全年完成值」, not indicators[0].actual)."""
        return self.labels.get(f.field, f.field) if f.field else None

    @property
    def grade(self) -> str | None:
        """The 等级 the return earns: its total's level when it passes, none when it fails or
        cannot be read (a failing return's total is no score to grade). Every reader (summary,
        terminal, workbench) shows this, never ``level``."""
        return self.level if self.status == PASS else None

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


def inputs_digest(values: Mapping[str, object]) -> str:
    """A fingerprint of a form's inputs (slot key → value): equal for a distributed blank and a
    copy of it saved unchanged by Excel, WPS or LibreOffice (numbers as numbers, texts stripped,
    empty cells left out)."""
    parts = []
    for key in _sorted(tuple(values)):
        value = values[key]
        if value is None:  # the most, first
            continue
        if isinstance(value, str):
            value = value.strip()
        if value == "":
            continue
        shown = format(float(value), ".15g") if isinstance(value, (int, float)) and not isinstance(value, bool) else repr(value)
        parts.append(f"{key}\x00{shown}\x01")
    return hashlib.sha256("".join(parts).encode()).hexdigest()  # as fed part by part


@functools.lru_cache(maxsize=64)
def _sorted(keys: tuple[str, ...]) -> list[str]:
    """Keys in order (a layout's inputs come in its order: sorted once per layout)."""
    return sorted(keys)


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


def finding_order(f: Finding) -> tuple[int, int, str]:
    """Findings in the order of their cells (row, then column); those of the whole file first."""
    m = re.match(r"([A-Z]+)(\d+)", f.cell or "")
    if not m:
        return (-1, 0, f.code.code)
    return (int(m.group(2)), col_index(m.group(1)), f.code.code)


def claimed_code(ret: Returned, inputs: Mapping[str, Any]) -> str | None:
    """The department a file says it is of: its code cell, else the code its properties stamp."""
    return text_of(inputs.get("header.department_code")) or ret.package.properties.get(provenance.PROP_DEPARTMENT) or None


def claim(ret: Returned, inputs: Mapping[str, Any], year: int | None) -> tuple[str, str, int, str] | None:
    """Whose form the file says it is (template id and version, year, department code), as
    reconciliation matches it to a distributed blank (``reconcile.key_of``); None when it does not say."""
    code = claimed_code(ret, inputs)
    if year is None or not code:
        return None
    return (ret.template.id, ret.template.version, year, code)


def file_result(ret: Returned, plan: Plan, inputs: dict[str, Any], findings: list[Finding], total: Any,
                year: int | None) -> FileResult:
    """The result of a file read as ``ret``: its findings sorted, its identity, year and score."""
    findings.sort(key=finding_order)
    if year is None:
        findings.append(finding(Code.REQUIRED_MISSING, ret.sheet.name, None, "year", label=Text("年度", "year")))
    t = ret.template
    total_score = total if isinstance(total, float) else None
    code = claimed_code(ret, inputs)
    name = text_of(inputs.get("header.department_name")) or None
    labels = plan.labels
    return FileResult(str(ret.path), status_of(findings), t.id, code or None, name, year, total_score, findings,
                      t.level_of(total_score) if total_score is not None else None, t.version,
                      inputs_digest(inputs), ret.package.modified,
                      {f.field: labels.get(f.field) or _LABELS.get(f.field, f.field) for f in findings if f.field},
                      _plain_seal(ret.package.properties))


def _plain_seal(properties: dict[str, str]) -> bool:
    stored = seal.stored(properties)
    return stored is not None and not seal.keyed(stored[1])


_LABELS = {"year": "年度"}  # fields of a finding that are no cell of the layout
