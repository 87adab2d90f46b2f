"""The command line's own words in both languages: --help texts, the lines it prints, and the
parts of usage errors. ``Help`` members are named in ``help=`` by their name (help strings are
set when the commands are declared, the language only when a run starts: ``cli`` swaps the
names for the texts then)."""

from __future__ import annotations

from enum import Enum
from typing import Any

from xlgen.findings import Text
from xlgen.lang import fill


class Help(Enum):
    APP = Text("生成、分发和核验《部门（单位）整体绩效自评表》工作簿。",
               "Generate, distribute and verify the 部门（单位）整体绩效自评表 workbook.")
    GENERATE = Text("按模板 TEMPLATE 生成自评表：用 --data 的数据填写，或生成空白表。",
                    "Write the self-evaluation workbook for TEMPLATE, filled from --data or blank.")
    DISTRIBUTE = Text("按名单 ROSTER 为每个部门生成一份预填的空白表，并写出 manifest.csv。",
                      "Write one pre-filled blank per department of ROSTER, and manifest.csv.")
    ROLLOVER = Text("由今年交回的自评表生成明年的空白表：沿用部门信息、任务和指标体系，清空执行金额、实际值、等级和说明。",
                    "Next year's blank from this year's returned workbook: identity, tasks and indicator tree "
                    "carried over; amounts executed, actuals, grades and texts cleared.")
    VERIFY = Text("核验交回的自评表：重算每个公式、发现被改动之处、检查表格规则。全部通过（用 --distributed 时：每个部门都通过）"
                  "时退出码为 0；有错误时为 1（用 --distributed 时还包括部门未报送、重复报送、未填写，或文件不属于本次分发）；"
                  "文件无法读取或参数有误时为 2。只读取输入文件，不修改。",
                  "Check returned workbooks: recompute every formula, detect tampering, check the form's rules. "
                  "Exit 0 when every file (with --distributed: every department) passes, 1 when any fails (or a "
                  "department is missing, duplicate, untouched, or a file was not distributed), 2 when a file "
                  "cannot be read or the arguments are wrong. Input files are only read.")
    PREVIEW = Text("用 LibreOffice Calc 重新计算后，按打印效果输出 FILE。",
                   "Render FILE as it prints, recalculated by LibreOffice Calc.")
    TEMPLATES = Text("列出模板，或检查一个模板。", "List the templates, or check one.")
    TEMPLATES_CHECK = Text("在使用前检查模板：分值、列表、函数、标签。",
                           "Check a template before anyone uses it: weights, lists, functions, labels.")
    TEMPLATE = Text("模板文件，或 templates/ 中模板的名称。", "Template file, or the name of one in templates/.")
    DATA = Text("填写数据（TOML）；不给则生成空白表。", "Fill data (TOML); without it, a blank.")
    YEAR = Text("表格年度（默认：数据的年度或明年）。", "Year of the form (default: the data's, or next year).")
    YEARS = Text("各表的年度。", "Year of the forms.")
    NEW_YEAR = Text("新的年度。", "The new year.")
    OUTPUT = Text("要写出的工作簿（.xlsx）。", "Workbook to write (.xlsx).")
    OUTPUT_FOLDER = Text("存放工作簿和 manifest.csv 的文件夹。", "Folder for the workbooks and manifest.csv.")
    OUTPUT_ROLLOVER = Text("要写出的工作簿或文件夹。", "Workbook to write, or a folder.")
    OUTPUT_PREVIEW = Text("OUT.pdf（全部页面）或 OUT.png（第 1 页）。", "OUT.pdf (every page) or OUT.png (page 1).")
    FORCE = Text("覆盖已存在的输出文件。", "Overwrite an existing output.")
    FORCE_REPORT = Text("覆盖已存在的 --report 文件。", "Overwrite an existing --report file.")
    PASSWORD = Text("用此密码保护表格（默认：无密码保护）。",
                    "Protect the form with this password (default: protected without one).")
    TEMPLATES_DIR = Text("先在此文件夹查找模板；可重复。", "Look for templates here first; repeatable.")
    ROSTER = Text("部门名单：.xlsx 或 .csv，每行一个部门。", "Departments: .xlsx or .csv, one row each.")
    DRY_RUN = Text("只列出计划，不写任何文件。", "Show the plan; write nothing.")
    LEAVE_OPEN = Text("名单缺少财政的列时留给部门填。", "Leave the bureau's cells the roster lacks open.")
    JOBS = Text("并行的进程数。", "Processes working in parallel.")
    RETURNED = Text("一份交回的自评表，或存放它们的文件夹。", "A returned workbook, or a folder of them.")
    PATHS = Text("交回的自评表，或要查找 .xlsx/.xlsm（以及 .xls/.et/.xlsb）的文件夹。",
                 "Returned workbooks, or folders searched for .xlsx/.xlsm (and .xls/.et/.xlsb).")
    JSON = Text("以 JSON 输出结果（文档约定的格式）。", "Print the results as JSON (the documented contract).")
    REPORT = Text("另写一份汇总工作簿（.xlsx）。", "Also write a summary workbook (.xlsx).")
    DISTRIBUTED = Text("分发的文件夹（含 manifest.csv）。", "The distribution's folder (with manifest.csv).")
    PREFER = Text("一个部门交回多份时取最新。", "Several files of a department: take the newest.")
    ROLLOVER_DISTRIBUTED = Text("今年分发的文件夹：按部门结转。", "This year's distribution: roll over by department.")
    ROLLOVER_ROSTER = Text("明年的名单（与 --distributed 同用）。", "Next year's roster (with --distributed).")
    DETAILS = Text("列出每个文件的问题。", "Show the findings of every file.")
    QUIET = Text("只输出最后的汇总行。", "Show the summary line alone.")
    LANG = Text("语言：zh（默认）或 en。", "Language: zh (default) or en.")
    IMPORT = Text("把不是 xlgen 生成的表（手工表、预算系统导出的表）读成每表一份填写数据和一份供 distribute 使用的名单；"
                  "无法对应的单元格逐个列出地址。",
                  "Read forms xlgen did not make into one fill per form and a roster for distribute; every "
                  "cell that could not be placed is listed with its address.")
    IMPORT_PATHS = Text("去年的表，或其所在文件夹。", "Last year's forms, or folders of them.")
    IMPORT_OUTPUT = Text("存放填写数据（.toml）和名单的文件夹。", "Folder for the fills (.toml) and the roster.")
    IMPORT_TEMPLATE = Text("按此模板读取（默认：自动识别）。", "Read as this template (default: recognised).")
    IMPORT_FORCE = Text("覆盖已存在的填写数据和名单。", "Overwrite existing fills and rosters.")
    ROLLOVER_SHORT = Text("由今年交回的表生成明年的空白表。", "Next year's blanks from this year's returns.")
    IMPORT_SHORT = Text("把非 xlgen 生成的表读成填写数据和名单。", "Read forms xlgen did not make into fills and a roster.")
    VERIFY_SHORT = Text("核验交回的表：重算、查改动、查规则。", "Check returned workbooks: recompute, tampering, rules.")
    KEY_MORE = Text("--key-file：xlgen keygen 生成的密钥；用 HMAC 封存下达的固定值，部门无法伪造；核验时用同一密钥。",
                    "--key-file: the key xlgen keygen made; it seals the fixed values with an HMAC a department "
                    "cannot forge; verify with the same key.")
    DISTRIBUTE_MORE = Text("每次运行都按名单核对文件夹：新部门写出空白表，名单改过且未交回的空白表重写，已交回的不动；"
                           "--dry-run 只列出计划。名单须有模板中由财政填写（fixed）的列，缺列时拒绝，"
                           "某行该列为空亦同；--leave-open 则把这些单元格留给部门填写。",
                           "Every run reconciles the folder with the roster: new departments get a blank, untouched "
                           "blanks whose roster row changed are rewritten, returned ones never; --dry-run shows the "
                           "plan. The roster must have the columns the template's fixed header fills; without one "
                           "(or with an empty cell in one) it is refused, unless --leave-open leaves those cells to the departments.")
    VERIFY_MORE = Text("--distributed：xlgen distribute 写出的文件夹，按部门核对交回的表与分发的表（空文件夹：全部未报送）；"
                       "--prefer newest：一个部门交回多份表时取最后保存的一份。--require-seal：封印出现之前生成的"
                       "文件（没有封印）判为错误 seal-missing，而不只是警告。",
                       "--distributed: the folder xlgen distribute wrote; the returns are reconciled with it per "
                       "department (an empty folder: every department missing). --prefer newest: of a department's "
                       "several files, the newest saved counts. --require-seal: a file made before seals existed "
                       "fails (seal-missing) instead of a warning.")
    ROLLOVER_MORE = Text("输入是文件夹时 --output 为文件夹。--distributed：今年分发的文件夹（含 manifest.csv），每个部门"
                         "只按选定的一份交回表结转，未交回的按分发的表结转，并写出 manifest.csv；再次运行会接着写完。"
                         "--roster：明年的名单（部门信息、金额和任务；新增的部门另生成空白表）。",
                         "For a folder, --output is a folder. --distributed: this year's distribution folder (with "
                         "manifest.csv); each department rolls over from its one chosen return (from its blank when "
                         "it returned none), and manifest.csv is written; a rerun finishes it. --roster: next year's "
                         "roster (identity, amounts and tasks; a department it adds gets a blank).")
    IMPORT_MORE = Text("PATHS：去年的表（.xlsx/.xls，手工制作或系统导出），或存放它们的文件夹。--template：按此模板读取每份表"
                       "（默认：按表中标签识别模板）。",
                       "PATHS: last year's forms (.xlsx/.xls, hand-made or exported), or folders of them. --template: "
                       "read every form as this template (default: the one whose labels it has).")
    LANG_MORE = Text("--lang：提示信息的语言，zh（中文，默认）或 en；也可设环境变量 XLGEN_LANG。",
                     "--lang: the language of the messages, zh (Chinese, the default) or en; or set XLGEN_LANG.")
    FILE_PREVIEW = Text("要输出的工作簿。", "The workbook to render.")
    FILE_CHECK = Text("要检查的模板。", "The template to check.")
    HELP = Text("显示此帮助信息并退出。", "Show this message and exit.")
    KEYGEN = Text("生成一个新的随机密钥，用于封存财政部门下达的固定值（权限 600，从不覆盖已有文件）。密钥只由财政部门保管。",
                  "Write a new random key for sealing the bureau's fixed values (mode 600, never over an existing "
                  "file). Only the bureau keeps it.")
    KEY_OUTPUT = Text("写出新密钥的文件。", "Where to write the new key.")
    KEY_FILE = Text("财政部门的密钥文件（见下）。", "The bureau's key file (see below).")
    SERVE = Text("在本机启动工作台网页（中文；--lang en 为英文），在浏览器中完成模板、分发、收集、汇总和结转；"
                  "文件保存在工作文件夹中，与命令行的文件夹布局相同。",
                  "Start the workbench, a local web page for templates, distribution, collection, the summary and "
                  "rollover; its files stay in the workspace, in the command line's own layout.")
    SERVE_SHORT = Text("在本机启动工作台网页。", "Start the workbench, a local web page.")
    WORKSPACE = Text("工作文件夹（默认 ./xlgen-workspace）。", "The workspace folder (default ./xlgen-workspace).")
    HOST = Text("监听的地址（默认 127.0.0.1，见下）。", "Address to listen on (default 127.0.0.1; see below).")
    HOST_MORE = Text("--host：默认 127.0.0.1，仅本机可用；其他地址须使用启动时显示的令牌。",
                     "--host: 127.0.0.1 by default, this machine only; any other address needs the token printed "
                     "at start.")
    PORT = Text("端口（0：任一空闲端口）。", "Port (0: any free one).")
    NO_BROWSER = Text("不自动打开浏览器。", "Do not open the browser.")
    REQUIRE_SEAL = Text("没有封印的文件判为错误。", "A file without a seal fails.")


class Say(Enum):
    """Lines the command line prints, and the words of its usage errors and --help."""

    ERROR = Text("错误：", "error: ")
    WARNING = Text("警告：", "warning: ")
    USAGE = Text("用法：", "Usage: ")
    TRY_HELP = Text("运行「{command} --help」查看帮助。", "Try '{command} --help' for help.")
    ABORTED = Text("已中止", "aborted")
    OPTIONS = Text("选项", "Options")
    ARGUMENTS = Text("参数", "Arguments")
    COMMANDS = Text("命令", "Commands")
    OPTIONS_METAVAR = Text("[选项]", "[OPTIONS]")
    COMMAND_METAVAR = Text("命令 [参数]...", "COMMAND [ARGS]...")
    DEFAULT = Text("[默认：{}]", "[default: {}]")
    REQUIRED = Text("[必填]", "[required]")
    MISSING = Text("缺少{kind} {name}", "missing {kind} {name}")
    KIND_OPTION = Text("选项", "option")
    KIND_ARGUMENT = Text("参数", "argument")
    NO_SUCH_OPTION = Text("没有选项 {name}{maybe}", "no such option {name}{maybe}")
    DID_YOU_MEAN = Text("（是否指 {names}？）", " (did you mean {names}?)")
    NO_SUCH_COMMAND = Text("没有命令「{name}」；可用的命令：{known}", "no such command '{name}'; the commands: {known}")
    EXTRA_ARGUMENTS = Text("多余的参数：{args}", "unexpected extra arguments: {args}")
    NEEDS_VALUE = Text("{name} 需要一个值", "{name} needs a value")
    BAD_VALUE = Text("{name} 的值无效：{detail}", "invalid value for {name}: {detail}")
    NOT_INTEGER = Text("应为整数", "expected a whole number")
    BELOW_MIN = Text("应不小于 {min}", "expected at least {min}")
    NOT_A_FOLDER = Text("--templates：文件夹「{path}」不存在", "--templates: the folder '{path}' does not exist")
    BAD_JOBS = Text("--jobs：「{value}」不是进程数；应为 1 或更大的整数", "--jobs: {value} is no number of processes; expected 1 or more")
    BAD_LANG = Text("--lang：「{value}」不是可用的语言；应为 zh 或 en",
                    "--lang: '{value}' is not a language of the messages; expected zh or en")
    WROTE_FORM = Text("已写出 {file}（模板 {template} {version}，总评价得分 {total}）",
                      "wrote {file} (template {template} {version}, 总评价得分 {total})")
    WROTE_UNSCORED = Text("已写出 {file}（模板 {template} {version}，不评分的表）",
                          "wrote {file} (template {template} {version}, a form without scores)")
    YEAR_TAKEN = Text("未给出年度：空白表按 {year} 年度生成（可用 --year 指定）",
                      "no year given: the blank is for {year} (choose one with --year)")
    WROTE_BATCH = Text("已写出 {count} 份工作簿和 {manifest}（模板 {template} {version}）",
                       "wrote {count} workbooks and {manifest} (template {template} {version})")
    WROTE_ROLLOVER = Text("已写出 {file}（{year} 年度，模板 {template} {version}，来自 {source}）",
                          "wrote {file} ({year}, template {template} {version}, from {source})")
    ROLLOVER_FAILS = Text("{file} 未通过核验（{errors} 个错误）；仍已结转",
                          "{file} does not pass verification ({errors} errors); rolled over all the same")
    WROTE = Text("已写出 {file}", "wrote {file}")
    PLAN_NEW = Text("新增 {code} {name} → {file}", "new {code} {name} → {file}")
    PLAN_CHANGED = Text("更新 {code} {name}（名单已改）：{changes}", "update {code} {name} (roster changed): {changes}")
    PLAN_RENAMED = Text("{old} 改为 {new}", "{old} becomes {new}")
    PLAN_ADOPTED = Text("补记 {file}（上次运行中断时已写出，与本次写出的完全相同）",
                        "listed {file} (written by the interrupted earlier run, identical to what this run writes)")
    PLAN_REFUSED = Text("{code} {name}：{file}：{reason}", "{code} {name}: {file}: {reason}")
    PLAN_GONE = Text("名单中已没有的 {count} 个部门仍列在 manifest.csv 中，其空白表未动：{codes}",
                     "{count} departments no longer on the roster stay listed in manifest.csv, their blanks untouched: {codes}")
    PLAN_SUMMARY = Text("计划：新增 {new} 份，更新 {changed} 份，保留 {kept} 份，拒绝 {refused} 份（--dry-run：未写任何文件）",
                        "plan: {new} new, {changed} to update, {kept} kept, {refused} refused (--dry-run: nothing written)")
    KEPT_BATCH = Text("保留本次分发上次写出的 {count} 份工作簿，名单未改，未改动（--force 重新生成）",
                      "kept {count} workbooks of the earlier run of this distribution, their roster rows unchanged "
                      "(--force rewrites them)")
    ROLLOVER_SKIPPED = Text("{code} {name}：未结转：{reason}", "{code} {name}: not rolled over: {reason}")
    ROLLOVER_TWICE = Text("{source}：与本次已结转的另一份表属于同一部门，未再写 {file}（请用 --distributed 和 --prefer newest，"
                          "或删去不用的一份）",
                          "{source}: another file of this run belongs to the same department; {file} was not written "
                          "twice (use --distributed with --prefer newest, or remove the one not meant)")
    PLAIN_SEAL = Text("未用 --distributed 或 --key-file：普通 SHA-256 封印只能发现无意的改动，发现不了有意的篡改（部门可自行重算）；"
                      "请用 --distributed 按分发的文件夹核对，或用 --key-file 按财政部门的密钥核对",
                      "without --distributed or --key-file a plain SHA-256 seal shows accidents, not intent (a "
                      "department can compute it again); check with --distributed (the folder distributed) or --key-file")
    NEEDS_DISTRIBUTED = Text("--roster 须与 --distributed 同用", "--roster needs --distributed")
    FROM_ROSTER = Text("名单", "the roster")
    BAD_PREFER = Text("--prefer：「{value}」不是可选值；应为 {expected}", "--prefer: '{value}' is no choice; expected {expected}")
    WROTE_KEY = Text("已写出 {file}（新密钥；请妥善保管，任何工作簿中都不保存密钥）",
                     "wrote {file} (a new key; keep it private, it is not stored in any workbook)")
    IMPORTED = Text("已按 {template} 读取 {source} → {output}（{count} 个单元格未能对应）",
                    "read {source} as {template} → {output} ({count} cells not placed)")
    GENERATING = Text("正在生成", "generating")
    VERIFYING = Text("正在核验", "verifying")
    TEMPLATE_VALID = Text("{file}：模板 {template} {version} 有效", "{file}: template {template} {version} is valid")
    COLUMNS_TEMPLATES = Text("标识\t版本\t标题\t文件", "id\tversion\ttitle\tfile")
    BUILT_IN = Text("内置", "built-in")

    def __call__(self, **fields: Any) -> str:
        return fill(self.value, fields)
