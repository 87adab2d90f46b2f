"""The roster's errors: one code for each thing a roster can get wrong, located at its file, its
sheet, its column or its cell; and what reading one notes without refusing it."""

from __future__ import annotations

from xlgen.errors import Catalogue
from xlgen.lang import Text

_FIX = ("：请在 Excel/WPS 中把该列设为「文本」格式后重新输入编码，或把名单另存为编码为文本的 CSV",
        "; format the column as 文本 (Text) in Excel/WPS and type the codes again, "
        "or save the roster as CSV with the codes as text")


def _at_file(zh: str, en: str) -> Text:
    return Text("{file}：" + zh, "{file}: " + en)


def _at_column(zh: str, en: str) -> Text:
    return Text("{file}：工作表「{sheet}」，{column} 列（「{name}」）：" + zh, "{file}: sheet '{sheet}', column {column} ('{name}'): " + en)


def _at_cell(zh: str, en: str) -> Text:
    return Text("{file}：工作表「{sheet}」，第 {row} 行，{column} 列（「{name}」）：" + zh,
                "{file}: sheet '{sheet}', row {row}, column {column} ('{name}'): " + en)


class RosterCode(Catalogue):
    # the file and its sheets
    NOT_A_ROSTER = _at_file("名单应为 .xlsx、.xls 或 .csv 文件", "a roster is an .xlsx, .xls or .csv file")
    XLS_UNREADABLE = _at_file("无法作为 .xls 读取（{error}：{said}）", "cannot be read as .xls ({error}: {said})")
    XLSX_UNREADABLE = _at_file("无法作为 .xlsx 读取：{reason}", "cannot be read as .xlsx: {reason}")
    SHEET_UNREADABLE = _at_file("工作表「{sheet}」无法读取：{reason}", "sheet '{sheet}' cannot be read: {reason}")
    SHEET_TOO_LONG = _at_file("工作表「{sheet}」超过 {limit} 行", "sheet '{sheet}' has more than {limit} rows")
    CSV_ENCODING = _at_file("不是 UTF-8 或 GB18030 编码的文本", "not UTF-8 or GB18030 text")
    CSV_TOO_LONG = _at_file("超过 {limit} 行", "more than {limit} rows")
    # the columns
    COLUMN_MISSING = _at_file("工作表「{sheet}」的前几行中没有「{label}」列（{field}）",
                              "sheet '{sheet}' has no column {field} ({label}) in its first rows")
    FIXED_COLUMNS_MISSING = _at_file("工作表「{sheet}」缺少模板 {template} 由财政填写的列：{columns}；请补上这些列，"
                                     "或加 --leave-open 把这些单元格留给部门填写",
                                     "sheet '{sheet}' lacks the columns template {template} fills for the bureau: {columns}; "
                                     "add them, or pass --leave-open to leave those cells for the departments to fill")
    COLUMN_REPEATS = _at_column("与 {first} 列重复（{field}）", "repeats column {first} ({field})")
    # the cells
    NOT_A_NUMBER = _at_cell("「{value}」不是数字", "{value!r} is not a number")
    CODE_A_NUMBER = _at_cell("编码 {value} 以数字而非文本保存" + _FIX[0], "the code {value} is stored as a number, not as text" + _FIX[1])
    CODE_SCIENTIFIC = _at_cell("编码「{value}」是科学计数法，表格已丢失其中的数字" + _FIX[0],
                               "the code {value!r} is in scientific notation: the spreadsheet has lost its digits" + _FIX[1])
    BUREAU_CELL_EMPTY = _at_cell("为空；该单元格由财政填写，请补上，或加 --leave-open 把它留给部门填写",
                                 "is empty; the bureau fills this cell: fill it in, or pass --leave-open to leave it for "
                                 "the department")
    NEGATIVE = _at_cell("「{value:g}」是负数；金额应大于或等于 0", "{value:g} is negative; an amount is 0 or more")
    NAME_EMPTY = _at_cell("部门名称为空", "the department name is empty")
    CODE_EMPTY = _at_cell("部门编码为空", "the department code is empty")
    CODE_REPEATS = _at_cell("编码 {code} 已在第 {earlier} 行出现", "code {code} already appears in row {earlier}")
    CODE_UNKNOWN = _at_cell("编码「{code}」不是第一个工作表中的部门", "code {code!r} is not a department of the first sheet")
    INDICATOR_NAME_EMPTY = _at_cell("指标名称（三级指标）为空", "the indicator's name (三级指标) is empty")
    INDICATOR_UNKNOWN = _at_cell("「{indicator}」不是模板 {template} 的指标；新增指标还需填写一级指标和二级指标",
                                 "'{indicator}' is not an indicator of template {template}; "
                                 "a new indicator also needs 一级指标 and 二级指标")
    # the departments
    NO_DEPARTMENT = _at_file("工作表「{sheet}」中没有部门", "sheet '{sheet}' lists no department")
    WEIGHTS_SUM = _at_file("工作表「{sheet}」：部门 {code} 的指标分值合计 {total:g}，模板的合计为 {expected:g}",
                           "sheet '{sheet}': the indicator weights (分值) of department {code} add up to {total:g}; "
                           "the template's total is {expected:g}")
    SAME_FILE = _at_file("两个部门得出同一个文件名 {clash}", "two departments give the same file {clash}")
    # what reading a roster notes (a warning, not a refusal)
    LEFT_OPEN = Text("名单中没有 {columns}：这些单元格留空，由部门填写（--leave-open）",
                     "the roster has no {columns}: those cells are left open for the departments (--leave-open)")
    CELLS_LEFT_OPEN = Text("工作表「{sheet}」中 {cells} 为空：这些单元格留空，由部门填写（--leave-open）",
                           "sheet '{sheet}': {cells} empty, those cells are left open for the departments (--leave-open)")
    COLUMNS_IGNORED = Text("工作表「{sheet}」中不认识的列已忽略：{columns}", "sheet '{sheet}': columns not known, ignored: {columns}")
    TOTALS_SKIPPED = Text("工作表「{sheet}」第 {rows} 行是合计/小计，已跳过", "sheet '{sheet}': row {rows} (合计/小计) skipped")
