"""`xlgen verify` on the command line: the JSON contract, exit codes, languages, --jobs, and the
--report workbook as LibreOffice reads it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest
from typer.testing import CliRunner
from tests.helpers.userfill import set_cells

from xlgen.cli import app
from xlgen.template.fill import Fill
from xlgen.libreoffice import convert
from xlgen.template.model import Template
from xlgen.verify.batch import verify_file
from xlgen.generate.workbook import generate

runner = CliRunner()

# The contract of issue 4, word for word.
FINDING = {
    "type": "object", "additionalProperties": False,
    "required": ["code", "severity", "sheet", "cell", "field", "message"],
    "properties": {
        "code": {"type": "string", "pattern": "^[a-z]+(-[a-z0-9]+)*$"},
        "severity": {"enum": ["error", "warning"]},
        "sheet": {"type": ["string", "null"]},
        "cell": {"type": ["string", "null"]},
        "field": {"type": ["string", "null"]},
        "message": {"type": "string", "minLength": 1},
    },
}
CONTRACT = {
    "type": "object", "additionalProperties": False, "required": ["files", "summary"],
    "properties": {
        "files": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["path", "status", "template", "department", "year", "total_score", "findings"],
            "properties": {
                "path": {"type": "string"},
                "status": {"enum": ["pass", "fail", "error"]},
                "template": {"type": ["string", "null"]},
                "department": {"type": ["string", "null"]},
                "year": {"type": ["integer", "null"]},
                "total_score": {"type": ["number", "null"]},
                "findings": {"type": "array", "items": FINDING},
            },
        }},
        "summary": {
            "type": "object", "additionalProperties": False, "required": ["files", "pass", "fail", "error"],
            "properties": {k: {"type": "integer", "minimum": 0} for k in ("files", "pass", "fail", "error")},
        },
    },
}

SEED_TOTAL = 97.18
# 重点工作办结率 (weight 3.5) with text in 全年完成值 scores nothing: 97.18 - 3.5
BAD_TOTAL = 93.68


@pytest.fixture(scope="module")
def files(template: Template, sample_fill: Fill, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("cli") / "returned"
    good = generate(template, sample_fill, root / "2024_703010_good.xlsx")
    actual = good.layout.slot("indicators[0].actual").a1
    (root / "sub").mkdir()
    bad = set_cells(good.path, root / "sub" / "2024_703010_bad.xlsx", {actual: "92.15%"})
    broken = root / "sub" / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 truncated")
    (root / "notes.txt").write_text("not a workbook")
    return {"root": root, "good": good.path, "bad": bad, "broken": broken}


def run(*args: Any) -> Any:
    return runner.invoke(app, ["verify", *map(str, args)], terminal_width=200)


def digests(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_json_follows_the_contract(files: dict[str, Path]) -> None:
    before = digests([files["good"], files["bad"], files["broken"]])
    result = run(files["root"], "--json")
    assert result.exit_code == 2  # one file could not be read at all
    doc = json.loads(result.stdout)
    jsonschema.validate(doc, CONTRACT)
    by_name = {Path(f["path"]).name: f for f in doc["files"]}
    assert set(by_name) == {"2024_703010_good.xlsx", "2024_703010_bad.xlsx", "broken.xlsx"}  # .txt skipped
    assert doc["summary"] == {"files": 3, "pass": 1, "fail": 1, "error": 1}
    good = by_name["2024_703010_good.xlsx"]
    assert (good["status"], good["template"], good["department"], good["year"], good["total_score"]) == \
        ("pass", "liaoning-department-overall", "703010", 2024, SEED_TOTAL)
    bad = by_name["2024_703010_bad.xlsx"]
    assert bad["status"] == "fail" and bad["total_score"] == BAD_TOTAL
    assert {"code": "not-a-number", "cell": "H17", "field": "indicators[0].actual", "severity": "error",
            "sheet": "自评表"}.items() <= next(f for f in bad["findings"] if f["code"] == "not-a-number").items()
    broken = by_name["broken.xlsx"]
    assert (broken["status"], [f["code"] for f in broken["findings"]]) == ("error", ["unreadable"])
    assert digests([files["good"], files["bad"], files["broken"]]) == before


def test_exit_codes(files: dict[str, Path], tmp_path: Path) -> None:
    assert run(files["good"]).exit_code == 0
    assert run(files["good"], files["bad"]).exit_code == 1
    assert run(files["good"], files["bad"], files["broken"]).exit_code == 2
    assert run(files["good"], tmp_path / "missing.xlsx").exit_code == 2
    assert run(files["good"], "--lang", "fr").exit_code == 2
    assert run(files["good"], "--jobs", "0").exit_code == 2
    (tmp_path / "empty").mkdir()
    assert run(tmp_path / "empty").exit_code == 2


def test_messages_in_both_languages(files: dict[str, Path]) -> None:
    zh = json.loads(run(files["bad"], "--json", "--lang", "zh").stdout)["files"][0]["findings"]
    en = json.loads(run(files["bad"], "--json", "--lang", "en").stdout)["files"][0]["findings"]
    assert [f["code"] for f in zh] == [f["code"] for f in en]
    nan_zh = next(f["message"] for f in zh if f["code"] == "not-a-number")
    nan_en = next(f["message"] for f in en if f["code"] == "not-a-number")
    assert "应填数字" in nan_zh and "92.15%" in nan_zh
    assert "must hold a number" in nan_en and "92.15%" in nan_en


def test_terminal_table(files: dict[str, Path]) -> None:
    result = run(files["good"], files["bad"], "--lang", "en")
    assert result.exit_code == 1
    out = result.stdout
    assert "pass" in out and "2024_703010_good.xlsx" in out and "total 97.18 优" in out
    assert "not-a-number" in out and "H17" in out
    assert "2 files: 1 pass, 1 fail, 0 error" in out


def test_parallel_jobs_give_the_same_results(files: dict[str, Path]) -> None:
    one = json.loads(run(files["root"], "--json").stdout)
    two = json.loads(run(files["root"], "--json", "--jobs", "2").stdout)
    assert one == two


@pytest.mark.libreoffice
def test_report_opens_in_libreoffice_with_the_right_totals(files: dict[str, Path], tmp_path: Path) -> None:
    report = tmp_path / "summary.xlsx"
    result = run(files["root"], "--report", report, "--lang", "zh")
    assert result.exit_code == 2 and report.is_file()
    assert run(files["root"], "--report", report).exit_code == 2  # never over an existing file …
    assert run(files["root"], "--report", report, "--force", "--lang", "zh").exit_code == 2  # … unless --force
    (recalculated,) = convert([report], "xlsx", tmp_path / "lo")
    wb = openpyxl.load_workbook(recalculated, data_only=True)
    assert wb.sheetnames == ["汇总", "问题清单", "图表"]
    rows = list(wb["汇总"].iter_rows(values_only=True))
    assert rows[0][0] == "2024年度部门（单位）整体绩效自评核验汇总\n3 个文件"  # the title, above the heads
    assert rows[1] == ("部门编码", "部门名称", "状态", "总评价得分", "等级", "错误数", "警告数", "文件")
    by_name = {r[7]: r for r in rows[2:]}  # without --distributed: one row per file
    assert by_name["2024_703010_good.xlsx"][:5] == ("703010", "朝阳市工业和信息化工作服务中心", "通过", SEED_TOTAL, "优")
    assert by_name["2024_703010_bad.xlsx"][2:5] == ("未通过", BAD_TOTAL, None)  # 93.68 ≥ 90, but it fails: no grade
    assert by_name["broken.xlsx"][2] == "无法读取"
    # the counts of 图表 as LibreOffice recalculates them over 汇总
    charts = wb["图表"]
    assert [(charts.cell(i, 1).value, charts.cell(i, 2).value) for i in range(3, 6)] == \
        [("通过", 1), ("未通过", 1), ("无法读取", 1)]
    assert charts["D3"].value == "优" and charts["E3"].value == 1 and charts["H7"].value == 2
    findings = list(wb["问题清单"].iter_rows(values_only=True))
    assert findings[1] == ("部门编码", "部门名称", "文件", "单元格", "字段", "严重程度", "代码", "说明")
    assert ("2024_703010_bad.xlsx", "H17", "重点工作办结率 全年完成值", "错误", "not-a-number") in \
        {r[2:7] for r in findings[2:]}
    assert sum(1 for r in findings[2:] if r[6] == "unreadable") == 1
    written = openpyxl.load_workbook(report)
    for name in ("汇总", "问题清单"):
        assert written[name].freeze_panes == "A3"
        assert written[name].auto_filter.ref is not None
        assert written[name].column_dimensions["B"].width > 20


def _dies_on_broken(path: Path, *policy: Any) -> Any:
    """verify_file, except that broken.xlsx kills its process (as an out-of-memory kill would)."""
    import os

    if Path(path).name == "broken.xlsx":
        os._exit(9)
    return verify_file(path, *policy)


def test_a_worker_that_dies_costs_only_its_file(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that kills its worker process is reported as unreadable; the other files of the
    batch are verified all the same, in order."""
    from xlgen.verify import batch as verify

    monkeypatch.setattr(verify, "verify_file", _dies_on_broken)
    order = [files["good"], files["broken"], files["bad"], files["good"]]
    results = verify.verify_paths(order, jobs=2)
    assert [r.status for r in results] == ["pass", "error", "fail", "pass"]
    assert "died" in results[1].findings[0].message("en")


def _collector_seen(path: Path, *policy: Any) -> Any:
    """verify_file, with the collector's threshold and frozen objects of the process it ran in."""
    import gc

    result = verify_file(path, *policy)
    result.labels["gc"] = f"{gc.get_threshold()} {gc.get_freeze_count() > 0}"
    return result


def test_a_worker_freezes_what_it_loaded_and_the_collector_is_left_as_it_was(
        files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker freezes the templates and programs it loaded first (they live as long as it
    does); the collector's threshold is never changed, in a batch or in a worker (the sheet read
    keeps the collector off instead: intake/sheet.py)."""
    import gc

    from xlgen.verify import batch

    before = gc.get_threshold()
    monkeypatch.setattr(batch, "verify_file", _collector_seen)
    one = batch.verify_paths([files["good"], files["bad"]])
    assert [r.labels["gc"] for r in one] == [f"{before} False"] * 2
    workers = batch.verify_paths([files["good"], files["bad"], files["good"]], jobs=2)
    assert [r.status for r in workers] == ["pass", "fail", "pass"]
    assert {r.labels["gc"] for r in workers} == {f"{before} True"}
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
