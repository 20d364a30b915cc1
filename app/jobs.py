"""Uploads ingested in the background: a queue and one worker thread per API process, so that no
request holds the ingest lock while a document is read and embedded. Job states are kept in memory
(the newest KEEP); an instance reports the jobs it accepted."""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel

from app.api_models import UploadResponse

log = logging.getLogger("egov.jobs")
KEEP = 200


class Job(BaseModel):
    """An upload being ingested: queued, running, done (with the per-file results) or failed."""

    id: str
    status: Literal["queued", "running", "done", "failed"] = "queued"
    created: float
    started: float | None = None
    finished: float | None = None
    result: UploadResponse | None = None
    detail: str | None = None


class Jobs:
    """FIFO of ingest work, run one at a time by a daemon thread started on first use."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Job, Callable[[], UploadResponse]]] = queue.Queue()
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def submit(self, work: Callable[[], UploadResponse]) -> Job:
        job = Job(id=uuid.uuid4().hex[:16], created=time.time())
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEEP]:
                if self._jobs[old].status in ("done", "failed"):
                    del self._jobs[old]
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="egov-ingest-jobs", daemon=True)
                self._worker.start()
        self._queue.put((job, work))
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return job.model_copy() if job is not None else None

    def _run(self) -> None:
        while True:
            job, work = self._queue.get()
            job.status, job.started = "running", time.time()
            try:
                job.result = work()
                job.status = "done" if job.result.ingested else "failed"
                job.detail = job.result.detail
            except Exception as exc:  # noqa: BLE001 - reported on the job, never lost in a thread
                log.exception("upload job %s failed", job.id)
                job.status, job.detail = "failed", f"{type(exc).__name__}: {exc}"[:500]
            job.finished = time.time()
            self._queue.task_done()
