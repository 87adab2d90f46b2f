"""Read what Excel and WPS read in a generated .xlsx: the raw parts, parsed with ElementTree.

openpyxl does not load the styles of merged cells and drops some validation details; these
helpers read the sheet XML, styles.xml and workbook.xml directly, and evaluate a validation's
or conditional format's formula the way Excel applies it to a cell.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from xlgen.formula.compiler import compile_formula
from xlgen.formula.functions import Range, XlError
from xlgen.formula.references import col_index, col_letters

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_REF = re.compile(r"(\$?)([A-Z]{1,3})(\$?)(\d+)")


def part(path: Path, name: str) -> ET.Element:
    with zipfile.ZipFile(path) as zf:
        return ET.fromstring(zf.read(name))


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name → its part name (xl/worksheets/sheetN.xml), through workbook.xml's relations."""
    book = part(path, "xl/workbook.xml")
    rels = {r.get("Id"): r.get("Target") for r in part(path, "xl/_rels/workbook.xml.rels")}
    return {s.get("name"): "xl/" + rels[s.get(f"{{{NS['r']}}}id")].lstrip("/").removeprefix("xl/")
            for s in book.find("m:sheets", NS)}


def without_cached_values(src: Path, dst: Path) -> Path:
    """A copy whose formulas all claim 0: only a recalculation can show the real results."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                text = re.sub(r'(<c [^>]*?) t="str"', r"\1", data.decode("utf-8"))
                data = re.sub(r"(</f>)<v>[^<]*</v>", r"\1<v>0</v>", text).encode("utf-8")
            zout.writestr(item, data)
    return dst


def sheet(path: Path, name: str) -> ET.Element:
    return part(path, sheet_parts(path)[name])


def sheet_states(path: Path) -> dict[str, str]:
    book = part(path, "xl/workbook.xml")
    return {s.get("name"): s.get("state", "visible") for s in book.find("m:sheets", NS)}


def defined_names(path: Path) -> dict[str, str]:
    book = part(path, "xl/workbook.xml")
    out = {}
    for d in book.iter(f"{{{NS['m']}}}definedName"):
        key = d.get("name") + (f"@{d.get('localSheetId')}" if d.get("localSheetId") else "")
        out[key] = d.text or ""
    return out


def cells_in(sqref: str) -> list[tuple[int, int]]:
    """(row, col), 0-based, of every cell of a space-separated list of A1 ranges."""
    out = []
    for rng in sqref.split():
        first, _, last = rng.partition(":")
        (r1, c1), (r2, c2) = a1_rc(first), a1_rc(last or first)
        out += [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    return out


def a1_rc(ref: str) -> tuple[int, int]:
    m = _REF.fullmatch(ref)
    assert m, ref
    return int(m.group(4)) - 1, col_index(m.group(2))


# --------------------------------------------------------------------------- cell styles
@dataclass(frozen=True)
class CellStyle:
    locked: bool
    fill: str  # ARGB of the solid fill, "" if none
    font: str


def cell_styles(path: Path, sheet_name: str) -> dict[tuple[int, int], CellStyle]:
    """Style of every cell the sheet part writes (merged cells included), by (row, col)."""
    styles = part(path, "xl/styles.xml")
    fills = []
    for f in styles.find("m:fills", NS):
        fg = f.find("m:patternFill/m:fgColor", NS)
        pattern = f.find("m:patternFill", NS)
        solid = pattern is not None and pattern.get("patternType") == "solid" and fg is not None
        fills.append(fg.get("rgb", "") if solid else "")
    fonts = [f.find("m:name", NS).get("val") for f in styles.find("m:fonts", NS)]
    xfs = []
    for xf in styles.find("m:cellXfs", NS):
        prot = xf.find("m:protection", NS)
        locked = not (prot is not None and prot.get("locked") == "0")
        xfs.append(CellStyle(locked, fills[int(xf.get("fillId", 0))], fonts[int(xf.get("fontId", 0))]))
    out = {}
    for c in sheet(path, sheet_name).iter(f"{{{NS['m']}}}c"):
        out[a1_rc(c.get("r"))] = xfs[int(c.get("s", 0))]
    return out


# --------------------------------------------------------------------------- validations
@dataclass(frozen=True)
class Validation:
    sqref: str
    type: str
    operator: str
    allow_blank: bool
    show_input: bool
    show_error: bool
    error_style: str
    prompt_title: str
    prompt: str
    error_title: str
    error: str
    formula1: str
    formula2: str


def validations(path: Path, sheet_name: str) -> list[Validation]:
    """Every <dataValidation>, including those in an extLst (x14), as Excel reads them."""
    root = sheet(path, sheet_name)
    found = []
    for dv in root.iter(f"{{{NS['m']}}}dataValidation"):
        f1, f2 = dv.find("m:formula1", NS), dv.find("m:formula2", NS)
        found.append(Validation(
            sqref=dv.get("sqref", ""), type=dv.get("type", "none"), operator=dv.get("operator", "between"),
            allow_blank=dv.get("allowBlank") == "1", show_input=dv.get("showInputMessage") == "1",
            show_error=dv.get("showErrorMessage") == "1", error_style=dv.get("errorStyle", "stop"),
            prompt_title=dv.get("promptTitle", ""), prompt=dv.get("prompt", ""),
            error_title=dv.get("errorTitle", ""), error=dv.get("error", ""),
            formula1=f1.text if f1 is not None else "", formula2=f2.text if f2 is not None else ""))
    ext = [e for e in root.iter() if e.tag.endswith("}dataValidation") and not e.tag.startswith(f"{{{NS['m']}}}")]
    assert not ext, "x14 validations would need their own reader"
    return found


def list_values(path: Path, name: str) -> list[str]:
    """The items a list validation offers: the cells its defined name refers to."""
    ref = defined_names(path)[name]
    sheet_name, _, rng = ref.rpartition("!")
    sheet_name = sheet_name.strip("'").replace("''", "'")
    wanted = set(cells_in(rng.replace("$", "")))
    shared = [si.findtext("m:t", "", NS) or "".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t"))
              for si in part(path, "xl/sharedStrings.xml")]
    values = {}
    for c in sheet(path, sheet_name).iter(f"{{{NS['m']}}}c"):
        rc = a1_rc(c.get("r"))
        if rc in wanted:
            v = c.findtext("m:v", "", NS)
            values[rc] = shared[int(v)] if c.get("t") == "s" else v
    return [values[rc] for rc in sorted(wanted) if rc in values]


_OPS = {
    "between": lambda v, a, b: a <= v <= b, "notBetween": lambda v, a, b: not a <= v <= b,
    "equal": lambda v, a, b: v == a, "notEqual": lambda v, a, b: v != a,
    "greaterThan": lambda v, a, b: v > a, "lessThan": lambda v, a, b: v < a,
    "greaterThanOrEqual": lambda v, a, b: v >= a, "lessThanOrEqual": lambda v, a, b: v <= a,
}


def accepts(path: Path, dv: Validation, cell: str, value: Any, others: dict[str, Any] | None = None) -> bool:
    """Would Excel accept ``value`` typed into ``cell`` under ``dv`` (others: the sheet's other cells)?"""
    if value is None or value == "":
        return dv.allow_blank
    if dv.type == "list":
        return str(value) in list_values(path, dv.formula1)
    if dv.type in ("decimal", "whole"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return False
        lo, hi = float(dv.formula1), float(dv.formula2) if dv.formula2 else 0.0
        return bool(_OPS[dv.operator](float(value), lo, hi))
    if dv.type == "textLength":
        lo, hi = float(dv.formula1), float(dv.formula2) if dv.formula2 else 0.0
        return bool(_OPS[dv.operator](len(str(value)), lo, hi))
    if dv.type == "custom":  # written for the rule's first cell; Excel moves it to ``cell``
        top = min(cells_in(dv.sqref))[0]
        formula = shift(dv.formula1, a1_rc(cell)[0] - top)
        result = evaluate(path, formula, {**(others or {}), cell: value})
        return result is True or (isinstance(result, float) and result != 0)
    raise AssertionError(f"validation type {dv.type} not covered")


def evaluate(path: Path, formula: str, cells: dict[str, Any]) -> Any:
    """A formula as Excel evaluates it: defined names of single list cells replaced by their text."""
    names = defined_names(path)

    def name_value(m: re.Match[str]) -> str:
        name = m.group(0)
        if name not in names:
            return name
        (text,) = list_values(path, name)
        return '"' + text.replace('"', '""') + '"'

    text = re.sub(r"\bxlgen_[a-z0-9_]+\b", name_value, formula)
    result = compile_formula(text).run(cells.get)
    assert not isinstance(result, (Range, XlError)), (formula, result)
    return result


def shift(formula: str, rows: int) -> str:
    """A formula copied ``rows`` rows down, as Excel applies a rule to the cells of its range."""
    def move(m: re.Match[str]) -> str:
        d1, col, d2, row = m.groups()
        return f"{d1}{col}{d2}{row if d2 else int(row) + rows}"

    return re.sub(r'"[^"]*"|' + _REF.pattern, lambda m: m.group(0) if m.group(0).startswith('"') else move(
        _REF.fullmatch(m.group(0))), formula)


# --------------------------------------------------------------------------- conditional formats
@dataclass(frozen=True)
class Rule:
    sqref: str
    type: str
    operator: str
    formula: str
    fill: str  # the dxf's fill colour (ARGB)
    priority: int


def conditional_rules(path: Path, sheet_name: str) -> list[Rule]:
    dxfs = []
    for dxf in part(path, "xl/styles.xml").find("m:dxfs", NS):
        bg = dxf.find("m:fill/m:patternFill/m:bgColor", NS)
        dxfs.append(bg.get("rgb", "") if bg is not None else "")
    out = []
    for cf in sheet(path, sheet_name).iter(f"{{{NS['m']}}}conditionalFormatting"):
        for rule in cf.findall("m:cfRule", NS):
            out.append(Rule(cf.get("sqref"), rule.get("type"), rule.get("operator", ""),
                            rule.findtext("m:formula", "", NS), dxfs[int(rule.get("dxfId"))],
                            int(rule.get("priority"))))
    return out


def highlighted(path: Path, sheet_name: str, cells: dict[str, Any]) -> dict[str, str]:
    """Cell → the fill its first true rule gives it (rules in priority order), for given values."""
    out: dict[str, str] = {}
    for rule in sorted(conditional_rules(path, sheet_name), key=lambda r: r.priority):
        top = min(cells_in(rule.sqref))
        for r, c in cells_in(rule.sqref):
            ref = f"{col_letters(c)}{r + 1}"
            if ref in out:
                continue
            if rule.type == "expression":
                hit = evaluate(path, shift(rule.formula, r - top[0]), cells) is True
            elif rule.type == "cellIs" and rule.operator == "equal":
                hit = cells.get(ref) == evaluate(path, rule.formula, {})
            else:
                raise AssertionError(f"rule type {rule.type} not covered")
            if hit:
                out[ref] = rule.fill
    return out
