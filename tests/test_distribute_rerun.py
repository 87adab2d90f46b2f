"""Distribute is a reconciliation of the roster with the folder: a corrected roster rewrites the
untouched blanks it changes (saying old → new), a rename replaces the file, a returned blank is
never touched, --dry-run writes nothing; an interrupted run (a real SIGINT or SIGTERM to a
``--jobs 2`` run, a worker killed) leaves every blank on disk in the manifest and a rerun finishes;
so does an interrupted rollover of a collection."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers.common import LIAONING, ROOT
from xlgen.cli import app
from xlgen.verify.batch import verify_file
from xlgen.verify.manifest import MANIFEST, read_manifest

runner = CliRunner()
HEAD = ["部门编码", "部门名称", "区划编码", "部门年初预算收入金额", "部门年初预算支出金额"]


def roster(path: Path, rows: list[list[object]]) -> Path:
    path.write_text("\n".join(",".join(map(str, r)) for r in [HEAD, *rows]) + "\n", encoding="utf-8-sig")
    return path


def departments(n: int) -> list[list[object]]:
    return [[f"{703100 + i}", f"部门{i:03d}", "211300000", 100 + i, 100 + i] for i in range(n)]


def args(r: Path, out: Path, *more: str) -> list[str]:
    return ["distribute", LIAONING, "--roster", str(r), "--year", "2025", "-o", str(out), "--lang", "zh", *more]


def consistent(out: Path) -> list[dict[str, str]]:
    """Every blank on disk is a manifest row whose sha256 is the file's, and the other way round;
    one row per code, no temporary file left."""
    rows = read_manifest(out / MANIFEST)
    on_disk = sorted(p.name for p in out.iterdir() if p.name != MANIFEST)
    assert on_disk == sorted(r["file"] for r in rows)  # nothing hidden either (.tmp files)
    for r in rows:
        assert hashlib.sha256((out / r["file"]).read_bytes()).hexdigest() == r["sha256"]
    assert len({r["code"] for r in rows}) == len(rows)
    return rows


def test_a_corrected_budget_rewrites_that_blank_and_says_old_to_new(tmp_path: Path) -> None:
    out = tmp_path / "out"
    rows = departments(3)
    r = roster(tmp_path / "r.csv", rows)
    assert runner.invoke(app, args(r, out, "--lang", "en")).exit_code == 0
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("*.xlsx")}
    rows[1][4] = 12000
    roster(r, rows)
    dry = runner.invoke(app, args(r, out, "--dry-run"))
    assert dry.exit_code == 0, dry.output
    assert "更新 703101 部门001（名单已改）：部门年初预算支出金额 101 → 12,000" in dry.output
    assert "计划：新增 0 份，更新 1 份，保留 2 份，拒绝 0 份" in dry.output
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.xlsx")} == before  # dry: nothing written
    again = runner.invoke(app, args(r, out))
    assert again.exit_code == 0, again.output
    assert "部门年初预算支出金额 101 → 12,000" in again.output
    assert "保留本次分发上次写出的 2 份工作簿" in again.output and "已写出 1 份工作簿" in again.output
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("*.xlsx")}
    assert [n for n in after if after[n] != before[n]] == ["2025_703101_部门001.xlsx"]
    from tests.helpers.common import read_values
    from xlgen.layout.values import layout_for
    from xlgen.template.model import load_template
    slot = layout_for(load_template(LIAONING), None).slot("header.budget_expenditure")
    assert read_values(out / "2025_703101_部门001.xlsx")[slot.a1] == 12000
    assert len(consistent(out)) == 3


def test_a_rename_replaces_the_file_and_keeps_one_row_per_code(tmp_path: Path) -> None:
    out = tmp_path / "out"
    rows = departments(10)
    r = roster(tmp_path / "r.csv", rows)
    assert runner.invoke(app, args(r, out)).exit_code == 0
    rows[4][1] = "新部门名"
    roster(r, rows)
    again = runner.invoke(app, args(r, out))
    assert again.exit_code == 0, again.output
    assert "更新 703104 新部门名（名单已改）：部门（单位）全称 部门004 → 新部门名；" in again.output
    assert "2025_703104_部门004.xlsx 改为 2025_703104_新部门名.xlsx" in again.output
    listed = consistent(out)
    assert len(listed) == 10 and len(list(out.glob("*.xlsx"))) == 10
    assert [x["name"] for x in listed if x["code"] == "703104"] == ["新部门名"]


def test_a_returned_blank_is_never_touched_and_named(tmp_path: Path) -> None:
    out = tmp_path / "out"
    rows = departments(3)
    r = roster(tmp_path / "r.csv", rows)
    assert runner.invoke(app, args(r, out)).exit_code == 0
    returned = out / "2025_703102_部门002.xlsx"
    returned.write_bytes(b"filled by the department and saved back")
    rows[2][3] = 7
    rows[0][3] = 8
    roster(r, rows)
    again = runner.invoke(app, args(r, out, "--lang", "en"))
    assert again.exit_code == 1
    assert ("703102 部门002: 2025_703102_部门002.xlsx: returned or changed since it was written (its sha256 is "
            "not the manifest's)") in again.output
    assert "update 703100 部门000 (roster changed): 部门年初预算收入金额 100 → 8" in again.output
    assert returned.read_bytes() == b"filled by the department and saved back"
    rows_after = read_manifest(out / MANIFEST)
    assert [x["code"] for x in rows_after] == ["703100", "703101", "703102"]


def test_departments_dropped_from_the_roster_stay_listed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = roster(tmp_path / "r.csv", departments(3))
    assert runner.invoke(app, args(r, out)).exit_code == 0
    roster(r, departments(2))
    again = runner.invoke(app, args(r, out, "--lang", "en"))
    assert again.exit_code == 0
    assert "1 departments no longer on the roster stay listed in manifest.csv, their blanks untouched: 703102" in again.output
    assert len(consistent(out)) == 3


def _run(r: Path, out: Path, *more: str) -> subprocess.Popen[str]:
    return _cli(*args(r, out, *more))


def _cli(*argv: str) -> subprocess.Popen[str]:
    """xlgen in a process of its own, in its own session (a process group a test can signal)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XLGEN_LANG": "zh"}
    return subprocess.Popen([sys.executable, "-m", "xlgen.cli", *argv], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def _signal(proc: subprocess.Popen[str], sig: signal.Signals) -> None:
    if sig == signal.SIGINT:  # Ctrl-C: the terminal signals the whole process group, workers too
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)


def _wait_for_blanks(out: Path, proc: subprocess.Popen[str], at_least: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if out.is_dir() and len(list(out.glob("*.xlsx"))) >= at_least:
            return
        time.sleep(0.05)
    pytest.fail(f"the run ended or hung before {at_least} blanks: {proc.poll()}")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_real_signal_to_a_two_job_run_leaves_a_consistent_folder(tmp_path: Path, sig: signal.Signals) -> None:
    out = tmp_path / "out"
    r = roster(tmp_path / "r.csv", departments(40))
    proc = _run(r, out, "--jobs", "2")
    _wait_for_blanks(out, proc, 3)
    _signal(proc, sig)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    rows = consistent(out)
    assert 3 <= len(rows) < 40
    assert f"运行被中断（收到 {sig.name}" in err
    assert f"已写出 {len(rows)} 份，共 40 份" in err and "再次运行同一命令即可完成" in err
    assert "Traceback" not in err
    rerun = runner.invoke(app, args(r, out))
    assert rerun.exit_code == 0, rerun.output
    assert f"保留本次分发上次写出的 {len(rows)} 份工作簿" in rerun.output
    assert f"已写出 {40 - len(rows)} 份工作簿" in rerun.output
    assert len(consistent(out)) == 40


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_real_signal_to_a_rollover_leaves_a_folder_a_rerun_completes(tmp_path: Path, sig: signal.Signals) -> None:
    dist, out, returns = tmp_path / "dist", tmp_path / "next", tmp_path / "returns"
    assert runner.invoke(app, args(roster(tmp_path / "r.csv", departments(30)), dist, "--jobs", "2")).exit_code == 0
    returns.mkdir()  # nothing came back: each department rolls over from its blank
    argv = ["rollover", str(returns), "--distributed", str(dist), "--year", "2026", "-o", str(out), "--lang", "zh"]
    proc = _cli(*argv)
    _wait_for_blanks(out, proc, 3)
    _signal(proc, sig)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    rows = consistent(out)
    assert 3 <= len(rows) < 30 and all(r["year"] == "2026" for r in rows)
    assert f"运行被中断（收到 {sig.name}" in err and "Traceback" not in err
    assert f"已写出 {len(rows)} 份，共 30 份；{out / MANIFEST} 列出了已写出的每一份，再次运行同一命令即可完成" in err
    stamps = {r["file"]: (out / r["file"]).stat().st_mtime_ns for r in rows}
    rerun = runner.invoke(app, argv, terminal_width=200)
    assert rerun.exit_code == 0, rerun.output
    assert f"保留本次分发上次写出的 {len(rows)} 份工作簿" in rerun.output
    assert f"已写出 {30 - len(rows)} 份工作簿" in rerun.output
    assert [r["code"] for r in consistent(out)] == [f"{703100 + i}" for i in range(30)]
    assert {f: (out / f).stat().st_mtime_ns for f in stamps} == stamps  # what the first run wrote is kept as it was


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_real_signal_to_a_plain_rollover_says_what_it_wrote(tmp_path: Path, sig: signal.Signals) -> None:
    """A folder rolled over file by file (no --distributed): stopped after the file being
    written, exit 130, each file written whole; a rerun with --force finishes."""
    dist, out = tmp_path / "dist", tmp_path / "next"
    assert runner.invoke(app, args(roster(tmp_path / "r.csv", departments(30)), dist, "--jobs", "2")).exit_code == 0
    argv = ["rollover", str(dist), "--year", "2026", "-o", str(out), "--lang", "zh"]
    proc = _cli(*argv)
    _wait_for_blanks(out, proc, 3)
    _signal(proc, sig)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    made = sorted(out.glob("*.xlsx"))
    assert 3 <= len(made) < 30 and not list(out.glob(".*"))  # no half-written file left
    assert {verify_file(p).year for p in made} == {2026}  # each a whole workbook xlgen reads
    assert f"运行被中断（收到 {sig.name}" in err and "Traceback" not in err
    assert f"已写出 {len(made)} 份，共 30 份，写出的每一份都是完整的（{out}）；加 --force 再次运行同一命令即可完成" in " ".join(
        err.split())
    rerun = runner.invoke(app, [*argv, "--force"], terminal_width=200)
    assert rerun.exit_code == 0, rerun.output
    assert len(list(out.glob("*.xlsx"))) == 30


def test_a_killed_worker_interrupts_and_a_blank_it_left_unlisted_is_adopted(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = roster(tmp_path / "r.csv", departments(30))
    proc = _run(r, out, "--jobs", "2")
    _wait_for_blanks(out, proc, 3)
    workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
    assert workers, "no worker process"
    os.kill(int(workers[0]), signal.SIGKILL)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "一个工作进程意外退出" in err and "Traceback" not in err
    rows = read_manifest(out / MANIFEST)
    listed = {x["file"] for x in rows}
    for p in out.glob("*.xlsx"):  # every listed blank is as written; an unlisted one, if any, is adopted below
        if p.name in listed:
            assert hashlib.sha256(p.read_bytes()).hexdigest() == next(x["sha256"] for x in rows if x["file"] == p.name)
    # a blank written but never reported (the worker died after the rename) is what a crash can leave
    leftover = out / "2025_703129_部门029.xlsx"
    if not leftover.exists():
        solo = tmp_path / "solo"
        assert runner.invoke(app, args(roster(tmp_path / "one.csv", departments(30)[29:]), solo)).exit_code == 0
        leftover.write_bytes((solo / leftover.name).read_bytes())
    rerun = runner.invoke(app, args(r, out))
    assert rerun.exit_code == 0, rerun.output
    assert "补记 2025_703129_部门029.xlsx" in rerun.output
    assert len(consistent(out)) == 30


def test_an_unlisted_file_that_is_not_ours_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "2025_703101_部门001.xlsx").write_bytes(b"someone's own file")
    result = runner.invoke(app, args(roster(tmp_path / "r.csv", departments(3)), out, "--lang", "en"))
    assert result.exit_code == 2
    assert "2025_703101_部门001.xlsx: already exists; pass --force to overwrite it" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["2025_703101_部门001.xlsx"]


def _worker_state() -> tuple[int, bool]:
    return os.getpid(), signal.getsignal(signal.SIGTERM) == signal.SIG_DFL


def test_a_worker_started_while_the_run_catches_signals_dies_of_sigterm() -> None:
    """When one worker dies, the pool ends the others with SIGTERM and waits for them. A worker
    forked while the main process's handler for SIGTERM was set kept that handler: it noted the
    signal and went on waiting on the queue, which the dead worker may have held, and the run
    hung (seen once, under load, in the killed-worker test above)."""
    from concurrent.futures import ProcessPoolExecutor

    from xlgen.cycle.distribute import Stop, _ignore_signals

    with Stop(), ProcessPoolExecutor(max_workers=1, initializer=_ignore_signals) as pool:
        assert signal.getsignal(signal.SIGTERM) != signal.SIG_DFL  # the run's own handler, in this process
        pid, default = pool.submit(_worker_state).result(timeout=60)
        assert default
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while _alive(pid):
            if time.monotonic() > deadline:
                pytest.fail("the worker outlived SIGTERM")
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    """Whether the process runs (a zombie, dead but not yet waited for by its parent, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")
