"""Outputs: every file xlgen writes goes to a temporary file beside it and is renamed, never over
an existing file without --force, never over one of the command's own inputs."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from xlgen.errors import ErrorCode, XlgenError, said
from xlgen.errors.system import SystemCode
from xlgen.oserrors import make_folders, output_failed

T = TypeVar("T")

XLSX = ".xlsx"


def check_suffix(out: Path, suffix: str = XLSX) -> Path:
    """``out`` when its name says what is written there (an .xlsx is not named x.xls or x.csv)."""
    if out.suffix.lower() != suffix:
        raise XlgenError(ErrorCode.OUTPUT_SUFFIX, file=out, expected=suffix)
    return out


def refuse_inputs(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """No output may be one of the command's inputs (the same file by any path or link):
    what a user gave is never overwritten, not even with --force."""
    given = [p for p in inputs if p.exists()]
    for out in outputs:
        if not out.exists():
            continue
        for src in given:
            try:
                same = os.path.samefile(out, src)
            except OSError:
                same = False
            if same:
                raise XlgenError(ErrorCode.OUTPUT_IS_INPUT, file=out, input=src)


def write_atomic(out: Path, force: bool, writer: Callable[[Path], T], keep: Iterable[Path] = (),
                 suffix: str | None = None) -> T:
    """Write to a temporary file beside ``out`` and rename it: never a half-written file, never
    over an existing file without ``force`` (the rename is a hard link then, which fails if
    the name appeared meanwhile), never over one of ``keep``, never under a name whose extension
    says another format than ``suffix``. Returns what ``writer`` returned."""
    refuse_inputs([out], keep)
    if (out.exists() or out.is_symlink()) and not force:
        raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=out)
    if out.is_dir():
        raise XlgenError(ErrorCode.OUTPUT_FAILED, file=out, detail=said(SystemCode.IS_A_FOLDER))
    if suffix is not None:
        check_suffix(out, suffix)
    make_folders(out.parent, out)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise output_failed(exc, out) from None
    os.close(fd)
    tmp = Path(name)
    try:
        result = writer(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; an output is an ordinary file
        if force:
            os.replace(tmp, out)
        else:
            _link_new(tmp, out)
    except FileExistsError:
        raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=out) from None
    except OSError as exc:
        raise output_failed(exc, out) from None
    finally:
        if tmp.exists():
            tmp.unlink()
    return result


def _link_new(tmp: Path, out: Path) -> None:
    """Give ``tmp`` the name ``out`` only if no such name exists (atomically, where the file
    system has hard links)."""
    try:
        os.link(tmp, out)
    except FileExistsError:
        raise
    except OSError:  # no hard links here (some network and FAT file systems)
        if out.exists() or out.is_symlink():
            raise FileExistsError(out) from None
        os.replace(tmp, out)
