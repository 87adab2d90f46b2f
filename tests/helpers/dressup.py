"""A score dressed up as a user does it: a computed cell given a number format of its own, an
input's validation set to "any value"; as XML edits (what LibreOffice writes), or typed in
LibreOffice itself (``edit_cells``, a Basic macro)."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from tests.helpers.verifykit import SHEET, basic_jobs, cell_xml, edit_part, run_basic
from xlgen.formula.references import col_index, col_letters
from xlgen.intake.refs import sqref_ranges

STYLES = "xl/styles.xml"
CUSTOM_ID = 300  # a custom number format id no generated style sheet uses


def number_format(src: Path, dst: Path, ref: str, code: str) -> Path:
    """Copy ``src`` to ``dst`` with cell ``ref`` shown in the custom number format ``code``
    (a new cell format: the cell's own with that number format)."""
    with zipfile.ZipFile(src) as zf:
        styles = zf.read(STYLES).decode("utf-8")
        old = cell_xml(zf.read(SHEET).decode("utf-8"), ref)
    m = re.search(r' s="(\d+)"', old)
    block = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S)
    assert block is not None
    xfs = re.findall(r"<xf\b[^>]*?(?:/>|>.*?</xf>)", block.group(1), re.S)
    mine = re.sub(r' applyNumberFormat="\d"', "", xfs[int(m.group(1)) if m else 0])  # a format of its own already
    mine = re.sub(r'numFmtId="\d+"', f'numFmtId="{CUSTOM_ID}" applyNumberFormat="1"', mine, count=1)

    def style_sheet(xml: str) -> str:
        numfmt = f'<numFmt numFmtId="{CUSTOM_ID}" formatCode={quoteattr(code)}/>'
        if "<numFmts" in xml:
            xml = re.sub(r"(<numFmts[^>]*>)", lambda m: m.group(1) + numfmt, xml, count=1)
        else:
            xml = re.sub(r"(<styleSheet[^>]*>)", lambda m: m.group(1) + f"<numFmts>{numfmt}</numFmts>", xml, count=1)
        xml = xml.replace("</cellXfs>", mine + "</cellXfs>", 1)
        return re.sub(r'<cellXfs count="\d+"', f'<cellXfs count="{len(xfs) + 1}"', xml, count=1)

    def sheet(xml: str) -> str:
        new = re.sub(r' s="\d+"', "", old, count=1).replace(f'<c r="{ref}"', f'<c r="{ref}" s="{len(xfs)}"', 1)
        return xml.replace(old, new, 1)

    middle = dst.with_name(dst.stem + "-styles" + dst.suffix)
    edit_part(edit_part(src, middle, STYLES, style_sheet), dst, SHEET, sheet)
    middle.unlink()
    return dst


def _without(ranges: list[tuple[int, int, int, int]], row: int, col: int) -> list[tuple[int, int, int, int]]:
    """The ranges with the cell (row, col) cut out (a range holding it split in up to four)."""
    out = []
    for r1, c1, r2, c2 in ranges:
        if not (r1 <= row <= r2 and c1 <= col <= c2):
            out.append((r1, c1, r2, c2))
            continue
        out += [p for p in ((r1, c1, row - 1, c2), (row + 1, c1, r2, c2), (row, c1, row, col - 1),
                            (row, col + 1, row, c2)) if p[0] <= p[2] and p[1] <= p[3]]
    return out


def _sqref(ranges: list[tuple[int, int, int, int]]) -> str:
    def a1(r: int, c: int) -> str:
        return f"{col_letters(c)}{r + 1}"
    return " ".join(a1(r1, c1) if (r1, c1) == (r2, c2) else f"{a1(r1, c1)}:{a1(r2, c2)}" for r1, c1, r2, c2 in ranges)


def any_value(ref: str) -> Callable[[str], str]:
    """Cell ``ref``'s data validation set to "any value" as LibreOffice saves it: the cell cut out
    of its validation's range and given a validation of type none (keeping an input message)."""
    m = re.match(r"([A-Z]+)(\d+)$", ref)
    assert m is not None
    row, col = int(m.group(2)) - 1, col_index(m.group(1))

    def change(xml: str) -> str:
        for dv in re.finditer(r'<dataValidation\b[^>]*\bsqref="([^"]*)"', xml):
            ranges = sqref_ranges(dv.group(1))
            if any(r1 <= row <= r2 and c1 <= col <= c2 for r1, c1, r2, c2 in ranges):
                start, end = dv.span(1)
                xml = xml[:start] + _sqref(_without(ranges, row, col)) + xml[end:]
                break
        else:
            raise KeyError(f"no data validation covers {ref}")
        none = (f'<dataValidation type="none" allowBlank="true" showErrorMessage="true" showInputMessage="true" '
                f'prompt={quoteattr(escape("任意值"))} sqref="{ref}"></dataValidation>')
        xml = xml.replace("</dataValidations>", none + "</dataValidations>", 1)
        return re.sub(r'<dataValidations count="(\d+)"', lambda c: f'<dataValidations count="{int(c.group(1)) + 1}"',
                      xml, count=1)
    return change


# ----------------------------------------------------------------------------- the same, typed in LibreOffice
_DRESS = basic_jobs("Dress", """    cell = sh.getCellRangeByName(parts(3))
    If parts(4) = "format" Then
      Dim loc As New com.sun.star.lang.Locale
      code = Replace(parts(5), "~q~", Chr(34))
      key = doc.getNumberFormats().queryKey(code, loc, False)
      If key = -1 Then key = doc.getNumberFormats().addNew(code, loc)
      cell.NumberFormat = key
    Else
      v = cell.Validation
      v.Type = com.sun.star.sheet.ValidationType.ANY
      cell.Validation = v
    End If""")

FORMAT, ANY_VALUE = "format", "any"


def edit_cells(jobs: Sequence[tuple[Path, Path, str, str, str, str]], timeout: float = 180) -> list[Path]:
    """For each (src, dst, sheet, cell, kind, arg): LibreOffice opens src and, as a user would in
    Format Cells or Data → Validity, gives the cell the number format ``arg`` (kind FORMAT) or
    sets its validation to "All values" (kind ANY_VALUE); then recalculates and saves dst. One
    soffice run for all jobs; the sheet's protection is lifted for the edit and restored."""
    spec = "|".join(f"{src}*{dst}*{sheet}*{cell}*{kind}*{arg.replace(chr(34), '~q~')}"
                    for src, dst, sheet, cell, kind, arg in jobs)
    return run_basic("Dress", _DRESS, f'Dress("{spec}")', [job[1] for job in jobs], timeout)
