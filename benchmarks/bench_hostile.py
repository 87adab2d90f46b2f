"""How fast ``xlgen verify`` finds a hostile file of great size, against a good file.

    python benchmarks/bench_hostile.py             # each case once, the good file three times
    python benchmarks/bench_hostile.py --runs 3

The cases are those whose point is their size (zip bombs honest and lying, a gigabyte string,
two million cells below the form, rows widened to column XFD, a cell at XFD1048576, a text of
100 000 and of 2 000 000 characters), built as the tests build them (tests/helpers/hostilerun.py)
from the seed's workbook. Each runs ``xlgen verify --json`` in a child limited to 500 MB, as the
test does; the child times the command from after its imports. It prints seconds, peak memory
and the ratio to the good file's time measured in the same run, and whether the case is within
the goal of 2 s. It asserts nothing about time (a loaded machine is slower, not wrong).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the case builders live with the tests

from tests.helpers.hostilerun import Run, run_limited, size_cases  # noqa: E402
from xlgen.generate.workbook import generate  # noqa: E402
from xlgen.template.fill import load_fill  # noqa: E402
from xlgen.template.model import load_template  # noqa: E402

GOAL = 2.0
TEMPLATE = "liaoning-department-overall"
SAMPLE = ROOT / "samples" / "chaoyang-2024.toml"


def timed(path: Path, tmp: Path, runs: int) -> tuple[float, Run]:
    """The median of ``runs`` verifications of ``path``, and the last run."""
    done = [run_limited(["verify", "--json", "--lang", "en", str(path)], tmp) for _ in range(runs)]
    return statistics.median(r.seconds for r in done), done[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs of each case (the median is shown)")
    args = parser.parse_args()
    template = load_template(TEMPLATE)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        good = generate(template, load_fill(SAMPLE, template), tmp / "good.xlsx")
        goal_cell = good.layout.slot("goals.goal_plan").a1
        cases_dir = tmp / "cases"
        cases_dir.mkdir()
        cases = size_cases(good.path, cases_dir, template.sheet, goal_cell)
        base, _ = timed(good.path, tmp, max(3, args.runs))
        print(f"hostile files of great size, verified in a child limited to 500 MB (goal {GOAL:.0f} s)")
        print(f"  {'good file (baseline)':<20} {base:7.2f} s")
        print(f"  {'case':<20} {'seconds':>7} {'× good':>7} {'peak MB':>8}  status")
        worst = 0.0
        for case_name, case in cases.items():
            seconds, run = timed(case.file, tmp, args.runs)
            worst = max(worst, seconds)
            within = "within the goal" if seconds < GOAL else "OVER THE GOAL"
            print(f"  {case_name:<20} {seconds:7.2f} {seconds / base:7.1f} {run.peak / (1 << 20):8.1f}  "
                  f"exit {run.code}, {within}")
        print(f"ratio: slowest case / good file = {worst / base:.1f}; slowest {worst:.2f} s of the {GOAL:.0f} s goal")


if __name__ == "__main__":
    main()
