"""A pool of worker processes that turn jobs into PDF bytes.

Kept apart from the data model on purpose: a worker gets a ``Job`` (HTML and a
few facts), never the data, so the pool can start and import WeasyPrint
before the data is even loaded, and workers never import pydantic or Jinja2.
"""

from __future__ import annotations

import multiprocessing
import sys
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..errors import BuildFailed
from .job import Job, RenderedFile, make_pdfs

def _run_job(job: Job) -> tuple[list[RenderedFile] | None, str | None]:
    try:
        return make_pdfs(job), None
    except BuildFailed as error:
        return None, str(error)
    except Exception:  # a bug: report it with its traceback, keep building the rest
        return None, f"{job.name}: internal error, please report it:\n{traceback.format_exc()}"


def _worker_main(conn) -> None:
    """A worker: import WeasyPrint once, then render jobs sent down ``conn`` until told to stop."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    from . import engine  # noqa: F401

    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send(_run_job(job))


@dataclass
class _Worker:
    process: object
    conn: object
    ready: bool = False
    job: Job | None = None


class WorkerPool:
    """Renders jobs in this process, or in up to ``jobs`` long-lived worker processes.

    The first worker starts at once, so it imports WeasyPrint while this
    process loads the data; more start only when a job is waiting and no
    worker is idle or starting. Each worker has its own pipe, so a worker
    that dies fails only the job it held.
    """

    def __init__(self, jobs: int) -> None:
        self.limit = jobs
        self.workers: list[_Worker] = []
        # Fork is fast and safe here: this pool runs no threads. macOS and Windows spawn.
        method = "fork" if sys.platform.startswith("linux") else "spawn"
        self.context = multiprocessing.get_context(method) if jobs > 1 else None
        if self.context is not None:
            self._start()

    def _start(self) -> None:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker_main, args=(child,), daemon=True)
        process.start()
        child.close()
        self.workers.append(_Worker(process, parent))

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, list[RenderedFile] | None, str | None]]:
        if self.context is None:
            for job in jobs:
                yield (job, *_run_job(job))
            return
        from multiprocessing.connection import wait as wait_for

        source = iter(jobs)
        waiting: list[Job] = []
        exhausted = False
        while True:
            if not waiting and not exhausted:
                try:
                    waiting.append(next(source))
                except StopIteration:
                    exhausted = True
            for worker in self.workers:
                if worker.ready and worker.job is None and waiting:
                    worker.job = waiting.pop(0)
                    worker.conn.send(worker.job)
            if waiting and len(self.workers) < self.limit and all(w.ready and w.job for w in self.workers):
                self._start()
            if exhausted and not waiting and not any(w.job for w in self.workers):
                return
            if not self.workers:
                self._start()
            by_handle = {}
            for worker in self.workers:
                by_handle[worker.conn] = worker
                by_handle[worker.process.sentinel] = worker
            for handle in wait_for(list(by_handle), timeout=None if waiting or exhausted else 0):
                worker = by_handle[handle]
                if worker not in self.workers:
                    continue
                message = None
                if handle is worker.conn:
                    try:
                        message = worker.conn.recv()
                    except (EOFError, OSError):
                        message = None
                if message == "ready":
                    worker.ready = True
                elif message is not None:
                    job, worker.job = worker.job, None
                    yield (job, *message)
                else:  # the worker died
                    self.workers.remove(worker)
                    worker.process.join(1)
                    if worker.job is not None:
                        code = worker.process.exitcode
                        yield worker.job, None, f"{worker.job.name}: the worker process stopped unexpectedly (exit code {code})"

    def close(self, interrupted: bool = False) -> None:
        for worker in self.workers:
            if not interrupted:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        for worker in self.workers:
            if interrupted:
                worker.process.terminate()
            worker.process.join(5)
            if worker.process.is_alive():
                worker.process.kill()
            worker.conn.close()
        self.workers = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind, value, tb) -> None:
        self.close(interrupted=kind is not None)
