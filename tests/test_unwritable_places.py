"""Every OS error on an output is a located Chinese message with exit 2, never a traceback and
never the system's English (「Read-only file system」): a read-only place (a read-only file
system mounted for the test, or a folder without write permission when not root), a full disk
(a 64 KiB file system), a file where a folder should be, a name too long."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers.common import LIAONING, ROOT
from xlgen.cli import app
from xlgen.oserrors import REASONS, reason

runner = CliRunner()
ROSTER = ROOT / "samples" / "roster-2025.csv"
ENGLISH_OS = re.compile(r"Read-only file system|Permission denied|No space left|File exists|Not a directory|"
                        r"File name too long|Errno|Traceback")


def _mount(where: Path, options: str) -> bool:
    where.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write in: a read-only tmpfs when root (root ignores permissions), else
    a folder without write permission."""
    place = tmp_path / "ro"
    mounted = _mount(place, "ro,size=64k")
    if not mounted:
        if os.geteuid() == 0:
            pytest.skip("root without mount(8): no place root cannot write to")
        place.chmod(0o555)
    yield place
    if mounted:
        subprocess.run(["umount", str(place)], check=True)
    else:
        place.chmod(0o755)


@pytest.fixture
def full(tmp_path: Path) -> Iterator[Path]:
    place = tmp_path / "full"
    if not _mount(place, "size=64k"):
        pytest.skip("a full disk needs a small file system mounted (root)")
    (place / "filler").write_bytes(b"\0" * (60 * 1024))
    yield place
    subprocess.run(["umount", str(place)], check=True)


def _distributed(tmp: Path) -> Path:
    out = tmp / "dist"
    done = runner.invoke(app, ["distribute", LIAONING, "--roster", str(ROSTER), "--year", "2025", "-o", str(out)])
    assert done.exit_code == 0, done.output
    return out


def _one(tmp: Path) -> Path:
    return sorted(_distributed(tmp).glob("*.xlsx"))[0]


# command line for (a temporary folder, the unwritable place) → exit 2 and the place named
COMMANDS: dict[str, Callable[[Path, Path], list[str]]] = {
    "generate": lambda t, p: ["generate", LIAONING, "--year", "2025", "-o", str(p / "x.xlsx")],
    "distribute": lambda t, p: ["distribute", LIAONING, "--roster", str(ROSTER), "--year", "2025", "-o", str(p / "out")],
    "distribute into it": lambda t, p: ["distribute", LIAONING, "--roster", str(ROSTER), "--year", "2025", "-o", str(p)],
    "rollover a folder": lambda t, p: ["rollover", str(_distributed(t)), "--year", "2026", "-o", str(p / "next")],
    "rollover a file": lambda t, p: ["rollover", str(_one(t)), "--year", "2026", "-o", str(p / "next.xlsx")],
    "rollover --distributed": lambda t, p: ["rollover", str(t), "--distributed", str(_distributed(t)), "--year", "2026",
                                           "-o", str(p / "next")],
    "verify --report": lambda t, p: ["verify", str(_one(t)), "--report", str(p / "report.xlsx")],
    "import": lambda t, p: ["import", str(_one(t)), "-o", str(p / "imported")],
    "keygen": lambda t, p: ["keygen", str(p / "bureau.key")],
}


def _check(result: object, place: Path, said: str) -> None:
    output = getattr(result, "output")
    assert getattr(result, "exit_code") == 2, output
    assert str(place) in output and said in output, output
    assert not ENGLISH_OS.search(output), output
    assert getattr(result, "exception") is None or isinstance(getattr(result, "exception"), SystemExit)


@pytest.mark.parametrize("name", COMMANDS)
def test_a_read_only_place(tmp_path: Path, read_only: Path, name: str) -> None:
    result = runner.invoke(app, ["--lang", "zh", *COMMANDS[name](tmp_path, read_only)])
    _check(result, read_only, "只读")


@pytest.mark.parametrize("name", COMMANDS)
def test_a_file_where_a_folder_should_be(tmp_path: Path, name: str) -> None:
    taken = tmp_path / "taken"
    taken.write_text("a file", encoding="utf-8")
    result = runner.invoke(app, ["--lang", "zh", *COMMANDS[name](tmp_path, taken)])
    _check(result, taken, "是文件而不是文件夹" if name != "distribute into it" else "它是一个文件")
    assert taken.read_text(encoding="utf-8") == "a file"


def test_a_full_disk(tmp_path: Path, full: Path) -> None:
    result = runner.invoke(app, ["distribute", LIAONING, "--roster", str(ROSTER), "--year", "2025",
                                 "-o", str(full / "out"), "--lang", "zh"])
    assert result.exit_code == 2, result.output
    assert "磁盘空间不足" in result.output and str(full / "out") in result.output
    assert not ENGLISH_OS.search(result.output)
    assert not list((full / "out").glob(".*.tmp"))  # no half-written file left


def test_a_name_too_long(tmp_path: Path) -> None:
    long = tmp_path / ("长" * 100 + ".xlsx")
    result = runner.invoke(app, ["generate", LIAONING, "--year", "2025", "-o", str(long), "--lang", "zh"])
    assert result.exit_code == 2
    assert "文件名或路径过长" in result.output and not ENGLISH_OS.search(result.output)


@pytest.mark.parametrize("code", [errno.EACCES, errno.EROFS, errno.ENOTDIR, errno.ENOSPC, errno.ENAMETOOLONG,
                                  errno.EEXIST, errno.EISDIR])
def test_the_common_errnos_are_translated(code: int) -> None:
    said = reason(OSError(code, os.strerror(code)))
    assert said == REASONS[code]
    assert not re.search(r"[A-Za-z]", said.message_in("zh"))


def test_an_unknown_errno_is_quoted_with_its_number() -> None:
    said = reason(OSError(errno.ENOLINK, "Link has been severed"))
    assert said.message_in("zh") == f"系统错误（errno {errno.ENOLINK}：Link has been severed）"


def test_a_sharing_violation_on_windows_names_excel() -> None:
    exc = OSError(errno.EACCES, "denied")
    exc.winerror = 32  # type: ignore[attr-defined]
    assert "Excel" in reason(exc).message_in("zh")
