"""The year's cycle (distribute, rollover) and the workbench: why a run stopped, why a blank or
a department was left out, why an uploaded file was not taken; one code for each."""

from __future__ import annotations

from xlgen.errors import Catalogue
from xlgen.lang import Text


class CycleCode(Catalogue):
    # why a run stopped (the error INTERRUPTED's {why})
    WORKER_EXITED = Text("一个工作进程意外退出", "a worker process ended unexpectedly")
    SIGNAL = Text("收到 {signal}", "{signal} received")
    SIGNAL_CTRL_C = Text("收到 {signal}（Ctrl-C）", "{signal} (Ctrl-C) received")
    # distribute: a blank not rewritten; rollover: a department left out
    BLANK_RETURNED = Text("已交回或已被改动（与 manifest.csv 记录的 sha256 不符），名单的修改未写入；如确需重发，请先移走该文件",
                          "returned or changed since it was written (its sha256 is not the manifest's): the roster's "
                          "change was not written; move the file away first if it must be sent again")
    RETURNED_TWICE = Text("交回了 {count} 份表，请删去不用的，或用 --prefer newest 取最后保存的一份",
                          "returned {count} files: remove the ones not meant, or pass --prefer newest")
    KEY_HINT = Text("；若该文件分发于财政部门启用密钥之前，请不带 --key-file 结转",
                    "; if the file was distributed before the bureau had its key, roll it over without --key-file")
    # the workbench: an uploaded file not taken
    NOT_TAKEN = Text("{name}：不接收此类文件；应为 {expected}", "{name}: this kind of file is not taken; expected {expected}")
    UPLOAD_EMPTY = Text("{name}：文件为空", "{name}: the file is empty")
    UPLOAD_TOO_LARGE = Text("{name}：超过 {limit} MiB", "{name}: over {limit} MiB")
    UPLOAD_NOT_ITS_KIND = Text("{name}：内容不是 {suffix} 文件", "{name}: its content is not a {suffix} file")
    UPLOAD_UNSAFE_NAME = Text("{name}：文件名不安全", "{name}: an unsafe file name")
    UPLOAD_NAME_TAKEN = Text("{name}：同名文件过多", "{name}: too many files of that name")
    UPLOAD_ZIP_REFUSED = Text("{name}：{reason}", "{name}: {reason}")
    INTERNAL = Text("xlgen 内部错误（{error}），请报告", "internal error in xlgen ({error}); please report it")
