"""Reconcile verified returns with what was distributed (``xlgen verify --distributed DIST``).

Each returned file is matched to a department of the distribution by what the file says it is
(the template id and version, the year and the department code, from its provenance and header
cells), never by its file name. Per department one status:

- ``pass`` / ``fail`` / ``error``: the status of its one (chosen) return;
- ``missing``: nothing came back;
- ``duplicate``: several files came back; each is verified, none is counted until one is chosen
  (``--prefer newest``: the newest saved, by the file's own saved time, else its mtime; or the
  bureau removes the others from the folder);
- ``untouched``: its inputs equal those of the distributed blank.

A file that matches no department (another year, another bureau's distribution) gets a
``not-distributed`` error finding and counts as ``unexpected``. The returns themselves are judged
against their departments' blanks while they are verified (``judged_against``, yardstick.py).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from xlgen.verify.manifest import Blank, Key
from xlgen.errors import Said, said
from xlgen.errors.verify import VerifyCode
from xlgen.findings import EMPTY, Code, finding
from xlgen.verify.result import ERRORED, FAIL, PASS, FileResult, report_json, status_of
from xlgen.verify.fixed import SealPolicy
from xlgen.verify.yardstick import yardstick_of

MISSING, DUPLICATE, UNTOUCHED = "missing", "duplicate", "untouched"
UNEXPECTED = "unexpected"  # a file of no distributed department
STATUSES = (PASS, FAIL, ERRORED, MISSING, DUPLICATE, UNTOUCHED)
NEWEST = "newest"
PREFER = (NEWEST,)

@dataclass
class Department:
    blank: Blank
    returned: list[FileResult] = field(default_factory=list)
    chosen: FileResult | None = None
    status: str = MISSING

    @property
    def total_score(self) -> float | None:
        return self.chosen.total_score if self.chosen and self.status != UNTOUCHED else None

    @property
    def grade(self) -> str | None:
        return self.chosen.grade if self.chosen and self.status != UNTOUCHED else None

    def to_json(self) -> dict[str, Any]:
        return {"code": self.blank.code, "name": self.blank.name, "distributed": self.blank.file.name,
                "status": self.status, "returned": [r.path for r in self.returned],
                "chosen": self.chosen.path if self.chosen else None,
                "total_score": self.total_score, "grade": self.grade}


@dataclass
class Reconciled:
    departments: list[Department]
    unexpected: list[FileResult]  # files of no department of the distribution

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for d in self.departments:
            counts[d.status] += 1
        return counts

    def summary(self) -> dict[str, int]:
        c = self.counts()
        return {"departments": len(self.departments), "missing": c[MISSING], "duplicate": c[DUPLICATE],
                "untouched": c[UNTOUCHED], "unexpected": len(self.unexpected)}

    def file_status(self, r: FileResult) -> str:
        """What a file is in this collection: unexpected, an untouched blank, or its own status."""
        return self._special.get(id(r), r.status)

    @functools.cached_property
    def _special(self) -> dict[int, str]:
        special = {id(r): UNEXPECTED for r in self.unexpected}
        special.update({id(d.chosen): UNTOUCHED for d in self.departments if d.status == UNTOUCHED})
        return special

    def to_json(self, results: Sequence[FileResult], lang: str = "zh") -> dict[str, Any]:
        """The ``--json`` contract with the departments beside the files."""
        doc = report_json(results, lang)
        doc["departments"] = [d.to_json() for d in self.departments]
        doc["summary"].update(self.summary())
        return doc

    def exit_code(self, results: Sequence[FileResult]) -> int:
        """0 when every department passed; 2 when any file is an error; else 1."""
        if any(r.status == ERRORED for r in results):
            return 2
        ok = all(d.status == PASS for d in self.departments) and not self.unexpected
        return 0 if ok else 1


def judged_against(policy: SealPolicy, folder: Path, blanks: Sequence[Blank]) -> SealPolicy:
    """``policy`` with the distribution as the yardstick: each return compared with its blank."""
    return dataclasses.replace(policy, yardstick=yardstick_of(folder, ((b.key, b.file) for b in blanks)))


# ----------------------------------------------------------------------------- matching
def key_of(r: FileResult) -> Key | None:
    if r.template is None or r.template_version is None or r.year is None or not r.department:
        return None
    return (r.template, r.template_version, r.year, r.department)


def reconcile(results: list[FileResult], blanks: Sequence[Blank], prefer: str | None = None) -> Reconciled:
    """Match each result to its department; ``results`` gain a not-distributed finding where
    they match none (their status is recomputed)."""
    departments = {b.key: Department(b) for b in blanks}
    unexpected = []
    for r in results:
        key = key_of(r)
        if r.status == ERRORED and key is None:
            continue  # unreadable: it cannot say whose it is; an error of the run already
        dept = departments.get(key) if key is not None else None
        if dept is None:
            r.findings.insert(0, finding(Code.NOT_DISTRIBUTED,
                                         reason=_why_not(r, blanks)))
            r.status = status_of(r.findings)
            unexpected.append(r)
        else:
            dept.returned.append(r)
    for dept in departments.values():
        _settle(dept, prefer)
    return Reconciled(list(departments.values()), unexpected)


def _settle(dept: Department, prefer: str | None) -> None:
    if not dept.returned:
        dept.status = MISSING
        return
    if len(dept.returned) > 1 and prefer != NEWEST:
        dept.status = DUPLICATE
        return
    dept.chosen = max(dept.returned, key=saved_time)
    if dept.chosen.inputs_digest == dept.blank.inputs_digest:
        dept.status = UNTOUCHED
    else:
        dept.status = dept.chosen.status


def saved_time(r: FileResult) -> tuple[float, str]:
    """When the file was last saved: its core properties' modified time, else the file's mtime
    (the path breaks ties, so the choice never depends on the order files were found)."""
    stamp = None
    if r.saved_at:
        try:
            stamp = datetime.fromisoformat(r.saved_at.replace("Z", "+00:00"))
        except ValueError:
            stamp = None
    if stamp is not None:
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        return stamp.timestamp(), r.path
    try:
        return Path(r.path).stat().st_mtime, r.path
    except OSError:
        return 0.0, r.path


def _why_not(r: FileResult, blanks: Sequence[Blank]) -> Said:
    years = sorted({b.year for b in blanks})
    shown = "、".join(map(str, years)) or "—"
    if r.year is not None and r.year not in years:
        return said(VerifyCode.OTHER_YEAR, year=r.year, years=shown)
    templates = sorted({(b.template_id, b.template_version) for b in blanks})
    if (r.template, r.template_version) not in templates:
        listed = ", ".join(f"{i} {v}" for i, v in templates) or "—"
        return said(VerifyCode.OTHER_TEMPLATE, template=str(r.template), version=str(r.template_version), listed=listed)
    return said(VerifyCode.OTHER_DEPARTMENT, code=r.department or EMPTY)
