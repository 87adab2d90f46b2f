"""Stage 3: write a layout (and the values bound to it) as an .xlsx with XlsxWriter.

Every XlsxWriter warning or non-zero return is an error: a workbook must never ship without
a dropdown or a formula because a call was refused quietly.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import xlsxwriter

from xlgen import __version__
from xlgen.generate.guidance import conditional
from xlgen.generate.guidance import guide
from xlgen.generate.guidance import lists
from xlgen.generate.guidance import printsetup
from xlgen.generate.guidance import protection
from xlgen.generate import provenance
from xlgen.generate.breaches import breaches
from xlgen.generate import seal
from xlgen.generate.guidance import validation
from xlgen.errors import ErrorCode, XlgenError
from xlgen.findings import Text
from xlgen.generate.fastsheet import FastWorksheet
from xlgen.names import TOTAL
from xlgen.template.fill import Fill, next_year
from xlgen.layout.model import FIXED, FORMULA, Layout, Slot, per_layout
from xlgen.generate.styles import Styles, style_of
from xlgen.template.model import Template
from xlgen.layout.values import bind_inputs, cached_form, compute, layout_for
from xlgen.generate.xlsxcall import checked
from xlgen.outputs import XLSX, refuse_inputs, write_atomic


@dataclass(frozen=True)
class Generated:
    path: Path
    layout: Layout
    inputs: dict[str, Any]
    results: dict[str, Any]
    sha256: str  # of the bytes written, hashed as they were written (a manifest reads no file back)

    @property
    def total(self) -> Any:
        return self.results.get(TOTAL)  # None: a form without scores


def generate(template: Template, fill: Fill | None, out: Path, year: int | None = None,
             force: bool = False, password: str | None = None, keep: Iterable[Path] = (),
             key: bytes | None = None) -> Generated:
    """Write the workbook for ``fill`` (a blank when None) to ``out`` atomically (never over
    one of the files in ``keep``, the command's inputs, even with ``force``).

    The form sheet is protected, without a password unless ``password`` is given. What the fill
    gives of the bureau's fields is locked and sealed (HMAC with ``key``, else SHA-256)."""
    refuse_inputs([out], keep)
    layout = layout_for(template, fill)
    inputs = bind_inputs(layout, fill)
    results = compute(layout, inputs)
    year = year or (fill.year if fill else None) or next_year()  # never a form without a year
    digest = write_atomic(out, force, lambda tmp: _write(tmp, out, layout, inputs, results, year, password, key),
                          suffix=XLSX)
    return Generated(out, layout, inputs, results, digest)


def _write(tmp: Path, out: Path, layout: Layout, inputs: dict[str, Any], results: dict[str, Any],
           year: int | None, password: str | None = None, key: bytes | None = None) -> str:
    """Write the workbook to ``tmp``; the sha256 of its bytes."""
    # XlsxWriter zips into memory, so the bytes are hashed there rather than read back from disk.
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # XlsxWriter warns, then carries on without the feature
        try:
            wb = protection.StructureLockedWorkbook(buffer, {"strings_to_formulas": False,
                                                             "strings_to_urls": False, "in_memory": True})
            wb.structure_password = password or ""
            _write_book(wb, out, layout, inputs, results, year, password, key)
            wb.close()
        except UserWarning as exc:
            raise XlgenError(ErrorCode.XLSXWRITER, file=out, what=Text("一次调用", "a call"), detail=str(exc)) from None
    data = buffer.getbuffer()
    tmp.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def _write_book(wb: xlsxwriter.Workbook, out: Path, layout: Layout, inputs: dict[str, Any],
                results: dict[str, Any], year: int | None, password: str | None = None,
                key: bytes | None = None) -> None:
    t = layout.template
    for breach in breaches(layout):
        raise XlgenError(ErrorCode.EXCEL_LIMIT, file=out, where=breach.where, key=breach.key, detail=breach.detail)
    styles = Styles(wb)
    ws = wb.add_worksheet(t.sheet, worksheet_class=FastWorksheet)
    # Deterministic output: a fixed creation date, no clock anywhere in the file.
    wb.set_properties({"title": t.title, "created": dt.datetime(2000, 1, 1), "author": "xlgen",
                       "comments": f"xlgen {__version__}"})
    checked(ws.merge_range(layout.year_row, layout.year_cols[0], layout.year_row, layout.year_cols[1], t.year_label.format(year=year if year else "    "), styles["year"]),
            Text("年度", "the year"), out)
    for lab in layout.labels:
        fmt = styles[lab.style]
        if (lab.last_row, lab.last_col) != (lab.row, lab.col):
            checked(ws.merge_range(lab.row, lab.col, lab.last_row, lab.last_col, lab.text, fmt), Text("合并单元格", "a merge"), out)
        else:
            checked(ws.write_string(lab.row, lab.col, lab.text, fmt), Text("名称", "a label"), out)
    pages = printsetup.paginate(layout, inputs, results)
    fixed = layout.fixed_values(inputs)
    for cell in _form_cells(layout):
        style = _given_style(cell.slot) if cell.slot.key in fixed else cell.style
        if cell.formula:
            _write_formula(ws, cell, results[cell.slot.key], styles[style], out)
        elif cell.merge and printsetup.splittable(cell.slot):  # one merge per page, each named
            for r1, c1, r2, c2 in printsetup.pieces(cell.merge, pages.breaks):
                piece = replace(cell, slot=replace(cell.slot, row=r1, last_row=r2),
                                merge=(r1, c1, r2, c2) if (r1, c1) != (r2, c2) else None)
                _write_value(ws, piece, inputs.get(cell.slot.key), styles[style], out)
        else:
            _write_value(ws, cell, inputs.get(cell.slot.key), styles[style], out)
    # the in-workbook guidance: dropdowns and rules, highlights, print setup, protection, guide, lists
    validation.write_validations(ws, layout, out)
    conditional.write_conditional_formats(wb, ws, layout, out)
    printsetup.setup(ws, layout, pages, out)
    protection.protect(ws, password)
    guide.write_guide(wb, layout, bool(password), out)
    lists.write_lists(wb, layout, styles, out)
    department = inputs.get("header.department_code")
    record = seal.record_text(t.id, t.version, year, fixed)
    for name, value in {**provenance.properties(layout, department if isinstance(department, str) else None, year),
                        **seal.properties(record, key)}.items():
        checked(wb.set_custom_property(name, value), Text(f"自定义属性 {name}", f"custom property {name}"), out)
    for name, ref in provenance.defined_names(layout).items():
        checked(wb.define_name(name, ref), Text(f"定义的名称 {name}", f"defined name {name}"), out)


@dataclass(frozen=True)
class _FormCell:
    """How a slot is written, the same in every workbook of a layout (worked out once)."""

    slot: Slot
    style: str
    merge: tuple[int, int, int, int] | None  # the merged range, None for a single cell
    formula: str  # "=…" for a formula slot, "" for a value


@per_layout
def _form_cells(layout: Layout) -> list[_FormCell]:
    cells = []
    for slot in layout.slots.values():
        merged = slot.bottom > slot.row or slot.last_col > slot.col
        cells.append(_FormCell(slot, style_of(slot), (slot.row, slot.col, slot.bottom, slot.last_col) if merged
                               else None, "=" + slot.formula if slot.role == FORMULA else ""))
    return cells


def _given_style(slot: Slot) -> str:
    """The look of a value the bureau set: locked, its own colour, aligned as its input would be."""
    if slot.type == "amount":
        return "given_amount"
    if slot.type in ("weight", "target", "actual", "computed"):
        return "given_number"
    if slot.type in ("operator", "unit") or slot.role == FIXED:
        return "given_center"
    return "given_text"


def _write_value(ws: Any, cell: _FormCell, value: Any, fmt: Any, out: Path) -> None:
    slot = cell.slot
    if cell.merge:
        # merged: write the value into the merge (text stays text, never a formula); apart from
        # merge_range(), which would drop what writing the value returned (a truncated text)
        checked(ws.merge_range(*cell.merge, "", fmt), slot.key, out)
    if value is None or value == "":
        checked(ws.write_blank(slot.row, slot.col, None, fmt), slot.key, out)
    elif isinstance(value, str):
        checked(ws.write_string(slot.row, slot.col, value, fmt), slot.key, out)
    else:
        checked(ws.write_number(slot.row, slot.col, float(value), fmt), slot.key, out)


def _write_formula(ws: Any, cell: _FormCell, value: Any, fmt: Any, out: Path) -> None:
    slot = cell.slot
    if cell.merge:
        checked(ws.merge_range(*cell.merge, "", fmt), slot.key, out)
    checked(ws.write_formula(slot.row, slot.col, cell.formula, fmt, cached_form(value)), slot.key, out)
