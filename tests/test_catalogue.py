"""One catalogue, never leaking: every error and finding code renders in Chinese and in English,
each language whole (no placeholder left, no English prose in the Chinese, no Chinese in the
English), and no detail of ours is a bare string that would show one language in both runs."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import string
from pathlib import Path

import pytest

import xlgen.errors
from tests.helpers.chinese import AsIs, english_words, ours
from tests.helpers.common import ROOT
from xlgen.errors import Catalogue, ErrorCode, XlgenError
from xlgen.findings import Code, finding
from xlgen.lang import Text, pick

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PROSE = ("detail", "reason", "what", "expected", "suggestion", "problems")  # fields that are sentences of ours
IN_THE_FORM = ("填报检查", "分值", "不适用", "三级指标", "一级指标", "二级指标", "一级/二级指标", "合计/小计", "文本")  # names of the form's own parts (and Excel's 文本 format), which an English message names as they are


def _families() -> list[type[Catalogue]]:
    """Every family of error codes: the Catalogue of each module of xlgen/errors/."""
    for module in pkgutil.iter_modules(xlgen.errors.__path__):
        importlib.import_module(f"xlgen.errors.{module.name}")
    return Catalogue.__subclasses__()


FAMILIES = {f.__name__: f for f in _families()}
ERROR_CODES = [code for family in FAMILIES.values() for code in family]


def _fields(*texts: str) -> set[str]:
    return {f.split("!")[0] for t in texts for _, f, _, _ in string.Formatter().parse(t) if f}


def _rendered(text: Text, sample: Text | str) -> tuple[str, str]:
    """The message with ``sample`` in every field (whatever the field's format: "{total:g}")."""
    def shown(lang: str) -> str:
        return pick(text, lang).format(**dict.fromkeys(_fields(*text), AsIs(pick(sample, lang) if isinstance(sample, Text) else sample)))
    return shown("zh"), shown("en")


@pytest.mark.parametrize("code", ERROR_CODES, ids=lambda c: f"{type(c).__name__}.{c.name}")
def test_every_error_code_renders_in_both_languages(code: Catalogue) -> None:
    """Each code has a Chinese and an English message naming the same fields (a code added with
    one language, or with a field one language leaves out, fails here)."""
    assert _fields(code.text.zh) == _fields(code.text.en) == code.fields
    zh, en = _rendered(code.text, Text("某值", "a value"))
    assert not any("{" + f in zh or "{" + f in en for f in code.fields)
    assert "某值" in zh if code.fields else True
    assert zh.strip() and en.strip() and zh != en
    english = en
    for name in sorted(IN_THE_FORM, key=len, reverse=True):
        english = english.replace(name, "")
    assert not CJK.search(english), en
    assert english_words(zh) == [], zh
    assert english_words(ours(code.text, dict.fromkeys(code.fields, "x"))) == [], zh
    own = _rendered(code.text, "")[0]
    assert CJK.search(own) or not own.strip("：: "), own  # Chinese words of its own, or only its fields


def test_no_code_is_another_under_a_second_name() -> None:
    assert all(len(family) == len(family.__members__) for family in FAMILIES.values())  # an Enum's equal values alias


# what a function that raises a code fills in itself (Node.error, _no_effect, templatecheck's _problem: the
# file and the key; a roster's cell or column: the file, sheet, row, column and its name; _Bad: the value too)
CELL = frozenset({"file", "sheet", "row", "column", "name"})
RAISERS = {"XlgenError": frozenset(), "said": frozenset(), "error": frozenset({"file", "key"}),
           "_no_effect": frozenset({"file", "key"}), "_problem": frozenset({"file", "key"}),
           "error_cell": CELL, "error_column": CELL - {"row"}, "_Bad": CELL | {"value"}}


def _raised() -> tuple[dict[str, set[str]], list[str]]:
    """Every code xlgen raises (by family.name, with the places), and each place whose fields are
    not the code's: the fields given, plus those the raising function fills in."""
    raised: dict[str, set[str]] = {}
    wrong = []
    for path in sorted((ROOT / "xlgen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            codes = [a for a in node.args if isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name)
                     and a.value.id in FAMILIES and a.attr in FAMILIES[a.value.id].__members__]
            if not codes:
                continue
            code = FAMILIES[codes[0].value.id][codes[0].attr]  # type: ignore[attr-defined]
            where = f"{path.relative_to(ROOT)}:{node.lineno}: {type(code).__name__}.{code.name}"
            raised.setdefault(f"{type(code).__name__}.{code.name}", set()).add(where)
            callee = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            given = {kw.arg for kw in node.keywords if kw.arg} | RAISERS.get(callee, frozenset({"?"}))
            if given != code.fields or any(kw.arg is None for kw in node.keywords):
                wrong.append(f"{where} given {sorted(given)}, names {sorted(code.fields)}")
    return raised, wrong


def test_every_code_is_raised_with_the_fields_its_message_names() -> None:
    """The fields at each place that raises a code are its message's placeholders, no more and no
    fewer (a ``**dict`` cannot be checked, so none is used); every code is raised somewhere."""
    raised, wrong = _raised()
    assert wrong == []
    assert sorted(f"{type(c).__name__}.{c.name}" for c in ERROR_CODES if f"{type(c).__name__}.{c.name}" not in raised) == []


def test_an_error_refuses_fields_its_message_does_not_name() -> None:
    with pytest.raises(TypeError, match=r"FILE_MISSING names \['file'\]; given \['file', 'key'\]"):
        XlgenError(ErrorCode.FILE_MISSING, file="a.toml", key="x")
    with pytest.raises(TypeError, match=r"given \[\]"):
        XlgenError(ErrorCode.FILE_MISSING)


@pytest.mark.parametrize("code", list(Code), ids=lambda c: c.code)
def test_every_finding_code_renders_in_both_languages(code: Code) -> None:
    detail = code.value
    assert _fields(detail.zh) <= _fields(detail.en) | {"cell", "sheet"} and _fields(detail.en) <= _fields(detail.zh) | {"cell", "sheet"}
    found = finding(code, "Form", "B7", "x", **{f: Text("某值", "a value") for f in _fields(detail.zh, detail.en) - {"cell", "sheet", "field"}})
    zh, en = found.message("zh"), found.message("en")
    assert "{" not in zh and "{" not in en and "?" not in zh.replace("？", "")
    assert CJK.search(zh) and not CJK.search(en.replace("B7", "")), (zh, en)
    assert english_words(zh) == [], zh
    assert found.to_json("zh")["message"] == zh and found.to_json("en")["message"] == en


def test_a_finding_speaks_the_runs_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from xlgen import lang

    lang.choose(None)  # the environment's language (a command line run earlier may have chosen one)
    found = finding(Code.UNREADABLE, reason=Text("已损坏", "damaged"))
    monkeypatch.setenv("XLGEN_LANG", "zh")
    assert found.message() == "无法读取该文件：已损坏"
    monkeypatch.setenv("XLGEN_LANG", "en")
    assert found.message() == "the file cannot be read: damaged"


SENTENCES = ("detail", "reason", "suggestion", "problems")  # fields that are sentences (not nouns: what, expected)
CARRIERS = {*RAISERS, "finding", "Finding", "Refused", "Unwanted", "LibreOfficeError", "unreadable", "Unplaced", "Skipped"}


def _inline(value: ast.expr) -> bool:
    """A Text built on the spot with values in it (``Text(f"…{x}…", f"…")``): a sentence that
    should be a code of its own."""
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "Text"
            and any(isinstance(a, ast.JoinedStr) for a in value.args))


def _inline_details() -> list[str]:
    """Calls that give an error, a finding or a reason a detail of ours that is not a code of the
    catalogue: a bare (one-language) string in a prose field, any Text in a prose field, or a Text
    built from f-strings anywhere."""
    out = []
    for path in sorted((ROOT / "xlgen").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in CARRIERS:
                continue
            for arg, value in [(kw.arg, kw.value) for kw in node.keywords] + [(None, a) for a in node.args]:
                bare = isinstance(value, ast.JoinedStr) or (isinstance(value, ast.Constant) and isinstance(value.value, str))
                text = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "Text"
                ours = "message_in(" in ast.unparse(value)  # our own messages, said in each language
                if (arg in SENTENCES and (bare or text) and not ours) or _inline(value):
                    out.append(f"{path.relative_to(ROOT)}:{node.lineno}: {arg}={ast.unparse(value)[:60]}")
    return out


def test_no_detail_of_ours_is_outside_the_catalogue() -> None:
    """A detail of ours is a code of the catalogue (a Said, or the error's own code); only what a
    library or the OS says is quoted as it comes (str(exc), exc.strerror: never a literal), and a
    Text given to a message is a noun (what was expected, a table's name). The {level} detail of
    template/model.py was English in a Chinese run."""
    assert _inline_details() == []


def test_the_check_finds_a_bare_detail(tmp_path: Path) -> None:
    call = ast.parse('XlgenError(ErrorCode.VALUE_INVALID, key="k", detail="no [[levels]]")').body[0]
    assert isinstance(call, ast.Expr) and isinstance(call.value, ast.Call)
    assert [kw.arg for kw in call.value.keywords if isinstance(kw.value, ast.Constant)] == ["key", "detail"]
    assert english_words("broken.toml：键「formulas.x」：{level} names the overall score's level") == [
        "names", "the", "overall", "score", "level"]


def _template_cases() -> list[tuple[str, str, Catalogue]]:
    from tests import test_template_errors

    marks = [m for m in getattr(test_template_errors.test_template_error, "pytestmark", []) if m.name == "parametrize"]
    return [(old, new, code) for old, new, code, _ in marks[0].args[1]]


@pytest.mark.parametrize(("old", "new", "code"), _template_cases())
def test_a_chinese_run_shows_no_english_detail_of_a_template_error(tmp_path: Path, old: str, new: str,
                                                                  code: Catalogue) -> None:
    """The Chinese pass of tests/test_template_errors.py: each broken template's error, in Chinese,
    holds no English prose of ours (a TOML syntax error quotes tomllib's own words)."""
    from tests.test_template_errors import broken
    from xlgen.errors import XlgenError
    from xlgen.template.model import load_template

    with pytest.raises(XlgenError) as info:
        load_template(broken(tmp_path, old, new))
    zh = info.value.message_in("zh")
    assert CJK.search(zh)
    assert english_words(ours(info.value.code.text, info.value.fields)) == [], zh


def _cli_cases() -> list[str]:
    from tests import test_no_traceback

    return sorted(test_no_traceback.CASES)


@pytest.mark.parametrize("name", _cli_cases())
def test_a_chinese_run_shows_no_english_detail_on_the_command_line(tmp_path: Path, name: str) -> None:
    """The Chinese pass of tests/test_no_traceback.py: each bad input's message, in a Chinese run,
    holds no English prose of ours (only what the user gave, names, and the OS's own words)."""
    from typer.testing import CliRunner

    from tests import test_no_traceback
    from xlgen.cli import app

    make, code, _ = test_no_traceback.CASES[name]
    result = CliRunner().invoke(app, make(tmp_path), env={"XLGEN_LANG": "zh"})
    assert result.exit_code == code and "Traceback" not in result.output, result.output
    assert CJK.search(result.output) and english_words(result.output) == [], result.output
