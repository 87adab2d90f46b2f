"""An XlsxWriter worksheet that prepares each distinct formula once, and writes blank cells
directly.

XlsxWriter runs about 400 regular expressions over every formula it writes (looking for
Excel 365 functions to prefix with _xlfn.), for cells, conditional formats and validations
alike. A form repeats the same few formula texts across rows and across a thousand
departments' workbooks, so caching the (pure) preparation by text cuts most of the time of
writing a workbook, with byte-identical output.

Most cells of a form are formatted blanks (the cells a merge covers, the empty inputs); their
element is always ``<c r="A1" s="N"/>``, written here without XlsxWriter's general path
(attribute lists, escaping), which is a good part of the time of saving a workbook.
"""

from __future__ import annotations

import functools
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import CellBlankTuple, Worksheet


@functools.lru_cache(maxsize=1 << 16)
def _prepared(formula: str, expand: bool, future: bool) -> Any:
    sheet = Worksheet()
    sheet.use_future_functions = future
    return Worksheet._prepare_formula(sheet, formula, expand)


class FastWorksheet(Worksheet):  # type: ignore[misc]  # xlsxwriter has no stubs: its Worksheet is Any
    def _prepare_formula(self, formula: Any, expand_future_functions: bool = False) -> Any:
        if not isinstance(formula, str):
            return super()._prepare_formula(formula, expand_future_functions)
        return _prepared(formula, bool(expand_future_functions), bool(self.use_future_functions))

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        if cell.__class__ is CellBlankTuple and cell.format:
            # a cell reference and an index need no escaping
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{cell.format._get_xf_index()}"/>')
        else:
            super()._write_cell(row, col, cell)
