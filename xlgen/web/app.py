"""The workbench's routes. Each page reads the workspace and the results of its stage's last
job; each POST stores what was sent and starts a job that calls the stage function the command
line calls (make_form, distribute_roster, verify_returns, rollover_returns, preview)."""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, jsonify, redirect, render_template, request, send_from_directory, url_for
from werkzeug.exceptions import HTTPException

from xlgen import lang
from xlgen.findings import show
from xlgen.cycle.steps import DistributeOptions, Rollover, RolloverOptions, distribute_roster, rollover_returns
from xlgen.generate.form import FormOptions, make_form
from xlgen.render.preview import PreviewOptions, preview
from xlgen.template.fill import YEARS, next_year
from xlgen.template.model import load_template
from xlgen.verify.batch import collect
from xlgen.verify.reconcile import PREFER
from xlgen.verify.report import COLOURS, STATUS
from xlgen.verify.returns import Verified, VerifyOptions, verify_returns
from xlgen.web import views
from xlgen.web.guard import CSRF_FIELD, Guard
from xlgen.web.jobs import Job, Jobs
from xlgen.web.pagetext import Page
from xlgen.web.workspace import (MAX_REQUEST, RETURN_SUFFIXES, ROSTER_SUFFIXES, ZIP, Unwanted, Workspace,
                                 check_content, clean_name, store, take, zip_members)

STATE = "xlgen"  # app.extensions key


@dataclass
class State:
    workspace: Workspace
    guard: Guard
    jobs: Jobs = field(default_factory=Jobs)
    plans: dict[int, views.RosterPlan] = field(default_factory=dict)  # the checked roster waiting to be distributed
    verified: dict[int, Verified] = field(default_factory=dict)
    rolled: dict[int, Rollover] = field(default_factory=dict)
    uploads: dict[str, tuple[list[str], list[str]]] = field(default_factory=dict)  # job → (taken, refused)


def create_app(workspace: Path, host: str = "127.0.0.1", token: str | None = None,
               language: str | None = None) -> Flask:
    """The page for ``workspace`` (created when missing); ``token`` is needed on every request
    (``xlgen serve`` sets one for any host but the loopback). ``language``: the page's and its
    jobs' (``xlgen serve --lang``); none: the run's (``XLGEN_LANG``, else Chinese)."""
    workspace.mkdir(parents=True, exist_ok=True)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST
    app.config["MAX_FORM_MEMORY_SIZE"] = 1 << 20
    state = State(Workspace(workspace.resolve()), Guard(host, token, secrets.token_urlsafe(24)))
    app.extensions[STATE] = state

    @app.before_request
    def guard() -> Any:
        if language is not None:  # one language per server: its pages, and the messages of its jobs
            lang.choose(language)
        why = state.guard.refusal(request)
        if why is not None:
            return _problem(403, Page.FORBIDDEN(why=why))
        return None

    @app.after_request
    def finish(response: Response) -> Response:
        return state.guard.finish(request, response)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Any:
        if exc.code == 413:
            return _problem(413, Page.TOO_LARGE(limit=f"{MAX_REQUEST >> 20} MiB"))
        if exc.code == 404:
            return _problem(404, Page.NOT_FOUND())
        return _problem(exc.code or 500, exc.name)

    @app.context_processor
    def words() -> dict[str, Any]:
        return {"t": lambda name, **kw: Page[name](**kw), "said": show, "csrf_field": CSRF_FIELD, "csrf": state.guard.csrf,
                "lang": lang.current(), "workspace": state.workspace.root}

    _routes(app, state)
    return app


def _problem(code: int, message: str) -> Any:
    return render_template("problem.html", message=message, nav=None), code


def _year(value: str | None, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        year = int(str(value))
    except ValueError:
        year = 0
    if year not in YEARS:
        abort(Response(render_template("problem.html", message=Page.BAD_YEAR(value=value), nav=None), 400))
    return year


def _current_year(state: State) -> int:
    years = state.workspace.years()
    return years[0] if years else next_year()


def _job_of(state: State) -> Job | None:
    job_id = request.args.get("job", "")
    return state.jobs.get(job_id) if job_id else None


def _routes(app: Flask, state: State) -> None:
    ws = state.workspace

    @app.get("/")
    def home() -> Any:
        return redirect(url_for("templates_page"))

    @app.get("/status.css")
    def status_css() -> Any:
        """The status colours of the summary workbook (one table: verify.report.COLOURS)."""
        css = "".join(f".st-{s} {{ background: {bg}; color: {fg}; }}\n" for s, (bg, fg) in COLOURS.items())
        return Response(css, mimetype="text/css")

    @app.get("/jobs/<job_id>")
    def job_status(job_id: str) -> Any:
        job = state.jobs.get(job_id)
        if job is None:
            abort(404)
        return jsonify(job.to_json())

    # ------------------------------------------------------------------------- 模板
    @app.get("/templates")
    def templates_page() -> Any:
        made = request.args.get("made")
        return render_template("templates.html", nav="templates", rows=views.template_rows(ws), job=_job_of(state),
                               year=next_year(), made=made if made and (ws.blanks / made).is_file() else None)

    @app.post("/templates/picture")
    def make_picture() -> Any:
        name = _template_id(request.form.get("template"))

        def work(job: Job) -> Path:
            t = load_template(name)
            tmp = ws.previews / f".{t.id}-{t.version}.xlsx"
            make_form(FormOptions(name, year=next_year(), output=tmp, force=True))
            try:
                return preview(PreviewOptions(tmp, ws.previews / views.picture_name(t), force=True))
            finally:
                tmp.unlink(missing_ok=True)

        ws.previews.mkdir(parents=True, exist_ok=True)
        job = state.jobs.start(Page.JOB_PICTURE.value, "libreoffice", work)
        return _to_job(job, "templates_page")

    @app.post("/templates/blank")
    def make_blank() -> Any:
        name = _template_id(request.form.get("template"))
        year = _year(request.form.get("year"), next_year())
        t = load_template(name)
        out = ws.blanks / f"{t.id}-{year}.xlsx"
        ws.blanks.mkdir(parents=True, exist_ok=True)
        job = state.jobs.start(Page.JOB_BLANK.value, f"blank-{out.name}",
                               lambda job: make_form(FormOptions(name, year=year, output=out, force=True)))
        return _to_job(job, "templates_page", made=out.name)

    @app.get("/templates/picture/<name>")
    def picture(name: str) -> Any:
        return send_from_directory(ws.previews, name)

    @app.get("/blanks/<name>")
    def blank(name: str) -> Any:
        return send_from_directory(ws.blanks, name, as_attachment=True)

    # ------------------------------------------------------------------------- 分发
    @app.get("/distribute")
    def distribute_page() -> Any:
        year = _year(request.args.get("year"), _current_year(state))
        rows = views.manifest_rows(ws, year)
        templates = [r for r in views.template_rows(ws) if r.problem is None]
        return render_template("distribute.html", nav="distribute", year=year, rows=rows, templates=templates,
                               plan=state.plans.get(year), job=_job_of(state))

    @app.post("/distribute/roster")
    def upload_roster() -> Any:
        year = _year(request.form.get("year"), next_year())
        name = _template_id(request.form.get("template"))
        sent = request.files.get("roster")
        if sent is None or not sent.filename:
            return _problem(400, Page.NO_FILE())
        try:
            roster = take(ws.rosters(year), sent.filename, sent.stream.read(), ROSTER_SUFFIXES)
        except Unwanted as exc:
            return _problem(400, exc.reason.message_in(None))
        state.plans.pop(year, None)

        def work(job: Job) -> views.RosterPlan:
            plan = views.roster_plan(ws, name, roster, year, job.id)
            state.plans[year] = plan
            return plan

        job = state.jobs.start(Page.JOB_CHECK.value, f"year-{year}", work)
        return _to_job(job, "distribute_page", year=year)

    @app.post("/distribute/run")
    def run_distribute() -> Any:
        year = _year(request.form.get("year"), next_year())
        plan = state.plans.get(year)
        if plan is None or plan.id != request.form.get("plan"):  # another tab checked another roster since
            return _problem(409, Page.PLAN_GONE_STALE(year=year))
        options = DistributeOptions(plan.template, plan.roster, year, ws.distributed(year))

        def work(job: Job) -> Any:
            done = distribute_roster(options, progress=job.progress)
            state.plans.pop(year, None)
            return done

        job = state.jobs.start(Page.JOB_DISTRIBUTE.value, f"year-{year}", work)
        return _to_job(job, "distribute_page", year=year)

    @app.get("/distribute/<int:year>/blanks.zip")
    def blanks_zip(year: int) -> Any:
        rows = views.manifest_rows(ws, year)
        if not rows:
            abort(404)
        out = ws.year(year) / f"blanks-{year}.zip"
        folder = ws.distributed(year).resolve()
        files = [f for f in (folder / r["file"] for r in rows) if f.resolve().parent == folder]  # the manifest's own
        _zip(out, [*files, ws.manifest(year)])
        return send_from_directory(ws.year(year), out.name, as_attachment=True)

    @app.get("/distribute/<int:year>/<name>")
    def distributed_file(year: int, name: str) -> Any:
        return send_from_directory(ws.distributed(year), name, as_attachment=True)

    # ------------------------------------------------------------------------- 收集
    @app.get("/collect")
    def collect_page() -> Any:
        year = _year(request.args.get("year"), _current_year(state))
        status = request.args.get("status") or None
        verified = state.verified.get(year)
        rows, counts = views.table(verified, status) if verified else ([], {})
        job = _job_of(state)
        uploaded = state.uploads.get(job.id) if job else None
        returns = collect([ws.returns(year)])[0] if ws.returns(year).is_dir() else []
        return render_template("collect.html", nav="collect", year=year, rows=rows, counts=counts, status=status,
                               verified=verified, job=job, uploaded=uploaded, returns=len(returns),
                               distributed=ws.manifest(year).is_file(), statuses=STATUS[lang.current()])

    @app.post("/collect/upload")
    def upload_returns() -> Any:
        year = _year(request.form.get("year"), _current_year(state))
        if not ws.manifest(year).is_file():
            return _problem(400, Page.NEEDS_DISTRIBUTION(year=year))
        sent = [f for f in request.files.getlist("returns") if f.filename]
        if not sent:
            return _problem(400, Page.NO_FILE())
        taken: list[str] = []
        refused: list[str] = []
        for f in sent:
            try:
                clean = clean_name(f.filename or "", (*RETURN_SUFFIXES, ZIP))
                data = f.stream.read()
                check_content(clean, data)
                if clean.endswith(ZIP):
                    held = store(ws.year(year) / ".incoming", clean, data)
                    try:
                        members = zip_members(held)
                    finally:
                        held.unlink(missing_ok=True)
                else:
                    members = [(clean, data)]
                for name, content in members:
                    try:
                        taken.append(take(ws.returns(year), name, content, RETURN_SUFFIXES).name)
                    except Unwanted as exc:
                        refused.append(exc.reason.message_in(None))
            except Unwanted as exc:
                refused.append(exc.reason.message_in(None))
        if not taken:
            return _problem(400, "\n".join(refused) or Page.NO_FILE())
        job = _verify(state, year)
        state.uploads[job.id] = (taken, refused)
        return _to_job(job, "collect_page", year=year)

    @app.post("/collect/verify")
    def verify_again() -> Any:
        year = _year(request.form.get("year"), _current_year(state))
        if not ws.manifest(year).is_file():
            return _problem(400, Page.NEEDS_DISTRIBUTION(year=year))
        return _to_job(_verify(state, year), "collect_page", year=year)

    @app.get("/collect/<int:year>/department/<code>")
    def department_page(year: int, code: str) -> Any:
        verified = state.verified.get(year)
        found = views.department(verified, code) if verified else None
        if found is None:
            abort(404)
        return render_template("department.html", nav="collect", year=year, code=found[0], name=found[1],
                               files=found[2], statuses=STATUS[lang.current()])

    # ------------------------------------------------------------------------- 汇总
    @app.get("/summary")
    def summary_page() -> Any:
        year = _year(request.args.get("year"), _current_year(state))
        verified = state.verified.get(year)
        charts = views.charts(verified) if verified else []
        return render_template("summary.html", nav="summary", year=year, charts=charts,
                               report=ws.report(year).is_file() and verified is not None)

    @app.get("/summary/<int:year>/report.xlsx")
    def report(year: int) -> Any:
        return send_from_directory(ws.year(year), "report.xlsx", as_attachment=True,
                                   download_name=f"report-{year}.xlsx")

    # ------------------------------------------------------------------------- 结转
    @app.get("/rollover")
    def rollover_page() -> Any:
        year = _year(request.args.get("year"), _current_year(state))
        return render_template("rollover.html", nav="rollover", year=year, next=year + 1, done=state.rolled.get(year),
                               job=_job_of(state), ready=ws.manifest(year).is_file(),
                               folder=ws.distributed(year + 1).relative_to(ws.root))

    @app.post("/rollover/run")
    def run_rollover() -> Any:
        year = _year(request.form.get("year"), _current_year(state))
        if not ws.manifest(year).is_file():
            return _problem(400, Page.NEEDS_DISTRIBUTION(year=year))
        roster = None
        sent = request.files.get("roster")
        if sent is not None and sent.filename:
            try:
                roster = take(ws.rosters(year + 1), sent.filename, sent.stream.read(), ROSTER_SUFFIXES)
            except Unwanted as exc:
                return _problem(400, exc.reason.message_in(None))
        ws.returns(year).mkdir(parents=True, exist_ok=True)
        options = RolloverOptions(ws.returns(year), year + 1, ws.distributed(year + 1), ws.distributed(year), roster,
                                  PREFER[0] if request.form.get("prefer") else None)

        def work(job: Job) -> Rollover:
            done = rollover_returns(options)
            state.rolled[year] = done
            return done

        job = state.jobs.start(Page.JOB_ROLLOVER.value, f"year-{year + 1}", work)
        return _to_job(job, "rollover_page", year=year)


def _template_id(name: str | None) -> str:
    """A template the search path knows, by id or file name (never a path from the request)."""
    known = {r.id for r in views.template_rows(_state().workspace) if r.problem is None}
    if not name or name not in known:
        abort(Response(render_template("problem.html", message=Page.UNKNOWN_TEMPLATE(name=name or ""), nav=None), 400))
    return name


def _state() -> State:
    from flask import current_app

    state: State = current_app.extensions[STATE]
    return state


def _verify(state: State, year: int) -> Job:
    ws = state.workspace
    ws.returns(year).mkdir(parents=True, exist_ok=True)
    options = VerifyOptions((ws.returns(year),), distributed=ws.distributed(year), report=ws.report(year), force=True,
                            lang=lang.current())

    def work(job: Job) -> Verified:
        done = verify_returns(options, progress=job.progress)
        state.verified[year] = done
        return done

    return state.jobs.start(Page.JOB_VERIFY.value, f"year-{year}", work)


def _to_job(job: Job, page: str, **args: Any) -> Any:
    job.next = url_for(page, job=job.id, **args)
    return redirect(job.next, code=303)


def _zip(out: Path, files: list[Path]) -> None:
    """The blanks and manifest as one zip (stored: a workbook is compressed already), made anew
    when the distribution changed since."""
    newest = max((f.stat().st_mtime for f in files if f.is_file()), default=0.0)
    if out.is_file() and out.stat().st_mtime >= newest:
        return
    tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:
        for f in files:
            if f.is_file():
                zf.write(f, f.name)
    tmp.replace(out)

