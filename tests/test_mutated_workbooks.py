"""Property: whatever a returned workbook has been through (bytes flipped or cut in the zip, XML
text changed in any part, cell values, types and addresses changed, defined names and
properties rewritten), the reader and the verifier never raise: the result is a status and
findings from the catalogue, each located (sheet, cell or field) or about the whole file, with
messages in both languages."""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.helpers.common import ROOT
from tests.helpers.verifykit import parts, rezip
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xlgen.template.fill import Fill, load_fill
from xlgen.findings import BY_CODE, Code, Finding
from xlgen.intake.reader import Returned
from xlgen.intake.returned import read_returned
from xlgen.template.model import Template, load_template
from xlgen.verify.result import FileResult
from xlgen.verify.batch import verify_file
from xlgen.verify.verifier import verify_returned
from xlgen.generate.workbook import generate

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FILE_LEVEL = {Code.UNREADABLE, Code.UNKNOWN_TEMPLATE, Code.VBA_PROJECT, Code.EMBEDDED_OBJECT,
              Code.EXTERNAL_REFERENCE}
SHEET = "xl/worksheets/sheet1.xml"
CELL = re.compile(r'<c r="[A-Z]+\d+"[^>]*?(?:/>|>.*?</c>)', re.S)


@pytest.fixture(scope="module")
def originals(template: Template, sample_fill: Fill, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Valid returned workbooks (both pass): the Liaoning sample and the MOF form."""
    root = tmp_path_factory.mktemp("originals")
    mof = load_template("mof-project")
    files = {"liaoning": generate(template, sample_fill, root / "liaoning.xlsx").path,
             "mof": generate(mof, load_fill(ROOT / "samples" / "mof-project-2024.toml", mof), root / "mof.xlsx").path}
    for path in files.values():
        assert verify_file(path).status == "pass"
    return {name: path.read_bytes() for name, path in files.items()}


def check(data: bytes) -> FileResult | Finding:
    """Read and verify ``data`` as a file; the assertions of the property."""
    with tempfile.TemporaryDirectory(prefix="xlgen-mutated-") as tmp:
        path = Path(tmp) / "mutated.xlsx"
        path.write_bytes(data)
        ret = read_returned(path)  # must not raise
        if isinstance(ret, Finding):
            outcome: FileResult | Finding = ret
            findings = [ret]
            assert ret.code in (Code.UNREADABLE, Code.UNKNOWN_TEMPLATE)
        else:
            assert isinstance(ret, Returned)
            outcome = verify_returned(ret)  # must not raise
            findings = outcome.findings
            assert outcome.status in ("pass", "fail", "error")
            json.dumps(outcome.to_json("en"), ensure_ascii=False)
        assert path.read_bytes() == data  # never written
    for f in findings:
        assert BY_CODE[f.code.code] is f.code
        assert f.code in FILE_LEVEL or f.sheet or f.cell or f.field, f
        assert f.message("zh") and f.message("en")
        assert "internal error" not in f.message("en")
    return outcome


# ----------------------------------------------------------------------------- strategies
TEXT = st.text(alphabet=st.sampled_from(list('<>&"\'=/!?[];:| -+.0123456789eEAZaz_$#%') + ["中", "％", "９", "\u3000",
                                                                                         "\U0001F600", "\t", "\n"]),
               max_size=24)
VALUES = st.one_of(
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["", " ", "1e999", "-0", "NaN", "inf", "#N/A", "TRUE", "92.15%", "９２", "≥100", "0x10", "1,000"]),
    TEXT,
)
CELL_TYPES = st.sampled_from([None, "n", "s", "str", "b", "e", "inlineStr", "d", "bogus"])


def flip(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for at, value in edits:
        out[at % len(out)] = value
    return bytes(out)


@SETTINGS
@given(which=st.sampled_from(["liaoning", "mof"]), edits=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)),
                                                                  min_size=1, max_size=6))
def test_bytes_flipped_in_the_zip(originals: dict[str, bytes], which: str, edits: list[tuple[int, int]]) -> None:
    check(flip(originals[which], edits))


@SETTINGS
@given(which=st.sampled_from(["liaoning", "mof"]), keep=st.floats(0, 1))
def test_zip_cut_short(originals: dict[str, bytes], which: str, keep: float) -> None:
    data = originals[which]
    check(data[:int(len(data) * keep)])


@SETTINGS
@given(which=st.sampled_from(["liaoning", "mof"]), data=st.data())
def test_xml_text_changed_in_a_part(originals: dict[str, bytes], which: str, data: st.DataObject) -> None:
    items = parts(originals[which])
    name = data.draw(st.sampled_from(sorted(n for n in items if n.endswith((".xml", ".rels")))), label="part")
    text = items[name].decode("utf-8")
    at = data.draw(st.integers(0, len(text)), label="at")
    cut = data.draw(st.integers(0, 40), label="cut")
    items[name] = (text[:at] + data.draw(TEXT, label="new") + text[at + cut:]).encode("utf-8")
    check(rezip(items))


def _cell_edit(xml: str, data: st.DataObject) -> str:
    cells = CELL.findall(xml)
    old = data.draw(st.sampled_from(cells), label="cell")
    kind = data.draw(CELL_TYPES, label="type")
    ref = re.match(r'<c r="([A-Z]+\d+)"', old).group(1)  # type: ignore[union-attr]
    if data.draw(st.booleans(), label="move"):
        ref = data.draw(st.sampled_from(["A1", "XFD1048576", "A0", "AAAA1", "B-3", "Q99999999999", ref]), label="ref")
    value = data.draw(VALUES, label="value")
    body = (f"<is><t>{_escape(value)}</t></is>" if kind == "inlineStr" else f"<v>{_escape(value)}</v>")
    formula = data.draw(st.one_of(st.none(), TEXT), label="formula")
    f = "" if formula is None else f"<f>{_escape(formula)}</f>"
    t = "" if kind is None else f' t="{kind}"'
    return xml.replace(old, f'<c r="{ref}"{t}>{f}{body}</c>', 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@SETTINGS
@given(which=st.sampled_from(["liaoning", "mof"]), data=st.data())
def test_cell_values_types_and_addresses_changed(originals: dict[str, bytes], which: str, data: st.DataObject) -> None:
    items = parts(originals[which])
    xml = items[SHEET].decode("utf-8")
    for _ in range(data.draw(st.integers(1, 4), label="cells")):
        xml = _cell_edit(xml, data)
    items[SHEET] = xml.encode("utf-8")
    check(rezip(items))


NUMBER = re.compile(r"\d+")


def _numbers_changed(text: str, data: st.DataObject, pattern: str) -> str:
    """Some numbers inside the matches of ``pattern`` replaced by drawn ones."""
    spans = [m.span() for m in re.finditer(pattern, text)]
    for start, end in data.draw(st.lists(st.sampled_from(spans), min_size=1, max_size=4), label="spans"):
        piece = text[start:end]
        new = NUMBER.sub(lambda m: str(data.draw(st.sampled_from([0, 1, 2, int(m.group(0)) + 1, 10**6, 1048576, 16385]),
                                                 label="n")), piece)
        text = text[:start] + new + text[end:]
    return text


@SETTINGS
@given(which=st.sampled_from(["liaoning", "mof"]), data=st.data())
def test_defined_names_and_properties_rewritten(originals: dict[str, bytes], which: str, data: st.DataObject) -> None:
    items = parts(originals[which])
    workbook = items["xl/workbook.xml"].decode("utf-8")
    items["xl/workbook.xml"] = _numbers_changed(workbook, data, r"<definedName [^>]*>[^<]*<").encode("utf-8")
    if data.draw(st.booleans(), label="properties"):
        custom = items["docProps/custom.xml"].decode("utf-8")
        change: Callable[[re.Match[str]], str] = lambda m: m.group(1) + _escape(data.draw(VALUES, label="prop")) + m.group(3)
        items["docProps/custom.xml"] = re.sub(r"(<vt:lpwstr>)([^<]*)(</vt:lpwstr>)", change, custom,
                                              count=data.draw(st.integers(1, 3), label="count")).encode("utf-8")
    check(rezip(items))
