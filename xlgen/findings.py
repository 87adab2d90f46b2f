"""The one catalogue of findings about a returned workbook.

Each finding has a stable kebab-case code, a severity and a Chinese and an English message
template; a ``Finding`` locates it by sheet, A1 cell and field (the layout's slot key, e.g.
``tasks[0].executed``), and carries the values its message names. ``errors/`` holds the errors
that stop a command (a broken template, bad fill data); this module holds what ``xlgen verify``
reports about the files that come back. A template's own rule (``[checks]``, template/rules.py)
may add a code of its own, worded in the template (``OwnCode``).
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as _field
from enum import Enum
from typing import Any

from xlgen.lang import Text as Text  # re-exported: the catalogue's users take Text from here
from xlgen.errors import Said, said
from xlgen.errors.intake import IntakeCode
from xlgen.lang import pick

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Detail:
    code: str
    severity: str
    zh: str
    en: str

    @property
    def text(self) -> Text:
        return Text(self.zh, self.en)


class Code(Enum):
    """code, severity, zh message, en message (placeholders in braces)."""

    UNREADABLE = Detail(
        "unreadable", ERROR,
        "无法读取该文件：{reason}",
        "the file cannot be read: {reason}")
    UNKNOWN_TEMPLATE = Detail(
        "unknown-template", ERROR,
        "无法确定该文件所用的模板：{reason}",
        "cannot tell which template this file was made from: {reason}")
    NEVER_CALCULATED = Detail(
        "never-calculated", ERROR,
        "全部公式结果均为空或 0：文件保存前从未计算（请在 Excel/WPS 中打开、重新计算后再保存）",
        "every formula result is empty or 0: the file was never calculated before it was saved "
        "(open it in Excel/WPS, recalculate and save)")
    FORMULA_OVERWRITTEN = Detail(
        "formula-overwritten", ERROR,
        "{cell}（{label}）应为公式，却被填入了常量 {value}",
        "{cell} ({label}) should hold a formula but holds the constant {value}")
    FORMULA_CHANGED = Detail(
        "formula-changed", ERROR,
        "{cell}（{label}）的公式被修改：应为 ={expected}，实为 ={found}",
        "{cell} ({label}): the formula was changed: expected ={expected}, found ={found}")
    EXTERNAL_REFERENCE = Detail(
        "external-reference", ERROR,
        "{where} 含有指向其他文件或程序的链接（{found}），已拒绝计算",
        "{where} links to another file or program ({found}); it was not evaluated")
    CACHED_VALUE_MISMATCH = Detail(
        "cached-value-mismatch", ERROR,
        "{cell}（{label}）保存的结果 {found} 与按模板公式重新计算的 {expected} 不一致",
        "{cell} ({label}) holds the saved result {found}; the template's formulas give {expected}")
    VALUE_MISMATCH = Detail(
        "value-mismatch", ERROR,
        "{cell}（{label}）填写的结果 {found} 与按模板规则由所填数据重新计算的 {expected} 不一致",
        "{cell} ({label}) holds the typed result {found}; the template's rules give {expected} from the typed inputs")
    NOT_GENERATED = Detail(
        "not-generated", WARNING,
        "该文件不是 xlgen 生成的表（按模板「{template}」的栏目名称读取）：没有公式、保护和数据验证可查，"
        "只核对了所填结果与按模板规则重新计算的结果",
        "this file was not made by xlgen (read by the labels of the template '{template}'): it has no formulas, "
        "protection or data validation to check; its typed results were checked against the template's rules")
    CONVERTED = Detail(
        "converted", WARNING,
        "该文件是 {format} 格式，已由 LibreOffice 转换为 .xlsx 后核验：公式、计算结果、保护和数据验证均读自转换后的文件"
        "（原文件未改动）；请尽量以 .xlsx 格式提交",
        "the file is an {format} workbook, converted to .xlsx by LibreOffice and verified as such: its formulas, "
        "results, protection and data validation were read from the conversion (the original is unchanged); "
        "return .xlsx files where you can")
    NOT_CONVERTED = Detail(
        "not-converted", WARNING,
        "该文件是 xlgen 生成的表另存的 {format} 文件，但未能由 LibreOffice 转换为 .xlsx（{reason}）：只按栏目名称读取了所填的值、"
        "核对了所填结果，公式、保护和数据验证未能核对；请另存为 .xlsx 后提交",
        "the file is xlgen's form saved as {format}, but LibreOffice could not convert it to .xlsx ({reason}): only "
        "its values were read (by the labels) and its typed results checked; its formulas, protection and data "
        "validation could not be checked; save it as .xlsx and return that")
    CELL_UNPLACED = Detail(
        "cell-unplaced", WARNING,
        "{cell} 的内容「{text}」未能对应到模板的任何位置（{reason}），未读取",
        "{cell} holds '{text}', which fits no place of the template ({reason}); it was not read")
    WEIGHTS_TOTAL = Detail(
        "weights-total", ERROR,
        "{table}的分值合计 {found}，应为 {expected}",
        "the weights of {table} add up to {found}; the template's total is {expected}")
    SCORE_OVER_WEIGHT = Detail(
        "score-over-weight", ERROR,
        "{cell}（{label}）得分 {score} 不在 0 到分值 {weight} 之间",
        "{cell} ({label}): the score {score} is not between 0 and the weight {weight}")
    DEVIATION_MISSING = Detail(
        "deviation-missing", ERROR,
        "「{name}」完成程度 {degree} 小于 1，须填写{missing}",
        "'{name}': the completion degree {degree} is below 1, so {missing} must be filled")
    PERCENT_SCALE = Detail(
        "percent-scale", WARNING,
        "{cell}：「{name}」的度量单位为 %，全年完成值 {actual} 与指标值 {target} 相差约 100 倍，疑似百分数填法有误："
        "是否应填 {fix}？请核实后按百分数填写（95% 填 95，不填 0.95）",
        "{cell}: '{name}' is measured in %, yet its actual {actual} and its target {target} differ about "
        "100-fold: did you mean {fix}? Check it and type percents as such (95 % is typed 95, not 0.95)")
    WEIGHT_NOT_POSITIVE = Detail(
        "weight-not-positive", ERROR,
        "{cell}：「{name}」的分值 {weight} 不大于 0，分值须大于 0",
        "{cell}: '{name}' has the weight {weight}; a weight must be above 0")
    NOT_A_NUMBER = Detail(
        "not-a-number", ERROR,
        "{cell}（{label}）应填数字，却是文本「{text}」",
        "{cell} ({label}) must hold a number but holds the text '{text}'")
    UNIT_INVALID = Detail(
        "unit-invalid", WARNING,
        "{cell}：度量单位「{unit}」不在模板的单位列表中（{expected}）",
        "{cell}: the unit '{unit}' is not in the template's list ({expected})")
    OPERATOR_INVALID = Detail(
        "operator-invalid", ERROR,
        "{cell}：「{name}」的运算符号「{operator}」无效，应为 {expected} 之一",
        "{cell}: '{name}' has the operator '{operator}'; expected one of {expected}")
    GRADE_INVALID = Detail(
        "grade-invalid", ERROR,
        "{cell}：定性指标「{name}」的全年完成值「{grade}」不是评价等级之一",
        "{cell}: the qualitative indicator '{name}' has '{grade}', which is not one of the grades")
    GRADE_BAND = Detail(
        "grade-band", ERROR,
        "{cell}：「{name}」完成程度 {degree} 不在所选等级「{grade}」的区间 {band} 内",
        "{cell}: '{name}' has the degree {degree}, outside the band {band} of its grade '{grade}'")
    EXECUTION_OVER_100 = Detail(
        "execution-over-100", WARNING,
        "{cell}：项目执行金额 {executed} 大于项目下达金额 {allocated}（执行率超过 100%）",
        "{cell}: the executed amount {executed} exceeds the allocated {allocated} (a rate over 100 %)")
    REQUIRED_MISSING = Detail(
        "required-missing", ERROR,
        "{cell}：必填项「{label}」为空",
        "{cell}: the required field '{label}' is empty")
    ROW_WITHOUT_FORMULAS = Detail(
        "row-without-formulas", ERROR,
        "第 {row} 行是插入的行，缺少公式（{cells}）：请复制上一行后再填写",
        "row {row} was inserted without the formulas ({cells}): copy a row of the table instead")
    ROW_DELETED = Detail(
        "row-deleted", ERROR,
        "指标「{name}」所在的行被删除",
        "the row of the indicator '{name}' was deleted")
    VBA_PROJECT = Detail(
        "vba-project", WARNING,
        "工作簿含有宏（{parts}）；xlgen 未运行它们。自评表不需要宏，请另存为 .xlsx",
        "the workbook holds macros ({parts}); xlgen did not run them. The form needs no macros: save it as .xlsx")
    EMBEDDED_OBJECT = Detail(
        "embedded-object", WARNING,
        "{where}含有嵌入对象或控件（{parts}）；xlgen 未打开或运行它们。自评表不需要嵌入对象，请删除后再保存",
        "{where} holds embedded objects or controls ({parts}); xlgen did not open or run them. The form needs "
        "none: delete them and save it again")
    TEXT_TOO_LONG = Detail(
        "text-too-long", WARNING,
        "{cell}（{label}）的文本有 {length} 个字符，超过 Excel 的上限 32767，只读取了前 32767 个",
        "{cell} ({label}) holds a text of {length} characters, over Excel's limit of 32,767; "
        "only the first 32,767 were read")
    TEXT_OVERFLOWS = Detail(
        "text-overflows", WARNING,
        "{cell}（{label}）的文字有 {length} 字，超过该单元格在 Excel 最大行高（409 磅）下能显示的约 {shown} 字："
        "表中和打印只显示开头部分（全文已读取），请精简",
        "{cell} ({label}) holds {length} characters, more than the about {shown} its cell shows at Excel's "
        "highest row (409 pt): the form and its print show only the beginning (the whole text was read); shorten it")
    PROTECTION_REMOVED = Detail(
        "protection-removed", WARNING,
        "工作表「{sheet}」的保护被取消",
        "the protection of the sheet '{sheet}' was removed")
    VALIDATION_REMOVED = Detail(
        "validation-removed", WARNING,
        "{cell}（{label}）的数据验证（下拉列表或数值限制）被删除或改为「任何值」",
        "{cell} ({label}): the data validation (dropdown or number check) was removed or set to 'any value'")
    NOT_DISTRIBUTED = Detail(
        "not-distributed", ERROR,
        "该文件不是本次分发的任何部门的表：{reason}",
        "the file is no department's form of this distribution: {reason}")
    FIXED_CHANGED = Detail(
        "fixed-changed", ERROR,
        "{cell} {label} 由 {expected} 改为 {found}：该项由财政部门下达，不得修改",
        "{cell} {label} was changed from {expected} to {found}: the bureau set it and it may not be changed")
    SEAL_BROKEN = Detail(
        "seal-broken", ERROR,
        "文件中下达值的记录与封印不符（{reason}）：记录或封印被改动，无法确认财政部门下达的值",
        "the record of the bureau's fixed values does not match its seal ({reason}): record or seal was "
        "edited, so the values the bureau set cannot be confirmed")
    SEAL_MISSING = Detail(
        "seal-missing", ERROR,
        "文件由 xlgen 生成，却没有下达值的记录和封印（{reason}）：无法核对财政部门下达的身份、金额和指标体系",
        "the file was made by xlgen but holds no sealed record of the bureau's fixed values ({reason}): the "
        "identity, amounts and indicator tree the bureau set cannot be checked")
    SEAL_PREDATES = Detail(
        "seal-predates", WARNING,
        "文件由旧版 xlgen（版式 {layout}）生成，没有下达值的封印：部门身份、预算金额、任务和指标体系的改动无法发现"
        "（用 --require-seal 时为错误）",
        "the file was made by an older xlgen (layout {layout}) without a seal of the bureau's fixed values: "
        "changes to the identity, budget amounts, tasks and indicator tree cannot be detected "
        "(an error with --require-seal)")
    FORMAT_CHANGED = Detail(
        "format-changed", ERROR,
        "{cell}（{label}）的数字格式被改为「{found}」（模板为「{expected}」）：表中和打印显示的可能不是单元格的值 {value}",
        "{cell} ({label}): the number format was changed to '{found}' (the template's is '{expected}'): the form "
        "and its print may show another number than its value {value}")
    FORMULA_IN_INPUT = Detail(
        "formula-in-input", ERROR,
        "{cell}（{label}）是填报项，应填写数值或文字，却是公式 ={formula}",
        "{cell} ({label}) is an input and must hold a value, but holds the formula ={formula}")
    SEAL_UNCHECKED = Detail(
        "seal-unchecked", WARNING,
        "文件的封印由财政部门的密钥生成，未提供 --key-file，封印无法核对（下达值仍按记录核对）",
        "the file is sealed with the bureau's key and no --key-file was given: the seal was not checked "
        "(the fixed values were still compared with the record)")
    MARKS_REMOVED = Detail(
        "marks-removed", ERROR,
        "文件自称是分发给部门 {department} 的表，却没有 xlgen 的标记（缺少{missing}）：公式、保护和下达值的封印无从核对；"
        "按栏目名称读取只用于从未由 xlgen 分发的表（import）",
        "the file claims to be the form distributed to the department {department} but carries no xlgen marks "
        "(missing: {missing}): its formulas, protection and the seal of the bureau's values cannot be checked; "
        "reading by labels is only for forms xlgen never distributed (import)")
    MARKS_CHANGED = Detail(
        "marks-changed", ERROR,
        "{label}与分发的表 {blank} 不同：分发的为 {expected}，交回的为 {found}",
        "{label} differs from the distributed blank {blank}: distributed {expected}, returned {found}")
    TASK_ADDED = Detail(
        "task-added", ERROR,
        "{cell}（{label}）填了 {value}：本部门的任务及其下达金额由财政部门下达，空行不得另填下达金额",
        "{cell} ({label}) holds {value}: the bureau set this department's tasks and their amounts; a row it "
        "left open may not be given an amount")
    TASKS_OWN = Detail(
        "tasks-own", WARNING,
        "分发时未下达任务，年度主要任务（{count} 行）由部门自行填写，请财政部门核实",
        "the distribution set no tasks: the department typed its own ({count} rows); the bureau should check them")
    CONVERSION_REQUIRED = Detail(
        "conversion-required", ERROR,
        "该 {format} 文件未能转换为 .xlsx（{reason}），而本次核验须核对封印和分发的下达值：只读出的值不能作为通过的依据；"
        "请安装 LibreOffice 后重新核验，或请部门另存为 .xlsx 后提交",
        "this {format} file could not be converted to .xlsx ({reason}), and this verification checks the seal and the "
        "distributed values: values read alone cannot pass; install LibreOffice and verify again, or have the "
        "department save it as .xlsx")
    NOT_CARRIED = Detail(
        "not-carried", ERROR,
        "未结转：{seal}。结转只沿用财政部门下达并封印的值{hint}",
        "not rolled over: {seal}. Rollover carries only the values the bureau set and sealed{hint}")

    @property
    def code(self) -> str:
        return self.value.code

    @property
    def severity(self) -> str:
        return self.value.severity


BY_CODE: dict[str, Code] = {c.code: c for c in Code}
READ_FAILURES = frozenset({Code.UNREADABLE, Code.UNKNOWN_TEMPLATE, Code.CONVERSION_REQUIRED})


@dataclass(frozen=True)
class OwnCode(Detail):
    """A finding code of a template's own rule (its [checks], xlgen/template/rules.py), worded
    there; it reads like a member of ``Code``."""

    @property
    def value(self) -> Detail:
        return self


def rule_code(code: str, severity: str = "", zh: str = "", en: str = "") -> Code | OwnCode:
    """The catalogue's code of that name, else a template's own code with its wording."""
    return BY_CODE[code] if code in BY_CODE else OwnCode(code, severity, zh, en)


@dataclass(frozen=True)
class Finding:
    """One located finding. ``params`` fill the message templates."""

    code: Code | OwnCode
    sheet: str | None = None
    cell: str | None = None
    field: str | None = None
    params: dict[str, Any] = _field(default_factory=dict)

    @property
    def severity(self) -> str:
        return self.code.severity

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang``, else in the run's language (as an error's)."""
        detail = self.code.value
        template = pick(detail.text, lang)
        shown = {k: show(v, lang) for k, v in self.params.items()}
        # a finding at no cell reads without one ("the document property year …"), not "(empty) …"
        return template.format_map(_Defaults({"cell": self.cell or "", "sheet": self.sheet or "", **shown})).strip()

    def to_json(self, lang: str | None = None) -> dict[str, Any]:
        return {"code": self.code.code, "severity": self.severity, "sheet": self.sheet,
                "cell": self.cell, "field": self.field, "message": self.message(lang)}


def finding(code: Code | OwnCode, sheet: str | None = None, cell: str | None = None, field: str | None = None,
            **params: Any) -> Finding:
    return Finding(code, sheet, cell, field, params)


def internal_error(exc: Exception) -> Finding:
    """A bug of xlgen's on one file, as that file's ``unreadable`` finding (a batch goes on)."""
    return finding(Code.UNREADABLE, reason=said(IntakeCode.INTERNAL_ERROR, error=type(exc).__name__, said=str(exc)[:250]))


class _Defaults(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "?"


EMPTY = Text("（空）", "(empty)")


def show(value: Any, lang: str | None = None) -> str:
    """A value as a message shows it: 12.63, not 12.630000000000001; nothing as (empty)."""
    if isinstance(value, Text):
        return pick(value, lang)
    if isinstance(value, Said):
        return value.message_in(lang)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return format(value, ".15g")
    if value is None or value == "":
        return pick(EMPTY, lang)
    return str(value)
