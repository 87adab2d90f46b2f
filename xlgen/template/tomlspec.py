"""Typed access to a parsed TOML document, raising located errors (file + dotted key)."""

from __future__ import annotations

import math
import re
import tomllib
from enum import Enum
from pathlib import Path
from collections.abc import Iterable
from typing import Any, Final, TypeVar

from xlgen.errors import ErrorCode, Field, XlgenError
from xlgen.errors.template import TemplateCode
from xlgen.findings import Text

T = TypeVar("T")


class _Missing(Enum):
    """The default of a key that must be there."""

    MISSING = "missing"


_MISSING: Final = _Missing.MISSING

_TYPE_NAMES: dict[type, Text] = {
    str: Text("字符串", "a string"),
    int: Text("整数", "a whole number"),
    float: Text("数字", "a number"),
    bool: Text("true 或 false", "true or false"),
    list: Text("列表", "a list"),
    dict: Text("表", "a table"),
}
A_NUMBER_OR_TEXT = Text("数字或字符串", "a number or a string")


def not_a_formula(file: Path, key: str, name: str, known: Iterable[str] | None = None) -> XlgenError:
    """The error of a reference (at ``key``) to a formula [formulas] does not hold."""
    if known is None:
        return XlgenError(TemplateCode.NO_SUCH_FORMULA, file=file, key=key, name=name)
    return XlgenError(TemplateCode.NOT_A_FORMULA, file=file, key=key, name=name, known=", ".join(known))


_AT = re.compile(r"^(?P<said>.*?)\s*\(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$", re.S)
# tomllib's commonest messages, in Chinese (any other is quoted after the located lead-in)
_TOML_SAID = {
    "Expected ']' at the end of a table declaration": "表头缺少结尾的「]」",
    "Expected ']]' at the end of an array declaration": "表数组的表头缺少结尾的「]]」",
    "Cannot overwrite a value": "同一个键写了两次",
    "Cannot declare": "同一个表声明了两次",
    "Invalid value": "值无效（文本要加引号）",
    "Invalid statement": "这一行不是「键 = 值」",
    "Expected '=' after a key in a key/value pair": "键后面缺少「=」",
    "Unterminated string": "字符串缺少结尾的引号",
    "Illegal character": "有不允许的字符",
    "Expected newline or end of document after a statement": "一行只能写一个「键 = 值」",
}


def toml_syntax(path: Path, exc: ValueError) -> XlgenError:
    """tomllib's English message quoted, with a Chinese lead-in naming the line and column."""
    m = _AT.match(str(exc))
    if m is None:
        return XlgenError(TemplateCode.TOML_SYNTAX, file=path, said=str(exc))
    said = m.group("said")
    meaning = next((zh for en, zh in _TOML_SAID.items() if said.startswith(en)), "")
    gloss = Text(f"：{meaning}" if meaning else "", "")  # tomllib's words are English already
    if m.group("line"):
        return XlgenError(TemplateCode.TOML_SYNTAX_AT, file=path, line=int(m.group("line")),
                          column=int(m.group("col")), said=said, gloss=gloss)
    return XlgenError(TemplateCode.TOML_SYNTAX_END, file=path, said=said, gloss=gloss)


def load_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise XlgenError(ErrorCode.FILE_MISSING, file=path)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise toml_syntax(path, exc) from None
    except UnicodeDecodeError as exc:
        raise XlgenError(TemplateCode.TOML_NOT_UTF8, file=path, said=exc.reason) from None
    _refuse_non_finite(path, data, "")
    return data


def _refuse_non_finite(path: Path, value: Any, key: str) -> None:
    """TOML allows nan and inf; no cell of a form can hold them (Excel has no such number)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise XlgenError(TemplateCode.NOT_FINITE, file=path, key=key, value=value)
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for name, item in items:
        _refuse_non_finite(path, item, f"{key}[{name}]" if isinstance(name, int) else f"{key}.{name}" if key else name)


FIELD_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Node:
    """One table of the document, remembering its dotted key for error messages."""

    def __init__(self, file: Path, data: dict[str, Any], key: str = "") -> None:
        self.file = file
        self.data = data
        self.key = key

    def path(self, name: str) -> str:
        return f"{self.key}.{name}" if self.key else name

    def has(self, name: str) -> bool:
        return name in self.data

    def get(self, name: str, kind: type[T], default: T | _Missing = _MISSING, expected: Text | str = "") -> T:
        if name not in self.data:
            if isinstance(default, _Missing):
                raise XlgenError(
                    ErrorCode.KEY_MISSING,
                    file=self.file,
                    key=self.path(name),
                    expected=expected or _TYPE_NAMES.get(kind, kind.__name__),
                )
            return default
        value = self.data[name]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise XlgenError(
                ErrorCode.KEY_TYPE,
                file=self.file,
                key=self.path(name),
                got=value,
                expected=expected or _TYPE_NAMES.get(kind, kind.__name__),
            )
        return value

    def number_or_text(self, name: str, default: Any = None) -> float | str | None:
        value = self.data.get(name, default)
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        raise XlgenError(
            ErrorCode.KEY_TYPE, file=self.file, key=self.path(name), got=value, expected=A_NUMBER_OR_TEXT
        )

    def table(self, name: str, required: bool = True) -> Node:
        value = self.get(name, dict, default=_MISSING if required else {})
        return Node(self.file, value, self.path(name))

    def tables(self, name: str, required: bool = True) -> list[Node]:
        items = self.get(name, list, default=_MISSING if required else [], expected=Text("由表组成的列表", "a list of tables"))
        nodes = []
        for i, item in enumerate(items):
            key = f"{self.path(name)}[{i}]"
            if not isinstance(item, dict):
                raise XlgenError(ErrorCode.KEY_TYPE, file=self.file, key=key, got=item, expected=_TYPE_NAMES[dict])
            nodes.append(Node(self.file, item, key))
        return nodes

    def strings(self, name: str, default: list[str] | _Missing = _MISSING) -> list[str]:
        items = self.get(name, list, default=default, expected=Text("由字符串组成的列表", "a list of strings"))
        for i, item in enumerate(items):
            if not isinstance(item, str):
                raise XlgenError(
                    ErrorCode.KEY_TYPE, file=self.file, key=f"{self.path(name)}[{i}]", got=item, expected=_TYPE_NAMES[str]
                )
        return list(items)

    def only(self, *allowed: str) -> None:
        """Refuse keys this table does not know: a typo must not be ignored silently."""
        for name in self.data:
            if name not in allowed:
                raise XlgenError(
                    ErrorCode.KEY_UNKNOWN, file=self.file, key=self.path(name), expected=", ".join(allowed)
                )

    def field_name(self, name: str = "field") -> str:
        """A field's name: letters, digits and ``_``, as it goes into defined names and placeholders."""
        value = self.get(name, str)
        if value and not FIELD_NAME.fullmatch(value):  # "" : a column holding no field (a blank)
            raise self.error(name, TemplateCode.FIELD_NAME, value=value)
        return value

    def error(self, at: str, code: TemplateCode, /, **fields: Field) -> XlgenError:
        """The error ``code`` at this table's key ``at`` (its file and dotted key filled in)."""
        return XlgenError(code, file=self.file, key=self.path(at), **fields)

    def not_one_of(self, name: str, value: str, what: Text, choices: Iterable[str]) -> XlgenError:
        """The error of ``name`` holding ``value``, which is not ``what`` (one of ``choices``)."""
        listed = ", ".join(choices)
        return self.error(name, TemplateCode.NOT_ONE_OF, value=value, what=what, choices=listed or Text("无", "none"))
