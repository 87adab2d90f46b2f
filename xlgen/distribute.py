"""Distribute: one pre-filled blank per department of a roster, and a manifest of them."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import ErrorCode, XlgenError
from .fill import Fill
from .protection import check_password
from .roster import RosterEntry, load_roster
from .template import Template, load_template
from .workbook import generate, refuse_inputs, write_atomic

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


def file_name(year: int, entry: RosterEntry) -> str:
    return workbook_name(year, entry.code, entry.name)


@functools.lru_cache(maxsize=8)
def _template(path: str) -> Template:
    """One load (and one compiled layout) per worker process, not one per workbook."""
    return load_template(Path(path))


def _one(template_path: str, fill: Fill, year: int, out: str, force: bool,
         password: str | None = None, roster: str = "") -> tuple[str, str]:
    template = _template(template_path)
    path = Path(out)
    fill.year = year
    generate(template, fill, path, year=year, force=force, password=password, keep=[Path(roster)] if roster else [])
    return out, hashlib.sha256(path.read_bytes()).hexdigest()


def distribute(template: Template, roster: Path, year: int, outdir: Path, force: bool = False,
               jobs: int = 1, progress: Callable[[int, int], None] | None = None,
               password: str | None = None) -> list[Distributed]:
    if password:
        check_password(password)  # before anything is written
    entries = load_roster(roster, template)
    targets = [outdir / file_name(year, e) for e in entries]
    names = [t.name for t in targets]
    clash = next((n for n in names if names.count(n) > 1), None)
    if clash:
        raise XlgenError(ErrorCode.ROSTER_FORMAT, file=roster, detail=f"two departments give the same file {clash}")
    refuse_inputs([*targets, outdir / MANIFEST], [roster, template.path])
    if not force:  # refuse before writing anything: never half a distribution
        for path in [*targets, outdir / MANIFEST]:
            if path.exists():
                raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=path)
    outdir.mkdir(parents=True, exist_ok=True)
    digests: dict[str, str] = {}
    _template.cache_clear()
    args = [(str(template.path), e.fill, year, str(t), force, password, str(roster)) for e, t in zip(entries, targets)]
    if jobs > 1 and len(args) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(_one, *a) for a in args]
            for i, fut in enumerate(futures, 1):
                out, digest = fut.result()
                digests[out] = digest
                if progress:
                    progress(i, len(args))
    else:
        for i, a in enumerate(args, 1):
            out, digest = _one(*a)
            digests[out] = digest
            if progress:
                progress(i, len(args))
    done = [Distributed(t, e.code, e.name, digests[str(t)]) for e, t in zip(entries, targets)]
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
    write_atomic(path, force, lambda tmp: tmp.write_bytes(data), keep=keep)


def read_manifest(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))



