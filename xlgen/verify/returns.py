"""``xlgen verify`` as a call: the returns found, checked before any work (the distribution read,
the report's place free), verified, reconciled with the distribution and summed up in the report
workbook. The command line and the page both call ``verify_returns`` with a ``VerifyOptions``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xlgen.oserrors import output_file
from xlgen.generate.seal import load_key
from xlgen.lang import DEFAULT
from xlgen.outputs import check_suffix, refuse_inputs
from xlgen.verify.batch import find_workbooks, verify_paths
from xlgen.verify.fixed import SealPolicy
from xlgen.verify.reconcile import Reconciled, judged_against, reconcile
from xlgen.verify.manifest import load_distribution
from xlgen.verify.report import write_report
from xlgen.verify.result import FileResult, exit_code


@dataclass(frozen=True)
class VerifyOptions:
    paths: tuple[Path, ...]  # returned workbooks, or folders of them
    distributed: Path | None = None  # the distribution: reconcile per department
    prefer: str | None = None
    report: Path | None = None  # also write the summary workbook
    force: bool = False  # over an existing report
    jobs: int = 1
    key_file: Path | None = None
    require_seal: bool = False
    lang: str = DEFAULT  # of the report


@dataclass(frozen=True)
class Verified:
    files: list[Path]
    results: list[FileResult]
    reconciled: Reconciled | None
    report: Path | None

    @property
    def exit_code(self) -> int:
        return self.reconciled.exit_code(self.results) if self.reconciled else exit_code(self.results)


def verify_returns(options: VerifyOptions, progress: Callable[[int, int], None] | None = None) -> Verified:
    """An XlgenError before any file is verified when an input is wrong; after that, one bad file
    never stops the batch (it is a result of its own)."""
    policy = SealPolicy(load_key(options.key_file) if options.key_file is not None else None, options.require_seal)
    # with the distribution, an empty folder is a day when nothing came back: every department 未报送
    files = find_workbooks(options.paths, none_is_fine=options.distributed is not None)
    blanks = None
    if options.distributed is not None:  # the distributed blanks are the yardstick, not returns
        blanks = load_distribution(options.distributed)
        yardstick = {b.file.resolve() for b in blanks}
        files = [f for f in files if f.resolve() not in yardstick]
        policy = judged_against(policy, options.distributed, blanks)  # each return against its department's blank
    report = options.report
    if report is not None:  # before any work: the report never replaces an input, nor an existing file without force
        refuse_inputs([report], files)
        check_suffix(report)
        output_file(report, options.force)
    count = [0]

    def advance(_r: FileResult) -> None:
        count[0] += 1
        if progress:
            progress(count[0], len(files))

    results = verify_paths(files, jobs=options.jobs, progress=advance, policy=policy)
    rec = reconcile(results, blanks, options.prefer) if blanks is not None else None
    if report is not None:
        write_report(results, report, lang=options.lang, force=options.force, keep=files, reconciled=rec,
                     distributed=options.distributed)
    return Verified(files, results, rec, report)
