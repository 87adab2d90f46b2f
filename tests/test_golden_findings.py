"""Golden findings: what ``verify`` says about a fixed corpus of returned workbooks, recorded
once and compared whole, so that work on verify's speed (or any refactor) cannot change a
status, a finding, its cell, field or message, a score, a fingerprint or a label unnoticed.

The corpus: every built-in template's sample as generated (and a blank), the hand-made legacy
form, and, for each generated one, mutations drawn with a fixed seed — cells retyped, moved,
given formulas or values of every type, saved numbers changed, formulas typed over, styles
swapped, validations and protection removed, defined names and properties rewritten, links,
shared formulas, results never calculated. ``LO_CASES`` adds the same files saved by
LibreOffice (their XML as another program writes it), under the ``libreoffice`` marker.

After a reviewed change to verify's findings, regenerate the records with
    XLGEN_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_findings.py
and read the diff of tests/golden/findings*.json.
"""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.common import ROOT
from tests.helpers.verifykit import parts, rezip
from xlgen.generate.workbook import generate
from xlgen.intake.reader import default_layout
from xlgen.layout.model import FORMULA, Layout
from xlgen.template.fill import load_fill
from xlgen.template.model import load_template
from xlgen.verify.batch import verify_file
from xlgen.verify.result import FileResult

GOLDEN = ROOT / "tests" / "golden"
UPDATE = os.environ.get("XLGEN_UPDATE_GOLDEN") == "1"
SAMPLES = ROOT / "samples"
SHEET = "xl/worksheets/sheet1.xml"
# original: (template, its sample fill (None: a blank), year)
ORIGINALS: dict[str, tuple[str, Path | None, int]] = {
    "liaoning": ("liaoning-department-overall", SAMPLES / "chaoyang-2024.toml", 2024),
    "liaoning-blank": ("liaoning-department-overall", None, 2025),
    "mof": ("mof-project", SAMPLES / "mof-project-2024.toml", 2024),
    "jiangxi": ("jiangxi-project", SAMPLES / "mof-project-2024.toml", 2024),
    "sichuan": ("sichuan-project", SAMPLES / "sichuan-project-2024.toml", 2024),
    "chongqing": ("chongqing-department-overall", SAMPLES / "chongqing-department-overall-2024.toml", 2024),
    "hunan": ("hunan-department-evaluation", SAMPLES / "hunan-department-evaluation-2024.toml", 2024),
    "dazhou": ("dazhou-department-score", SAMPLES / "dazhou-department-score-2024.toml", 2024),
    "hengshan": ("hengshan-special-fund", SAMPLES / "hengshan-special-fund-2020.toml", 2020),
}
MUTATIONS = 30  # drawn per original
LO_MUTATIONS = 6  # per original saved by LibreOffice

CELL = re.compile(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', re.S)
NUMBER_VALUE = re.compile(r"(<v>)(-?\d+(?:\.\d+)?(?:E-?\d+)?)(</v>)")
VALUES = ["", " ", "1e999", "-0", "NaN", "abc", "#N/A", "TRUE", "92.15%", "９２", "≥100", "0", "1", "100", "85.5",
          "-3", "1000000", "0.95", "全部或基本达成预期指标 100%-80% (含)", ">=", "≥", "个", "中", "1,000", "2024", "\u3000"]
FORMULAS = [None, None, None, "SUM(A1:A3)", "[1]Sheet1!A1", 'HYPERLINK("file:///c:/x.xlsx")', "1+1",
            'WEBSERVICE("http://x")', '"text"', "NOW()", "A1"]
TYPES = [None, "n", "s", "str", "b", "e", "inlineStr", "d"]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ----------------------------------------------------------------------------- mutations
# Each takes the parts and a seeded generator, changes the parts in place, and says what it did.
Mutation = Callable[[dict[str, bytes], random.Random, Layout], str]


def _sheet(items: dict[str, bytes]) -> str:
    return items[SHEET].decode("utf-8")


def retype_cell(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    xml = _sheet(items)
    cells = CELL.findall(xml)
    ref = rng.choice(cells)
    old = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml, re.S).group(0)  # type: ignore[union-attr]
    kind, value, formula = rng.choice(TYPES), rng.choice(VALUES), rng.choice(FORMULAS)
    if kind == "s":
        value = str(rng.randint(0, 40))
    new_ref = rng.choice([ref] * 6 + ["A1", "XFD1048576", "A0"])
    body = f"<is><t>{_escape(value)}</t></is>" if kind == "inlineStr" else f"<v>{_escape(value)}</v>"
    f = "" if formula is None else f"<f>{_escape(formula)}</f>"
    t = "" if kind is None else f' t="{kind}"'
    style = re.search(r' s="\d+"', old)
    items[SHEET] = xml.replace(old, f'<c r="{new_ref}"{style.group(0) if style else ""}{t}>{f}{body}</c>', 1).encode()
    return f"cell {ref}→{new_ref} t={kind} v={value!r} f={formula!r}"


def _edit_one(items: dict[str, bytes], rng: random.Random, pattern: str | re.Pattern[str], group: int,
              new_text: Callable[[re.Match[str], list[re.Match[str]]], str], what: str) -> str:
    """One match of ``pattern`` in the sheet, drawn, its ``group`` replaced by ``new_text``."""
    xml = _sheet(items)
    found = list(re.finditer(pattern, xml))
    if not found:
        return f"no {what}"
    m = rng.choice(found)
    new = new_text(m, found)
    items[SHEET] = (xml[:m.start(group)] + new + xml[m.end(group):]).encode()
    return f"{what} {m.group(group)[:60]!r}→{new[:60]!r}"


def change_number(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    return _edit_one(items, rng, NUMBER_VALUE, 2, lambda m, _found: rng.choice(
        ["0", "1", "100", "99.99", "-1", "0.5", "120", str(round(float(m.group(2)) * 1.1, 2))]), "number")


def type_over_formula(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    return _edit_one(items, rng, r"<f\b[^>/]*>[^<]*</f>", 0, lambda _m, _found: "", "formula")


def change_formula(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    def new_text(m: re.Match[str], found: list[re.Match[str]]) -> str:
        other = rng.choice(found)
        return rng.choice([other.group(1), m.group(1).replace("ROUND", "ROUNDUP", 1), m.group(1) + "+0",
                           m.group(1).replace("2", "3", 1), m.group(1).upper(), " " + m.group(1)])
    return _edit_one(items, rng, r"<f\b[^>/]*>([^<]*)</f>", 1, new_text, "formula")


def swap_style(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    return _edit_one(items, rng, r' s="(\d+)"', 1,
                     lambda _m, found: str(rng.randint(0, max(int(x.group(1)) for x in found))), "style")


def drop_validation(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    xml = _sheet(items)
    found = list(re.finditer(r"<dataValidation\b[^>]*?(?:/>|>.*?</dataValidation>)", xml, re.S))
    if not found:
        return "no validation"
    m = rng.choice(found)
    if rng.random() < 0.5:
        new = ""
    else:
        new = re.sub(r'sqref="[^"]*"', f'sqref="{rng.choice(["A1", "B2:C3", "XFD1", "E12 F13"])}"', m.group(0), 1)
    items[SHEET] = (xml[:m.start()] + new + xml[m.end():]).encode()
    return f"validation {m.group(0)[:60]!r} → {new[:60]!r}"


def drop_protection(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    xml = _sheet(items)
    items[SHEET] = re.sub(r"<sheetProtection\b[^>]*/>", rng.choice(["", '<sheetProtection sheet="0"/>']), xml, 1).encode()
    return "protection"


def drop_cached(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    xml = _sheet(items)

    def strip(m: re.Match[str]) -> str:
        cell = m.group(0)
        if "<f" not in cell:
            return cell
        return re.sub(r' t="(?:str|s|e|b|n)"', "", re.sub(r"<v>[^<]*</v>|<v/>", "", cell), count=1)
    items[SHEET] = CELL.sub(strip, xml).encode()
    return "cached values dropped"


def share_formulas(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    """A column's formulas stored as one shared formula, as Excel does after a fill-down."""
    xml = _sheet(items)
    found = [(m.group(1), m) for m in re.finditer(r'<c r="([A-Z]+)(\d+)"[^>]*>(<f>[^<]*</f>)', xml)]
    if not found:
        return "no plain formula"
    col = rng.choice(sorted({c for c, _ in found}))
    cells = [m for c, m in found if c == col][:4]
    if len(cells) < 2:
        return "no column to share"
    last = f"{col}{cells[-1].group(2)}"
    out, shift = xml, 0
    for k, m in enumerate(cells):
        new = f'<f t="shared" ref="{col}{m.group(2)}:{last}" si="0">{m.group(3)[3:-4]}</f>' if k == 0 else \
            '<f t="shared" si="0"/>'
        start, end = m.start(3) + shift, m.end(3) + shift
        out = out[:start] + new + out[end:]
        shift += len(new) - (end - start)
    items[SHEET] = out.encode()
    return f"shared formulas in column {col}"


def rename_numbers(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    wb = items["xl/workbook.xml"].decode("utf-8")
    spans = [m.span() for m in re.finditer(r"<definedName [^>]*>[^<]*<", wb)]
    start, end = rng.choice(spans)
    piece = re.sub(r"\d+", lambda m: str(rng.choice([0, 1, 2, int(m.group(0)) + 1, int(m.group(0)) - 1, 1048576])),
                   wb[start:end])
    items["xl/workbook.xml"] = (wb[:start] + piece + wb[end:]).encode()
    return f"defined name {piece[:80]!r}"


def rewrite_property(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    custom = items["docProps/custom.xml"].decode("utf-8")
    found = list(re.finditer(r"(<vt:lpwstr>)([^<]*)(</vt:lpwstr>)", custom))
    m = rng.choice(found)
    new = _escape(rng.choice(VALUES + [m.group(2)[:-1], m.group(2) + "x"]))
    items["docProps/custom.xml"] = (custom[:m.start(2)] + new + custom[m.end(2):]).encode()
    return f"property {m.group(2)[:40]!r}→{new!r}"


def edit_string(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    name = "xl/sharedStrings.xml"
    if name not in items:
        return "no shared strings"
    text = items[name].decode("utf-8")
    found = list(re.finditer(r"(<t[^>]*>)([^<]*)(</t>)", text))
    m = rng.choice(found)
    new = _escape(rng.choice(VALUES + [m.group(2) + " ", m.group(2)[1:]]))
    items[name] = (text[:m.start(2)] + new + text[m.end(2):]).encode()
    return f"string {m.group(2)[:30]!r}→{new!r}"


def set_input(items: dict[str, bytes], rng: random.Random, lay: Layout) -> str:
    """An input of the form typed: a number, a text, a grade, an operator or a unit."""
    xml = _sheet(items)
    slot = rng.choice([s for s in lay.slots.values() if s.role != FORMULA])
    t = lay.template
    value = rng.choice(["0", "50", "0.95", "95", "99.5", "100", "120", "-5", "", "abc", "85%"]
                       + [g.label for g in t.grades] + list(t.operators) + ["个", "%", "人次"])
    numeric = re.fullmatch(r"-?\d+(\.\d+)?", value) is not None
    m = re.search(rf'<c r="{slot.a1}"([^>]*?)(?:/>|>.*?</c>)', xml, re.S)
    attrs = re.sub(r'\s*t="[^"]*"', "", m.group(1)).rstrip("/") if m else ""
    cell = (f'<c r="{slot.a1}"{attrs}><v>{value}</v></c>' if numeric
            else f'<c r="{slot.a1}"{attrs} t="inlineStr"><is><t>{_escape(value)}</t></is></c>')
    if m is None:
        return f"no cell {slot.a1}"
    items[SHEET] = (xml[:m.start()] + cell + xml[m.end():]).encode()
    return f"input {slot.key}={value!r}"


MUTATORS: list[Mutation] = [set_input, set_input, set_input, set_input, set_input, retype_cell, retype_cell, retype_cell, change_number, change_number, change_number,
                            type_over_formula, change_formula, swap_style, drop_validation, drop_protection,
                            drop_cached, share_formulas, rename_numbers, rewrite_property, edit_string, edit_string]


def mutants(name: str, data: bytes, count: int, lay: Layout) -> dict[str, bytes]:
    """``count`` mutants of ``data``, each of one to three mutations, drawn with a seed of its name."""
    rng = random.Random(f"golden-findings {name}")
    out = {}
    for k in range(count):
        items = parts(data)
        for _ in range(rng.choice([1, 1, 1, 2, 3])):
            rng.choice(MUTATORS)(items, rng, lay)
        out[f"{name}~{k:02d}"] = rezip(items)
    return out


# ----------------------------------------------------------------------------- the record
def record(r: FileResult) -> dict[str, Any]:
    """Everything a result says but the path it was read from and when the file was saved."""
    return {"status": r.status, "template": r.template, "version": r.template_version,
            "department": r.department, "name": r.department_name, "year": r.year, "total": r.total_score,
            "level": r.level, "inputs": r.inputs_digest, "labels": r.labels,
            "findings": [[f.code.code, f.severity, f.sheet, f.cell, f.field, f.message("zh"), f.message("en")]
                         for f in r.findings]}


def originals(folder: Path) -> dict[str, bytes]:
    out = {}
    for name, (tid, sample, year) in ORIGINALS.items():
        t = load_template(tid)
        path = generate(t, load_fill(sample, t) if sample else None, folder / f"{name}.xlsx", year=year).path
        out[name] = path.read_bytes()
    return out


def corpus(sources: dict[str, bytes], count: int) -> dict[str, bytes]:
    files = dict(sources)
    for name, data in sources.items():
        lay = default_layout(load_template(ORIGINALS[name.removeprefix("lo-")][0]))
        files.update(mutants(name, data, count, lay))
    return files


def verify_all(files: dict[str, bytes], folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, data in files.items():
        path = folder / f"{name}.xlsx"
        path.write_bytes(data)
        out[name] = record(verify_file(path))
    return out


def compare(got: dict[str, Any], golden: Path) -> None:
    if UPDATE:
        golden.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    want = json.loads(golden.read_text(encoding="utf-8"))
    assert sorted(got) == sorted(want), "the corpus changed: regenerate the record (XLGEN_UPDATE_GOLDEN=1)"
    changed = [name for name in want if got[name] != want[name]]
    for name in changed[:3]:
        print(name, json.dumps(want[name], ensure_ascii=False), json.dumps(got[name], ensure_ascii=False), sep="\n")
    assert not changed, f"{len(changed)} of {len(want)} results differ from the record, first: {changed[:10]}"


# ----------------------------------------------------------------------------- tests
@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return originals(tmp_path_factory.mktemp("golden-originals"))


def test_findings_of_the_corpus_as_recorded(made: dict[str, bytes], tmp_path: Path) -> None:
    files = corpus(made, MUTATIONS)
    files["handmade"] = (SAMPLES / "chaoyang-2024-handmade.xlsx").read_bytes()
    got = verify_all(files, tmp_path)
    # the corpus exercises verify: passes, failures, unreadable files, and a spread of findings
    statuses = {r["status"] for r in got.values()}
    assert statuses == {"pass", "fail", "error"}, statuses
    codes = {f[0] for r in got.values() for f in r["findings"]}
    assert len(codes) >= 20, sorted(codes)
    compare(got, GOLDEN / "findings.json")


def test_the_streamed_read_and_the_step_by_step_program_give_the_same_findings(
        made: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """verify's fast paths have slower twins, each kept for a case of its own: a sheet larger than
    ``ONE_PASS`` is streamed rather than parsed in one go, a layout's program runs step by
    step until it has run a few files, and a file whose rows moved is read cell by cell through
    its rows' map (its formulas compared by their canonical text, its guards judged afresh)
    rather than through the layout's own tables. With every sheet streamed, every program run
    step by step and every file's rows taken as moved, the corpus gives the recorded findings too."""
    from xlgen.formula import compiler
    from xlgen.intake import reader, sheet

    monkeypatch.setattr(reader.Returned, "identity", property(lambda self: False))

    streamed: list[str] = []
    stream = sheet._stream_rows

    def counted(*args: Any) -> tuple[bytearray, bool]:
        streamed.append(args[4].ref.part)
        return stream(*args)

    monkeypatch.setattr(sheet, "ONE_PASS", 0)
    monkeypatch.setattr(sheet, "_stream_rows", counted)
    monkeypatch.setattr(compiler, "STRAIGHT_AFTER", 10**9)
    files = corpus(made, MUTATIONS)
    files["handmade"] = (SAMPLES / "chaoyang-2024-handmade.xlsx").read_bytes()
    got = verify_all(files, tmp_path)
    assert len(streamed) >= len(files) - 20, len(streamed)  # every sheet read (but of the unreadable files)
    compare(got, GOLDEN / "findings.json")


def test_every_part_parsed_whole_gives_the_same_findings(
        made: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows repeated across files are taken from the memo (``intake/rowmemo.py``), which the
    corpus fills as it is verified; with no row ever taken from it, the findings are the same."""
    from xlgen.intake import rowmemo, sheet

    rowmemo.MEMO.clear()
    files = corpus(made, MUTATIONS)
    files["handmade"] = (SAMPLES / "chaoyang-2024-handmade.xlsx").read_bytes()
    compare(verify_all(files, tmp_path / "memo"), GOLDEN / "findings.json")
    assert rowmemo.MEMO.held > 100  # the corpus went through the memo
    cuts: list[str] = []
    monkeypatch.setattr(sheet, "rows_of", lambda *args: cuts.append("cut"))
    compare(verify_all(files, tmp_path / "whole"), GOLDEN / "findings.json")
    assert len(cuts) >= len(files) - 20  # every form sheet read (but the unreadable files'), none cut


@pytest.mark.libreoffice
def test_findings_of_files_saved_by_libreoffice_as_recorded(made: dict[str, bytes], tmp_path: Path) -> None:
    from xlgen.libreoffice import convert

    src = tmp_path / "src"
    src.mkdir()
    paths = []
    for name, data in made.items():
        (src / f"{name}.xlsx").write_bytes(data)
        paths.append(src / f"{name}.xlsx")
    saved = {f"lo-{p.stem}": p.read_bytes() for p in convert(paths, "xlsx", tmp_path / "lo")}
    got = verify_all(corpus(saved, LO_MUTATIONS), tmp_path / "verified")
    assert {got[f"lo-{name}"]["status"] for name in ORIGINALS if name != "liaoning-blank"} == {"pass"}
    compare(got, GOLDEN / "findings-libreoffice.json")
