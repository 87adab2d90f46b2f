"""The cycle's steps as calls: distribute a roster, roll returns over into next year, import
last year's forms. The command line and the page both call these, each with its options object,
and show the typed result; every loop over files is here, none in the callers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from xlgen.cycle.distribute import Distribution as Reconciled, Stop, distribute
from xlgen.cycle.importer import ImportResult, import_forms
from xlgen.cycle.nextyear import NextYear, roll_collection
from xlgen.cycle.rollover import RolledOver, rollover
from xlgen.errors import ErrorCode, XlgenError, said
from xlgen.errors.system import SystemCode
from xlgen.findings import Finding
from xlgen.generate.seal import load_key
from xlgen.oserrors import output_folder
from xlgen.template.model import Template, load_template
from xlgen.verify.batch import collect, find_workbooks
from xlgen.verify.manifest import MANIFEST

Progress = Callable[[int, int], None]  # (done, of)


def _key(path: Path | None) -> bytes | None:
    return load_key(path) if path is not None else None


# ----------------------------------------------------------------------------- distribute
@dataclass(frozen=True)
class DistributeOptions:
    template: str | Path
    roster: Path
    year: int
    output: Path  # the distribution's folder
    jobs: int = 1
    force: bool = False
    password: str | None = None
    key_file: Path | None = None
    dry_run: bool = False  # plan only: what would be new, changed, kept or refused
    leave_open: bool = False  # the bureau's columns the roster lacks: cells left for the departments


@dataclass(frozen=True)
class Distribution:
    template: Template
    done: Reconciled  # the manifest's rows, with the plan (new, changed, kept, refused)
    manifest: Path

    @property
    def kept(self) -> int:
        """Blanks of an earlier run of this distribution, left as they were."""
        return sum(1 for d in self.done if d.kept)

    @property
    def written(self) -> int:
        return len(self.done) - self.kept


def distribute_roster(options: DistributeOptions, progress: Progress | None = None) -> Distribution:
    tmpl = load_template(options.template)
    done = distribute(tmpl, options.roster, options.year, options.output, force=options.force, jobs=options.jobs,
                      password=options.password, key=_key(options.key_file), progress=progress,
                      dry_run=options.dry_run, leave_open=options.leave_open)
    return Distribution(tmpl, done, options.output / MANIFEST)


# ----------------------------------------------------------------------------- rollover
@dataclass(frozen=True)
class RolloverOptions:
    returned: Path  # a returned workbook, or a folder of them
    year: int  # the new year
    output: Path  # a workbook, or a folder (always one for a folder or a collection)
    distributed: Path | None = None  # this year's distribution: roll the collection over
    roster: Path | None = None  # with distributed: next year's roster
    prefer: str | None = None
    jobs: int = 1
    force: bool = False
    password: str | None = None
    key_file: Path | None = None


@dataclass(frozen=True)
class RolledFile:
    """One returned file of a plain rollover: rolled over, or why not."""

    source: Path
    rolled: RolledOver | None = None
    error: XlgenError | None = None  # refused (an output that exists, an input in the way)
    finding: Finding | None = None  # not read, or not carried (its seal)
    twice: Path | None = None  # the output another file of this run already wrote


@dataclass(frozen=True)
class Rollover:
    year: int
    output: Path
    files: list[RolledFile] = field(default_factory=list)
    collection: NextYear | None = None  # with --distributed

    @property
    def refused(self) -> int:
        return sum(1 for f in self.files if f.rolled is None)


def rollover_returns(options: RolloverOptions) -> Rollover:
    """Next year's blanks: from each returned file (a plain rollover, each file on its own; one
    that cannot be rolled over never stops the others), or from this year's collection."""
    returned, output = options.returned, options.output
    if returned.is_dir():
        files, _ = collect([returned])
        if not files and options.distributed is None:  # nothing to roll over: no empty folder made
            raise XlgenError(ErrorCode.NO_WORKBOOK, paths=str(returned))
        output_folder(output, said(SystemCode.IS_A_FILE_FOR_A_FOLDER))
    else:
        files = [returned]
    key = _key(options.key_file)
    done = Rollover(options.year, output)
    if options.distributed is not None:
        return Rollover(options.year, output, collection=roll_collection(
            files, options.distributed, options.year, output, options.roster, options.prefer, options.force,
            options.password, options.jobs, key))
    written: list[Path] = []
    with Stop() as stop:  # Ctrl-C, SIGTERM: stop after the file being written (each is written whole)
        for path in files:
            if stop.why is not None:
                break
            _roll_one(options, path, files, written, key, done)
    if stop.why is not None:
        raise XlgenError(ErrorCode.INTERRUPTED_FILES, why=stop.why, written=len(written), total=len(files),
                         folder=output if returned.is_dir() else output.parent)
    return done


def _roll_one(options: RolloverOptions, path: Path, files: list[Path], written: list[Path], key: bytes | None,
              done: Rollover) -> None:
    """One file of a plain rollover: its result in ``done``, its output in ``written``."""
    try:  # never over an input, nor over what this run wrote already (two files of one department)
        result = rollover(path, options.year, options.output, force=options.force, password=options.password,
                          keep=[*files, *written], key=key)
    except XlgenError as exc:
        other = exc.fields.get("file")
        twice = exc.code is ErrorCode.OUTPUT_IS_INPUT and other in written
        done.files.append(RolledFile(path, error=exc, twice=Path(str(other)) if twice else None))
        return
    if isinstance(result, Finding):
        done.files.append(RolledFile(path, finding=result))
        return
    written.append(result.generated.path)
    done.files.append(RolledFile(path, rolled=result))


# ----------------------------------------------------------------------------- import
@dataclass(frozen=True)
class ImportOptions:
    paths: tuple[Path, ...]  # last year's forms, or folders of them
    output: Path
    template: str | Path | None = None  # read every form as this one (default: by its labels)
    force: bool = False


def import_from(options: ImportOptions) -> ImportResult:
    files = find_workbooks(options.paths)
    tmpl = load_template(options.template) if options.template else None
    return import_forms(files, options.output, tmpl, force=options.force)
