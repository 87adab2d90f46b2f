"""Distribute: one pre-filled blank per department of a roster, and a manifest of them."""

from __future__ import annotations

import collections
import contextlib
import csv
import functools
import io
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlgen.errors import ErrorCode, XlgenError
from xlgen.template.fill import Fill
from xlgen.generate.addin.protection import check_password
from xlgen.cycle.roster import load_roster
from xlgen.template.model import Template, load_template
from xlgen.generate.workbook import generate, refuse_inputs, write_atomic

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("file", "code", "name", "template_id", "template_version", "sha256")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


@dataclass(frozen=True)
class Distributed:
    file: Path
    code: str
    name: str
    sha256: str


def safe_name(text: str, limit: int = 80) -> str:
    """A file-name part: Chinese kept, characters unsafe on Windows or POSIX replaced."""
    cleaned = _UNSAFE.sub("_", text).strip().strip(".")
    return cleaned[:limit] or "_"


def workbook_name(year: int, code: str, name: str) -> str:
    """YYYY_CODE_NAME.xlsx, the name of every department's workbook."""
    return f"{year}_{safe_name(code)}_{safe_name(name)}.xlsx"


@functools.lru_cache(maxsize=8)
def _template(path: str) -> Template:
    """A worker process loads the template (and compiles its layout) once, not once a workbook."""
    return load_template(Path(path))


def _one(template: Template, fill: Fill, year: int, out: Path, force: bool, password: str | None,
         roster: Path) -> str:
    """Write one department's workbook; its sha256 for the manifest."""
    fill.year = year
    return generate(template, fill, out, year=year, force=force, password=password, keep=[roster]).sha256


def _one_in_worker(template_path: str, *args: Any) -> str:
    return _one(_template(template_path), *args)


def distribute(template: Template, roster: Path, year: int, outdir: Path, force: bool = False,
               jobs: int = 1, progress: Callable[[int, int], None] | None = None,
               password: str | None = None) -> list[Distributed]:
    if password:
        check_password(password)  # before anything is written
    entries = load_roster(roster, template)
    targets = [outdir / workbook_name(year, e.code, e.name) for e in entries]
    clash = next((n for n, k in collections.Counter(t.name for t in targets).items() if k > 1), None)
    if clash:
        raise XlgenError(ErrorCode.ROSTER_FORMAT, file=roster, detail=f"two departments give the same file {clash}")
    refuse_inputs([*targets, outdir / MANIFEST], [roster, template.path])
    if not force:  # refuse before writing anything: never half a distribution
        for path in [*targets, outdir / MANIFEST]:
            if path.exists():
                raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=path)
    outdir.mkdir(parents=True, exist_ok=True)
    calls = [(e.fill, year, t, force, password, roster) for e, t in zip(entries, targets)]
    digests: list[str] = []
    with contextlib.ExitStack() as stack:
        if jobs > 1 and len(calls) > 1:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=jobs))
            results = pool.map(_one_in_worker, *zip(*[(str(template.path), *c) for c in calls]))
        else:  # in this process, with the template already loaded
            results = (_one(template, *c) for c in calls)
        for digest in results:
            digests.append(digest)
            if progress:
                progress(len(digests), len(calls))
    done = [Distributed(t, e.code, e.name, d) for e, t, d in zip(entries, targets, digests)]
    write_manifest(outdir / MANIFEST, template, done, force=force, keep=[roster])
    return done


def write_manifest(path: Path, template: Template, done: list[Distributed], force: bool,
                   keep: Sequence[Path] = ()) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(MANIFEST_COLUMNS)
    for d in done:
        writer.writerow([d.file.name, d.code, d.name, template.id, template.version, d.sha256])
    data = buf.getvalue().encode("utf-8-sig")  # with a BOM, so Excel opens the Chinese right
    write_atomic(path, force, lambda tmp: tmp.write_bytes(data), keep=keep, suffix=".csv")


def read_manifest(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))



