"""Long work off the request: each job runs in a thread of its own and reports its progress, so
no request waits for a workbook; jobs that write one year's folders take that year's lock in
turn (two tabs distributing or two uploads verifying at once never interleave)."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from xlgen import lang
from xlgen.errors import XlgenError, said
from xlgen.errors.cycle import CycleCode
from xlgen.lang import Text

RUNNING, DONE, FAILED = "running", "done", "failed"
KEEP = 200  # finished jobs remembered (their results are on the pages)
log = logging.getLogger("xlgen.web")


@dataclass
class Job:
    id: str
    title: Text
    state: str = RUNNING
    next: str = ""  # the page to show when it ends
    waiting: bool = True  # for its lock
    done: int = 0
    total: int | None = None
    problems: list[str] = field(default_factory=list)  # why it failed, one a line
    result: Any = None

    def progress(self, done: int, total: int) -> None:
        self.done, self.total = done, total

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "state": self.state, "waiting": self.waiting, "done": self.done,
                "total": self.total, "problems": self.problems, "next": self.next,
                "title": lang.pick(self.title)}


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    def get(self, job_id: str) -> Job | None:
        with self._guard:
            return self._jobs.get(job_id)

    def start(self, title: Text, lock: str, work: Callable[[Job], Any]) -> Job:
        """Run ``work(job)`` in a thread holding ``lock``; its value is the job's result, an
        XlgenError its problems (in the page's language), anything else a logged internal error."""
        job = Job(secrets.token_hex(8), title)
        with self._guard:
            self._jobs[job.id] = job
            held = self._locks.setdefault(lock, threading.Lock())
            finished = [j for j in self._jobs.values() if j.state != RUNNING]
            for old in finished[:max(0, len(finished) - KEEP)]:
                del self._jobs[old.id]
        thread = threading.Thread(target=self._run, args=(job, held, work), daemon=True,
                                  name=f"xlgen-job-{job.id}")
        thread.start()
        return job

    @staticmethod
    def _run(job: Job, held: threading.Lock, work: Callable[[Job], Any]) -> None:
        with held:
            job.waiting = False
            try:
                job.result = work(job)
                job.state = DONE
            except XlgenError as exc:
                job.problems = [e.message for e in exc.each]
                job.state = FAILED
            except Exception as exc:  # a bug of ours: the page says so, the log has the traceback
                log.exception("job %s", job.id)
                job.problems = [said(CycleCode.INTERNAL, error=type(exc).__name__).message_in(None)]
                job.state = FAILED
