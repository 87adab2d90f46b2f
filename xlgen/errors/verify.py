"""verify's own reasons (the reason of a seal's finding, of a file no distribution sent) and the
errors of reading a distribution's manifest.csv: one code for each."""

from __future__ import annotations

from xlgen.errors import Catalogue
from xlgen.lang import Text


class VerifyCode(Catalogue):
    # the seal: why a return's record cannot be trusted (seal-missing, seal-broken)
    PREDATES_REQUIRED = Text("版式 {layout} 早于封印，而核验要求封印", "layout {layout} predates seals and a seal is required")
    PREDATES_KEY = Text("版式 {layout} 早于封印，而核验使用了财政部门的密钥",
                        "layout {layout} predates seals and the bureau's key was given")
    NO_RECORD = Text("文档属性中没有记录", "no record in the document properties")
    RECORD_UNREADABLE = Text("记录无法解读", "the record cannot be read")
    OTHER_KEY = Text("封印不是用该密钥生成的", "the seal was not made with this key")
    HASH_DIFFERS = Text("记录的哈希与封印不同", "the record's hash differs from the seal")
    BLANK_SEALED = Text("分发的表 {blank} 有封印，交回的没有", "the distributed blank {blank} has one, the return none")
    BLANK_DIFFERS = Text("记录或封印与分发给该部门的表 {blank} 不同",
                         "record or seal differs from the blank {blank} distributed to the department")
    # a file of no department of the distribution (not-distributed)
    OTHER_YEAR = Text("文件为 {year} 年度，分发的是 {years} 年度", "the file is of {year}; the distribution is of {years}")
    OTHER_TEMPLATE = Text("文件的模板 {template} {version} 不是分发所用的 {listed}",
                          "the file's template {template} {version} is not the distribution's {listed}")
    OTHER_DEPARTMENT = Text("部门编码 {code} 不在本次分发的名单中", "the department code {code} is not in this distribution")
    # where a link or an object is
    HYPERLINK = Text("超链接 {target}", "a hyperlink to {target}")
    IN_SHEET = Text("工作表「{sheet}」", "the sheet '{sheet}'")
    # a worker that died
    WORKER_DIED = Text("读取该文件的进程异常终止（可能耗尽内存）", "the process reading this file died (out of memory?)")
    # the distribution's manifest.csv (--distributed)
    NO_MANIFEST = Text("{file}：无法读取：没有 manifest.csv：--distributed 应为 xlgen distribute 写出的文件夹",
                       "{file}: cannot be read: no manifest.csv here: --distributed takes a folder written by xlgen distribute")
    MANIFEST_GAPS = Text("{file}：无法读取：第 {line} 行：缺少 {missing}", "{file}: cannot be read: line {line}: no {missing}")
    BLANK_MISSING = Text("{file}：无法读取：第 {line} 行：分发的表 {blank} 不在 {folder} 中",
                         "{file}: cannot be read: line {line}: the distributed blank {blank} is not in {folder}")
    BLANK_CHANGED = Text("{file}：无法读取：其 sha256 与 manifest.csv（第 {line} 行）所列不同：分发后被改动过，不能作为核对的依据",
                         "{file}: cannot be read: its sha256 is not the one manifest.csv lists (line {line}): the blank "
                         "was changed after it was distributed, so it cannot be the yardstick")
    BLANK_NO_YEAR = Text("{file}：无法读取：分发的表（{manifest} 第 {line} 行）无法读出其年度",
                         "{file}: cannot be read: the distributed blank (line {line} of {manifest}) cannot be read as a "
                         "form of its year")
