"""The workbench's requests while a year of N departments runs through it (Flask's test client):

    python benchmarks/bench_web.py --departments 20

A roster is checked and distributed, every blank returned (typed, not recalculated) in one zip,
verified, summed up and rolled over, each long step as a background job. Prints, for each kind of
request, the slowest answer in ms, and each job's time; the ratio of the slowest request to a
page that reads nothing (/status.css, the median of 21) measured in the same run; and the ratio of every request's
time to the 1 s the issue allows. The jobs take as long as the work does; the requests must not.
It asserts nothing about time.
"""

from __future__ import annotations

import argparse
import io
import re
import statistics
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout's xlgen, not another install
from benchmarks.bench_distribute import make_roster  # noqa: E402
from xlgen.web.app import create_app  # noqa: E402

TEMPLATE = "liaoning-department-overall"
YEAR = 2024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--departments", type=int, default=20)
    n = parser.parse_args().departments
    slowest: dict[str, float] = defaultdict(float)
    jobs: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        client = create_app(root / "workspace").test_client()

        def timed(kind: str, call: Any) -> Any:
            start = time.perf_counter()
            answer = call()
            slowest[kind] = max(slowest[kind], (time.perf_counter() - start) * 1000)
            return answer

        def job(kind: str, response: Any) -> str:
            assert response.status_code == 303, response.get_data(as_text=True)[:2000]
            job_id = re.search(r"job=(\w+)", response.headers["Location"]).group(1)  # type: ignore[union-attr]
            start = time.perf_counter()
            while (state := timed("GET /jobs/ID", lambda: client.get(f"/jobs/{job_id}")).get_json())["state"] == "running":
                time.sleep(0.05)
            jobs.append((f"{kind} ({state['state']})", time.perf_counter() - start))
            timed(f"GET the page after {kind}", lambda: client.get(response.headers["Location"]))
            return job_id

        page = timed("GET /distribute", lambda: client.get("/distribute")).get_data(as_text=True)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        roster = make_roster(root / "roster.csv", n)

        def post(url: str, data: dict[str, Any]) -> Any:
            return timed(f"POST {url}", lambda: client.post(url, data={"csrf": csrf, **data},
                                                            content_type="multipart/form-data"))

        plan = job("check", post("/distribute/roster", {"year": str(YEAR), "template": TEMPLATE,
                                                        "roster": (roster.open("rb"), "roster.csv")}))
        job("distribute", post("/distribute/run", {"year": str(YEAR), "plan": plan}))
        blanks = timed("GET blanks.zip", lambda: client.get(f"/distribute/{YEAR}/blanks.zip")).data
        returns = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(blanks)) as zin, zipfile.ZipFile(returns, "w") as zout:
            for name in zin.namelist():
                if name.endswith(".xlsx"):
                    zout.writestr(f"returned/{name}", zin.read(name))
        job("verify", post("/collect/upload", {"year": str(YEAR), "returns": [(io.BytesIO(returns.getvalue()), "r.zip")]}))
        for url in (f"/collect?year={YEAR}", f"/collect/{YEAR}/department/700000", f"/summary?year={YEAR}",
                    f"/summary/{YEAR}/report.xlsx", "/templates", f"/rollover?year={YEAR}"):
            timed(f"GET {url.split('?')[0]}", lambda: client.get(url))
        job("rollover", post("/rollover/run", {"year": str(YEAR), "prefer": "newest"}))
        plain = []
        for _ in range(21):
            start = time.perf_counter()
            client.get("/status.css")
            plain.append((time.perf_counter() - start) * 1000)
    base = statistics.median(plain)
    print(f"workbench, {n} departments: slowest answer per request (ms); baseline GET /status.css {base:.1f} ms "
          "(median of 21, after the jobs)")
    for kind, ms in sorted(slowest.items(), key=lambda kv: -kv[1]):
        print(f"  {kind:<42} {ms:8.1f} ms  ×{ms / base:7.1f} baseline  {ms / 1000:5.2f} of 1 s")
    print("jobs (in the background; the requests above do not wait for them):")
    for kind, seconds in jobs:
        print(f"  {kind:<42} {seconds:8.2f} s")


if __name__ == "__main__":
    main()
