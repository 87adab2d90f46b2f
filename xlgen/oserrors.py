"""What the operating system said, in the run's language: one place turns an ``OSError`` into a
located ``XlgenError`` (exit 2 on the command line), its errno translated, never Python's
English ``strerror`` inside a Chinese message, never a traceback."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from xlgen.errors import ErrorCode, XlgenError
from xlgen.findings import Text

_EXCEL_HOLDS = Text("文件正被其他程序（如 Excel 或 WPS）打开；请关闭后重试",
                    "the file is open in another program (Excel or WPS?); close it and try again")
# errno → what it means for someone writing or reading a file (the common ones by name)
REASONS: dict[int, Text] = {
    errno.EACCES: Text("没有权限（文件夹只读或属于他人）", "permission denied (the folder is read-only or someone else's)"),
    errno.EPERM: Text("操作不被允许", "operation not permitted"),
    errno.EROFS: Text("所在的文件系统是只读的（如光盘或只读挂载的共享）",
                      "the file system is read-only (a CD or a share mounted read-only)"),
    errno.ENOTDIR: Text("路径中的某一级是文件而不是文件夹", "a part of the path is a file, not a folder"),
    errno.EISDIR: Text("这是一个文件夹，不是文件", "it is a folder, not a file"),
    errno.ENOSPC: Text("磁盘空间不足", "no space left on the disk"),
    errno.EDQUOT: Text("超出磁盘配额", "disk quota exceeded"),
    errno.ENAMETOOLONG: Text("文件名或路径过长", "the file name or path is too long"),
    errno.EEXIST: Text("同名文件已存在", "a file of that name already exists"),
    errno.ENOENT: Text("文件或文件夹不存在", "no such file or folder"),
    errno.EBUSY: Text("文件正被占用", "the file is busy"),
    errno.ETXTBSY: Text("文件正被占用", "the file is busy"),
    errno.EIO: Text("磁盘读写出错", "input/output error on the disk"),
    errno.EMFILE: Text("同时打开的文件过多", "too many open files"),
    errno.ENFILE: Text("同时打开的文件过多", "too many open files"),
    errno.ELOOP: Text("符号链接循环", "too many levels of symbolic links"),
    errno.EXDEV: Text("不能跨磁盘移动", "cannot move across disks"),
    errno.EINVAL: Text("文件名无效", "invalid file name"),
    errno.ENOTEMPTY: Text("文件夹不是空的", "the folder is not empty"),
    errno.EADDRINUSE: Text("端口已被其他程序占用（可用 --port 另选）", "the port is in use by another program (choose one with --port)"),
    errno.EADDRNOTAVAIL: Text("这个地址不属于本机", "the address is not this machine's"),
}
_WINDOWS_SHARING = (32, 33)  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION: Excel holds the file


def reason(exc: OSError) -> Text:
    """The OS error's meaning in both languages (its errno translated; an unknown one quoted with
    its number, the only place the system's own words appear)."""
    if getattr(exc, "winerror", None) in _WINDOWS_SHARING:
        return _EXCEL_HOLDS
    known = REASONS.get(exc.errno or -1)
    if known is not None:
        return known
    said = exc.strerror or type(exc).__name__
    code = f"errno {exc.errno}" if exc.errno else type(exc).__name__
    return Text(f"系统错误（{code}：{said}）", f"system error ({code}: {said})")


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


IS_A_FILE = Text("它是一个文件，而 --output 应为文件夹", "it is a file; --output names a folder")


def make_folders(folder: Path, file: Path | None = None) -> None:
    """``folder`` and its parents made; a file in the way (mkdir's EEXIST) is said as such."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # with exist_ok, only a file where a folder should be
        raise XlgenError(ErrorCode.OUTPUT_FAILED, file=where(exc, folder), detail=REASONS[errno.ENOTDIR]) from None
    except OSError as exc:
        raise output_failed(exc, file or folder) from None


def output_folder(folder: Path, is_a_file: Text = IS_A_FILE) -> Path:
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
