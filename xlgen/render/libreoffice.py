"""LibreOffice Calc, headless: our stand-in for Excel (recalculate, render to PDF/PNG).

LibreOffice never recalculates an .xlsx on load by default, so each call runs with a private
profile that sets OOXMLRecalcMode (and ODFRecalcMode) to 0, "always recalculate".
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(Exception):
    pass


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise LibreOfficeError(
        "LibreOffice is not installed: install the Debian package libreoffice-calc-nogui "
        "(apt-get install libreoffice-calc-nogui fonts-wqy-microhei)"
    )


def convert(files: Sequence[Path], to: str, outdir: Path, timeout: float = 300) -> list[Path]:
    """Recalculate ``files`` and convert them (``to`` = xlsx, pdf, png …) into ``outdir``.

    One soffice call for all files (start-up dominates); every expected output is checked,
    since soffice exits 0 even when it could not load a file.
    """
    exe = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlgen-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        cmd = [exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", to, "--outdir", str(outdir), *map(str, files)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise LibreOfficeError(f"LibreOffice did not finish within {timeout:g} s") from None
    ext = to.split(":", 1)[0]
    outputs = [outdir / f"{Path(f).stem}.{ext}" for f in files]
    missing = [str(p) for p in outputs if not p.is_file()]
    if missing:
        raise LibreOfficeError(
            f"LibreOffice wrote no {ext} for: {', '.join(missing)} (exit {proc.returncode}: "
            f"{(proc.stderr or proc.stdout).strip()[:500]})"
        )
    return outputs
