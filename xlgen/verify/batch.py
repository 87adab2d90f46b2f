"""Verify many files: folders searched, worker processes, one bad file never stops the batch."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from xlgen.errors import ErrorCode, XlgenError, XlgenErrors, said
from xlgen.errors.verify import VerifyCode
from xlgen.findings import Code, Finding, finding, internal_error
from xlgen.intake.reader import default_layout
from xlgen.intake.returned import read_returned
from xlgen.template.model import known_templates
from xlgen.verify import cache
from xlgen.verify.result import ERRORED, FileResult
from xlgen.verify.fixed import SealPolicy
from xlgen.verify.verifier import verify_returned

# Searched in folders, in any letter case. The old and binary formats are listed too: a
# department that returns one gets a finding saying so, instead of silently missing from the batch.
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".xlsb")  # .xls/.et: intake/converted.py


# ----------------------------------------------------------------------------- files
def collect(paths: Iterable[Path]) -> tuple[list[Path], list[Path]]:
    """(workbooks, missing): files as given, folders searched recursively for workbooks."""
    found: list[Path] = []
    missing: list[Path] = []
    for p in paths:
        if p.is_dir():
            inside = {q for q in p.rglob("*") if q.suffix.lower() in SUFFIXES
                      and q.is_file() and not q.name.startswith("~$")}  # ~$: Excel's lock files
            found.extend(sorted(inside))
        elif p.is_file():
            found.append(p)
        else:
            missing.append(p)
    return list(dict.fromkeys(found)), missing  # each path once, in the order found


def find_workbooks(paths: Sequence[Path], none_is_fine: bool = False) -> list[Path]:
    """The workbooks given (folders searched); refused naming every path that does not exist,
    or when none is found (unless ``none_is_fine``: a collection's first day, nothing back yet)."""
    files, missing = collect(paths)
    if missing:
        raise XlgenErrors([XlgenError(ErrorCode.NO_SUCH_PATH, file=path) for path in missing])
    if not files and not none_is_fine:
        raise XlgenError(ErrorCode.NO_WORKBOOK, paths=", ".join(map(str, paths)))
    return files


def verify_paths(files: Sequence[Path], jobs: int = 1,
                 progress: Callable[[FileResult], None] | None = None,
                 policy: SealPolicy = SealPolicy()) -> list[FileResult]:
    """Verify every file (results in the order given); one bad file never stops the batch."""
    if jobs > 1 and len(files) > 1:
        return _parallel(files, jobs, progress, policy)
    results: list[FileResult] = []
    for path in files:
        result = verify_file(path, policy)
        results.append(result)
        if progress:
            progress(result)
    return results


def _parallel(files: Sequence[Path], jobs: int, progress: Callable[[FileResult], None] | None,
              policy: SealPolicy) -> list[FileResult]:
    """``jobs`` worker processes. A worker that dies (killed for memory, say) takes the files it
    held with it: those are verified again in a new pool, and when a round finishes none of
    them, one process per file, so that only the file that kills its process is reported."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    results: dict[int, FileResult] = {}
    pending = list(range(len(files)))
    alone = False
    while pending:
        groups = [[i] for i in pending] if alone else [pending]
        broken: list[int] = []
        for group in groups:
            # the policy goes to each worker once, as it starts: a forked worker shares the
            # parent's yardstick (the blanks read once a run), a spawned one reads it once
            with ProcessPoolExecutor(max_workers=1 if alone else jobs, initializer=warm, initargs=(policy,)) as pool:
                # files go to the workers in runs: one message each way per run, not per file
                size = 1 if alone else max(1, min(MAX_RUN, len(group) // (jobs * 4)))
                runs = [group[k:k + size] for k in range(0, len(group), size)]
                futures = [pool.submit(verify_run, [files[i] for i in run]) for run in runs]
                for run, future in zip(runs, futures):
                    try:
                        done = future.result()
                    except BrokenProcessPool:
                        if alone:
                            results[run[0]] = _crashed(files[run[0]])
                        else:
                            broken.extend(run)
                        continue
                    for i, result in zip(run, done):
                        results[i] = result
                        if progress:
                            progress(result)
        alone = alone or len(broken) == len(pending)
        pending = broken
    return [results[i] for i in range(len(files))]


MAX_RUN = 16  # files a worker verifies per message: fewer messages, and progress still shown often


def verify_run(paths: Sequence[Path]) -> list[FileResult]:
    """A worker's run of files, verified in order under the policy it was started with."""
    policy = _worker[0]
    return [verify_file(path, policy) for path in paths]


_worker = [SealPolicy()]  # the policy of the batch this process works for (warm)


def _crashed(path: Path) -> FileResult:
    return FileResult(str(path), ERRORED, findings=[finding(Code.UNREADABLE, reason=said(VerifyCode.WORKER_DIED))])


def warm(policy: SealPolicy = SealPolicy()) -> None:
    """Worker start: keep the batch's policy, load the templates and their compiled default
    programs once, then leave them out of the collector's scans (they live as long as the
    worker)."""
    _worker[0] = policy
    for t in known_templates():
        cache.program(default_layout(t))
    gc.collect()
    gc.freeze()


def verify_file(path: Path, policy: SealPolicy = SealPolicy()) -> FileResult:
    """Read and check one returned workbook. Never raises: a failure is a finding."""
    try:
        returned = read_returned(Path(path))
        if isinstance(returned, Finding):
            return FileResult(str(path), ERRORED, findings=[returned])
        return verify_returned(returned, policy)
    except Exception as exc:  # a bug of ours must not stop a province's batch
        return FileResult(str(path), ERRORED, findings=[internal_error(exc)])
