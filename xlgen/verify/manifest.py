"""The manifest of a distribution (``manifest.csv``): one row per blank written, its department,
template, year, sha256 and the digest of its inputs. ``xlgen distribute`` and ``xlgen rollover
--distributed`` write it; ``xlgen verify --distributed`` checks each blank against it (``load_distribution``)."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xlgen.errors import ErrorCode, XlgenError
from xlgen.errors.verify import VerifyCode
from xlgen.findings import Finding, Text
from xlgen.intake.returned import read_returned
from xlgen.outputs import write_atomic
from xlgen.template.model import Template
from xlgen.verify.result import inputs_digest
from xlgen.verify.year import year_of

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("file", "code", "name", "template_id", "template_version", "sha256", "year", "inputs_sha256")


@dataclass(frozen=True)
class Distributed:
    """One row of manifest.csv: a department's blank as it was written."""

    file: Path
    code: str
    name: str
    sha256: str
    year: int
    inputs_sha256: str  # of its inputs (verify --distributed tells an untouched return by it)
    kept: bool = False  # written by an earlier run of the same distribution, left as it was


def write_manifest(path: Path, template: Template, done: list[Distributed], force: bool,
                   keep: Sequence[Path] = ()) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for d in done:
        writer.writerow([d.file.name, d.code, d.name, template.id, template.version, d.sha256, d.year, d.inputs_sha256])
    data = buf.getvalue().encode("utf-8-sig")  # with a BOM, so Excel opens the Chinese right
    write_atomic(path, force, lambda tmp: tmp.write_bytes(data), keep=keep, suffix=".csv")


def as_listed(file: Path, sha256: str) -> bool:
    """Whether ``file`` is still the one the manifest lists by ``sha256`` (as it was written)."""
    return hashlib.sha256(file.read_bytes()).hexdigest() == sha256.strip().lower()


def read_manifest(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


Key = tuple[str, str, int, str]  # template id, template version, year, department code


@dataclass(frozen=True)
class Blank:
    """One department's row of manifest.csv, its blank checked against the listed sha256."""

    file: Path
    code: str
    name: str
    template_id: str
    template_version: str
    year: int
    inputs_digest: str

    @property
    def key(self) -> Key:
        return (self.template_id, self.template_version, self.year, self.code)


def load_distribution(folder: Path) -> list[Blank]:
    """The departments of ``folder``'s manifest.csv, each blank's sha256 checked first."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise XlgenError(VerifyCode.NO_MANIFEST, file=manifest)
    try:
        rows = read_manifest(manifest)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise XlgenError(ErrorCode.INPUT_UNREADABLE, file=manifest, detail=str(exc)) from None
    return [_blank(folder, manifest, line, row) for line, row in enumerate(rows, start=2)]  # line 1: the heading


def _blank(folder: Path, manifest: Path, line: int, row: dict[str, str]) -> Blank:
    missing = [c for c in ("file", "code", "template_id", "template_version", "sha256") if not (row.get(c) or "").strip()]
    if missing:
        raise XlgenError(VerifyCode.MANIFEST_GAPS, file=manifest, line=line,
                         missing=Text("、".join(missing), ", ".join(missing)))
    path = folder / row["file"]
    if Path(row["file"]).name != row["file"] or not path.is_file():
        raise XlgenError(VerifyCode.BLANK_MISSING, file=manifest, line=line, blank=row["file"], folder=folder)
    if not as_listed(path, row["sha256"]):
        raise XlgenError(VerifyCode.BLANK_CHANGED, file=path, line=line)
    year, digest = (row.get("year") or "").strip(), (row.get("inputs_sha256") or "").strip()
    if not (year.isdigit() and digest):  # a manifest of an older xlgen: read it from the blank
        year, digest = _read_blank(path, manifest, line)
    return Blank(path, row["code"].strip(), (row.get("name") or "").strip(), row["template_id"].strip(),
                 row["template_version"].strip(), int(year), digest)


def _read_blank(path: Path, manifest: Path, line: int) -> tuple[str, str]:
    ret = read_returned(path)
    year = None if isinstance(ret, Finding) else year_of(ret)
    if isinstance(ret, Finding) or year is None:
        raise XlgenError(VerifyCode.BLANK_NO_YEAR, file=path, manifest=manifest.name, line=line)
    return str(year), inputs_digest(ret.inputs())
