"""Hostile and broken returned files (issue 6): each gives its own finding within 500 MB, with no
traceback, the exit code of the verify contract, and the file left byte-identical.

Every file is built here from a good returned workbook (``tests/helpers/hostile.py``, the cases
of size in ``tests/helpers/hostilerun.py``); none is checked in. Each case runs ``xlgen verify
--json --lang en FILE`` in a child process whose address space is limited to 500 MB
(``RLIMIT_AS``), killed if it runs past a minute (a hang guard, not a speed goal); it reports its
own peak RSS (``VmHWM``; ``wait4`` would count the RSS the fork inherited from pytest). How fast
each is found (the 2 s goal) is printed by ``benchmarks/bench_hostile.py`` against a good file
measured in the same run: a figure, not a timed test. Expected cells come from the layout, never
from the verifier.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import shutil
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from tests.helpers.common import ROOT
from tests.helpers.hostile import (
    ACTIVEX,
    CONTENT_TYPES,
    CUSTOM,
    LAUGHS,
    OLE_BIN,
    SHEET,
    STRINGS,
    WORKBOOK,
    XXE,
    XXE_PARAMETER,
    Raw,
    activex_control,
    add_entry,
    before_sheet_data_end,
    corrupt_deflate,
    drop_entry,
    drop_sheet,
    edit,
    edit_text,
    entries,
    external_link_part,
    flag_entry,
    hyperlinks,
    ole2,
    ole_object,
    raw,
    rename_sheet,
    utf16_with_doctype,
    with_doctype,
    with_parts,
    write_zip,
)
from tests.helpers.hostilerun import MEMORY, Case, Run, part_content, run_limited, size_cases
from tests.helpers.userfill import set_cells
from tests.helpers.verifykit import edit_rows, random_inputs, set_formula, set_property

from xlgen.formula.references import col_letters
from xlgen.template.fill import Fill, load_fill
from xlgen.layout.model import INPUT, Layout
from xlgen.libreoffice import convert
from xlgen.template.model import Template, load_template
from xlgen.generate.workbook import generate

pytestmark = pytest.mark.libreoffice  # the rows inserted and deleted, and the good fills, pass through it

EXIT = {"pass": 0, "fail": 1, "error": 2}
GB = 1 << 30
HOSTILE_TEXT = ["=cmd|' /C calc'!A0", "+1+1", "-2-3", "@SUM(A1:A9)", '=HYPERLINK("file:///etc/passwd","x")']

def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ----------------------------------------------------------------------------- the corpus
CASES = [
    # not a workbook
    "not-a-zip", "empty", "truncated", "corrupt-deflate", "xls", "encrypted", "xlsb", "ods",
    "too-many-entries", "garbage-xml",
    # macros and embedded objects
    "xlsm-vba", "ole-object", "activex-control",
    # parts and sheets
    "no-workbook-part", "no-sheet-part", "sheet-renamed", "sheet-tab-renamed", "sheet-deleted",
    # templates
    "other-template", "unknown-template", "not-xlgen",
    # bombs and sizes
    "zip-bomb", "zip-bomb-lying", "string-bomb", "string-bomb-lying", "millions-of-cells", "wide-rows",
    "xfd1048576", "long-text", "huge-text",
    # XML entities
    *(f"laughs-{p}" for p in ("content-types", "rels", "workbook-rels", "workbook", "sheet", "strings",
                              "custom", "core", "styles")),
    "xxe-sheet", "xxe-strings", "xxe-workbook", "xxe-custom", "xxe-parameter", "dtd-utf16", "dtd-after-padding",
    # zip names and flags
    "traversal-dotdot", "traversal-absolute", "traversal-backslash", "traversal-drive", "duplicate-name",
    "duplicate-case", "encrypted-entry",
    # links
    "external-workbook", "external-numbered", "dde", "hyperlink-file", "hyperlink-unc", "webservice",
    "dde-below-form", "external-link-part", "hyperlink-web",
    "hyperlink-rel-file", "hyperlink-rel-unc", "hyperlink-rel-web", "many-hyperlinks",
    # text and numbers
    "text-like-formulas", "percent-text", "full-width", "number-as-text",
    # rows moved by LibreOffice
    "insert-task", "insert-indicator", "delete-indicator",
]
LAUGH_PARTS = {"content-types": CONTENT_TYPES, "rels": "_rels/.rels", "workbook-rels": "xl/_rels/workbook.xml.rels",
               "workbook": WORKBOOK, "sheet": SHEET, "strings": STRINGS, "custom": CUSTOM,
               "core": "docProps/core.xml", "styles": "xl/styles.xml"}
XXE_PARTS = {"sheet": SHEET, "strings": STRINGS, "workbook": WORKBOOK, "custom": CUSTOM}


def _tree_index(template: Template, name: str) -> int:
    return next(i for i, ind in enumerate(template.tree) if ind.name == name)


def _text_cells(lay: Layout, fill_inputs: dict[str, Any]) -> list[str]:
    """Text inputs the seed fills (so that changing them moves no formula result), less the
    bureau's fixed values (changing those is fixed-changed, test_seal.py)."""
    fixed = lay.fixed_values(fill_inputs)
    filled = [s.key for s in lay.slots.values()
              if s.role == INPUT and s.type in ("text", "cause") and isinstance(fill_inputs.get(s.key), str)
              and fill_inputs[s.key].strip() and s.key not in fixed]
    # and the 原因分析 of the tree's rows (more text never fails a row)
    return filled + [s.key for s in lay.slots.values() if s.type == "cause" and s.key not in filled
                     and s.section == "indicators" and lay.indicator_rows[s.index].tree is not None]


@pytest.fixture(scope="module")
def corpus(template: Template, sample_fill: Fill, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Case]:
    root = tmp_path_factory.mktemp("hostile")
    src = root / "src"
    src.mkdir()
    d = root / "corpus"
    d.mkdir()
    seed = generate(template, sample_fill, src / "seed.xlsx")
    good, lay = seed.path, seed.layout
    actual = lay.slot("indicators[0].actual").a1
    goal = lay.slot("goals.goal_plan").a1
    sheet = template.sheet
    cases: dict[str, Case] = {}

    def unreadable(name: str, file: Path, *words: str) -> None:
        cases[name] = Case(file, "error", [("unreadable", None)], list(words))

    # not a workbook
    (d / "notes.xlsx").write_bytes(b"minutes of the meeting")
    unreadable("not-a-zip", d / "notes.xlsx", "not a zip")
    (d / "empty.xlsx").write_bytes(b"")
    unreadable("empty", d / "empty.xlsx", "empty")
    data = good.read_bytes()
    (d / "truncated.xlsx").write_bytes(data[:len(data) // 2])
    unreadable("truncated", d / "truncated.xlsx", "truncated")
    unreadable("corrupt-deflate", with_parts(good, d / "corrupt-deflate.xlsx", corrupt_deflate(SHEET)),
               SHEET, "damaged")
    unreadable("xls", ole2(d / "old.xls", ["Workbook", "\x05SummaryInformation"]), ".xls", "save it as .xlsx")
    unreadable("encrypted", ole2(d / "encrypted.xlsx", ["EncryptionInfo", "EncryptedPackage"]), "encrypted", "password")
    unreadable("xlsb", write_zip(d / "binary.xlsb", [raw("[Content_Types].xml", b"<Types/>"),
                                                     raw("xl/workbook.bin", b"\x83\x01\x00")]), ".xlsb")
    unreadable("ods", write_zip(d / "calc.xlsx", [
        raw_stored("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        raw("content.xml", b'<document-content xmlns="urn:oasis:names:tc:opendocument:xmlns:office:1.0"/>')]), ".ods")
    unreadable("too-many-entries", with_parts(good, d / "entries.xlsx", lambda items: items + [
        raw(f"xl/media/pad{i}.bin", b"") for i in range(2500)]), f"{len(entries(good)) + 2500} entries")
    unreadable("garbage-xml", edit(good, d / "garbage.xlsx", SHEET, lambda x: x.replace(b"</row>", b"</rw>", 1)),
               sheet, "damaged")

    # macros: a warning, nothing run
    cases["xlsm-vba"] = Case(with_parts(good, d / "macro.xlsm", add_entry(raw("xl/vbaProject.bin", b"\xcc\x61" * 512))),
                             "pass", [("vba-project", None)], ["xl/vbaProject.bin", "did not run"])
    # embedded objects and controls: a warning, nothing opened
    cases["ole-object"] = Case(with_parts(good, d / "ole-object.xlsx", ole_object),
                               "pass", [("embedded-object", None)], [sheet, OLE_BIN, "did not open"])
    cases["activex-control"] = Case(with_parts(good, d / "activex-control.xlsx", activex_control),
                                    "pass", [("embedded-object", None)], [sheet, ACTIVEX, "did not open"])

    # parts and sheets
    unreadable("no-workbook-part", with_parts(good, d / "no-workbook.xlsx", drop_entry(WORKBOOK)), "workbook part")
    unreadable("no-sheet-part", with_parts(good, d / "no-sheet.xlsx", drop_entry(SHEET)), sheet, "missing")
    cases["sheet-renamed"] = Case(edit_text(good, d / "renamed.xlsx", WORKBOOK, rename_sheet(sheet, "Sheet1", True)),
                                  "pass", [])
    cases["sheet-tab-renamed"] = Case(edit_text(good, d / "tab-renamed.xlsx", WORKBOOK,
                                                rename_sheet(sheet, "Sheet1", False)),
                                      "error", [("unknown-template", None)], [sheet, "missing"])
    cases["sheet-deleted"] = Case(with_parts(edit_text(good, src / "deleted-tab.xlsx", WORKBOOK, drop_sheet(sheet)),
                                             d / "sheet-deleted.xlsx", drop_entry(SHEET)),
                                  "error", [("unknown-template", None)], [sheet, "missing"])

    # templates
    mof = load_template("mof-project")
    mof_file = generate(mof, load_fill(ROOT / "samples" / "mof-project-2024.toml", mof), d / "mof.xlsx").path
    cases["other-template"] = Case(mof_file, "pass", [], template="mof-project")
    cases["unknown-template"] = Case(edit_text(good, d / "hubei.xlsx", CUSTOM,
                                               set_property("xlgen_template_id", "hubei-department")),
                                     "error", [("unknown-template", None)], ["hubei-department"])
    plain = xlsxwriter.Workbook(str(d / "plain.xlsx"))
    plain.add_worksheet("统计").write_string(0, 0, "某某统计表")
    plain.close()
    cases["not-xlgen"] = Case(d / "plain.xlsx", "error", [("unknown-template", None)], ["no xlgen template"])

    cases.update(size_cases(good, d, sheet, goal))

    # DTDs: billion laughs in every part, XXE, and the tricks around a prolog check
    for key, part in LAUGH_PARTS.items():
        unreadable(f"laughs-{key}", edit_text(good, d / f"laughs-{key}.xlsx", part, with_doctype(LAUGHS)), part, "DTD")
    for key, part in XXE_PARTS.items():
        unreadable(f"xxe-{key}", edit_text(good, d / f"xxe-{key}.xlsx", part, with_doctype(XXE)), part, "DTD")
    unreadable("xxe-parameter", edit_text(good, d / "xxe-parameter.xlsx", SHEET, with_doctype(XXE_PARAMETER)),
               SHEET, "DTD")
    unreadable("dtd-utf16", edit(good, d / "dtd-utf16.xlsx", SHEET, utf16_with_doctype(LAUGHS)), SHEET, "DTD")
    unreadable("dtd-after-padding", edit_text(good, d / "dtd-padded.xlsx", SHEET, with_doctype(LAUGHS, " " * 100_000)),
               SHEET, "DTD")

    # zip names and flags
    payload = b'<?xml version="1.0"?><x/>'
    for key, name in (("dotdot", "../../evil.xml"), ("absolute", "/etc/cron.d/evil.xml"),
                      ("backslash", "xl\\..\\..\\evil.xml"), ("drive", "C:/Windows/evil.xml")):
        unreadable(f"traversal-{key}", with_parts(good, d / f"traversal-{key}.xlsx", add_entry(raw(name, payload))),
                   "unsafe path name")
    unreadable("duplicate-name", with_parts(good, d / "duplicate.xlsx", add_entry(raw(SHEET, part_content(good, SHEET)))),
               SHEET, "twice")
    unreadable("duplicate-case", with_parts(good, d / "duplicate-case.xlsx", add_entry(raw(SHEET.upper(), payload))),
               "twice")
    unreadable("encrypted-entry", with_parts(good, d / "encrypted-entry.xlsx", flag_entry(SHEET, 0x1)),
               SHEET, "encrypted")

    # formulas linking outside: reported at their cell, never followed
    for key, formula in (("external-workbook", "'[other.xlsx]Sheet1'!A1"), ("external-numbered", "[1]Sheet1!$A$1"),
                         ("dde", "cmd|' /C calc'!A0"), ("hyperlink-file", 'HYPERLINK("file:///etc/passwd","100")'),
                         ("hyperlink-unc", 'HYPERLINK("\\\\server\\share\\x.xlsx","100")'),
                         ("webservice", 'WEBSERVICE("http://example.invalid/x")')):
        cases[key] = Case(edit_text(good, d / f"{key}.xlsx", SHEET, set_formula(actual, formula)),
                          "fail", [("external-reference", actual)], [formula[:12]])
    cases["hyperlink-web"] = Case(edit_text(good, d / "hyperlink-web.xlsx", SHEET,
                                            set_formula(actual, 'HYPERLINK("https://www.mof.gov.cn/","100")')),
                                  "fail", [("formula-in-input", actual)])  # a web link, but inputs are constants
    cases["dde-below-form"] = Case(edit(good, d / "dde-below.xlsx", SHEET, before_sheet_data_end(
        b'<row r="5000"><c r="A5000"><f>cmd|\' /C calc\'!A0</f><v>0</v></c></row>')),
        "fail", [("external-reference", "A5000")], ["cmd|"])
    cases["external-link-part"] = Case(with_parts(good, d / "external-link.xlsx", external_link_part),
                                       "fail", [("external-reference", None)], ["externalLink1.xml"])

    # hyperlinks stored as relationships: a file, a UNC path at their cell; the web is no finding
    web, calc = "https://www.mof.gov.cn/", "file:///C:/Windows/System32/calc.exe"
    for key, target in (("hyperlink-rel-file", calc), ("hyperlink-rel-unc", "\\\\server\\share\\x.exe")):
        cases[key] = Case(with_parts(good, d / f"{key}.xlsx", hyperlinks([(actual, 0)], [target])),
                          "fail", [("external-reference", actual)], [target])
    cases["hyperlink-rel-web"] = Case(with_parts(good, d / "hyperlink-rel-web.xlsx", hyperlinks([(actual, 0)], [web])),
                                      "pass", [])
    # a million hyperlinks to the web, then one to a file: past those looked at, so on the sheet, at no cell
    spread = [(f"{col_letters(i % 16384)}{i // 16384 + 1000}", 0) for i in range(1_000_000)]
    cases["many-hyperlinks"] = Case(with_parts(good, d / "many-hyperlinks.xlsx",
                                               hyperlinks([*spread, (actual, 1)], [web, calc])),
                                    "fail", [("external-reference", None)], [sheet, calc])

    # text that looks like a formula is data; numbers typed as text are findings
    texts = _text_cells(lay, seed.inputs)
    assert len(texts) >= len(HOSTILE_TEXT)
    cases["text-like-formulas"] = Case(set_cells(good, d / "text-like-formulas.xlsx", {
        lay.slot(k).a1: HOSTILE_TEXT[i % len(HOSTILE_TEXT)] for i, k in enumerate(texts)}), "pass", [])
    name0 = template.tree[0].name
    for key, text in (("percent-text", "92.15%"), ("full-width", "９２"), ("number-as-text", "92")):
        fill = copy.deepcopy(sample_fill)
        fill.indicators[name0] = {**fill.indicators.get(name0, {}), "actual": text}
        cases[key] = Case(generate(template, fill, d / f"{key}.xlsx").path, "fail", [("not-a-number", actual)], [text])

    # rows inserted and deleted inside the tables, by LibreOffice
    grade_row = lay.slot(f"indicators[{_tree_index(template, '综合管理水平')}].name").row
    edits = [("insert-task", lay.slot("tasks[3].project").row, 1), ("insert-indicator", grade_row, 1),
             ("delete-indicator", grade_row, -1)]
    edit_rows([(good, d / f"{name}.xlsx", sheet, row, n) for name, row, n in edits])
    i = _tree_index(template, "综合管理水平")
    cases["insert-task"] = Case(d / "insert-task.xlsx", "fail", [("row-without-formulas", lay.slot("tasks[3].rate").a1)])
    cases["insert-indicator"] = Case(d / "insert-indicator.xlsx", "fail",
                                     [("row-without-formulas", lay.slot(f"indicators[{i}].degree").a1)])
    weights = [s for s in lay.slots.values() if s.section == "indicators" and s.field == "weight"]
    cases["delete-indicator"] = Case(d / "delete-indicator.xlsx", "fail", [
        ("row-deleted", None), ("weights-total", f"{weights[0].a1}:{lay.slot(f'indicators[{len(weights) - 2}].weight').a1}")])

    assert sorted(cases) == sorted(CASES)
    return cases


def raw_stored(name: str, content: bytes) -> Raw:
    return Raw(name, content, len(content), zlib.crc32(content), method=0)


@pytest.fixture(scope="module")
def digests(corpus: dict[str, Case]) -> dict[str, str]:
    return {name: digest(c.file) for name, c in corpus.items()}


@pytest.fixture(scope="module")
def measured(corpus: dict[str, Case], digests: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every case through the limited child, two at a time."""
    tmp = tmp_path_factory.mktemp("limited")
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = pool.map(lambda name: (name, run_limited(["verify", "--json", "--lang", "en", str(corpus[name].file)], tmp)),
                        CASES)
        return dict(runs)


@pytest.mark.parametrize("name", CASES)
def test_hostile_file(name: str, corpus: dict[str, Case], measured: dict[str, Run], digests: dict[str, str]) -> None:
    case, run = corpus[name], measured[name]
    assert "Traceback" not in run.stderr + run.stdout, run.stderr[-3000:]
    assert run.code == EXIT[case.status], (run.code, run.stdout[-2000:], run.stderr[-2000:])
    doc = json.loads(run.stdout)
    (entry,) = doc["files"]
    found = [(f["code"], f["cell"]) for f in entry["findings"]]
    assert (entry["status"], found) == (case.status, case.findings), [f["message"] for f in entry["findings"]]
    if case.reason:
        message = " ".join(f["message"] for f in entry["findings"])
        assert all(word in message for word in case.reason), message
    if case.template:
        assert entry["template"] == case.template
    assert run.seconds < float("inf"), f"{name}: killed after {run.wall:.0f} s"  # a hang guard; speed: benchmarks/bench_hostile.py
    assert run.peak < MEMORY, f"{name}: {int(run.peak) >> 20} MB"
    assert digest(case.file) == digests[name]  # read, never written


def test_bounds_are_reported(measured: dict[str, Run], capsys: pytest.CaptureFixture[str]) -> None:
    """The measurements, printed for the record (pytest -s shows them)."""
    with capsys.disabled():
        print("\ncase                      seconds   wall  peak MB  (wait4 MB)")
        for name, run in measured.items():
            print(f"{name:<25} {run.seconds:6.2f} {run.wall:6.2f} {run.peak / (1 << 20):8.1f}  ({run.rusage >> 20})")
    assert all(0 < run.peak <= run.rusage for run in measured.values())


# ----------------------------------------------------------------------------- one batch
@pytest.fixture(scope="module")
def good_fills(template: Template, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Good returned workbooks made as verifykit makes them: random valid fills of a blank,
    recalculated and saved by LibreOffice."""
    root = tmp_path_factory.mktemp("good")
    blank = generate(template, None, root / "blank.xlsx", year=2024)
    typed = [set_cells(blank.path, root / f"good-{i}.xlsx", random_inputs(blank.layout, random.Random(100 + i)))
             for i in range(4)]
    return convert(typed, "xlsx", root / "returned")


def test_one_folder_mixing_the_corpus_with_good_files(corpus: dict[str, Case], good_fills: list[Path],
                                                      tmp_path: Path) -> None:
    folder = tmp_path / "returned"
    folder.mkdir()
    expected: dict[str, tuple[str, list[tuple[str, str | None]]]] = {}
    for name, case in corpus.items():
        dst = folder / f"{name}{case.file.suffix}"
        shutil.copyfile(case.file, dst)
        expected[dst.name] = (case.status, case.findings)
    for p in good_fills:
        shutil.copyfile(p, folder / p.name)
        expected[p.name] = ("pass", [])
    before = {p.name: digest(p) for p in folder.iterdir()}
    run = run_limited(["verify", "--json", "--jobs", "2", str(folder)], tmp_path, timeout=300)
    assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert run.code == 2  # some files cannot be read at all
    doc = json.loads(run.stdout)
    got = {Path(f["path"]).name: (f["status"], [(x["code"], x["cell"]) for x in f["findings"]]) for f in doc["files"]}
    assert got == expected
    statuses = [s for s, _ in expected.values()]
    assert doc["summary"] == {"files": len(expected), **{s: statuses.count(s) for s in ("pass", "fail", "error")}}
    assert {p.name: digest(p) for p in folder.iterdir()} == before
