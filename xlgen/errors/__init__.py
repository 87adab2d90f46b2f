"""Errors in what a user gave xlgen (templates, fill data, rosters), located and actionable.

One catalogue, as in pyxform's errors.py: each code has one message template, in Chinese and in
English, naming the file, the key (or sheet/cell) and what was expected. Findings about returned
workbooks live in ``findings.py``; these are the errors that stop a command before any workbook
is written.

Every distinct message has its own code. A code's message declares the fields it is raised with:
its placeholders, no more and no fewer (``XlgenError`` refuses any other set, and
tests/test_catalogue.py checks every place that raises one). A field is what the user or the OS
gave, shown as it is (a file, a key, a value, the OS's own words), or a ``Text`` of ours in both
languages (a noun such as "a number"), never a sentence of ours in one language.

The codes come in families, one module each: the general ones here (files, outputs, options),
the template's in ``errors/template.py``, and so on; ``Catalogue`` is what they share.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cache
from pathlib import Path
from typing import TypeAlias, Union

from xlgen.lang import Text, fill

Field: TypeAlias = Union[str, int, float, Path, Text, "Said"]
"""A value a message names: as the user or the OS gave it, a Text of ours (zh, en), or a message
of the catalogue with its own fields (``Said``: which limit of Excel's a cell breaks)."""


@cache
def placeholders(text: Text) -> frozenset[str]:
    """The fields a message names (its placeholders, in either language)."""
    return frozenset(name.split("!")[0].split(".")[0] for part in text
                     for _, name, _, _ in string.Formatter().parse(part) if name)


class Catalogue(Enum):
    """A family of error codes; each member's value is its message, in Chinese and in English."""

    _value_: Text

    @property
    def text(self) -> Text:
        return self._value_

    @property
    def fields(self) -> frozenset[str]:
        """The fields this code is raised with: its message's placeholders."""
        return placeholders(self._value_)


def _checked(code: Catalogue, fields: Mapping[str, Field]) -> None:
    if set(fields) != code.fields:  # a slip of ours: the message would miss a field or drop one
        raise TypeError(f"{code.name} names {sorted(code.fields)}; given {sorted(fields)}")


def shown(fields: Mapping[str, Field], lang: str | None = None) -> dict[str, Field]:
    """The fields with each ``Said`` among them said in ``lang``."""
    return {k: v.message_in(lang) if isinstance(v, Said) else v for k, v in fields.items()}


@dataclass(frozen=True)
class Said:
    """A message of the catalogue with its fields, given as a field of another message."""

    code: Catalogue
    fields: Mapping[str, Field]

    def message_in(self, lang: str | None = None) -> str:
        return fill(self.code.text, shown(self.fields, lang), lang)


def said(code: Catalogue, /, **fields: Field) -> Said:
    """``code``'s message with ``fields`` (its placeholders, as for an error), to be placed in another."""
    _checked(code, fields)
    return Said(code, fields)


def keyed(zh: str, en: str) -> Text:
    """The message of a problem at one key of a file: led by the file and the dotted key."""
    return Text("{file}：键「{key}」：" + zh, "{file}: key '{key}': " + en)


class ErrorCode(Catalogue):
    FILE_MISSING = Text("{file}：文件不存在", "{file}: file not found")
    KEY_MISSING = Text("{file}：缺少键「{key}」；应为 {expected}", "{file}: key '{key}' is missing; expected {expected}")
    KEY_TYPE = Text("{file}：键「{key}」的值是 {got!r}；应为 {expected}",
                    "{file}: key '{key}' is {got!r}; expected {expected}")
    KEY_UNKNOWN = Text("{file}：此处不认识键「{key}」；应为以下之一：{expected}",
                       "{file}: key '{key}' is not known here; expected one of: {expected}")
    TEMPLATE_UNKNOWN = Text("找不到模板「{name}」（查找了 {where}）；已知模板：{expected}",
                            "template '{name}' not found (looked in {where}); known: {expected}")
    TEMPLATE_DUPLICATE = Text(
        "模板 {name} {version} 有两个文件：{file} 和 {other}；请删除或改名其中一个（修改 version）",
        "template {name} {version} is in two files: {file} and {other}; remove one or change its version")
    XLSXWRITER = Text("{file}：XlsxWriter 拒绝了{what}：{detail}", "{file}: XlsxWriter refused {what}: {detail}")
    EXCEL_LIMIT = Text("{file}：{where}：{detail}（来自模板的键「{key}」）",
                       "{file}: {where}: {detail} (from the template's key '{key}')")
    OUTPUT_EXISTS = Text("{file}：已存在；如要覆盖请加 --force", "{file}: already exists; pass --force to overwrite it")
    OUTPUT_IS_INPUT = Text("{file}：是本命令的输入文件（{input}），不会被覆盖，请另选输出",
                           "{file}: is an input of this command ({input}); it is never overwritten, choose another output")
    OUTPUT_FAILED = Text("{file}：无法写入：{detail}", "{file}: cannot be written: {detail}")
    OUTPUT_SUFFIX = Text("{file}：写出的是 {expected} 文件，文件名请以 {expected} 结尾",
                         "{file}: what is written is a {expected} file; give it a name ending in {expected}")
    OS_FAILED = Text("{file}：无法读写：{detail}", "{file}: cannot be read or written: {detail}")
    INTERRUPTED = Text("运行被中断（{why}）：已写出 {written} 份，共 {total} 份；{manifest} 列出了已写出的每一份，"
                       "再次运行同一命令即可完成",
                       "the run was interrupted ({why}): {written} of {total} workbooks written, each listed in "
                       "{manifest}; run the same command again to finish")
    INTERRUPTED_FILES = Text("运行被中断（{why}）：已写出 {written} 份，共 {total} 份，写出的每一份都是完整的（{folder}）；"
                             "加 --force 再次运行同一命令即可完成",
                             "the run was interrupted ({why}): {written} of {total} workbooks written, each of them "
                             "whole ({folder}); run the same command again with --force to finish")
    INPUT_UNREADABLE = Text("{file}：无法读取：{detail}", "{file}: cannot be read: {detail}")
    PREVIEW_FORMAT = Text("{file}：无法输出为「{suffix}」；应为 .pdf 或 .png",
                          "{file}: cannot render as '{suffix}'; expected a .pdf or .png output")
    RENDERER = Text("{detail}", "{detail}")
    YEAR_INVALID = Text("{option}：「{year}」不是年份；应为 {low} 到 {high} 之间的四位数年份",
                        "{option}: '{year}' is not a year; expected a four-digit year from {low} to {high}")
    ROSTER_PROBLEMS = Text("{file}：名单中有 {count} 处问题：\n{problems}", "{file}: {count} problems in the roster:\n{problems}")
    KEY_SHORT = Text("{file}：不是可用的密钥文件：少于 16 个字符；请用 xlgen keygen 生成密钥",
                     "{file}: not a usable key file: it holds fewer than 16 characters; make a key with xlgen keygen")
    KEY_EXISTS = Text("{file}：已存在；密钥文件从不覆盖（新密钥会使用旧密钥封存的表全部无法核对）",
                      "{file}: already exists; a key file is never overwritten (a new key would unseal every "
                      "form sealed with the old one)")
    SERVE_FAILED = Text("{address}：无法启动工作台：{detail}", "{address}: the workbench cannot start: {detail}")
    NO_SUCH_PATH = Text("{file}：文件或文件夹不存在", "{file}: no such file or folder")
    NO_WORKBOOK = Text("在 {paths} 中没有找到 .xlsx、.xlsm、.xls、.et 或 .xlsb 工作簿",
                       "no .xlsx, .xlsm, .xls, .et or .xlsb workbook found in {paths}")

    # points at every tier (#22): what a label states, held against the rows beneath it
    TIER_POINTS = Text("{file}：键「{key}」：「{label}」写明 {stated} 分，而其下各行（{rows}）的分值合计 {found}",
                       "{file}: key '{key}': '{label}' states {stated} points; its rows ({rows}) add up to {found}")
    ROW_POINTS = Text("{file}：键「{key}」：「{label}」写明 {stated} 分，而该行分值为 {found}",
                      "{file}: key '{key}': '{label}' states {stated} points; the row's weight is {found}")
    POINTS_MISSING = Text("{file}：键「{key}」：表中没有分值列：请在该行给出分值（键「weight」），或在名称末尾写明，如「{example}」",
                          "{file}: key '{key}': the form has no weight column: give the row's points (weight), or "
                          "state them at the end of its name, e.g. '{example}'")
    COLUMN_WIDTH = Text("{file}：键「{key}」：{width} 不是可用的列宽；应为 1 到 255 个字符",
                        "{file}: key '{key}': {width} is no usable column width; expected 1 to 255 characters")

    OWN_ROWS_POINTS = Text("{file}：键「{key}」：部门自设指标行只用于没有分值列、各行分值由指标给出的表（如达州得分表）",
                           "{file}: key '{key}': a block of a department's own rows is for a form without a weight "
                           "column, whose points the tree gives (as Dazhou's score sheet)")
    OWN_ROWS_COUNT = Text("{file}：键「{key}」：{count} 不是行数；应为 1 或更大的整数",
                          "{file}: key '{key}': {count} is not a row count; expected 1 or more")


class XlgenError(Exception):
    """An error in user input, with the catalogue code and the fields of its message."""

    def __init__(self, code: Catalogue, /, **fields: Field) -> None:
        _checked(code, fields)
        self.code = code
        self.fields = fields
        super().__init__(self.message_in("en"))

    @property
    def message(self) -> str:
        """The message in the run's language."""
        return self.message_in(None)

    def message_in(self, lang: str | None) -> str:
        return fill(self.code.text, shown(self.fields, lang), lang)

    @property
    def each(self) -> list[XlgenError]:
        """The errors to show, one a line (several for ``XlgenErrors``)."""
        return [self]


class XlgenErrors(XlgenError):
    """Several errors found together before any work (every path that does not exist), each
    shown on its own line; the first stands for all where one is expected."""

    def __init__(self, errors: list[XlgenError]) -> None:
        super().__init__(errors[0].code, **errors[0].fields)
        self.errors = errors

    @property
    def each(self) -> list[XlgenError]:
        return self.errors
