"""The errors of writing a workbook: Excel's limits a form would break (each said where it is
broken, ``AT_*``), what XlsxWriter refuses, and the protection password."""

from __future__ import annotations

from xlgen.errors import Catalogue
from xlgen.lang import Text


class GenerateCode(Catalogue):
    # where a limit is broken
    AT_SHEET = Text("工作表「{sheet}」", "sheet '{sheet}'")
    AT_COLUMN = Text("第 {column} 列", "column {column}")
    # Excel's limits (generate/limits.py)
    FORMULA_LONG = Text("公式长 {chars} 个字符，超过 Excel 的上限 {limit}",
                        "the formula is {chars} characters long; Excel's limit is {limit}")
    FORMULA_DEEP = Text("公式嵌套 {depth} 层，超过 Excel 的上限 {limit}",
                        "the formula nests {depth} levels deep; Excel's limit is {limit}")
    VALIDATION_FORMULA_LONG = Text("其公式长 {chars} 个字符，超过 Excel 数据验证的上限 {limit}",
                                   "its formula is {chars} characters long; Excel's limit for a data validation is {limit}")
    VALIDATION_TEXT_LONG = Text("其{called}长 {chars} 个字符，超过 Excel 的上限 {limit}",
                                "its {called} is {chars} characters long; Excel's limit is {limit}")
    VALIDATION = Text("{slot} 的数据验证：{problem}", "the data validation of {slot}: {problem}")
    SHEET_NAME_EMPTY = Text("工作表名不能为空", "a sheet name cannot be empty")
    SHEET_NAME_LONG = Text("工作表名「{name}」长 {chars} 个字符，超过 Excel 的上限 {limit}",
                           "the sheet name '{name}' is {chars} characters long; Excel's limit is {limit}")
    SHEET_NAME_CHARS = Text("工作表名「{name}」含有 Excel 不允许的字符（[ ] : * ? / \\ 之一）",
                            "the sheet name '{name}' holds one of [ ] : * ? / \\, which Excel does not allow")
    SHEET_NAME_APOSTROPHE = Text("工作表名「{name}」以撇号开头或结尾，Excel 不允许",
                                 "the sheet name '{name}' starts or ends with an apostrophe, which Excel does not allow")
    SHEET_NAME_HISTORY = Text("工作表名 History 为 Excel 保留", "Excel reserves the sheet name 'History'")
    SHEET_NAME_TAKEN = Text("表单工作表不能与 xlgen 自己的工作表（{guide}、{lists}）同名",
                            "the form's sheet may not be named like xlgen's own sheets ({guide}, {lists})")
    COLUMN_TOO_WIDE = Text("列宽 {width:g} 超过 Excel 的上限 {limit:g}", "the width {width:g} is over Excel's limit of {limit:g}")
    # the writer
    XLSXWRITER_RETURNED = Text("{file}：XlsxWriter 拒绝了{what}：返回 {returned}", "{file}: XlsxWriter refused {what}: returned {returned}")
    PASSWORD_CHARS = Text("--password：只能用 ASCII 字母、数字和标点（不能用 {chars}）",
                          "--password: use ASCII letters, digits and punctuation only (not {chars})")
    PASSWORD_LONG = Text("--password：最多 {limit} 个字符", "--password: at most {limit} characters")
