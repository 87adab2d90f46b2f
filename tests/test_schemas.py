"""Every part of every workbook xlgen writes is valid against the ECMA-376 transitional schemas
(vendored in tests/schemas/ooxml/) and within Excel's limits: the forms of every template, blank,
filled and password-protected, a distribution, a rollover and the `verify --report` workbook.

xlgen writes no ``<extLst>`` (its dropdowns refer to defined names, so no x14 data validations
are needed); Excel's own extensions there would pass the schemas' ``xsd:any`` (lax) unchecked.
"""

from __future__ import annotations

import functools
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from typer.testing import CliRunner

from tests.helpers import excellimits
from tests.helpers.common import LIAONING, ROOT, SAMPLE
from xlgen.cli import app

SCHEMAS = Path(__file__).resolve().parent / "schemas" / "ooxml"
# the root element's namespace → the schema that declares it
BY_NAMESPACE = {
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "sml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "dml-main.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "dml-chart.xsd",  # the report's 图表
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": "dml-spreadsheetDrawing.xsd",
    "http://schemas.openxmlformats.org/package/2006/content-types": "opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "opc-relationships.xsd",
    "http://schemas.openxmlformats.org/package/2006/metadata/core-properties": "opc-coreProperties.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": "shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties": "shared-documentPropertiesCustom.xsd",
}
SAMPLES = {LIAONING: SAMPLE, "mof-project": ROOT / "samples" / "mof-project-2024.toml"}


@functools.cache  # parsing sml.xsd and its imports takes a while: once per session
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def schema_errors(path: Path) -> list[str]:
    """Each part of ``path`` that is not valid, with lxml's first messages."""
    out = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            root = etree.fromstring(zf.read(name))
            ns = etree.QName(root).namespace or ""
            if ns not in BY_NAMESPACE:
                out.append(f"{name}: no schema for the namespace {ns!r}")
                continue
            xsd = schema(BY_NAMESPACE[ns])
            if not xsd.validate(root):
                out.append(f"{name}: " + "; ".join(f"line {e.line}: {e.message}" for e in list(xsd.error_log)[:3]))
    return out


def invoke(*args: str) -> None:
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output  # verify exits 1 when a file fails; still writes

@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("outputs")
    books: dict[str, Path] = {}
    for path in sorted((ROOT / "templates").glob("*.toml")):
        name = path.stem
        books[f"{name} blank"] = d / f"{name}-blank.xlsx"
        invoke("generate", name, "--year", "2025", "-o", str(books[f"{name} blank"]))
        if name in SAMPLES:
            books[f"{name} filled"] = d / f"{name}-filled.xlsx"
            invoke("generate", name, "--data", str(SAMPLES[name]), "-o", str(books[f"{name} filled"]))
    books["password"] = d / "locked.xlsx"
    invoke("generate", LIAONING, "--data", str(SAMPLE), "-o", str(books["password"]), "--password", "Cz2025")
    invoke("distribute", LIAONING, "--roster", str(ROOT / "samples" / "roster-2025.csv"), "--year", "2025",
           "-o", str(d / "2025"))
    for i, path in enumerate(sorted((d / "2025").glob("*.xlsx"))[:3]):
        books[f"distributed {i}"] = path
    books["rollover"] = d / "rollover-2025.xlsx"
    invoke("rollover", str(books[f"{LIAONING} filled"]), "--year", "2025", "-o", str(books["rollover"]))
    books["report"] = d / "report.xlsx"
    invoke("verify", str(books[f"{LIAONING} filled"]), str(books["rollover"]), "--report", str(books["report"]))
    return books


def test_every_shipped_template_is_covered(outputs: dict[str, Path]) -> None:
    shipped = {p.stem for p in (ROOT / "templates").glob("*.toml")}
    assert {LIAONING, "mof-project", "jiangxi-project"} <= shipped
    assert {f"{name} blank" for name in shipped} <= set(outputs)
    assert all(path.is_file() for path in outputs.values())
    assert "distributed 2" in outputs  # the roster's departments, three of them at least


def test_every_part_is_valid_against_the_ecma_schemas(outputs: dict[str, Path]) -> None:
    failures = {name: errors for name, path in outputs.items() if (errors := schema_errors(path))}
    assert failures == {}


def test_every_output_is_within_excels_limits(outputs: dict[str, Path]) -> None:
    failures = {name: found for name, path in outputs.items() if (found := excellimits.problems(path))}
    assert failures == {}


def test_the_schemas_can_fail(tmp_path: Path, outputs: dict[str, Path]) -> None:
    """An element out of schema order (Excel repairs such a file) is caught, and so is an
    attribute Excel does not know."""
    src = outputs[f"{LIAONING} blank"]
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                margins = text[text.index("<pageMargins"):text.index("/>", text.index("<pageMargins")) + 2]
                text = text.replace(margins, "").replace("<sheetData>", margins + "<sheetData>", 1)
                data = text.encode("utf-8")
            if item.filename == "xl/workbook.xml":
                data = data.replace(b"<workbookPr", b"<workbookPr xlgenBogus=\"1\"", 1)
            zout.writestr(item, data)
    errors = schema_errors(bad)
    assert any(e.startswith("xl/worksheets/sheet1.xml:") and "sheetData" in e for e in errors), errors
    assert any(e.startswith("xl/workbook.xml:") and "xlgenBogus" in e for e in errors), errors
