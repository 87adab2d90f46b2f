"""The page's own words in both languages (the stage functions' messages come from their own
catalogues). Templates name a member: ``{{ t("NAV_TEMPLATES") }}``."""

from __future__ import annotations

from enum import Enum
from typing import Any

from xlgen.lang import Text, fill


class Page(Enum):
    TITLE = Text("绩效自评工作台", "Performance self-evaluation workbench")
    NAV_TEMPLATES = Text("模板", "Templates")
    NAV_DISTRIBUTE = Text("分发", "Distribute")
    NAV_COLLECT = Text("收集", "Collect")
    NAV_SUMMARY = Text("汇总", "Summary")
    NAV_ROLLOVER = Text("结转", "Roll over")
    WORKSPACE = Text("工作文件夹：{path}", "workspace: {path}")
    YEAR = Text("年度", "Year")
    CHOOSE_YEAR = Text("查看", "Show")
    TEMPLATE = Text("模板", "Template")
    ID = Text("标识", "id")
    VERSION = Text("版本", "version")
    TITLE_COL = Text("标题", "title")
    SOURCE = Text("来源", "source")
    BUILT_IN = Text("内置", "built in")
    BUREAU = Text("本单位（{folder}）", "the bureau's ({folder})")
    BROKEN = Text("无法加载", "cannot be loaded")
    PICTURE = Text("空白表预览", "the blank")
    MAKE_PICTURE = Text("生成预览图", "Make the picture")
    MAKE_BLANK = Text("下载空白表", "Download a blank")
    NO_PICTURE = Text("尚无预览图（需要 LibreOffice）", "no picture yet (needs LibreOffice)")
    TEMPLATES_INTRO = Text("内置模板和本单位模板（放在工作文件夹的 templates 中，与 --templates 相同）。",
                           "The built-in templates and the bureau's own (in the workspace's templates folder, as "
                           "with --templates).")
    ROSTER = Text("部门名单（.xlsx、.xls 或 .csv）", "Roster (.xlsx, .xls or .csv)")
    CHECK_ROSTER = Text("上传并检查名单", "Upload and check the roster")
    ROSTER_OK = Text("名单 {file}：{count} 个部门，未发现问题。", "roster {file}: {count} departments, no problem found.")
    ROSTER_BAD = Text("名单有问题，未写出任何文件：", "The roster has problems; nothing was written:")
    PLAN = Text("分发计划", "The plan")
    PLAN_NEW = Text("新增", "new")
    PLAN_CHANGED = Text("名单有改动（重新生成，原表未交回）", "changed on the roster (rewritten: its blank was not returned)")
    PLAN_KEPT = Text("已分发（保留不动）", "distributed already (kept as it is)")
    PLAN_ADOPTED = Text("上次中断时已写出（沿用）", "written by an interrupted run (taken as it is)")
    PLAN_REFUSED = Text("不能改动（已交回或已被修改）", "not touched (returned or edited already)")
    PLAN_GONE = Text("不在名单中（仍保留）", "no longer on the roster (kept)")
    NOTHING_TO_WRITE = Text("没有需要生成的空白表。", "No blank to write.")
    PLAN_GONE_STALE = Text("{year} 年度的名单已在另一页面重新检查或已分发，请回到「分发」页面查看最新的计划后再生成",
                           "{year}'s roster was checked again in another page, or distributed: open 分发 again and "
                           "generate from the plan it shows")
    GENERATE = Text("生成空白表", "Generate the blanks")
    DISTRIBUTED = Text("{year} 年度已分发 {count} 份（模板 {template} {version}）",
                       "{year}: {count} blanks distributed (template {template} {version})")
    NOTHING_DISTRIBUTED = Text("{year} 年度尚未分发。", "Nothing distributed for {year} yet.")
    DOWNLOAD_ZIP = Text("下载全部空白表（zip）", "Download every blank (zip)")
    DOWNLOAD_MANIFEST = Text("下载 manifest.csv", "Download manifest.csv")
    CODE = Text("部门编码", "code")
    NAME = Text("部门名称", "department")
    FILE = Text("文件", "file")
    RETURNS = Text("交回的自评表（可多选，或一个 zip；可分多次上传）",
                   "Returned workbooks (several, or one zip; add more on later days)")
    UPLOAD = Text("上传并核验", "Upload and verify")
    VERIFY_AGAIN = Text("重新核验全部交回的表", "Verify every return again")
    NOT_VERIFIED = Text("尚未核验：{count} 份交回的表。", "Not verified yet: {count} returns.")
    NO_RETURNS = Text("尚未收到交回的表。", "No return received yet.")
    NEEDS_DISTRIBUTION = Text("请先在「分发」中为 {year} 年度分发空白表。",
                              "Distribute the blanks for {year} first (Distribute).")
    STATUS = Text("状态", "status")
    SCORE = Text("总评价得分", "total score")
    GRADE = Text("等级", "grade")
    ERRORS = Text("错误", "errors")
    WARNINGS = Text("警告", "warnings")
    ALL = Text("全部", "all")
    COUNTS = Text("共 {departments} 个部门", "{departments} departments")
    FINDINGS = Text("问题", "findings")
    CELL = Text("单元格", "cell")
    FIELD = Text("字段", "field")
    SEVERITY = Text("严重程度", "severity")
    MESSAGE = Text("说明", "message")
    NO_FINDINGS = Text("没有问题。", "No findings.")
    AROUND = Text("表中位置", "where in the form")
    BACK = Text("返回收集", "Back to the collection")
    NOT_RETURNED = Text("该部门尚未交回。", "This department has returned nothing.")
    REPORT = Text("下载汇总工作簿", "Download the summary workbook")
    NO_REPORT = Text("尚无汇总：请先在「收集」中核验交回的表。", "No summary yet: verify the returns first (Collect).")
    ROLL_FROM = Text("由 {year} 年度的交回表生成 {next} 年度的空白表", "Next year's blanks ({next}) from {year}'s returns")
    PREFER_NEWEST = Text("一个部门交回多份时取最后保存的一份", "A department that returned several: take the newest saved")
    NEXT_ROSTER = Text("明年的名单（可选）", "Next year's roster (optional)")
    ROLL = Text("结转", "Roll over")
    CARRIED = Text("已结转", "carried over")
    REFUSED = Text("未结转", "not carried")
    FROM = Text("来自", "from")
    REASON = Text("原因", "reason")
    NEXT_DISTRIBUTED = Text("{year} 年度的空白表已写入 {folder}。", "{year}'s blanks are in {folder}.")
    WORKING = Text("正在处理……", "working…")
    WAITING = Text("等待另一项任务完成……", "waiting for another task…")
    DONE = Text("完成", "done")
    FAILED = Text("未完成：", "not done: ")
    JOB_DISTRIBUTE = Text("生成空白表", "generating the blanks")
    JOB_CHECK = Text("检查名单", "checking the roster")
    JOB_VERIFY = Text("核验交回的表", "verifying the returns")
    JOB_ROLLOVER = Text("结转", "rolling over")
    JOB_PICTURE = Text("生成预览图", "making the picture")
    JOB_BLANK = Text("生成空白表", "making a blank")
    UPLOADED = Text("已收到 {count} 份：{names}", "received {count}: {names}")
    REFUSED_FILES = Text("未接收：", "not taken:")
    # refusals of a request
    BAD_TYPE = Text("{name}：不接收此类文件；应为 {expected}", "{name}: this kind of file is not taken; expected {expected}")
    NOT_WHAT_IT_SAYS = Text("{name}：内容不是 {suffix} 文件", "{name}: its content is not a {suffix} file")
    TOO_LARGE = Text("上传的内容超过 {limit}", "the upload is over {limit}")
    NO_FILE = Text("没有选择文件", "no file chosen")
    BAD_YEAR = Text("「{value}」不是年份", "'{value}' is not a year")
    FORBIDDEN = Text("拒绝访问：{why}", "forbidden: {why}")
    CROSS_SITE = Text("请求来自其他网站", "the request came from another site")
    NO_CSRF = Text("表单已过期或不是本页面发出的，请刷新页面后重试", "the form is stale or not this page's; reload and retry")
    NEEDS_TOKEN = Text("需要启动时显示的访问令牌（在地址后加 ?token=…）",
                       "needs the access token printed at start (add ?token=… to the address)")
    BAD_HOST = Text("未知的主机名 {host}", "unknown host name {host}")
    NOT_FOUND = Text("没有此页面或文件", "no such page or file")
    BAD_ZIP = Text("{name}：{reason}", "{name}: {reason}")
    UNKNOWN_TEMPLATE = Text("没有模板「{name}」", "no template '{name}'")
    # the command line's lines about the server
    SERVING = Text("工作台已启动：{url}（工作文件夹 {workspace}；按 Ctrl+C 停止）",
                   "the workbench is at {url} (workspace {workspace}; Ctrl+C stops it)")
    TOKEN_NOTE = Text("监听 {host}：其他计算机须使用带令牌的地址；令牌只显示这一次",
                      "listening on {host}: other computers need the address with its token, shown only here")

    def __call__(self, **fields: Any) -> str:
        return fill(self.value, fields)
