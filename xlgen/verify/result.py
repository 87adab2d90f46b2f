"""A verified file's result: its status, findings, score, and the ``--json`` contract."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xlgen.findings import ERROR, READ_FAILURES, Finding

PASS, FAIL, ERRORED = "pass", "fail", "error"

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
