"""Typing into a generated workbook as a user would: set input cells in the sheet XML, then let
LibreOffice recalculate and save it (as Excel or WPS would before the file comes back)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape


def _cell_xml(ref: str, style: str, value: Any) -> str:
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, str):
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(value)}</t></is></c>'
    return f'<c r="{ref}"{s}><v>{float(value)!r}</v></c>'


def set_cells(src: Path, dst: Path, values: Mapping[str, Any], sheet: int = 1) -> Path:
    """Copy ``src`` to ``dst`` with the given cells (A1 → value) of worksheet ``sheet`` replaced.
    Only cells the generator wrote (every input cell has its format) can be set."""
    part = f"xl/worksheets/sheet{sheet}.xml"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                text = data.decode("utf-8")
                for ref, value in values.items():
                    pattern = re.compile(rf'<c r="{ref}"(?: s="(\d+)")?(?: t="\w+")?(?:/>|>.*?</c>)', re.S)
                    m = pattern.search(text)
                    if m is None:
                        raise KeyError(f"{ref} is not a cell of {src.name}")
                    text = text[:m.start()] + _cell_xml(ref, m.group(1) or "", value) + text[m.end():]
                data = text.encode("utf-8")
            zout.writestr(item, data)
    return dst
