"""Excel's limits, read back from a written .xlsx (independently of xlgen's own limits module):
the checks a test runs over every workbook xlgen writes."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _depth(formula: str) -> int:
    depth = deepest = 0
    for i, part in enumerate(formula.split('"')):
        if i % 2:
            continue  # inside a string literal
        for ch in part:
            depth += ch == "("
            depth -= ch == ")"
            deepest = max(deepest, depth)
    return deepest


def problems(path: Path) -> list[str]:
    """Every place ``path`` breaks one of Excel's limits (empty when it breaks none)."""
    out: list[str] = []
    with zipfile.ZipFile(path) as zf:
        book = ET.fromstring(zf.read("xl/workbook.xml"))
        for sheet in book.iter(f"{M}sheet"):
            name = sheet.get("name", "")
            if not name or _units(name) > 31 or SHEET_CHARS.search(name) or name[0] == "'" or name[-1] == "'":
                out.append(f"sheet name {name!r}")
        for part in (n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")):
            root = ET.fromstring(zf.read(part))
            for row in root.iter(f"{M}row"):
                if float(row.get("ht", "0")) > 409:
                    out.append(f"{part} row {row.get('r')}: height {row.get('ht')} > 409")
            for col in root.iter(f"{M}col"):
                if float(col.get("width", "0")) > 255:
                    out.append(f"{part} column {col.get('min')}: width {col.get('width')} > 255")
            for f in root.iter(f"{M}f"):
                if f.text and (_units(f.text) > 8192 or _depth(f.text) > 64):
                    out.append(f"{part}: formula {f.text[:40]}… over 8192 characters or 64 levels")
            for dv in root.iter(f"{M}dataValidation"):
                where = f"{part} {dv.get('sqref')}"
                for tag in ("formula1", "formula2"):
                    el = dv.find(f"{M}{tag}")
                    if el is not None and el.text and _units(el.text) > 255:
                        out.append(f"{where}: {tag} of {_units(el.text)} characters > 255")
                for attr, limit in (("promptTitle", 32), ("errorTitle", 32), ("prompt", 255), ("error", 255)):
                    if _units(dv.get(attr, "")) > limit:
                        out.append(f"{where}: {attr} over {limit} characters")
    return out
