"""Verify the same returned workbooks three ways and compare.

    python benchmarks/bench_verify.py --files 1000
    python benchmarks/bench_verify.py --files 5            # CI size
    python benchmarks/bench_verify.py --files 50 --libreoffice   # saved by LibreOffice first

Makes N filled workbooks of the Liaoning form (the seed's department with varied amounts), then
in one run times, per file:

- xlgen: ``verify_file`` (read, recompute the template's formulas, compare, check the rules),
  in one process after a warm-up, and over all files with ``--jobs`` processes (each worker
  starting cold but for the disk cache of parsed formulas);
- formulas: ``formulas.ExcelModel().loads(f).finish().calculate()``, the naive route
  (``--naive-max`` caps how many files it gets, it takes most of a second each);
- openpyxl: ``load_workbook(f)`` alone, reading the file and nothing more.

It prints ms per file and the ratios; it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import shutil
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout's xlgen, not another install

import xlgen
from xlgen.template.fill import Fill, load_fill
from xlgen.template.model import load_template
from xlgen.verify.batch import verify_file, verify_paths
from xlgen.generate.workbook import generate

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = "liaoning-department-overall"
SAMPLE = ROOT / "samples" / "chaoyang-2024.toml"


def make_files(folder: Path, n: int, seed: int = 0) -> list[Path]:
    """N returned workbooks: the seed's fill, each with its own code and executed amounts."""
    template = load_template(TEMPLATE)
    base = load_fill(SAMPLE, template)
    rng = random.Random(seed)
    files = []
    for i in range(n):
        tasks = [{**t, "executed": round(float(t["allocated"]) * rng.uniform(0.85, 1.0), 2)}  # type: ignore[arg-type]
                 for t in base.tasks]
        fill: Fill = replace(base, header={**base.header, "department_code": f"{700000 + i}"}, tasks=tasks)
        files.append(generate(template, fill, folder / f"2024_{700000 + i}.xlsx").path)
    return files


def per_file(label: str, files: list[Path], run: object) -> float:
    start = time.perf_counter()
    for f in files:
        run(f)  # type: ignore[operator]
    ms = (time.perf_counter() - start) * 1000 / len(files)
    print(f"  {label:<44} {ms:9.1f} ms/file  ({len(files)} files)")
    return ms


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
    parser.add_argument("--libreoffice", action="store_true", help="save the files through LibreOffice first")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="xlgen-bench-verify-"))
    try:
        t0 = time.perf_counter()
        files = make_files(tmp / "made", args.files)
        if args.libreoffice:
            from xlgen.render.libreoffice import convert

            files = convert(files, "xlsx", tmp / "returned")
        print(f"{len(files)} returned workbooks made in {time.perf_counter() - t0:.1f} s "
              f"({'saved by LibreOffice' if args.libreoffice else 'as xlgen writes them'}; "
              f"xlgen from {Path(xlgen.__file__).parent})")

        t0 = time.perf_counter()
        first = verify_file(files[0])
        print(f"  xlgen start-up (templates, compiled program, first file) {1000 * (time.perf_counter() - t0):.0f} ms"
              f"; first file: {first.status}, total {first.total_score}")
        statuses: dict[str, int] = {}

        def xlgen_one(path: Path) -> None:
            r = verify_file(path)
            statuses[r.status] = statuses.get(r.status, 0) + 1

        ours = per_file("xlgen verify, 1 process", files, xlgen_one)
        start = time.perf_counter()
        results = verify_paths(files, jobs=args.jobs)
        wall = time.perf_counter() - start
        print(f"  {'xlgen verify, --jobs ' + str(args.jobs) + ' (cold workers)':<44} "
              f"{wall * 1000 / len(files):9.1f} ms/file  ({len(files)} files in {wall:.2f} s wall)")
        bare = per_file("openpyxl load_workbook alone", files, openpyxl.load_workbook)
        naive_files = files[: args.naive_max] if args.naive_max else files
        slow = per_file("formulas ExcelModel loads/finish/calculate", naive_files, naive)
        print(f"  statuses: {statuses}; parallel run: "
              f"{sum(1 for r in results if r.status == 'pass')}/{len(results)} pass")
        print(f"ratios: formulas / xlgen = {slow / ours:.1f}x; openpyxl load / xlgen = {bare / ours:.2f}x; "
              f"xlgen 1 process / --jobs {args.jobs} = {ours / (wall * 1000 / len(files)):.2f}x")
        print(f"1,000 files: ≈ {ours:.1f} s in one process, ≈ {wall / len(files) * 1000:.1f} s with --jobs {args.jobs}"
              " (scaled from this run; worker start-up weighs less as files grow)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
