"""XlsxWriter's warn-and-return-negative, turned into located errors.

Every emitter module checks its XlsxWriter calls with ``checked``; ``workbook.py`` also turns
every warning into an error, so a workbook never ships without a dropdown or a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import ErrorCode, XlgenError


def checked(ret: Any, what: str, out: Path) -> None:
    """XlsxWriter's warn-and-return-negative becomes a located error."""
    if isinstance(ret, int) and ret < 0:
        raise XlgenError(ErrorCode.XLSXWRITER, file=out, what=what, detail=f"returned {ret}")
