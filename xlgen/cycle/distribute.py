"""Distribute: one pre-filled blank per department of a roster, and a manifest of them."""

from __future__ import annotations

import collections
import contextlib
import csv
import functools
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xlgen.errors import ErrorCode, XlgenError
from xlgen.findings import Text
from xlgen.template.fill import Fill
from xlgen.generate.addin.protection import check_password
from xlgen.cycle.roster import load_roster
from xlgen.template.model import Template, load_template
from xlgen.generate.workbook import generate, refuse_inputs, write_atomic
from xlgen.verify.result import inputs_digest

MANIFEST = "manifest.csv"
MANIFEST_COLUMNS = ("file", "code", "name", "template_id", "template_version", "sha256", "year", "inputs_sha256")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


@dataclass(frozen=True)
class Distributed:
    file: Path
    code: str
    name: str
    sha256: str
    year: int
    inputs_sha256: str  # of its inputs (verify --distributed tells an untouched return by it)
    kept: bool = False  # written by an earlier run of the same distribution, left as it was


NAME_BYTES = 180  # file systems allow 255 bytes a name; the temporary file beside it adds ~20


def safe_name(text: str, limit: int = 80) -> str:
    """A file-name part: Chinese kept, characters unsafe on Windows or POSIX replaced."""
    cleaned = _UNSAFE.sub("_", text).strip().strip(".")
    return cleaned[:limit] or "_"


def workbook_name(year: int, code: str, name: str) -> str:
    """YYYY_CODE_NAME.xlsx, the name of every department's workbook; a long name is shortened
    (to NAME_BYTES in UTF-8, where a Chinese character takes 3), the code always kept whole."""
    head = f"{year}_{safe_name(code, 40)}_"
    room = NAME_BYTES - len(head.encode()) - len(".xlsx")
    part = safe_name(name)
    while len(part.encode()) > room:
        part = part[:-1]
    return f"{head}{part.rstrip('. ') or '_'}.xlsx"


@functools.lru_cache(maxsize=8)
def _template(path: str) -> Template:
    """A worker process loads the template (and compiles its layout) once, not once a workbook."""
    return load_template(Path(path))


def _one(template: Template, fill: Fill, year: int, out: Path, force: bool, password: str | None,
         roster: Path, key: bytes | None) -> tuple[str, str]:
    """Write one department's workbook; its sha256 and its inputs' digest for the manifest."""
    fill.year = year
    done = generate(template, fill, out, year=year, force=force, password=password, keep=[roster], key=key)
    return done.sha256, inputs_digest(done.inputs)


def _one_in_worker(template_path: str, *args: Any) -> tuple[str, str]:
    return _one(_template(template_path), *args)


def distribute(template: Template, roster: Path, year: int, outdir: Path, force: bool = False,
               jobs: int = 1, progress: Callable[[int, int], None] | None = None,
               password: str | None = None, key: bytes | None = None) -> list[Distributed]:
    if password:
        check_password(password)  # before anything is written
    if outdir.exists() and not outdir.is_dir():
        raise XlgenError(ErrorCode.OUTPUT_FAILED, file=outdir,
                         detail=Text("它是一个文件，而 --output 应为文件夹", "it is a file; --output names a folder"))
    entries = load_roster(roster, template)
    targets = [outdir / workbook_name(year, e.code, e.name) for e in entries]
    clash = next((n for n, k in collections.Counter(t.name for t in targets).items() if k > 1), None)
    if clash:
        raise XlgenError(ErrorCode.ROSTER_FORMAT, file=roster, detail=Text(f"两个部门得出同一个文件名 {clash}", f"two departments give the same file {clash}"))
    refuse_inputs([*targets, outdir / MANIFEST], [roster, template.path])
    earlier = {} if force else _earlier(outdir, template, year)
    if not force:  # refuse before writing anything: never half a distribution
        for path in [*targets, outdir / MANIFEST]:
            if path.exists() and path.name not in earlier and path.name != MANIFEST:
                raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=path)
        if (outdir / MANIFEST).exists() and not earlier:
            raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=outdir / MANIFEST)
    outdir.mkdir(parents=True, exist_ok=True)
    todo = [(e, t) for e, t in zip(entries, targets) if t.name not in earlier]
    calls = [(e.fill, year, t, force, password, roster, key) for e, t in todo]
    digests: list[tuple[str, str]] = []
    try:
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
    finally:  # the manifest lists what was written, even when a workbook could not be
        written = {t.name: Distributed(t, e.code, e.name, sha, year, digest)
                   for (e, t), (sha, digest) in zip(todo, digests)}
        done = [d for d in (written.get(t.name) or earlier.pop(t.name, None) for t in targets) if d is not None]
        done += earlier.values()  # departments no longer on the roster stay distributed
        if done:
            write_manifest(outdir / MANIFEST, template, done, force=True, keep=[roster])
    return done


def _earlier(outdir: Path, template: Template, year: int) -> dict[str, Distributed]:
    """The workbooks of an earlier run of this distribution (same template, version and year),
    each still as it was written (its sha256 is the manifest's), by file name. An earlier run
    of another template or year, or a changed workbook, is no distribution to add to."""
    path = outdir / MANIFEST
    if not path.is_file():
        return {}
    try:
        rows = read_manifest(path)
    except (OSError, UnicodeDecodeError, ValueError):
        return {}
    kept = {}
    for row in rows:
        file = outdir / (row.get("file") or "")
        same = (row.get("template_id"), row.get("template_version"), row.get("year")) == \
            (template.id, template.version, str(year))
        if not same or not row.get("inputs_sha256") or not file.is_file() or Path(row["file"]).name != row["file"]:
            return {}
        if not as_listed(file, row.get("sha256") or ""):
            return {}
        kept[row["file"]] = Distributed(file, row.get("code") or "", row.get("name") or "", row["sha256"],
                                        year, row["inputs_sha256"], kept=True)
    return kept


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
