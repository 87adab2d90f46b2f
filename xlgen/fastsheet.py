"""An XlsxWriter worksheet that prepares each distinct formula once.

XlsxWriter runs about 400 regular expressions over every formula it writes (looking for
Excel 365 functions to prefix with _xlfn.), for cells, conditional formats and validations
alike. A form repeats the same few formula texts across rows and across a thousand
departments' workbooks, so caching the (pure) preparation by text cuts most of the time of
writing a workbook, with byte-identical output.
"""

from __future__ import annotations

import functools
from typing import Any

from xlsxwriter.worksheet import Worksheet


@functools.lru_cache(maxsize=1 << 16)
def _prepared(formula: str, expand: bool, future: bool) -> Any:
    sheet = Worksheet()
    sheet.use_future_functions = future
    return Worksheet._prepare_formula(sheet, formula, expand)


class FastWorksheet(Worksheet):  # type: ignore[misc]
    def _prepare_formula(self, formula: Any, expand_future_functions: bool = False) -> Any:
        if not isinstance(formula, str):
            return super()._prepare_formula(formula, expand_future_functions)
        return _prepared(formula, bool(expand_future_functions), bool(self.use_future_functions))
