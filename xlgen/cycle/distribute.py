"""Distribute: one pre-filled blank per department of a roster, and a manifest of them (the
reconciliation with what the folder already holds is planned in ``plan``)."""

from __future__ import annotations

import collections
import csv
import functools
import glob
import re
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from xlgen.cycle.plan import ADOPTED, CHANGED, KEPT, NEW, REFUSED, Distributed, Plan, Step, changes, digest_of, file_sha256
from xlgen.cycle.roster import RosterEntry, load_roster
from xlgen.errors import ErrorCode, Said, XlgenError, said
from xlgen.errors.cycle import CycleCode
from xlgen.errors.roster import RosterCode
from xlgen.generate.guidance.protection import check_password
from xlgen.generate.workbook import generate
from xlgen.oserrors import IS_A_FILE, output_folder
from xlgen.outputs import refuse_inputs
from xlgen.template.fill import Fill
from xlgen.template.model import Template, load_template
from xlgen.verify.manifest import MANIFEST, as_listed, read_manifest, write_manifest
from xlgen.verify.result import inputs_digest

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


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


class Distribution(list[Distributed]):
    """The manifest's rows after a run, in roster order and then the departments no longer on the
    roster (a list, as callers have always used it), with the plan the run carried out."""

    def __init__(self, listed: list[Distributed], plan: Plan, dry_run: bool = False) -> None:
        super().__init__(listed)
        self.plan = plan
        self.dry_run = dry_run


def distribute(template: Template, roster: Path, year: int, outdir: Path, force: bool = False,
               jobs: int = 1, progress: Callable[[int, int], None] | None = None,
               password: str | None = None, key: bytes | None = None, dry_run: bool = False,
               leave_open: bool = False) -> Distribution:
    """Reconcile the folder ``outdir`` with ``roster``: write the blanks of new departments,
    rewrite untouched blanks whose roster row changed, keep the rest; manifest.csv lists every
    blank on disk after each one is written, so an interrupted run (Ctrl-C, SIGTERM, a worker's
    crash) leaves a consistent folder and a plain rerun finishes it (``Interrupted`` says how far
    it got). Everything that would refuse the run is found before the first file is written;
    ``dry_run`` stops there and returns the plan. ``force`` rewrites every blank."""
    if password:
        check_password(password)  # before anything is written
    if outdir.exists() and not outdir.is_dir():
        raise XlgenError(ErrorCode.OUTPUT_FAILED, file=outdir, detail=IS_A_FILE)
    entries = load_roster(roster, template, leave_open=leave_open)
    for e in entries:
        e.fill.year = year
    targets = [outdir / workbook_name(year, e.code, e.name) for e in entries]
    clash = next((n for n, k in collections.Counter(t.name for t in targets).items() if k > 1), None)
    if clash:
        raise XlgenError(RosterCode.SAME_FILE, file=roster, clash=clash)
    refuse_inputs([*targets, outdir / MANIFEST], [roster, template.path])
    earlier = _earlier(outdir, template, year, force)
    args = _Args(year, password, roster, key)
    plan = _plan(template, entries, targets, earlier, outdir, force, args)
    plan.notes = entries.notes
    if dry_run:
        return Distribution(_listed(plan, {}), plan, dry_run=True)
    output_folder(outdir)
    sweep(outdir, [*targets, outdir / MANIFEST])
    written: dict[str, Distributed] = {s.code: _row(s, year) for s in plan.of(ADOPTED)}
    book = _Book(outdir / MANIFEST, template, plan, roster)
    if written or not (outdir / MANIFEST).exists() or plan.gone:
        book.save(written)
    todo = plan.of(NEW, CHANGED)
    stop = Stop()
    failure: BaseException | None = None
    with stop:
        try:
            for step, (sha, digest) in _results(template, todo, args, force, jobs, stop):
                written[step.code] = Distributed(step.target, step.code, step.name, sha, year, digest)
                if step.earlier is not None and step.earlier.file.name != step.target.name:
                    (outdir / step.earlier.file.name).unlink(missing_ok=True)  # a rename replaces the file
                book.save(written)
                if progress:
                    progress(len(written), len(todo))
        except BrokenProcessPool:
            stop.why = said(CycleCode.WORKER_EXITED)
        except (XlgenError, OSError) as exc:  # what was written stays listed; then the error
            failure = exc
    book.save(written)
    if failure is not None:
        raise failure
    if stop.why is not None:
        raise XlgenError(ErrorCode.INTERRUPTED, why=stop.why, written=sum(1 for s in todo if s.code in written),
                         total=len(todo), manifest=outdir / MANIFEST)
    return Distribution(_listed(plan, written), plan)


def sweep(outdir: Path, outputs: list[Path]) -> None:
    """Remove the temporary files (``.NAME.xxxx.tmp``, see ``write_atomic``) that a killed run left
    beside this run's outputs: never a file anyone else named."""
    for out in outputs:
        for stale in outdir.glob(f".{glob.escape(out.name)}.*.tmp"):
            stale.unlink(missing_ok=True)


@dataclass(frozen=True)
class _Args:
    """What every workbook of a run is written with, besides its fill and file."""

    year: int
    password: str | None
    roster: Path
    key: bytes | None


def _row(step: Step, year: int) -> Distributed:
    assert step.earlier is not None
    return replace(step.earlier, file=step.target, code=step.code, name=step.name, year=year)


def _listed(plan: Plan, written: dict[str, Distributed]) -> list[Distributed]:
    """The manifest's rows: each department of the roster that has a blank (what this run wrote,
    else its earlier row), then those no longer on the roster."""
    rows = []
    for s in plan.steps:
        if s.code in written:
            rows.append(written[s.code])
        elif s.kind in (KEPT, REFUSED, CHANGED) and s.earlier is not None and s.earlier.file.is_file():
            rows.append(replace(s.earlier, kept=True))
    return rows + [replace(g, kept=True) for g in plan.gone]


class _Book:
    """manifest.csv, rewritten (atomically) after every workbook: never a blank on disk it does not list."""

    def __init__(self, path: Path, template: Template, plan: Plan, roster: Path) -> None:
        self.path, self.template, self.plan, self.roster = path, template, plan, roster

    def save(self, written: dict[str, Distributed]) -> None:
        write_manifest(self.path, self.template, _listed(self.plan, written), force=True, keep=[self.roster])


class Stop:
    """Ctrl-C (SIGINT) and SIGTERM ask the run to stop after the workbooks being written: the
    handler only sets ``why``, so no write is cut in half and the manifest is saved last."""

    def __init__(self) -> None:
        self.why: Said | None = None
        self._before: dict[int, Any] = {}

    def __enter__(self) -> Stop:
        if threading.current_thread() is threading.main_thread():  # signals reach the main thread only
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._before[sig] = signal.signal(sig, self._asked)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._before.items():
            signal.signal(sig, handler)

    def _asked(self, signum: int, _frame: object) -> None:
        name = signal.Signals(signum).name
        self.why = said(CycleCode.SIGNAL_CTRL_C, signal=name) if signum == signal.SIGINT else said(CycleCode.SIGNAL, signal=name)


def _ignore_signals() -> None:
    """A worker finishes the workbook it is writing on Ctrl-C (which reaches the whole process
    group): the main process decides when to stop. SIGTERM ends it: the pool ends the other
    workers so when one died, and a worker forked while the main process's handler was set
    would only note the signal and go on waiting, for ever, on a queue the dead one held."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _results(template: Template, todo: list[Step], args: _Args, force: bool, jobs: int,
             stop: Stop) -> Iterator[tuple[Step, tuple[str, str]]]:
    """(step, (sha256, inputs digest)) of each workbook written, as they finish; none started
    once ``stop`` was asked, those already started finished and yielded."""
    if jobs <= 1 or len(todo) <= 1:  # in this process, with the template already loaded
        for step in todo:
            if stop.why is not None:
                return
            yield step, _one(template, step.fill, step.target, force or step.kind == CHANGED, args)
        return
    with ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_signals) as pool:
        waiting = list(todo)
        running: dict[Future[tuple[str, str]], Step] = {}
        while waiting or running:
            while waiting and len(running) < 2 * jobs and stop.why is None:
                step = waiting.pop(0)
                running[pool.submit(_one_in_worker, str(template.path), step.fill, step.target,
                                    force or step.kind == CHANGED, args)] = step
            if stop.why is not None:
                waiting.clear()
                for f in [f for f in running if f.cancel()]:
                    del running[f]
            done, _ = wait(running, timeout=0.2, return_when=FIRST_COMPLETED)
            for f in done:
                yield running.pop(f), f.result()


def _one(template: Template, fill: Fill, out: Path, force: bool, args: _Args) -> tuple[str, str]:
    """Write one department's workbook; its sha256 and its inputs' digest for the manifest."""
    done = generate(template, fill, out, year=args.year, force=force, password=args.password,
                    keep=[args.roster], key=args.key)
    return done.sha256, inputs_digest(done.inputs)


@functools.lru_cache(maxsize=8)
def _template(path: str) -> Template:
    """A worker process loads the template (and compiles its layout) once, not once a workbook."""
    return load_template(Path(path))


def _one_in_worker(template_path: str, *args: Any) -> tuple[str, str]:
    return _one(_template(template_path), *args)


def _plan(template: Template, entries: list[RosterEntry], targets: list[Path], earlier: dict[str, Distributed],
          outdir: Path, force: bool, args: _Args) -> Plan:
    """Each department's step, every refusal found before anything is written."""
    steps = []
    for e, target in zip(entries, targets):
        digest, inputs = digest_of(template, e.fill)
        old = earlier.pop(e.code, None)
        step = Step(NEW, e.code, e.name, target, e.fill, digest, old)
        old_file = outdir / old.file.name if old is not None else None
        if old is None or old_file is None or not old_file.is_file():
            if target.exists() and not force:
                step = _adopt(template, step, args)
        elif force:
            step = replace(step, kind=CHANGED)
        else:
            same = digest == old.inputs_sha256 and target.name == old_file.name
            if not as_listed(old_file, old.sha256):
                step = replace(step, kind=KEPT) if same else replace(step, kind=REFUSED, reason=RETURNED)
            elif same:
                step = replace(step, kind=KEPT)
            else:
                if target.name != old_file.name and target.exists():
                    raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=target)
                step = replace(step, kind=CHANGED, changes=changes(template, old_file, inputs, old.name, e.name))
        steps.append(step)
    return Plan(steps, gone=list(earlier.values()))


RETURNED = said(CycleCode.BLANK_RETURNED)


def _adopt(template: Template, step: Step, args: _Args) -> Step:
    """A blank on disk that no manifest row lists (a run cut off after the file was written):
    adopted when it is byte for byte what this run writes, else refused as an existing file."""
    with tempfile.TemporaryDirectory(prefix=".xlgen-", dir=step.target.parent) as tmp:
        sha, digest = _one(template, step.fill, Path(tmp) / step.target.name, False, args)
    if sha != file_sha256(step.target):
        raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=step.target)
    row = Distributed(step.target, step.code, step.name, sha, args.year, digest)
    return replace(step, kind=ADOPTED, earlier=row)


def _earlier(outdir: Path, template: Template, year: int, force: bool) -> dict[str, Distributed]:
    """The rows of an earlier run of this distribution (same template, version and year), by
    code. A manifest of another template or year (or one that cannot be read) is no distribution
    to add to: refused unless ``force``."""
    path = outdir / MANIFEST
    if not path.exists():
        return {}
    try:
        rows = read_manifest(path)
    except (OSError, UnicodeDecodeError, ValueError, csv.Error):
        rows = [{}]
    kept = {}
    for row in rows:
        same = (row.get("template_id"), row.get("template_version"), row.get("year")) == \
            (template.id, template.version, str(year))
        name = row.get("file") or ""
        if not same or not row.get("inputs_sha256") or not name or Path(name).name != name or not row.get("code"):
            if force:
                return {}
            raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=path)
        kept[row["code"]] = Distributed(outdir / name, row["code"], row.get("name") or "", row.get("sha256") or "",
                                        year, row["inputs_sha256"], kept=True)
    return kept
