"""The workbench in a real browser: Debian's headless Chromium, driven by Playwright (the system
browser; Playwright downloads none), through a whole year — roster → blanks → returns filled and
saved by LibreOffice → the table and a department's findings → summary → rollover. Every page is
photographed at 1366×768 (tests/artifacts/web-*.png) and must not scroll sideways.

CI installs chromium from Debian's packages (tools/test.sh); the tests skip, saying why, only
where it or Playwright cannot be had."""

from __future__ import annotations

import os
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from tests.helpers.common import ARTIFACTS
from tests.helpers.userfill import set_cells
from tests.test_collect import CODES, NAMES, roster, typed
from xlgen.libreoffice import convert
from xlgen.template.fill import Fill
from xlgen.template.model import Template
from xlgen.web.app import create_app

CHROMIUM = Path(os.environ.get("XLGEN_CHROMIUM", "/usr/bin/chromium"))
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
pytestmark = [pytest.mark.browser, pytest.mark.libreoffice,
              pytest.mark.skipif(not CHROMIUM.exists(),
                                 reason=f"no Chromium at {CHROMIUM} (apt-get install chromium; tools/test.sh does)")]
YEAR = 2024
TEMPLATE = "liaoning-department-overall"
WIDTH, HEIGHT = 1366, 768


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The workbench on a free port of the loopback, in Chinese, until the module ends."""
    before = os.environ.get("XLGEN_LANG")
    os.environ["XLGEN_LANG"] = "zh"
    workspace = tmp_path_factory.mktemp("browser") / "workspace"
    httpd = make_server("127.0.0.1", 0, create_app(workspace, language="zh"), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", workspace
    httpd.shutdown()
    if before is None:
        os.environ.pop("XLGEN_LANG", None)
    else:
        os.environ["XLGEN_LANG"] = before


@pytest.fixture(scope="module")
def page(server: tuple[str, Path]) -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN", accept_downloads=True)
        tab = context.new_page()
        tab.set_default_timeout(240_000)
        yield tab
        browser.close()


def shot(page: Any, name: str) -> None:
    """A picture of the page (looked at by hand: Chinese renders, nothing overlaps), and the
    check a picture cannot make: nothing wider than the window."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= WIDTH, f"{name}: the page is {wide}px wide at {WIDTH}"
    assert page.evaluate("document.fonts.check('16px sans-serif', '绩效自评')")


def run_job(page: Any, button: str) -> None:
    """Click ``button`` and wait for the job it starts: a job box of another job than the page
    showed before (an earlier job's box, done, must not pass for this one while the click's page
    is still loading), finished, or a problem."""
    before = page.evaluate("() => document.querySelector('section.job')?.dataset.job ?? ''")
    page.click(button)
    other = f"section.job:not([data-job='{before}'])"
    page.wait_for_selector(f"{other}[data-state='done'], {other}[data-state='failed'], #problem")
    problem = page.query_selector("#problem")
    assert problem is None, problem.inner_text()
    failed = page.query_selector("#job-problems")
    assert failed is None, failed.inner_text()


def test_a_whole_year_in_the_browser(server: tuple[str, Path], page: Any, template: Template, sample_fill: Fill,
                                     tmp_path: Path) -> None:
    base, workspace = server
    # 模板: the list, a picture of a blank (LibreOffice renders it)
    page.goto(f"{base}/")
    assert page.title() == "绩效自评工作台"
    run_job(page, f"#template-{TEMPLATE} button:has-text('生成预览图')")
    assert page.locator(f"#template-{TEMPLATE} img").evaluate("img => img.naturalWidth") > 500
    shot(page, "1-templates")

    # 分发: the roster checked, the plan, the blanks made, downloaded as a zip
    page.click("#nav-distribute")
    page.fill("input[name=year]", str(YEAR))
    page.click("form.yearpick button")
    page.select_option("#template", TEMPLATE)
    page.set_input_files("#roster", str(roster(tmp_path / "名单.xlsx", CODES[:3], NAMES[:3])))
    run_job(page, "#roster-form button")
    assert page.inner_text("#plan").count("70100") == 3 and "新增（3）" in page.inner_text("#plan")
    shot(page, "2-distribute-plan")
    run_job(page, "#generate")
    assert f"{YEAR} 年度已分发 3 份" in page.inner_text("main")
    shot(page, "3-distribute")
    with page.expect_download() as download:
        page.click("#blanks-zip")
    blanks = tmp_path / "blanks.zip"
    download.value.save_as(blanks)
    with zipfile.ZipFile(blanks) as zf:
        names = sorted(n for n in zf.namelist() if n.endswith(".xlsx"))
        assert len(names) == 3 and "manifest.csv" in zf.namelist()
        zf.extractall(tmp_path / "blanks")

    # the departments fill their blanks; LibreOffice recalculates and saves them, as Excel would
    typing = tmp_path / "typed"
    typing.mkdir()
    good = set_cells(tmp_path / "blanks" / names[0], typing / "甲局自评表.xlsx", typed(template, sample_fill))
    bad = set_cells(tmp_path / "blanks" / names[1], typing / "乙局自评表.xlsx",
                    typed(template, sample_fill, **{"indicators[0].actual": "92.15%"}))
    saved = convert([good, bad], "xlsx", tmp_path / "saved")

    # 收集: both uploaded at once, verified in the background, the table, a department
    page.click("#nav-collect")
    page.set_input_files("#returns", [str(p) for p in saved])
    run_job(page, "#returns-form button")
    rows = page.locator("#departments tbody tr")
    assert [rows.nth(i).get_attribute("data-status") for i in range(3)] == ["pass", "fail", "missing"]
    assert "97.18" in rows.nth(0).inner_text() and "优" in rows.nth(0).inner_text()
    assert "未报送" in rows.nth(2).inner_text()
    shot(page, "4-collect")
    page.click("#filters a:has-text('未通过')")
    assert page.locator("#departments tbody tr").count() == 1
    page.click(f"#departments a:has-text('{CODES[1]}')")
    assert f"{CODES[1]} {NAMES[1]}" in page.inner_text("h1")
    marked = page.locator("table.sheet td.mark")
    assert marked.count() >= 1 and "92.15%" in page.inner_text("main")
    shot(page, "5-department")

    # 汇总: the summary workbook's three charts, and the workbook
    page.click("#nav-summary")
    assert page.locator("figure.chart svg").count() == 3 and "报送情况" in page.inner_text("main")
    shot(page, "6-summary")
    with page.expect_download() as download:
        page.click("#report")
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"

    # 结转: next year's blanks from the chosen returns
    page.click("#nav-rollover")
    run_job(page, "#roll")
    carried = page.locator("#carried tbody tr")
    assert carried.count() == 3 and "甲局自评表.xlsx" in carried.nth(0).inner_text()
    assert len(list((workspace / str(YEAR + 1) / "distributed").glob(f"{YEAR + 1}_*.xlsx"))) == 3
    shot(page, "7-rollover")
