"""Why a file cannot be read (the reason of verify's ``unreadable`` and ``unknown-template``
findings, and of an input that is refused): one code for each, the file's own parts, names and
sizes as fields; what a library said (a parser, zlib, xlrd) quoted as it is, as ``{said}``."""

from __future__ import annotations

from xlgen.errors import Catalogue
from xlgen.lang import Text


def _damaged(zh: str, en: str) -> Text:
    """The zip's own structure is broken."""
    return Text(f"zip 结构已损坏（{zh}）", f"the zip is damaged ({en})")


class IntakeCode(Catalogue):
    # the file
    CANNOT_OPEN = Text("无法打开文件（{said}）", "cannot open the file ({said})")
    EMPTY = Text("文件为空（0 字节）", "the file is empty (0 bytes)")
    TOO_LARGE = Text("文件超过 {limit}，不是一份自评表", "the file is over {limit}: not a returned form")
    ENCRYPTED = Text("工作簿设置了打开密码（已加密），请取消密码后另存为 .xlsx",
                     "the workbook is encrypted with a password; remove the password and save it as .xlsx")
    OLD_XLS = Text("这是旧版 .xls 工作簿，请另存为 .xlsx", "an old .xls workbook; save it as .xlsx")
    OLE2 = Text("这是旧版 Office 复合文档（OLE2），不是 .xlsx", "an old Office compound file (OLE2), not an .xlsx")
    XLSB = Text("这是 .xlsb（二进制）工作簿，请另存为 .xlsx", "an .xlsb (binary) workbook; save it as .xlsx")
    ODS = Text("这是 OpenDocument（.ods）文件，请另存为 .xlsx", "an OpenDocument (.ods) file; save it as .xlsx")
    WORD = Text("这是 Word 或 PowerPoint 文件，不是工作簿", "a Word or PowerPoint file, not a workbook")
    DAMAGED = Text("文件已损坏（{error}: {said}）", "the file is damaged ({error}: {said})")
    XLS_UNREADABLE = Text("无法读取该 .xls 工作簿（{said}），请另存为 .xlsx", "the .xls workbook cannot be read ({said}); save it as .xlsx")
    # the zip
    NOT_A_ZIP = Text("不是 .xlsx 文件（不是 zip 格式）", "not an .xlsx file (not a zip archive)")
    ZIP_TRUNCATED = Text("zip 文件不完整（被截断，缺少中央目录）", "the zip is truncated (no central directory)")
    ZIP64_LOCATOR = _damaged("缺少 ZIP64 定位记录", "the ZIP64 locator is missing")
    ZIP64_END = _damaged("ZIP64 结束记录无效", "the ZIP64 end record is invalid")
    ZIP64_EXTRA = _damaged("缺少 ZIP64 扩展字段", "a ZIP64 extra field is missing")
    MULTI_PART = _damaged("分卷 zip", "a multi-part zip")
    DIRECTORY_MISPLACED = _damaged("中央目录不在结束记录所指的位置", "the central directory is not where the end record says")
    DIRECTORY_ENTRY = _damaged("中央目录条目无效", "an invalid central directory entry")
    DIRECTORY_OVERRUN = _damaged("中央目录条目越界", "a central directory entry runs past its end")
    STORED_SIZES = _damaged("「{name}」未压缩但大小不一致", "'{name}' is stored but its two sizes differ")
    ENTRY_COUNT = _damaged("条目数与结束记录不符", "the number of entries differs from the end record")
    DATA_OVERRUN = _damaged("数据越过中央目录", "data runs into the central directory")
    LOCAL_HEADER = _damaged("本地文件头缺失", "a local file header is missing")
    TOO_MANY_ENTRIES = Text("zip 含有 {count} 个条目（目录 {size} 字节），超过上限 {limit}",
                            "the zip holds {count} entries ({size} bytes of directory); at most {limit} are read")
    PART_TWICE = Text("zip 中部件「{name}」出现两次（不同程序会读到不同内容）",
                      "the part '{name}' appears twice in the zip (different programs would read different contents)")
    ENTRY_ENCRYPTED = Text("zip 条目「{name}」已加密", "the zip entry '{name}' is encrypted")
    ENTRY_METHOD = Text("zip 条目「{name}」使用了不支持的压缩方式 {method}",
                        "the zip entry '{name}' uses the compression method {method}, which Excel never writes")
    ZIP_BOMB = Text("zip 炸弹：部件「{name}」声明解压后 {size}，是压缩大小的 {ratio:.0f} 倍（上限 {limit} 倍、{most}）",
                    "a zip bomb: the part '{name}' declares {size} inflated, {ratio:.0f} times its compressed "
                    "size (at most {limit} times and {most} are read)")
    ZIP_BOMB_TOTAL = Text("zip 炸弹：各部件解压后合计超过 {limit}", "a zip bomb: the parts inflate to more than {limit} in all")
    ENTRIES_OVERLAP = Text("zip 条目「{first}」与「{second}」的数据重叠（zip 炸弹的手法）",
                           "the zip entries '{first}' and '{second}' overlap (a zip bomb's trick)")
    UNSAFE_NAME = Text("zip 中含有不安全的路径名「{name!r}」（不是 .xlsx 的部件名）",
                       "the zip holds an unsafe path name {name!r} (not a part name of an .xlsx)")
    LOCAL_NAME = Text("zip 条目「{name}」的本地文件头名称与中央目录不一致",
                      "the local header of the zip entry '{name}' names another file than the directory")
    # the parts
    PART_MISSING = Text("缺少部件 {name}", "the part {name} is missing")
    PART_TOO_LARGE = Text("部件 {name} 解压后 {size}，超过读取上限 {limit}",
                          "the part {name} inflates to {size}, over the {limit} xlgen reads")
    PART_LIES = Text("部件 {name} 解压后超过其声明的大小 {size} 字节（伪造的 zip 头，可能是 zip 炸弹）",
                     "the part {name} inflates beyond its declared {size} bytes (a lying zip header, perhaps a zip bomb)")
    PART_CORRUPT = Text("部件 {name} 的压缩数据已损坏（{said}）", "the compressed data of the part {name} is damaged ({said})")
    PART_TRUNCATED = Text("部件 {name} 的压缩数据不完整（被截断）", "the compressed data of the part {name} ends early (truncated)")
    PART_CRC = Text("部件 {name} 已损坏（大小或 CRC 校验不符）", "the part {name} is damaged (its size or CRC does not match)")
    PART_EMPTY = Text("{part} 为空", "{part} is empty")
    LONG_TEXT = Text("{part} 中有超过 {limit} 的文本（单元格最多 32767 个字符）",
                     "{part} holds a text of over {limit} (a cell holds at most 32,767 characters)")
    NO_ROOT = Text("{part} 的前 1 MiB 中没有根元素", "{part} has no root element in its first MiB")
    DTD = Text("{part} 含有 DTD（文档类型声明），已拒绝读取", "{part} holds a DTD (document type declaration); refused")
    WORKBOOK_MISSING = Text("缺少工作簿部件（xl/workbook.xml）", "the workbook part (xl/workbook.xml) is missing")
    STRINGS_MISSING = Text("缺少共享字符串部件（{part}）", "the shared strings part ({part}) is missing")
    TOO_MANY_STRINGS = Text("单元格引用了第 {index} 个共享字符串，超过读取上限 {limit}",
                            "a cell uses shared string {index}; xlgen reads the first {limit}")
    # the sheets
    NO_SHEETS = Text("工作簿中没有工作表", "the workbook has no sheets")
    SHEET_PART_MISSING = Text("工作表「{sheet}」的部件（{part}）缺失", "the part of the sheet '{sheet}' ({part}) is missing")
    SHEET_DAMAGED = Text("工作表「{sheet}」（{part}）已损坏（{error}: {said}）",
                         "the sheet '{sheet}' ({part}) is damaged ({error}: {said})")
    SHEET_TOO_MANY_CELLS = Text("工作表「{sheet}」前 {rows} 行中的单元格超过 {limit} 个，超过读取上限",
                                "the sheet '{sheet}' has over {limit} cells in its first {rows} rows, more than xlgen reads")
    # which template
    TEMPLATE_NOT_KNOWN = Text("文件记录的模板 {template} {version} 不在已知模板中（已知：{known}）",
                              "the file names the template {template} {version}, which is not known here (known: {known})")
    LAYOUT_NEWER = Text("文件由 xlgen {made_by} 按版式 {layout} 生成，本程序按版式 {reads} 读取；请用 xlgen {made_by} 核验",
                        "the file was made by xlgen {made_by} with layout {layout}; this xlgen reads layout {reads}; "
                        "verify it with xlgen {made_by}")
    NO_TEMPLATE_MARKS = Text("文件没有 xlgen 的模板标记，其结构也不符合任何已知模板",
                             "the file carries no xlgen template properties and its structure matches no known template")
    SHEET_NOT_FOUND = Text("找不到工作表「{sheet}」（文件中的工作表：{sheets}）",
                           "the sheet '{sheet}' is missing (sheets in the file: {sheets})")
    SECTION_NOT_FOUND = Text("找不到「{section}」部分（行被删除或表格结构被修改）",
                             "the section '{section}' cannot be found (rows deleted or the form restructured)")
    NO_TEMPLATE_LABELS = Text("文件中找不到模板（{templates}）的标题和栏目名称",
                              "the file holds the title and labels of no template ({templates})")
    # a hand-made form read by its labels: a cell not read, and why
    ROW_OVERFLOW = Text("「{label}」一行多出的内容", "more than the row '{label}' holds")
    NOT_IN_TEMPLATE = Text("不在模板的任何位置", "not in any place of the template")
    READ_BY_KIND = Text("按内容读作「{label}」（它不在该列下）", "read as '{label}' by what it holds (not under that column)")
    ROW_NOT_AN_INDICATOR = Text("绩效指标表中的这一行没有三级指标名称、重复了一个指标，或是模板之外的指标却没有一级、二级指标",
                                "a row of the indicator table without a 三级指标 name, repeating an indicator, or one not "
                                "in the template's tree without its 一级/二级指标")
    NOT_A_NUMBER = Text("{slot} 应为数字", "{slot} must be a number")
    INTERNAL_ERROR = Text("xlgen 内部错误（{error}: {said}），请报告此文件", "internal error in xlgen ({error}: {said}); please report this file")
