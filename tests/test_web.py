"""The workbench over HTTP (Flask's test client): every route, the whole year through the page,
and the bad inputs — wrong type, too large, zip slip, a traversal name, a hostile workbook, a
request from another origin or host — each refused with a message, nothing written outside the
workspace, no request waiting for long work."""

from __future__ import annotations

import html as html_module
import io
import re
import socket
import threading
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.helpers.hostile import raw, write_zip
from tests.helpers.userfill import set_cells
from tests.helpers.workbench import TEMPLATE, YEAR, Bench
from tests.test_collect import CODES, typed
from tests.test_outputs_and_inputs import bomb_of
from xlgen import lang
from xlgen.cli import app as cli_app
from xlgen.template.fill import Fill
from xlgen.template.model import Template
from xlgen.web import app as web_app
from xlgen.web import serve as web_serve

PAGES = ["/templates", "/distribute", "/collect", "/summary", "/rollover"]
ZH = {"templates": "模板", "distribute": "分发", "collect": "收集", "summary": "汇总", "rollover": "结转"}


@pytest.fixture(autouse=True)
def run_language() -> None:
    """The language of the environment (an earlier command line's --lang stays chosen otherwise)."""
    lang.choose(None)


@pytest.fixture
def bench(tmp_path: Path) -> Bench:
    return Bench(tmp_path / "workspace")


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Bench:
    """A workspace whose 2024 blanks (three departments) were distributed through the page."""
    root = tmp_path_factory.mktemp("web")
    b = Bench(root / "workspace")
    b.distribute(root)
    return b


def returned(year: Bench, template: Template, sample_fill: Fill, folder: Path, code: str = CODES[0],
             **changes: Any) -> Path:
    """A department's blank from the distribution, typed into (not recalculated)."""
    blank = next((year.workspace / str(YEAR) / "distributed").glob(f"{YEAR}_{code}_*.xlsx"))
    return set_cells(blank, folder / f"{code}.xlsx", typed(template, sample_fill, **changes))


def text(page: Any) -> str:
    """The page's text as a person reads it (entities unescaped)."""
    return html_module.unescape(page.get_data(as_text=True))


def outside(root: Path, name: str) -> list[Path]:
    """Files called ``name`` anywhere above and beside the workspace (what a traversal would write)."""
    return [p for p in root.parent.rglob(name) if not p.resolve().is_relative_to(root.resolve())]


# ----------------------------------------------------------------------------- pages
@pytest.mark.parametrize("url", PAGES)
def test_every_page_speaks_chinese_by_default_with_no_remote_asset(bench: Bench, url: str,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLGEN_LANG", "zh")
    page = bench.get(url)
    html = text(page)
    assert page.status_code == 200 and 'lang="zh-CN"' in html and "绩效自评工作台" in html
    assert all(f">{word}</a>" in html for word in ZH.values())
    assert f'class="on" id="nav-{url[1:]}">{ZH[url[1:]]}<' in html
    assert not re.search(r'(?:src|href|action)="(?:https?:)?//', html), "a remote asset"
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert page.headers["X-Frame-Options"] == "DENY"


def test_english_with_lang_en(bench: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XLGEN_LANG", "en")
    html = bench.get("/collect").get_data(as_text=True)
    assert 'lang="en"' in html and ">Distribute</a>" in html and ">Collect</a>" in html and "分发" not in html


def test_the_root_leads_to_the_templates_and_static_files_ship(bench: Bench) -> None:
    assert bench.get("/").headers["Location"].endswith("/templates")
    assert b"addEventListener" in bench.get("/static/app.js").data
    assert b"header.top" in bench.get("/static/style.css").data
    css = bench.get("/status.css").get_data(as_text=True)
    assert ".st-pass { background: #C6EFCE; color: #006100; }" in css  # the summary workbook's colours


def test_the_templates_page_lists_them_and_makes_a_blank(bench: Bench) -> None:
    html = bench.get("/templates").get_data(as_text=True)
    assert f'id="template-{TEMPLATE}"' in html and 'id="template-mof-project"' in html
    state, html = bench.finish(bench.post("/templates/blank", {"template": TEMPLATE, "year": "2026"}))
    assert state["state"] == "done" and f'id="made">{TEMPLATE}-2026.xlsx<' in html
    blank = bench.get(f"/blanks/{TEMPLATE}-2026.xlsx")
    assert blank.status_code == 200 and blank.data[:2] == b"PK"
    assert (bench.workspace / "blanks" / f"{TEMPLATE}-2026.xlsx").read_bytes() == blank.data


def test_unknown_template_year_department_and_job(bench: Bench) -> None:
    for name in ("../../etc/passwd", "no-such-form", ""):
        page = bench.post("/templates/blank", {"template": name, "year": "2026"})
        assert page.status_code == 400 and "no template" in text(page)
    for year in ("abc", "1899", "20245"):
        page = bench.get(f"/collect?year={year}")
        assert page.status_code == 400 and f"'{year}' is not a year" in text(page)
    assert bench.get(f"/collect/{YEAR}/department/{CODES[0]}").status_code == 404
    assert bench.get("/jobs/0000").status_code == 404
    page = bench.get("/no/such/page")
    assert page.status_code == 404 and "no such page" in text(page)


# ----------------------------------------------------------------------------- the year
def test_a_whole_year_over_http(year: Bench, template: Template, sample_fill: Fill, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    ws = year.workspace
    html = year.get(f"/distribute?year={YEAR}").get_data(as_text=True)
    assert f"{YEAR}: 3 blanks distributed (template {TEMPLATE}" in html
    blanks = zipfile.ZipFile(io.BytesIO(year.get(f"/distribute/{YEAR}/blanks.zip").data))
    assert sorted(blanks.namelist()) == sorted([*(p.name for p in (ws / str(YEAR) / "distributed").glob("*.xlsx")),
                                                "manifest.csv"])
    manifest = year.get(f"/distribute/{YEAR}/manifest.csv")
    assert manifest.data == (ws / str(YEAR) / "distributed" / "manifest.csv").read_bytes()

    form = returned(year, template, sample_fill, tmp_path)
    state, html = year.finish(year.post("/collect/upload", {"year": str(YEAR), "returns": [
        (form.open("rb"), "自评表（定稿）.xlsx"), (io.BytesIO(b"hello"), "readme.txt")]}))
    assert state["state"] == "done"
    assert "received 1: 自评表（定稿）.xlsx" in html and "readme.txt: this kind of file is not taken" in html
    assert (ws / str(YEAR) / "returns" / "自评表（定稿）.xlsx").read_bytes() == form.read_bytes()
    statuses = re.findall(r'<tr data-status="(\w+)">', html)
    assert statuses == ["fail", "missing", "missing"]  # typed, never recalculated: the cached totals are stale
    assert (ws / str(YEAR) / "report.xlsx").read_bytes()[:2] == b"PK"
    missing = year.get(f"/collect?year={YEAR}&status=missing").get_data(as_text=True)
    assert re.findall(r'<tr data-status="(\w+)">', missing) == ["missing", "missing"]

    dept = year.get(f"/collect/{YEAR}/department/{CODES[0]}").get_data(as_text=True)
    assert "自评表（定稿）.xlsx" in dept and 'class="mark"' in dept
    assert re.search(r"<tr class=\"error\"><td>[A-Z]+\d+</td><td>[^<]*总评价得分", dept), "the field as the form names it"
    meta = re.search(r'<span class="meta">([^<]*)</span>', dept)
    assert meta is not None and meta.group(1).startswith("total score")
    assert not re.search("[优良中差]", meta.group(1)), "a failing return earns no grade"
    with monkeypatch.context() as m:  # the severity in the page's words, as in the summary workbook
        m.setenv("XLGEN_LANG", "zh")
        zh = year.get(f"/collect/{YEAR}/department/{CODES[0]}").get_data(as_text=True)
    assert re.search(r"<tr class=\"error\"><td>[A-Z]+\d+</td><td>[^<]*</td><td>错误</td>", zh)
    assert "<td>error</td>" not in zh and "<td>warning</td>" not in zh
    assert year.get(f"/collect/{YEAR}/department/{CODES[1]}").status_code == 200  # missing: nothing returned

    summary = year.get(f"/summary?year={YEAR}").get_data(as_text=True)
    assert summary.count("<figure") == 3 and "returns by status" in summary and "total scores" in summary
    assert year.get(f"/summary/{YEAR}/report.xlsx").data == (ws / str(YEAR) / "report.xlsx").read_bytes()

    state, html = year.finish(year.post("/rollover/run", {"year": str(YEAR), "prefer": "newest"}))
    assert state["state"] == "done", state
    carried = re.findall(r"<tr><td>(\d+)</td><td>[^<]*</td><td>([^<]*)</td>", html)
    assert [c for c, _ in carried] == CODES[:3] and carried[0][1] == "自评表（定稿）.xlsx"
    assert len(list((ws / str(YEAR + 1) / "distributed").glob(f"{YEAR + 1}_*.xlsx"))) == 3
    assert (ws / str(YEAR + 1) / "distributed" / "manifest.csv").is_file()


def test_a_roster_with_problems_is_shown_by_row_and_column_and_nothing_is_written(bench: Bench, tmp_path: Path) -> None:
    from tests.test_distribute import write_xlsx

    path = write_xlsx(tmp_path / "bad.xlsx", {"departments": [
        ["部门编码", "部门名称", "部门年初预算收入金额"], ["701001", "甲局", 10.0], ["", "乙局", 5.0], ["701001", "丙局", 1.0]]})
    state, html = bench.finish(bench.post("/distribute/roster", {
        "year": str(YEAR), "template": TEMPLATE, "roster": (path.open("rb"), "bad.xlsx")}))
    assert state["state"] == "failed"
    assert "row 3, column A" in html and "the department code is empty" in html
    assert "row 4, column A" in html and "already appears in row 2" in html
    assert 'id="generate"' not in html and not (bench.workspace / str(YEAR)).exists()


# ----------------------------------------------------------------------------- bad uploads
def test_a_file_of_the_wrong_type_is_refused(bench: Bench, year: Bench, sample: Any) -> None:
    page = bench.post("/distribute/roster", {"year": "2024", "template": TEMPLATE,
                                             "roster": (io.BytesIO(b"MZ\x90\x00"), "名单.exe")})
    assert page.status_code == 400 and "名单.exe: this kind of file is not taken; expected .xlsx, .xls, .csv" in \
        text(page)
    page = year.post("/collect/upload", {"year": str(YEAR), "returns": [(io.BytesIO(b"<html>"), "a.xlsx")]})
    assert page.status_code == 400 and "a.xlsx: its content is not a .xlsx file" in text(page)
    page = year.post("/collect/upload", {"year": str(YEAR), "returns": [(io.BytesIO(b""), "empty.xlsx")]})
    assert page.status_code == 400 and "empty.xlsx: the file is empty" in text(page)
    page = year.post("/collect/upload", {"year": str(YEAR)})
    assert page.status_code == 400 and "no file chosen" in text(page)
    assert not list((year.workspace / str(YEAR) / "returns").glob("a*.xlsx"))


def test_an_upload_too_large_is_refused(bench: Bench) -> None:
    bench.app.config["MAX_CONTENT_LENGTH"] = 4096
    page = bench.post("/distribute/roster", {"year": "2024", "template": TEMPLATE,
                                             "roster": (io.BytesIO(b"x" * 10000), "big.csv")})
    assert page.status_code == 413 and "the upload is over" in text(page)
    assert not (bench.workspace / "rosters").exists()


def test_zip_slip_is_refused_and_folders_in_a_zip_are_flattened(year: Bench, sample: Any, tmp_path: Path) -> None:
    good = Path(sample.path).read_bytes()
    slip = write_zip(tmp_path / "returns.zip", [raw("../../evil.xlsx", good), raw("ok.xlsx", good)])
    page = year.post("/collect/upload", {"year": str(YEAR), "returns": [(slip.open("rb"), "returns.zip")]})
    assert page.status_code == 400 and "returns.zip: the zip holds an unsafe path name '../../evil.xlsx'" in \
        text(page)
    assert outside(year.workspace, "evil.xlsx") == [] and not list(year.workspace.rglob("evil*.xlsx"))
    assert not (year.workspace / str(YEAR) / "returns" / "ok.xlsx").exists()  # nothing of a refused zip is taken
    nested = write_zip(tmp_path / "nested.zip", [raw("局/二级/nested.xlsx", good), raw("__MACOSX/局/._nested.xlsx", b"x"),
                                                 raw("说明.docx", b"x")])
    state, _ = year.finish(year.post("/collect/upload", {"year": str(YEAR), "returns": [(nested.open("rb"), "n.zip")]}))
    assert state["state"] == "done"
    assert (year.workspace / str(YEAR) / "returns" / "nested.xlsx").read_bytes() == good
    assert not list(year.workspace.rglob("*.docx")) and not list(year.workspace.rglob("._*"))


@pytest.mark.parametrize("name", ["../../../trav.xlsx", "..\\..\\trav.xlsx", "/etc/trav.xlsx", "C:\\Windows\\trav.xlsx"])
def test_a_traversal_name_is_stored_by_its_base_name(year: Bench, sample: Any, name: str) -> None:
    returns = year.workspace / str(YEAR) / "returns"
    before = set(returns.glob("trav*.xlsx")) if returns.is_dir() else set()
    state, _ = year.finish(year.post("/collect/upload", {"year": str(YEAR), "returns": [
        (io.BytesIO(Path(sample.path).read_bytes()), name)]}))
    assert state["state"] == "done"
    assert len(set(returns.glob("trav*.xlsx")) - before) == 1
    assert outside(year.workspace, "trav*.xlsx") == []


def test_downloads_never_leave_their_folder(year: Bench) -> None:
    for url in (f"/distribute/{YEAR}/..%2F..%2Frosters", f"/distribute/{YEAR}/..%2Freport.xlsx",
                "/templates/picture/..%2F..%2F2024%2Freport.xlsx", "/blanks/..%2F2024%2Freport.xlsx",
                f"/distribute/{YEAR}/%2Fetc%2Fpasswd"):
        assert year.get(url).status_code == 404, url


def test_a_hostile_workbook_is_a_finding_not_a_crash(year: Bench, sample: Any, tmp_path: Path) -> None:
    bomb = bomb_of(Path(sample.path), tmp_path / "bomb.xlsx")
    state, html = year.finish(year.post("/collect/upload", {"year": str(YEAR), "returns": [(bomb.open("rb"), "bomb.xlsx")]}))
    assert state["state"] == "done"
    row = re.search(r'<tr data-status="error">.*?</tr>', html, re.S)
    assert row is not None and "bomb.xlsx" in row.group(0) and "st-error" in row.group(0)


# ----------------------------------------------------------------------------- another origin
@pytest.mark.parametrize("headers", [{"Origin": "http://evil.example"}, {"Origin": "null"},
                                     {"Origin": "http://localhost:1"}, {"Sec-Fetch-Site": "cross-site"}])
def test_a_post_from_another_origin_is_refused(bench: Bench, headers: dict[str, str]) -> None:
    page = bench.post("/templates/blank", {"template": TEMPLATE, "year": "2026"}, headers=headers)
    assert page.status_code == 403 and "the request came from another site" in text(page)
    assert not (bench.workspace / "blanks").exists()


@pytest.mark.parametrize("csrf", [None, "", "forged"])
def test_a_post_without_the_page_csrf_value_is_refused(bench: Bench, csrf: str | None) -> None:
    data = {"template": TEMPLATE, "year": "2026", **({"csrf": csrf} if csrf is not None else {})}
    page = bench.post("/templates/blank", data, csrf=False)
    assert page.status_code == 403 and "the form is stale or not this page's" in text(page)
    assert not (bench.workspace / "blanks").exists()


def test_another_host_name_is_refused(bench: Bench) -> None:
    page = bench.get("/templates", headers={"Host": "evil.example:8765"})
    assert page.status_code == 403 and "unknown host name evil.example:8765" in text(page)
    assert bench.get("/templates", headers={"Host": "127.0.0.1:8765"}).status_code == 200


def test_another_address_needs_the_token(tmp_path: Path) -> None:
    bench = Bench(tmp_path / "ws", host="192.0.2.7", token="s3cret-token")
    page = bench.get("/templates", headers={"Host": "192.0.2.7:8765"})
    assert page.status_code == 403 and "needs the access token" in text(page)
    assert bench.get("/templates?token=wrong", headers={"Host": "192.0.2.7:8765"}).status_code == 403
    first = bench.get("/templates?token=s3cret-token", headers={"Host": "192.0.2.7:8765"})
    assert first.status_code == 200 and "xlgen_token=s3cret-token" in first.headers["Set-Cookie"]
    assert "SameSite=Strict" in first.headers["Set-Cookie"] and "HttpOnly" in first.headers["Set-Cookie"]
    assert bench.get("/collect", headers={"Host": "192.0.2.7:8765"}).status_code == 200  # the cookie
    wildcard = Bench(tmp_path / "ws2", host="0.0.0.0", token="s3cret-token")  # reached by the machine's own address
    assert wildcard.get("/templates?token=s3cret-token", headers={"Host": "198.51.100.4:8765"}).status_code == 200
    stranger = wildcard.app.test_client()  # no cookie
    assert stranger.get("/templates", headers={"Host": "198.51.100.4:8765"}).status_code == 403


# ----------------------------------------------------------------------------- jobs
def test_long_work_runs_in_the_background_and_one_year_at_a_time(year: Bench, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    calls: list[int] = []

    def slow(options: Any, progress: Any = None) -> Any:
        calls.append(options.year)
        if progress:
            progress(1, 4)
        assert release.wait(60)
        return None

    monkeypatch.setattr(web_app, "rollover_returns", lambda options: slow(options))
    first = year.post("/rollover/run", {"year": str(YEAR)})
    second = year.post("/rollover/run", {"year": str(YEAR)})  # another tab
    one, two = year.job(first), year.job(second)  # both answered at once: the work is a job
    assert year.get(f"/jobs/{one}").get_json()["state"] == "running"
    assert year.get(f"/jobs/{two}").get_json()["waiting"] is True  # the year's lock: one after the other
    assert year.get(f"/collect?year={YEAR}").status_code == 200  # the pages answer meanwhile
    assert year.get(f"/rollover?year={YEAR}&job={one}").get_data(as_text=True).count('data-state="running"') == 1
    release.set()
    for response in (first, second):
        state, _ = year.finish(response)
        assert state["state"] == "done"
    assert calls == [YEAR + 1, YEAR + 1]


def test_two_uploads_at_once_keep_both_files(year: Bench, sample: Any, template: Template, sample_fill: Fill,
                                             tmp_path: Path) -> None:
    contents = [Path(sample.path).read_bytes(), returned(year, template, sample_fill, tmp_path, CODES[1]).read_bytes()]
    csrf = year.csrf
    answers: list[Any] = [None, None]

    def upload(i: int) -> None:
        client = year.app.test_client()
        answers[i] = client.post("/collect/upload", data={"csrf": csrf, "year": str(YEAR), "returns": [
            (io.BytesIO(contents[i]), "同名.xlsx")]}, content_type="multipart/form-data")

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for answer in answers:
        year.finish(answer)
    returns = year.workspace / str(YEAR) / "returns"
    stored = sorted(p.read_bytes() for p in (returns / "同名.xlsx", returns / "同名 (2).xlsx"))
    assert stored == sorted(contents)


# ----------------------------------------------------------------------------- xlgen serve
class FakeServer:
    """Werkzeug's server, made on the socket ``serve`` bound, that stops at once (Ctrl+C)."""

    def __init__(self, host: str, port: int, app: Any, threaded: bool, fd: int) -> None:
        assert threaded and socket.socket(fileno=socket.dup(fd)).getsockname()[0] == host
        self.app = app

    def serve_forever(self) -> None:
        raise KeyboardInterrupt

    def server_close(self) -> None:
        pass


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_serve_prints_the_address_and_a_token_for_another_host(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                host: str) -> None:
    monkeypatch.setattr(web_serve, "make_server", FakeServer)
    monkeypatch.delenv("XLGEN_TEMPLATES", raising=False)
    out = CliRunner().invoke(cli_app, ["serve", "--workspace", str(tmp_path / "ws"), "--host", host, "--no-browser",
                                       "--lang", "zh", "--port", "0"]).output
    assert re.search(rf"工作台已启动：http://{re.escape(host)}:[1-9]\d+/", out), out and (tmp_path / "ws" / "templates").is_dir()
    if host == "0.0.0.0":
        assert re.search(r"\?token=[\w-]{20,}（", out) and "其他计算机须使用带令牌的地址" in out
    else:
        assert "token" not in out


def test_serve_on_a_taken_port_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XLGEN_TEMPLATES", raising=False)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli_app, ["serve", "--workspace", str(tmp_path / "ws"), "--port", str(port),
                                              "--no-browser"])
    assert result.exit_code == 2 and f"127.0.0.1:{port}: the workbench cannot start: the port is in use" in result.output
    assert "Traceback" not in result.output


def test_serve_help_is_from_the_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    out = CliRunner().invoke(cli_app, ["serve", "--help"], env={"XLGEN_LANG": None}).output
    assert "在本机启动工作台网页" in out and "--workspace" in out and "--no-browser" in out and "不自动打开浏览器" in out


def test_generate_from_a_plan_another_tab_replaced_is_refused(bench: Bench, tmp_path: Path) -> None:
    from tests.test_collect import NAMES, roster

    plans = []
    for i, codes in enumerate((CODES[:2], CODES[:3])):  # two tabs check two rosters of the same year
        path = roster(tmp_path / f"r{i}.xlsx", codes, NAMES[:len(codes)])
        state, _ = bench.finish(bench.post("/distribute/roster", {"year": str(YEAR), "template": TEMPLATE,
                                                                  "roster": (path.open("rb"), path.name)}))
        plans.append(state["id"])
    page = bench.post("/distribute/run", {"year": str(YEAR), "plan": plans[0]})
    assert page.status_code == 409 and "was checked again in another page" in text(page)
    assert not (bench.workspace / str(YEAR)).exists()
    html = text(bench.get(f"/distribute?year={YEAR}"))
    assert f'name="plan" value="{plans[1]}"' in html and "3 departments, no problem found" in html


def test_a_hostile_roster_is_refused_by_the_safe_layer(bench: Bench, sample: Any, tmp_path: Path) -> None:
    bomb = bomb_of(Path(sample.path), tmp_path / "roster.xlsx")
    state, html = bench.finish(bench.post("/distribute/roster", {"year": str(YEAR), "template": TEMPLATE,
                                                                 "roster": (bomb.open("rb"), "名单.xlsx")}))
    assert state["state"] == "failed" and "zip bomb" in html and 'id="generate"' not in html


def test_the_plan_names_new_changed_and_kept_departments_before_anything_is_written(bench: Bench,
                                                                                     tmp_path: Path) -> None:
    from tests.test_collect import NAMES, TASKS
    from tests.test_distribute import write_xlsx

    bench.distribute(tmp_path, CODES[:2], NAMES[:2])
    head = ["department_code", "部门名称", "区划编码", "部门年初预算收入金额", "budget_expenditure"]
    path = write_xlsx(tmp_path / "corrected.xlsx", {
        "departments": [head, [CODES[0], NAMES[0], "211300000", 175.41, 175.4052],
                        [CODES[1], NAMES[1], "211300000", 200.0, 175.4052],  # its budget corrected
                        [CODES[2], NAMES[2], "211300000", 175.41, 175.4052]],  # a new department
        "任务": [["部门编码", "对应项目", "项目下达金额", "分值"], *[[c, *t] for c in CODES[:3] for t in TASKS]]})
    before = sorted(p.name for p in (bench.workspace / str(YEAR) / "distributed").iterdir())
    state, html = bench.finish(bench.post("/distribute/roster", {"year": str(YEAR), "template": TEMPLATE,
                                                                 "roster": (path.open("rb"), "corrected.xlsx")}))
    assert state["state"] == "done"
    section = lambda kind: re.search(rf'id="plan-{kind}">(.*?)</div>', html, re.S)  # noqa: E731
    assert CODES[2] in section("new").group(1) and CODES[1] not in section("new").group(1)  # type: ignore[union-attr]
    changed = section("changed").group(1)  # type: ignore[union-attr]
    assert CODES[1] in changed and "175.41 → 200" in changed
    assert CODES[0] in section("kept").group(1)  # type: ignore[union-attr]
    assert sorted(p.name for p in (bench.workspace / str(YEAR) / "distributed").iterdir()) == before
