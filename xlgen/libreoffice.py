"""LibreOffice Calc, headless: our stand-in for Excel (recalculate, render to PDF/PNG, convert
an .xls/.et return to .xlsx).

LibreOffice never recalculates an .xlsx on load by default, so each call runs with a private
profile (a fresh temporary folder) that sets OOXMLRecalcMode (and ODFRecalcMode) to 0, "always
recalculate". Since it also opens files departments sent, the profile never updates links
(Calc's Content/Update/Link 1: never) and runs no macro (MacroSecurityLevel 3: very high). A
call has a time limit; on timeout its whole process group (the soffice script, oosplash and
soffice.bin) is killed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import signal
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from xlgen.errors import Said, said
from xlgen.errors.system import SystemCode

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Content/Update"><prop oor:name="Link" oor:op="fuse"><value>1</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting"><prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
</oor:items>
"""


class LibreOfficeError(Exception):
    """Why LibreOffice did not do the job, in both languages (``text``)."""

    def __init__(self, text: Said) -> None:
        super().__init__(text.message_in("en"))
        self.text = text


def not_installed(platform: str | None = None) -> Said:
    """How to get LibreOffice on this kind of machine (``sys.platform``): Windows and macOS users
    download it; on Linux, the distribution's package (Debian's name given)."""
    platform = platform or sys.platform
    if platform.startswith("win") or platform == "darwin":
        return said(SystemCode.NO_LIBREOFFICE, system="Windows" if platform.startswith("win") else "macOS")
    return said(SystemCode.NO_LIBREOFFICE_PACKAGE)


def installed() -> str | None:
    """The soffice program on the PATH, or None."""
    return next((found for found in map(shutil.which, ("soffice", "libreoffice")) if found), None)


def soffice() -> str:
    found = installed()
    if found is None:
        raise LibreOfficeError(not_installed())
    return found


@contextlib.contextmanager
def private_profile() -> Iterator[tuple[list[str], Path]]:
    """soffice's headless command start with a fresh private profile (the module's settings), and
    the profile's user folder; the profile is removed after."""
    exe = soffice()
    with tempfile.TemporaryDirectory(prefix="xlgen-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        yield [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--nolockcheck"], user


def convert(files: Sequence[Path], to: str, outdir: Path, timeout: float = 300) -> list[Path]:
    """Recalculate ``files`` and convert them (``to`` = xlsx, pdf, png …) into ``outdir``.

    One soffice call for all files (start-up dominates); every expected output is checked,
    since soffice exits 0 even when it could not load a file.
    """
    outdir.mkdir(parents=True, exist_ok=True)
    with private_profile() as (base, _):
        code, told = run(base + ["--convert-to", to, "--outdir", str(outdir), *map(str, files)], timeout)
    ext = to.split(":", 1)[0]
    outputs = [outdir / f"{Path(f).stem}.{ext}" for f in files]
    missing = ", ".join(str(p) for p in outputs if not p.is_file())
    if missing:
        raise LibreOfficeError(said(SystemCode.LIBREOFFICE_WROTE_NOTHING, ext=ext, missing=missing, exit=code,
                                    said=told.strip()[:500]))
    return outputs


def run(cmd: list[str], timeout: float) -> tuple[int, str]:
    """Run soffice in its own process group: (exit code, what it said); on timeout the whole
    group is killed (soffice is a script that starts oosplash, which starts soffice.bin)."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        raise LibreOfficeError(said(SystemCode.LIBREOFFICE_TIMEOUT, seconds=timeout)) from None
    return proc.returncode, err or out
