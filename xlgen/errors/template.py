"""The template's errors (and a fill's, read against it): one code for each thing a TOML file can
get wrong, each naming the file and the dotted key (``keyed``) and what was expected there."""

from __future__ import annotations

from xlgen.errors import Catalogue, keyed
from xlgen.lang import Text

_NO_EFFECT_ZH, _NO_EFFECT_EN = "此键在这里不起作用：{}；删除它", "has no effect here ({}); remove it"


def _no_effect(zh: str, en: str) -> Text:
    """A key given where it changes nothing (#22: a mistake must not vanish)."""
    return keyed(_NO_EFFECT_ZH.format(zh), _NO_EFFECT_EN.format(en))


class TemplateCode(Catalogue):
    # the TOML itself (tomllib's own words are quoted as {said}; {gloss} says them in Chinese)
    TOML_SYNTAX_AT = Text("{file}：不是有效的 TOML：第 {line} 行第 {column} 列语法错误{gloss}（{said}）",
                          "{file}: not valid TOML: line {line}, column {column}: {said}{gloss}")
    TOML_SYNTAX_END = Text("{file}：不是有效的 TOML：文件末尾语法错误{gloss}（{said}）",
                           "{file}: not valid TOML: end of document: {said}{gloss}")
    TOML_SYNTAX = Text("{file}：不是有效的 TOML：语法错误（{said}）", "{file}: not valid TOML: {said}")
    TOML_NOT_UTF8 = Text("{file}：不是有效的 TOML：不是 UTF-8 编码（{said}）", "{file}: not valid TOML: not UTF-8 ({said})")
    NOT_FINITE = keyed("{value} 不是有限的数值；请填写数字", "{value} is not a finite number; give a number")
    FIELD_NAME = keyed("「{value}」不是字段名；应由英文字母、数字和 _ 组成，以字母开头",
                       "'{value}' is not a field name; expected letters, digits and _, starting with a letter")
    NOT_ONE_OF = keyed("「{value}」不是{what}；应为以下之一：{choices}", "'{value}' is not {what}; expected one of {choices}")
    NOT_A_FORMULA = keyed("「{name}」不是 [formulas] 中的键；已有：{known}", "'{name}' is not a key of [formulas]; known: {known}")
    NO_SUCH_FORMULA = keyed("「{name}」不是 [formulas] 中的键", "'{name}' is not a key of [formulas]")
    # the template's files and tables
    EXTENDS_CIRCLE = keyed("模板互相继承成环：{circle}", "templates extend each other in a circle: {circle}")
    EXTENDS_MISSING = keyed("在它旁边和 {where} 中都没有模板「{name}」", "no template '{name}' beside it or in {where}")
    SECTIONS = keyed('{sections}：应为 tasks、goals 中的若干个（各一次），最后是 indicators（如 ["goals", "tasks", "indicators"]）',
                     "{sections}: expected some of tasks, goals, each once, "
                     'then indicators last (e.g. ["goals", "tasks", "indicators"])')
    SECTION_ABSENT = keyed('表中没有 {name}（[template] sections 未列出它）：删除该表，或把 "{name}" 加入 sections',
                           'the form has no {name} ([template] sections leaves it out); remove the table '
                           'or add "{name}" to sections')
    TASKS_WEIGHT_ALONE = keyed("表中没有 tasks（[template] sections 未列出它）：此键无作用，删除它",
                               "the form has no tasks ([template] sections leaves them out): this key has no effect; "
                               "remove it")
    TOTAL_WITHOUT_SCORES = keyed("表中没有分值列和得分列：[total] 无作用，删除它",
                                 "the form has no weight or score column: [total] has no effect; remove it")
    WEIGHT_WITHOUT_POINTS = keyed("{table} 表没有分值：此键无作用，删除它",
                                  "the {table} table carries no points: this key has no effect; remove it")
    SUBTOTAL_LABEL_ALONE = keyed("没有 subtotals 时此键无作用：删除它，或给出 subtotals",
                                 "has no effect without subtotals: remove it or give subtotals")
    UNIT_NOTE_AT_ALONE = keyed("没有 unit_note 时此键无作用：删除它", "has no effect without a unit_note: remove it")
    TASK_ROWS_NONE = keyed('任务行数为 {count}；没有任务的表应在 [template] sections 中去掉 "tasks"（并去掉 [tasks] 表）',
                           '{count} task rows; a form without tasks leaves "tasks" out of '
                           "[template] sections (and the [tasks] table out)")
    TASK_ROWS_FUNDING = keyed("任务行数为 {count}，而 tasks.funding 放置 {rows} 行（合计及其来源）：请删去 rows.tasks",
                              "{count} task rows, but tasks.funding places {rows} (the total and its sources); "
                              "leave rows.tasks out")
    # [formulas] and what uses them
    FUNCTION_NOT_ALLOWED = keyed("公式用了 {function}()，它不在 xlgen 允许的经典函数之中：{allowed}",
                                 "formula uses {function}(), which is not one of the classic functions xlgen allows: "
                                 "{allowed}")
    PARENTHESES = keyed("公式的括号不配对", "formula has unbalanced parentheses")
    LEVEL_WITHOUT_LEVELS = keyed("{{level}} 表示总分的等级，但模板没有 [[levels]]",
                                 "{{level}} names the total's level, but the template has no [[levels]]")
    PLACEHOLDER_UNKNOWN = keyed("占位符 {{{ref}}} 不是任务表或绩效指标表的列",
                                "placeholder {{{ref}}} names no column of the tasks or indicators table")
    PLACEHOLDER_NOT_IN_TABLE = keyed("占位符 {{{ref}}} 不是 {table} 表的列（该表的列「{column}」用了这个公式）",
                                     "placeholder {{{ref}}} names no column of the {table} table, "
                                     "where column '{column}' uses this formula")
    # lists, grades and the tree
    LIST_EMPTY = keyed("列表为空", "the list is empty")
    LIST_REPEATS = keyed("{repeated} 重复；每项只能出现一次", "repeats {repeated}; each entry must be unique")
    GRADES_REPEAT = keyed("等级名称重复", "grade labels repeat")
    GRADE_BAND = keyed("区间 {low}..{high} 应满足 0 <= min <= max <= 1", "band {low}..{high} must satisfy 0 <= min <= max <= 1")
    OPERATOR_UNLISTED = keyed("「{operator}」不在 lists.operators（{listed}）中", "'{operator}' is not in lists.operators ({listed})")
    UNIT_UNLISTED = keyed("「{unit}」不在 lists.units 中", "'{unit}' is not in lists.units")
    OPERATOR_MISSING = keyed("数值型指标值需要运算符号（定性指标的指标值为文字）",
                             "a numeric target needs an operator (qualitative rows have a text target)")
    NAME_REPEATS = keyed("「{name}」与前面的指标重名；指标名称不能重复",
                         "'{name}' repeats an earlier indicator's name; names must be unique")
    WEIGHTS_SUM = keyed("指标分值合计 {total:g}，而 weights.indicators 为 {expected:g}",
                        "indicator weights add up to {total:g}; weights.indicators says {expected:g}")
    # columns, header and footer fields, funding rows
    SPAN = keyed("{span} 不是列数；应为 1 或更大", "{span} is not a column count; expected 1 or more")
    FIELD_SPAN = keyed("跨列数应为 1 或更大的整数", "spans are column counts; expected 1 or more")
    LABEL_SPAN = keyed("{span} 不是名称「{label}」可用的跨列数", "{span} is not a column count for the label '{label}'")
    COMPUTED_COLUMN_FORMULA = keyed("计算列须给出公式（[formulas] 中的键）",
                                    "a computed column names its formula (a key of [formulas])")
    COMPUTED_FIELD_FORMULA = keyed("计算字段须给出公式（[formulas] 中的键），且只有计算字段有公式",
                                   "a computed field names its formula (a key of [formulas]); only a computed field has one")
    NO_EFFECT_NOT_COMPUTED = _no_effect("只有计算列有公式和格式", "only a computed column has a formula and a format")
    NO_EFFECT_REQUIRED = _no_effect("计算列不是输入，无所谓必填", "a computed column is no input: it is never required")
    NO_EFFECT_COMPUTED_FIELD = _no_effect("计算字段不是输入：没有必填和输入提示",
                                          "a computed field is no input: it has no required nor hint")
    NO_EFFECT_NO_LABEL = _no_effect("没有 label 时此键无作用", "has no effect without a label")
    NO_EFFECT_NOTHING_MARKED = _no_effect("marked 为空：没有列显示标记", "marked is empty: no column shows the mark")
    NO_EFFECT_NO_COLUMN = _no_effect("绩效指标表没有「{column}」列", "the indicators have no '{column}' column")
    NO_EFFECT_NO_POINTS = _no_effect("绩效指标表既没有分值列也没有得分列", "the indicators have neither a weight nor a score column")
    APPLIES_TWICE = keyed('第二个 "applies" 列；一张表最多一个', 'a second "applies" column; the table has one at most')
    APPLIES_WORD = keyed('columns[{column}] 是 "applies" 列：请给出标记某行不适用的词，如 not_applicable = "不适用"',
                         'columns[{column}] is an "applies" column; say the word that marks a row as not applicable, '
                         'e.g. not_applicable = "不适用"')
    APPLIES_COLUMN = keyed('表中没有类型为 "applies" 的列来填写它', 'the table has no column of type "applies" to hold it')
    SOURCES_EMPTY = keyed("列表为空；请列出合计下方的资金来源", "the list is empty; name the sources beneath the total")
    FUNDING_LABEL = keyed("「{label}」为空或重复；每行的名称须唯一", "'{label}' is empty or repeats; each row's label is unique")
    FUNDING_TEXT_COLUMN = keyed("表中没有文字列来填写各行的名称", "the table has no text column to hold the rows' labels")
    # the form's shape: widths, the total and its subtotals, the print edge
    WIDTHS_DIFFER = keyed("tasks、goals 和 indicators 须一样宽（栏目名称之后 {columns} 列）",
                          "tasks, goals and indicators must span the same width ({columns} columns after the section label)")
    ROW_TOO_WIDE = keyed("名称和字段共跨 {wide} 列，而表宽 {width} 列",
                         "the label and fields span {wide} columns; the table is {width} wide")
    ROW_TOO_WIDE_PRINTED = keyed("名称和字段共跨 {wide} 列，而打印的表宽 {width} 列",
                                 "the label and fields span {wide} columns; the printed form is {width} wide")
    TOTAL_LABEL_SPAN = keyed("{span} 列之后没有放得分的列；表宽 {width} 列",
                             "{span} leaves no column for the score; the table is {width} wide")
    SUBTOTALS_NOT_TIER = keyed("「{subtotals}」不是绩效指标表的层级列；应为以下之一：{tiers}",
                               "'{subtotals}' is not a tier column of the indicators; expected one of {tiers}")
    SUBTOTALS_COLUMNS = keyed('绩效指标表须有得分列（字段 "score"）和分值列（或在指标中给出各行分值）以供合计',
                              'the indicators need a score column (field "score") and a weight column '
                              '(or the rows\' points in the tree) to sum')
    SUBTOTAL_SPAN = keyed("小计的分值位于得分左侧：名称须跨 2 列或更多",
                          "a subtotal's 分值 sits left of the score: the label needs 2 columns or more")
    SUBTOTAL_NO_TIER = keyed("「{label}」没有写出层级：请在相应位置写 {{tier}}",
                             "'{label}' does not name the tier; write {{tier}} where it goes")
    PRINT_NOT_LAST = keyed("不打印的列须在绩效指标表的最右边（其后各列也不打印）",
                           "columns that do not print are the indicators' last (every column after them too)")
    PRINT_NOTHING = keyed("没有要打印的列", "no column prints")
    HEADER_PRINT_ORDER = keyed("不打印的表头行放在表头最前（它们位于标题之上）；请把这一行移到前面",
                               "header rows that do not print come first (they sit above the title); move this row up")
    PRINT_EDGE = keyed("跨过了打印边界（第 {edge} 列之后不打印）：请让它止于边界",
                       "crosses the print edge (nothing after column {edge} prints); make it end there")
    # [checks]: the template's own rules
    RULE_NAME = keyed("「{name}」不是规则名；应由小写字母、数字和 _ 组成",
                      "'{name}' is not a rule name; expected lower-case letters, digits and _")
    RULE_BUILT_IN = keyed("「{name}」由 xlgen 构建；模板只能给出它的 check、label、guide 和 highlight",
                          "'{name}' is built by xlgen; a template gives only its check, label, guide and highlight")
    RULE_CODE = keyed("「{finding}」不是问题代码；应为小写字母加连字符，如 measures-short",
                      "'{finding}' is not a finding code; expected kebab-case, e.g. measures-short")
    RULE_CODE_CATALOGUED = keyed("「{finding}」是 xlgen 问题目录中的代码，已有严重程度和提示语；要自拟提示语请另起一个代码",
                                 "'{finding}' is a code of xlgen's findings catalogue, which has its severity and "
                                 "messages; give a new code to word your own")
    RULE_CODE_MISSING = keyed("规则的严重程度和提示语属于它的问题代码：请给出 code",
                              "a rule's severity and messages belong to its finding code; give a code")
    RULE_SEVERITY = keyed("「{severity}」不是严重程度；应为 error 或 warning", "'{severity}' is not a severity; expected error or warning")
    RULE_WORDING = Text("{file}：缺少键「{key}」；应为问题「{finding}」的 {lang} 提示语",
                        "{file}: key '{key}' is missing; expected the {lang} message of the finding '{finding}'")
    RULE_READS_NO_TABLE = keyed("「{formula}」读取 {reads}，没有一张表全都具备：该规则不适用于任何行",
                                "'{formula}' reads {reads}, which no one table has all of: the rule applies to no row")
    RULE_FIX_ON_ERROR = keyed("只有提示项（warning）的规则在填报检查中给出应填的值",
                              "only a warning rule's 填报检查 row shows the value meant")
    RULE_AT = keyed("「{column}」不是任务表或绩效指标表的列", "'{column}' names no column of the tasks or indicators table")
    RULE_CHECK_TWICE = keyed("「{check}」已是另一条规则的填报检查行", "'{check}' is the 填报检查 row of another rule")
    # a fill, read against its template
    INDICATOR_UNKNOWN = keyed("模板「{template}」中没有名为「{name}」的指标",
                              "no indicator named '{name}' in template '{template}'")
    INDICATOR_UNKNOWN_CLOSE = keyed("模板「{template}」中没有名为「{name}」的指标；是否指「{close}」？",
                                    "no indicator named '{name}' in template '{template}'; did you mean '{close}'?")
    INDICATOR_UNKNOWN_NEW = keyed("模板「{template}」中没有名为「{name}」的指标（新增指标还须给出 {tiers}）",
                                  "no indicator named '{name}' in template '{template}' (a new indicator also needs {tiers})")
    FUNDING_ROW = keyed("{value} 不是资金行；应为 {rows}", "{value} names no funding row; expected {rows}")
    # `xlgen templates check`: the template as a whole (generate/templatecheck.py)
    BREAKS_LIMIT = keyed("{where}：{problem}", "{where}: {problem}")
    ROLLOVER_FIELD = keyed("「{name}」不是 {section} 的字段；应为以下之一：{fields}",
                           "'{name}' is not a field of the {section}; expected one of {fields}")
    FORMULAS_FAIL = keyed("无法计算：{said}", "does not evaluate: {said}")
    FORMULAS_FIELD = keyed("用了任何表都没有的字段：{name}", "names a field no table has: {name}")
    FORMULA_ERROR_ON_BLANK = keyed("{slot}（{cell}）在空白表上得出 {error}：{formula}", "{slot} ({cell}) gives {error} on a blank: {formula}")
    GRADES_START = keyed("最低的区间从 {low:g} 开始；应从 0 开始", "the lowest band starts at {low:g}; expected 0")
    GRADES_END = keyed("最高的区间须止于 1 并包含 1（max = 1，max_inclusive = true）",
                       "the highest band must end at 1 inclusive (max = 1, max_inclusive = true)")
    GRADES_GAP = keyed("「{low}」止于 {end:g}，而「{high}」从 {start:g} 开始；区间须首尾相接，不留空隙、不重叠",
                       "'{low}' ends at {end:g} but '{high}' starts at {start:g}; bands must meet without gap or overlap")
    GRADES_OVERLAP = keyed("「{low}」包含 {end:g}，而它也是「{high}」的起点；请设 max_inclusive = false",
                           "'{low}' includes {end:g}, which also starts '{high}'; set max_inclusive = false")
    LEVELS_REPEAT = keyed("等次名称重复", "level labels repeat")
    LEVELS_ORDER = keyed("下限 {mins} 须从最好的等次到最差的等次严格递减",
                         "minimums {mins} must fall strictly from the best level to the worst")
    LEVELS_START = keyed("最低等次须从 0 开始，使每个得分都有等次",
                         "the lowest level must start at 0 so that every score gets a level")
    WEIGHT_NOT_POSITIVE = keyed("「{name}」的分值须大于 0", "'{name}' needs a weight above 0")
    UNIT_MISSING = keyed("「{name}」是定量指标，须有度量单位", "'{name}' is quantitative and needs a unit")
    LABEL_TOO_LONG = keyed("「{label}」折成 {lines} 行，而其单元格只显示 {room} 行：请缩短，或让它跨更多列",
                           "'{label}' wraps into {lines} lines where its cell shows {room}; "
                           "shorten it or give its column a larger span")
