"""Running ``xlgen verify`` on a hostile file as a user's machine would, and the cases whose
point is their size (bombs, millions of cells, a huge text).

``run_limited`` runs the CLI in a child whose address space is limited to MEMORY (RLIMIT_AS);
the child times the command itself (imports excluded) and reports its own peak RSS. The test
(tests/test_hostile_files.py) asserts what each case is found to be and that it stays within
the memory; how fast it is found is a figure that ``benchmarks/bench_hostile.py`` prints
against a good file measured in the same run, never a timed test.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from tests.helpers.hostile import (
    SHEET,
    STRINGS,
    Raw,
    before_sheet_data_end,
    edit,
    entries,
    many_rows,
    repeated_deflate,
    replace_entry,
    widen_rows,
    with_parts,
    without_dimension,
)
from tests.helpers.userfill import set_cells

MEMORY = 500 << 20
SIZE_CASES = ["zip-bomb", "zip-bomb-lying", "string-bomb", "string-bomb-lying", "millions-of-cells", "wide-rows",
              "xfd1048576", "long-text", "huge-text"]


@dataclass
class Case:
    file: Path
    status: str
    findings: list[tuple[str, str | None]]  # (code, cell), in the verifier's order
    reason: list[str] = field(default_factory=list)  # words of its findings' English messages
    template: str | None = None


# The child: xlgen's CLI, timed from after its imports; the time goes to $XLGEN_MEASURE.
CHILD = """
import json, os, sys, time
from xlgen.cli import app
import xlgen.verify.report, xlgen.verify.verifier
start = time.perf_counter()
try:
    app(sys.argv[1:], prog_name="xlgen")
    code = 0
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
seconds = time.perf_counter() - start
with open("/proc/self/status") as status:  # VmHWM: this process's own peak RSS, in kB
    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
with open(os.environ["XLGEN_MEASURE"], "w") as out:
    json.dump({"seconds": seconds, "peak": peak * 1024}, out)
sys.exit(code)
"""


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float  # the command, measured in the child
    wall: float
    peak: float  # bytes of the child's own peak RSS (VmHWM)
    rusage: int  # bytes of ru_maxrss from wait4 (counts the RSS the fork inherited from pytest)


def run_limited(args: list[str], tmp: Path, timeout: float = 60) -> Run:
    """``python -c CHILD args`` with its address space limited to MEMORY (RLIMIT_AS)."""
    measure = tmp / f"measure-{os.getpid()}-{time.monotonic_ns()}.json"
    out, err = tmp / f"{measure.stem}.out", tmp / f"{measure.stem}.err"
    env = {**os.environ, "XLGEN_MEASURE": str(measure), "OPENBLAS_NUM_THREADS": "1", "COLUMNS": "200"}

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    start = time.perf_counter()
    with out.open("wb") as fo, err.open("wb") as fe:
        proc = subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=fo, stderr=fe, env=env,
                                preexec_fn=limit, cwd=tmp)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    got = json.loads(measure.read_text()) if measure.exists() else {"seconds": float("inf"), "peak": float("inf")}
    return Run(proc.returncode, out.read_text("utf-8", "replace"), err.read_text("utf-8", "replace"), got["seconds"],
               wall, got["peak"], usage.ru_maxrss * 1024)


def part_content(path: Path, part: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(part)


def split_sheet(path: Path) -> tuple[bytes, bytes]:
    xml = part_content(path, SHEET)
    at = xml.index(b"<sheetData>") + len(b"<sheetData>")
    return xml[:at], xml[at:]


def _unreadable(cases: dict[str, Case], name: str, file: Path, *words: str) -> None:
    cases[name] = Case(file, "error", [("unreadable", None)], list(words))


def size_cases(good: Path, d: Path, sheet: str, goal: str) -> dict[str, Case]:
    """The cases whose point is their size, built from the good workbook ``good`` into ``d``;
    ``goal`` is a long-text cell of the form."""
    cases: dict[str, Case] = {}
    # bombs: 2 GiB of spaces inside <sheetData> at about 1000:1, honest or lying about its size
    head, tail = split_sheet(good)
    payload, size, crc = repeated_deflate(head, b" " * (1 << 20), 2048, tail)
    bomb = Raw(SHEET, payload, size, crc)
    _unreadable(cases, "zip-bomb", with_parts(good, d / "bomb.xlsx", replace_entry(SHEET, bomb)),
                "zip bomb", SHEET, "2.0 GiB")
    real = next(e for e in entries(good) if e.name == SHEET)
    lying = Raw(SHEET, payload, real.size, real.crc)
    _unreadable(cases, "zip-bomb-lying", with_parts(good, d / "bomb-lying.xlsx", replace_entry(SHEET, lying)),
                SHEET, "beyond its declared")
    # a one-gigabyte string in a cell (shared strings), honest or lying
    strings = part_content(good, STRINGS)
    cut = strings.rindex(b"</sst>")
    payload, size, crc = repeated_deflate(strings[:cut] + b"<si><t>", b"A" * (1 << 20), 1024, b"</t></si></sst>")
    honest = Raw(STRINGS, payload, size, crc)
    _unreadable(cases, "string-bomb", with_parts(good, d / "string-bomb.xlsx", replace_entry(STRINGS, honest)),
                "zip bomb", STRINGS)
    _unreadable(cases, "string-bomb-lying", with_parts(good, d / "string-bomb-lying.xlsx", replace_entry(
        STRINGS, Raw(STRINGS, payload, len(strings), zlib.crc32(strings)))), STRINGS, "beyond its declared")
    # two million cells below the form, no <dimension>
    below = many_rows(1001, 100_000, 20)
    cases["millions-of-cells"] = Case(edit(good, d / "millions.xlsx", SHEET,
                                           lambda x: before_sheet_data_end(below)(without_dimension(x))), "pass", [])
    # rows of the form widened to column XFD: over MAX_CELLS cells in the rows read
    cases["wide-rows"] = Case(edit(good, d / "wide.xlsx", SHEET, widen_rows(range(1, 16), 100, 16383)),
                              "error", [("unreadable", None)], [sheet, "cells"])
    cases["xfd1048576"] = Case(edit(good, d / "xfd.xlsx", SHEET, before_sheet_data_end(
        b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')), "pass", [])
    cases["long-text"] = Case(set_cells(good, d / "long-text.xlsx", {goal: "长" * 100_000}), "pass",
                              [("text-overflows", goal), ("text-too-long", goal)], ["100000 characters", "409 pt"])
    noise = random.Random(6)  # text that does not compress: the run guard, not the ratio check, refuses it
    huge = "".join(chr(noise.randint(0x4E00, 0x9FA5)) for _ in range(2_000_000))  # 6 MB of UTF-8
    _unreadable(cases, "huge-text", set_cells(good, d / "huge-text.xlsx", {goal: huge}), SHEET, "text of over")
    assert sorted(cases) == sorted(SIZE_CASES)
    return cases
