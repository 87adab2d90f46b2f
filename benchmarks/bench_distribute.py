"""Distribute N departments and compare with bare XlsxWriter writing the same cells.

    python benchmarks/bench_distribute.py --departments 1000
    python benchmarks/bench_distribute.py --departments 200 --repeat 3   # median of 3 rounds

Prints ms per workbook for xlgen (one process and --jobs 2) and for the baseline — XlsxWriter
writing the same values and formula texts with no styles, validation, protection or cached
values — measured in the same run, and the ratios. The baseline times XlsxWriter alone (the
cells to write are worked out before its clock starts); it prepares every formula text itself
(its _xlfn. search), which xlgen does once per text. xlgen's figures include everything
``distribute`` does: roster, layouts, computing the cached values, writing the files, hashing
them for the manifest; with --jobs 2, starting the workers too. With --repeat, the rounds
alternate the three and each figure is the median. It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import xlsxwriter

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout's xlgen, not another install
import xlgen
from xlgen.cycle.distribute import distribute
from xlgen.template.fill import Fill
from xlgen.layout.model import FORMULA
from xlgen.cycle.roster import load_roster
from xlgen.template.model import load_template
from xlgen.layout.values import bind_inputs
from xlgen.layout.values import layout_for


def make_roster(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["department_code", "department_name", "area_code", "budget_income", "budget_expenditure"])
        for i in range(n):
            w.writerow([f"{700000 + i}", f"测试单位{i:04d}", "211300000", 100 + i % 50, 100 + i % 50])
    return path


def baseline(template_name: str, roster: Path, outdir: Path) -> float:
    """Bare XlsxWriter: the same cells (inputs and formula texts), nothing else."""
    template = load_template(template_name)
    books = []
    for e in load_roster(roster, template):
        fill: Fill = e.fill
        lay = layout_for(template, fill)
        books.append((e.code, lay, bind_inputs(lay, fill)))
    outdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    for code, lay, inputs in books:
        wb = xlsxwriter.Workbook(str(outdir / f"{code}.xlsx"), {"in_memory": True})
        ws = wb.add_worksheet(template.sheet)
        for lab in lay.labels:
            if lab.text:
                ws.write_string(lab.row, lab.col, lab.text)
        for slot in lay.slots.values():
            if slot.role == FORMULA:
                ws.write_formula(slot.row, slot.col, "=" + slot.formula)
            else:
                value = inputs.get(slot.key)
                if isinstance(value, str):
                    ws.write_string(slot.row, slot.col, value)
                elif value is not None:
                    ws.write_number(slot.row, slot.col, value)
        wb.close()
    return time.perf_counter() - start


def run_xlgen(template_name: str, roster: Path, outdir: Path, jobs: int) -> float:
    template = load_template(template_name)
    start = time.perf_counter()
    distribute(template, roster, 2025, outdir, force=True, jobs=jobs)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--departments", type=int, default=1000)
    parser.add_argument("--template", default="liaoning-department-overall")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of all three; each figure is the median")
    args = parser.parse_args(argv)
    n = args.departments
    times: dict[str, list[float]] = {"base": [], "one": [], "two": []}
    work = Path(tempfile.mkdtemp(prefix="xlgen-bench-"))
    try:
        roster = make_roster(work / "roster.csv", n)
        # warm: compile the template's formulas once, as a long-running distribution does
        warm = make_roster(work / "warm.csv", 1)
        run_xlgen(args.template, warm, work / "warm", 1)
        for _ in range(max(1, args.repeat)):
            times["base"].append(baseline(args.template, roster, work / "base"))
            times["one"].append(run_xlgen(args.template, roster, work / "one", 1))
            times["two"].append(run_xlgen(args.template, roster, work / "two", 2))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    base, one, two = (statistics.median(times[k]) for k in ("base", "one", "two"))

    def spread(key: str) -> str:
        runs = times[key]
        return f"  [{min(runs) * 1000 / n:.1f}–{max(runs) * 1000 / n:.1f}]" if len(runs) > 1 else ""

    rounds = f", median of {len(times['one'])} rounds [min–max]" if len(times["one"]) > 1 else ""
    print(f"distribute {n} departments, template {args.template}{rounds} (xlgen from {Path(xlgen.__file__).parent})")
    print(f"  bare XlsxWriter (same cells)   {base * 1000 / n:8.1f} ms/workbook  {base:7.2f} s{spread('base')}")
    print(f"  xlgen, 1 process               {one * 1000 / n:8.1f} ms/workbook  {one:7.2f} s"
          f"  ({one / base:.2f} × baseline){spread('one')}")
    print(f"  xlgen, --jobs 2                {two * 1000 / n:8.1f} ms/workbook  {two:7.2f} s"
          f"  ({two / base:.2f} × baseline, {one / two:.2f} × faster than 1 process){spread('two')}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
