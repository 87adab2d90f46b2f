"""The manifest of a distribution (``manifest.csv``): one row per blank written, its department,
template, year, sha256 and the digest of its inputs. ``xlgen distribute`` and ``xlgen rollover
--distributed`` write it; ``xlgen verify --distributed`` checks each blank against it."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xlgen.outputs import write_atomic
from xlgen.template.model import Template

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
