"""Driving the workbench (``xlgen serve``) in tests: its Flask test client with the page's CSRF
value, a job followed to its end, and a year distributed through the page."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.test_collect import CODES, NAMES, roster
from xlgen.web.app import create_app

TEMPLATE = "liaoning-department-overall"
YEAR = 2024


class Bench:
    def __init__(self, workspace: Path, **kw: Any) -> None:
        self.workspace = workspace
        self.app: Flask = create_app(workspace, **kw)
        self.client: FlaskClient = self.app.test_client()

    @property
    def csrf(self) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.get("/distribute").get_data(as_text=True))
        assert found is not None
        return found.group(1)

    def get(self, url: str, **kw: Any) -> TestResponse:
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any], csrf: bool = True, **kw: Any) -> TestResponse:
        form = {"csrf": self.csrf, **data} if csrf else data
        return self.client.post(url, data=form, content_type="multipart/form-data", **kw)

    def job(self, response: TestResponse) -> str:
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        found = re.search(r"job=(\w+)", response.headers["Location"])
        assert found is not None
        return found.group(1)

    def finish(self, response: TestResponse, limit: float = 600) -> tuple[dict[str, Any], str]:
        """The job ``response`` started, waited for (its JSON), and the page it leads to."""
        job_id = self.job(response)
        end = time.monotonic() + limit
        while True:
            state = self.get(f"/jobs/{job_id}").get_json()
            if state["state"] != "running":
                break
            assert time.monotonic() < end, state
            time.sleep(0.1)
        return state, html.unescape(self.get(state["next"]).get_data(as_text=True))

    def distribute(self, folder: Path, codes: list[str] = CODES[:3], names: list[str] = NAMES[:3]) -> str:
        """The year's blanks made through the page from a roster of ``codes``: the page."""
        path = roster(folder / "名单.xlsx", codes, names)
        state, _ = self.finish(self.post("/distribute/roster", {
            "year": str(YEAR), "template": TEMPLATE, "roster": (path.open("rb"), path.name)}))
        assert state["state"] == "done", state
        state, page = self.finish(self.post("/distribute/run", {"year": str(YEAR), "plan": state["id"]}))
        assert state["state"] == "done", state
        return page
