"""Verify the same returned workbooks three ways and compare.

    python benchmarks/bench_verify.py --files 1000
    python benchmarks/bench_verify.py --files 5            # CI size
    python benchmarks/bench_verify.py --files 50 --libreoffice   # saved by LibreOffice first
    python benchmarks/bench_verify.py --files 1000 --distributed --naive-max 5 --openpyxl-max 50
    python benchmarks/bench_verify.py --files 10000 --distinct 500 --one-process-max 300 --naive-max 3 --openpyxl-max 100
    python benchmarks/bench_verify.py --files 300 --against ../main     # another checkout, same files
    python benchmarks/bench_verify.py --files 300 --departments         # each return another department's

With ``--distributed`` the files are also distributed first (one blank per department and
manifest.csv, as ``xlgen distribute`` writes them) and the run measures what reconciling the
returns with that distribution adds to verifying them (``verify --distributed``): checking every
blank's sha256 and reading the manifest, and matching each result to its department (the
fingerprint of each file's inputs that tells an untouched blank is made by the plain verify as
well), against the plain one-process run of the same files measured in the same process; and
what judging each return against the blank its department was sent adds (the yardstick: each
blank's record, seal and properties read once, then per file the record, seal, marks and every
fixed value compared with the blank's, less the comparison with the file's own sealed record that
the plain verify makes instead).

Makes N filled workbooks of the Liaoning form (the seed's department with varied amounts; with
``--departments`` each another department's: name, budget, amounts, three indicators), then
in one run times, per file:

- xlgen: ``verify_file`` (read, recompute the template's formulas, compare, check the rules),
  in one process after a warm-up, and over all files with ``--jobs`` processes (each worker
  starting cold but for the disk cache of parsed formulas);
- xlgen again with no row taken from the memo of rows read before (``intake/rowmemo.py``): the
  files made here share most of their rows (one department, its amounts varied), returns of
  different departments fewer; every row parsed is the worst case, printed beside with the
  share of rows the memo gave;
- formulas: ``formulas.ExcelModel().loads(f).finish().calculate()``, the naive route
  (``--naive-max`` caps how many files it gets, it takes most of a second each);
- openpyxl: ``load_workbook(f)`` alone, reading the file and nothing more.

- the seal: making each file's record and its HMAC, and checking them (the record read from the
  properties, the seal recomputed, every fixed value compared with the file's cell), as a ratio
  of the plain verify above.

Each figure is given as wall time and as the CPU time of the process that did the work (the
--jobs run: wall only). On a shared machine wall time grows with the other processes' load,
CPU time much less; the ratios compare figures of the same run, wall with wall and CPU with CPU.
The machine's cores and load average are printed before and after. ``--distinct N`` makes N
workbooks and copies them up to ``--files`` (a 10,000-file run without generating 10,000);
``--one-process-max`` caps the files of the one-process run.

It prints ms per file, the ratios and where they stand against issue #24's goals (8 ms a file
in one process, 15× openpyxl's load, 150× `formulas`, 10,000 files in 90 s with --jobs 2); it
asserts nothing about time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import random
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, replace
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout's xlgen, not another install

import xlgen
from xlgen.findings import Finding
from xlgen.intake import rowmemo
from xlgen.template.fill import Fill, load_fill
from xlgen.template.model import load_template
from xlgen.verify.batch import verify_file, verify_paths
from xlgen.generate.workbook import generate

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "liaoning-department-overall"
SAMPLE = ROOT / "samples" / "chaoyang-2024.toml"


def make_files(folder: Path, n: int, seed: int = 0, distinct: int | None = None,
               departments: bool = False) -> list[Path]:
    """N returned workbooks: the seed's fill, each with its own code and executed amounts (the
    first ``distinct`` of them made, the others copies of those under their own names). With
    ``departments`` each is another department's: its name, budget, its tasks' amounts and the
    values of three indicators differ too."""
    template = load_template(TEMPLATE)
    base = load_fill(SAMPLE, template)
    rng = random.Random(seed)
    files: list[Path] = []
    made = n if distinct is None else min(n, distinct)
    for i in range(n):
        path = folder / f"2024_{700000 + i}.xlsx"
        if i >= made:
            files.append(Path(shutil.copyfile(files[i % made], path)))
            continue
        fill = department(base, i, rng) if departments else base
        tasks = [{**t, "executed": round(float(t["allocated"]) * rng.uniform(0.85, 1.0), 2)}  # type: ignore[arg-type]
                 for t in fill.tasks]
        fill = replace(fill, header={**fill.header, "department_code": f"{700000 + i}"}, tasks=tasks)
        files.append(generate(template, fill, path).path)
    return files


def department(base: Fill, i: int, rng: random.Random) -> Fill:
    """The seed's fill as another department's: name, budget, tasks' amounts (the seed's shares
    of the budget) and three indicators' values of its own."""
    budget = round(rng.uniform(50, 500), 2)
    total = sum(float(t["allocated"]) for t in base.tasks)  # type: ignore[arg-type]
    tasks = [{**t, "allocated": round(budget * float(t["allocated"]) / total, 2)} for t in base.tasks]  # type: ignore[arg-type]
    own = {"服务企业满意度": rng.randint(95, 100), "工业企业对接推介企业户数": rng.randint(30, 45), "预算调整率": rng.randint(0, 5)}
    indicators = {k: {**v, "actual": float(own[k])} if k in own else v for k, v in base.indicators.items()}
    header = {**base.header, "department_name": f"朝阳市第{i}服务中心", "budget_income": budget, "budget_expenditure": budget}
    return replace(base, header=header, tasks=tasks, indicators=indicators)


@dataclass
class Timed:
    wall: float  # ms a file
    cpu: float  # ms a file, of this process


def per_file(label: str, files: list[Path], run: object) -> Timed:
    start, cpu = time.perf_counter(), time.process_time()
    for f in files:
        run(f)  # type: ignore[operator]
    took = Timed((time.perf_counter() - start) * 1000 / len(files), (time.process_time() - cpu) * 1000 / len(files))
    print(f"  {label:<44} {took.wall:9.1f} ms/file  (CPU {took.cpu:.1f}; {len(files)} files)")
    return took


@contextlib.contextmanager
def no_row_repeated() -> Iterator[None]:
    """Every row of every file parsed, as if no two returns shared a row (the memo never used)."""
    from xlgen.intake import sheet

    cut = sheet.rows_of
    sheet.rows_of = lambda *args: None  # type: ignore[assignment]
    try:
        yield
    finally:
        sheet.rows_of = cut


def machine() -> str:
    """Cores and load average: what the figures were measured beside."""
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.2f} {five:.2f} {fifteen:.2f}"


def reconciliation(tmp: Path, files: list[Path], plain_ms: float) -> None:
    """What ``verify --distributed`` adds to the plain run of the same files (``plain_ms`` a file)."""
    from xlgen.cycle.distribute import distribute
    from xlgen.verify.reconcile import reconcile
    from xlgen.verify.manifest import load_distribution

    roster = tmp / "roster.csv"
    rows = ["department_code,部门名称,区划编码,部门年初预算收入金额,budget_expenditure"]
    rows += [f"{700000 + i},部门{i},211300000,175.41,175.4052" for i in range(len(files))]
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    t0 = time.perf_counter()
    distribute(load_template(TEMPLATE), roster, 2024, tmp / "dist")
    print(f"  distribution of {len(files)} departments made in {time.perf_counter() - t0:.1f} s")
    results = verify_paths(files)
    start = time.perf_counter()
    blanks = load_distribution(tmp / "dist")  # every blank's sha256 checked
    loaded = time.perf_counter()
    rec = reconcile(results, blanks)
    matched = time.perf_counter()
    extra = (matched - start) * 1000 / len(files)
    # each file's inputs fingerprint (which tells an untouched blank) is made by every verify,
    # distributed or not: it is in the plain run already, not added here
    print(f"  {'reconciliation (manifest + sha256, matching)':<44} {extra:9.2f} ms/file  "
          f"(manifest {1000 * (loaded - start):.0f} ms, matching {1000 * (matched - loaded):.0f} ms)")
    print(f"  departments: {rec.counts()}; unexpected {len(rec.unexpected)}")
    print(f"ratio: reconciliation / plain verify = {extra / plain_ms:.3f} ({100 * extra / plain_ms:.1f} % added)")
    judged = yardstick_cost(tmp / "dist", blanks, files, plain_ms)
    total = extra + judged
    print(f"issue #24's goal: --distributed adds {100 * total / plain_ms:.1f} % to the one-process verify "
          f"(reconciliation {100 * extra / plain_ms:.1f} %, yardstick {100 * judged / plain_ms:.1f} %; goal ≤ 10 %)")


def yardstick_cost(dist: Path, blanks: list[Any], files: list[Path], plain_ms: float) -> float:
    """What judging each return against its department's blank adds (``verify --distributed``):
    the blanks' records read once per run (a forked worker shares them), then per file the claim
    looked up and the record, seal, marks and every fixed value compared with the blank's
    instead of with the file's own sealed record, as the plain verify does. Returns ms a file."""
    from xlgen.intake.returned import read_returned
    from xlgen.verify.fixed import SealPolicy, fixed_findings
    from xlgen.verify.plan import plan_for
    from xlgen.verify.reconcile import judged_against
    from xlgen.verify.result import claim
    from xlgen.verify.year import label_year, year_from

    t0 = time.perf_counter()
    policy = judged_against(SealPolicy(), dist, blanks)
    loaded = time.perf_counter() - t0
    rets = [read_returned(f) for f in files]
    rounds = 5
    own = against = 0.0
    compared = 0
    for ret in rets:
        assert not isinstance(ret, Finding)
        plan = plan_for(ret.layout)
        label = label_year(ret, plan)
        start = time.perf_counter()
        for _ in range(rounds):  # the plain verify: the file's own record and seal
            fixed_findings(ret, plan, SealPolicy(), label)
        middle = time.perf_counter()
        for _ in range(rounds):  # what verify_returned does instead with the yardstick: claim, look-up, compare
            blank = policy.yardstick.get(claim(ret, ret.inputs(), year_from(ret, label)))  # type: ignore[union-attr]
            fixed_findings(ret, plan, policy, label, blank)
        own, against = own + middle - start, against + time.perf_counter() - middle
        compared += blank is not None
    own_ms, against_ms = (x * 1000 / (rounds * len(rets)) for x in (own, against))
    load_ms = loaded * 1000 / len(files)
    print(f"  {'yardstick: blanks read once (per department)':<44} {load_ms:9.3f} ms/file  ({1000 * loaded:.0f} ms)")
    print(f"  {'yardstick: return compared with its blank':<44} {against_ms:9.3f} ms/file  ({compared} matched; "
          f"with its own record as the plain verify does {own_ms:.3f})")
    added = load_ms + against_ms - own_ms
    print(f"ratio: yardstick (read + compare - own record) / plain verify = {added / plain_ms:.4f}")
    return added


def seal_cost(files: list[Path], plain_ms: float, key: bytes) -> None:
    """What the seal costs a file, against the plain verify of the same files (``plain_ms``):
    making the record and its seal (generate, distribute, rollover), and checking them (verify:
    the record read from the properties, the seal recomputed, every fixed value compared)."""
    from xlgen.generate import seal
    from xlgen.intake.returned import read_returned
    from xlgen.verify.fixed import SealPolicy, fixed_findings
    from xlgen.verify.plan import plan_for
    from xlgen.verify.year import label_year

    rets = [read_returned(f) for f in files]
    rounds = 5  # each file's record sealed and checked this many times: a steadier mean
    made = checked = 0.0
    for ret in rets:
        assert not isinstance(ret, Finding)
        stored = seal.stored(ret.package.properties)
        record = seal.parse(stored[0]) if stored else None
        assert record is not None, f"{ret.path.name} holds no record"
        plan = plan_for(ret.layout)
        label = label_year(ret, plan)
        t0 = time.perf_counter()
        for _ in range(rounds):
            seal.properties(seal.record_text(record.template, record.version, record.year, record.fields), key)
        t1 = time.perf_counter()
        for _ in range(rounds):
            found = fixed_findings(ret, plan, SealPolicy(), label)
        t2 = time.perf_counter()
        assert not [f for f in found if f.severity == "error"], [f.code.code for f in found]
        made, checked = made + (t1 - t0) / rounds, checked + (t2 - t1) / rounds
    made_ms, checked_ms = made * 1000 / len(rets), checked * 1000 / len(rets)
    cost = made_ms + checked_ms
    print(f"  {'seal: record + HMAC made (generate)':<44} {made_ms:9.3f} ms/file")
    print(f"  {'seal: record read, seal and values checked':<44} {checked_ms:9.3f} ms/file")
    print(f"ratio: seal (made + checked) / plain verify = {cost / plain_ms:.4f} "
          f"({cost:.3f} ms a file, {'under' if cost < 1 else 'OVER'} 1 ms)")


_AGAINST = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from xlgen.verify.batch import verify_file, verify_paths
files = [Path(line) for line in Path(sys.argv[2]).read_text(encoding="utf-8").splitlines()]
verify_file(files[0])
start, cpu = time.perf_counter(), time.process_time()
verify_paths(files)  # a batch in one process, as that checkout runs one
print((time.perf_counter() - start) * 1000 / len(files), (time.process_time() - cpu) * 1000 / len(files))
"""


def against(checkout: Path, files: list[Path], ours: Timed, tmp: Path) -> None:
    """The one-process run of another checkout of xlgen (main's, say) on the same files, in a
    process of its own, beside this one's: what this build changed, measured in the same run."""
    import subprocess

    listing = tmp / "files.txt"
    listing.write_text("\n".join(map(str, files)), encoding="utf-8")
    run = subprocess.run([sys.executable, "-c", _AGAINST, str(checkout), str(listing)],
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        print(f"  {checkout}: failed ({run.stderr.strip().splitlines()[-1:]})")
        return
    wall, cpu = map(float, run.stdout.split())
    print(f"  {'xlgen verify, 1 process, ' + checkout.name:<44} {wall:9.1f} ms/file  (CPU {cpu:.1f}; {len(files)} files)")
    print(f"ratio: {checkout.name} / this checkout = {wall / ours.wall:.2f}x wall, {cpu / ours.cpu:.2f}x CPU")


def naive(path: Path) -> None:
    import formulas

    with warnings.catch_warnings(), contextlib.redirect_stderr(io.StringIO()):  # its progress bars
        warnings.simplefilter("ignore")
        formulas.ExcelModel().loads(str(path)).finish().calculate()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=200, help="returned workbooks to verify")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the parallel xlgen run")
    parser.add_argument("--naive-max", type=int, default=None,
                        help="verify at most this many files the naive way (default: all)")
    parser.add_argument("--openpyxl-max", type=int, default=None,
                        help="load at most this many files with openpyxl alone (default: all)")
    parser.add_argument("--libreoffice", action="store_true", help="save the files through LibreOffice first")
    parser.add_argument("--distributed", action="store_true",
                        help="also distribute the departments and time reconciling the returns with it")
    parser.add_argument("--distinct", type=int, default=None,
                        help="make this many workbooks and copy them up to --files (default: make all)")
    parser.add_argument("--departments", action="store_true",
                        help="make each workbook another department's (name, budget, amounts, three indicators)")
    parser.add_argument("--one-process-max", type=int, default=None,
                        help="verify at most this many files in the one-process run (default: all)")
    parser.add_argument("--against", type=Path, default=None,
                        help="also verify the same files with the xlgen of this checkout (e.g. /work/main)")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="xlgen-bench-verify-"))
    try:
        print(f"machine: {machine()}; Python {sys.version.split()[0]}")
        t0 = time.perf_counter()
        files = make_files(tmp / "made", args.files, distinct=args.distinct, departments=args.departments)
        if args.libreoffice:
            from xlgen.libreoffice import convert

            files = convert(files, "xlsx", tmp / "returned")
        print(f"{len(files)} returned workbooks made in {time.perf_counter() - t0:.1f} s "
              f"({'saved by LibreOffice' if args.libreoffice else 'as xlgen writes them'}"
              f"{f', {args.distinct} distinct' if args.distinct and args.distinct < len(files) else ''}"
              f"{', each of another department' if args.departments else ', one department with its amounts varied'}; "
              f"xlgen from {Path(xlgen.__file__).parent})")

        t0 = time.perf_counter()
        first = verify_file(files[0])
        print(f"  xlgen start-up (templates, compiled program, first file) {1000 * (time.perf_counter() - t0):.0f} ms"
              f"; first file: {first.status}, total {first.total_score}")
        statuses: dict[str, int] = {}

        def xlgen_one(path: Path) -> None:
            r = verify_file(path)
            statuses[r.status] = statuses.get(r.status, 0) + 1

        some = files[: args.one_process_max] if args.one_process_max else files  # the one-process run's
        rowmemo.MEMO.clear()
        ours = per_file("xlgen verify, 1 process", some, xlgen_one)
        taken = rowmemo.MEMO.rows_taken / max(1, rowmemo.MEMO.rows_cut)
        with no_row_repeated():
            whole = per_file("xlgen verify, 1 process, no row repeated", some, xlgen_one)
        print(f"  rows taken from the memo (read before in another file): {100 * taken:.0f} %; with none taken "
              f"{whole.wall / ours.wall:.2f}x the time (the worst case: no two returns share a row)")
        start = time.perf_counter()
        results = verify_paths(files, jobs=args.jobs)
        wall = time.perf_counter() - start
        jobs_ms = wall * 1000 / len(files)
        print(f"  {'xlgen verify, --jobs ' + str(args.jobs) + ' (cold workers)':<44} "
              f"{jobs_ms:9.1f} ms/file  ({len(files)} files in {wall:.2f} s wall)")
        if args.against:
            against(args.against, some, ours, tmp)
        seal_cost(some, ours.wall, os.urandom(32))
        if args.distributed:
            reconciliation(tmp, some, ours.wall)
        bare = per_file("openpyxl load_workbook alone", files[: args.openpyxl_max] if args.openpyxl_max else files,
                        openpyxl.load_workbook)
        naive_files = files[: args.naive_max] if args.naive_max else files
        slow = per_file("formulas ExcelModel loads/finish/calculate", naive_files, naive)
        print(f"  statuses: {statuses}; parallel run: "
              f"{sum(1 for r in results if r.status == 'pass')}/{len(results)} pass")
        print(f"ratios (wall): formulas / xlgen = {slow.wall / ours.wall:.1f}x; openpyxl load / xlgen = "
              f"{bare.wall / ours.wall:.2f}x; xlgen 1 process / --jobs {args.jobs} = {ours.wall / jobs_ms:.2f}x")
        print(f"ratios (CPU):  formulas / xlgen = {slow.cpu / ours.cpu:.1f}x; openpyxl load / xlgen = "
              f"{bare.cpu / ours.cpu:.2f}x")
        print(f"1,000 files: ≈ {ours.wall:.1f} s in one process, ≈ {jobs_ms:.1f} s with --jobs {args.jobs}"
              " (scaled from this run; worker start-up weighs less as files grow)")
        print(f"issue #24's goals: one process {ours.wall:.1f} ms/file wall, {ours.cpu:.1f} CPU (goal ≤ 8); "
              f"openpyxl {bare.wall / ours.wall:.1f}x wall, {bare.cpu / ours.cpu:.1f}x CPU (≥ 15); "
              f"formulas {slow.wall / ours.wall:.0f}x wall, {slow.cpu / ours.cpu:.0f}x CPU (≥ 150); "
              f"{len(files):,} files with --jobs {args.jobs} in {wall:.0f} s wall "
              f"(10,000 ≈ {jobs_ms * 10:.0f} s; goal ≤ 90)")
        print(f"machine after: {machine()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
