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
        raise XlgenError(ErrorCode.INPUT_UNREADABLE, file=manifest,
                         detail=Text("没有 manifest.csv：--distributed 应为 xlgen distribute 写出的文件夹",
                                     "no manifest.csv here: --distributed takes a folder written by xlgen distribute"))
    try:
        rows = read_manifest(manifest)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise XlgenError(ErrorCode.INPUT_UNREADABLE, file=manifest, detail=str(exc)) from None
    return [_blank(folder, manifest, line, row) for line, row in enumerate(rows, start=2)]  # line 1: the heading


def _blank(folder: Path, manifest: Path, line: int, row: dict[str, str]) -> Blank:
    where = Text(f"第 {line} 行", f"line {line}")
    missing = [c for c in ("file", "code", "template_id", "template_version", "sha256") if not (row.get(c) or "").strip()]
    if missing:
        raise XlgenError(ErrorCode.INPUT_UNREADABLE, file=manifest, detail=Text(f"{where.zh}：缺少 {'、'.join(missing)}",
                                                                           f"{where.en}: no {', '.join(missing)}"))
    path = folder / row["file"]
    if Path(row["file"]).name != row["file"] or not path.is_file():
        raise XlgenError(ErrorCode.INPUT_UNREADABLE, file=manifest,
                         detail=Text(f"{where.zh}：分发的表 {row['file']} 不在 {folder} 中",
                                     f"{where.en}: the distributed blank {row['file']} is not in {folder}"))
    if not as_listed(path, row["sha256"]):
        raise XlgenError(ErrorCode.INPUT_UNREADABLE, file=path,
                         detail=Text(f"其 sha256 与 manifest.csv（{where.zh}）所列不同：分发后被改动过，不能作为核对的依据",
                                     f"its sha256 is not the one manifest.csv lists ({where.en}): the blank was "
                                     "changed after it was distributed, so it cannot be the yardstick"))
    year, digest = (row.get("year") or "").strip(), (row.get("inputs_sha256") or "").strip()
    if not (year.isdigit() and digest):  # a manifest of an older xlgen: read it from the blank
        year, digest = _read_blank(path, manifest, where)
    return Blank(path, row["code"].strip(), (row.get("name") or "").strip(), row["template_id"].strip(),
                 row["template_version"].strip(), int(year), digest)


def _read_blank(path: Path, manifest: Path, where: Text) -> tuple[str, str]:
    ret = read_returned(path)
    year = None if isinstance(ret, Finding) else year_of(ret)
    if isinstance(ret, Finding) or year is None:
        raise XlgenError(ErrorCode.INPUT_UNREADABLE, file=path,
                         detail=Text(f"分发的表（{manifest.name} {where.zh}）无法读出其年度",
                                     f"the distributed blank ({where.en} of {manifest.name}) cannot be read as a form of its year"))
    return str(year), inputs_digest(ret.inputs())
