"""What the operating system said, in the run's language: one place turns an ``OSError`` into a
located ``XlgenError`` (exit 2 on the command line), its errno translated, never Python's
English ``strerror`` inside a Chinese message, never a traceback."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from xlgen.errors import ErrorCode, Said, XlgenError, said
from xlgen.errors.system import SystemCode

_EXCEL_HOLDS = said(SystemCode.EXCEL_HOLDS)
# errno → what it means for someone writing or reading a file (the common ones by name)
REASONS: dict[int, Said] = {
    errno.EACCES: said(SystemCode.ACCESS),
    errno.EPERM: said(SystemCode.NOT_PERMITTED),
    errno.EROFS: said(SystemCode.READ_ONLY),
    errno.ENOTDIR: said(SystemCode.NOT_A_FOLDER),
    errno.EISDIR: said(SystemCode.A_FOLDER),
    errno.ENOSPC: said(SystemCode.DISK_FULL),
    errno.EDQUOT: said(SystemCode.QUOTA),
    errno.ENAMETOOLONG: said(SystemCode.NAME_TOO_LONG),
    errno.EEXIST: said(SystemCode.EXISTS),
    errno.ENOENT: said(SystemCode.NO_SUCH),
    errno.EBUSY: said(SystemCode.BUSY),
    errno.ETXTBSY: said(SystemCode.BUSY),
    errno.EIO: said(SystemCode.IO),
    errno.EMFILE: said(SystemCode.TOO_MANY_OPEN),
    errno.ENFILE: said(SystemCode.TOO_MANY_OPEN),
    errno.ELOOP: said(SystemCode.LINK_LOOP),
    errno.EXDEV: said(SystemCode.ACROSS_DISKS),
    errno.EINVAL: said(SystemCode.BAD_NAME),
    errno.ENOTEMPTY: said(SystemCode.NOT_EMPTY),
    errno.EADDRINUSE: said(SystemCode.PORT_IN_USE),
    errno.EADDRNOTAVAIL: said(SystemCode.NOT_THIS_MACHINE),
}
_WINDOWS_SHARING = (32, 33)  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION: Excel holds the file


def reason(exc: OSError) -> Said:
    """The OS error's meaning in both languages (its errno translated; an unknown one quoted with
    its number, the only place the system's own words appear)."""
    if getattr(exc, "winerror", None) in _WINDOWS_SHARING:
        return _EXCEL_HOLDS
    known = REASONS.get(exc.errno or -1)
    if known is not None:
        return known
    told = exc.strerror or type(exc).__name__
    code = f"errno {exc.errno}" if exc.errno else type(exc).__name__
    return said(SystemCode.SYSTEM_ERROR, errno=code, said=told)


def where(exc: OSError, file: Path | None) -> Path | str:
    """The path the OS named (the folder that is read-only, the file in the way) else ``file``."""
    named = exc.filename if exc.filename not in (None, "") else None
    if named is None or (file is not None and str(named).endswith(".tmp") and Path(str(named)).name.startswith(".")):
        named = file  # our temporary file beside the output: the user knows the output's name
    return named if named is not None else ""


def output_failed(exc: OSError, file: Path | None = None) -> XlgenError:
    """An output could not be written: the path the OS named (else ``file``) and why."""
    return XlgenError(ErrorCode.OUTPUT_FAILED, file=where(exc, file), detail=reason(exc))


def input_failed(exc: OSError, file: Path | None = None) -> XlgenError:
    """An input could not be read: the path and why."""
    return XlgenError(ErrorCode.INPUT_UNREADABLE, file=where(exc, file), detail=reason(exc))


def os_failed(exc: OSError) -> XlgenError:
    """The command line's last guard: an OS error no stage located more closely, with its path."""
    return XlgenError(ErrorCode.OS_FAILED, file=where(exc, None), detail=reason(exc))


IS_A_FILE = said(SystemCode.IS_A_FILE)


def make_folders(folder: Path, file: Path | None = None) -> None:
    """``folder`` and its parents made; a file in the way (mkdir's EEXIST) is said as such."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # with exist_ok, only a file where a folder should be
        raise XlgenError(ErrorCode.OUTPUT_FAILED, file=where(exc, folder), detail=REASONS[errno.ENOTDIR]) from None
    except OSError as exc:
        raise output_failed(exc, file or folder) from None


def output_folder(folder: Path, is_a_file: Said = IS_A_FILE) -> Path:
    """``folder`` made if missing and proved writable (a probe file made and removed), before any
    work: a read-only place, or a file where the folder should be, is refused up front."""
    if folder.exists() and not folder.is_dir():
        raise XlgenError(ErrorCode.OUTPUT_FAILED, file=folder, detail=is_a_file)
    make_folders(folder)
    try:
        fd, probe = tempfile.mkstemp(prefix=".xlgen-probe.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise output_failed(exc, folder) from None
    return folder


def output_file(out: Path, force: bool) -> Path:
    """Before any work: ``out`` may be written (not there, or ``force``; not a folder) and its
    folder is writable."""
    if out.is_dir():
        raise XlgenError(ErrorCode.OUTPUT_FAILED, file=out, detail=REASONS[errno.EISDIR])
    if (out.exists() or out.is_symlink()) and not force:
        raise XlgenError(ErrorCode.OUTPUT_EXISTS, file=out)
    output_folder(out.parent, REASONS[errno.ENOTDIR])
    return out
