"""Rendering jobs to PDF bytes, in this process or in a pool of worker processes.

Kept apart from the data model on purpose: a worker gets a ``Job`` (HTML and a
few facts), never the data, so the pool can start and import WeasyPrint
before the data is even loaded, and workers never import pydantic or Jinja2.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import BuildFailed
from .formats import FORMATS, Format

_USER_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")
PADDING_MARKER = "<!-- leaflets:padding -->"


def pad(html: str, blank_page: str, pages: int) -> str:
    """``html`` with ``pages`` blank pages where the padding partial put its marker."""
    if pages and PADDING_MARKER not in html:
        raise BuildFailed("the template has no padding marker: include partials/padding.html before the back cover")
    return html.replace(PADDING_MARKER, blank_page * pages, 1)


@dataclass(frozen=True)
class RenderedFile:
    path: str
    data: bytes
    pages: int
    companion_of: str | None


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to render one variant: no data model, just HTML and facts."""

    name: str
    html: str
    blank_page: str
    format: str
    bleed_mm: float
    paths: tuple[str, ...]  # the reading-order file, then the imposed companion if any
    headings: tuple[str, ...]  # section headings, to name the one that does not fit
    title: str
    epoch: int  # the content date, for reproducible font subsets
    base: str
    allowed: tuple[str, ...]


def section_at(anchors: list[list[str]], limit: int, headings: tuple[str, ...], title: str) -> str:
    """The heading of the section that runs onto page ``limit`` (0-based)."""
    seen = [a for page in anchors[:limit] for a in page] or [a for page in anchors[limit:] for a in page]
    for anchor in reversed(seen):
        if anchor == "faq":
            return "questions (FAQ)"
        if anchor.startswith("section-"):
            return headings[int(anchor.removeprefix("section-")) - 1]
    return title


def check_budget(fmt: Format, pages: int, anchors: list[list[str]], job: Job) -> None:
    """Fail loudly, naming the section, when the content outgrows the format."""
    if fmt.max_pages is None or fmt.padded(pages) <= fmt.max_pages:
        return
    unit = "panels" if fmt.layout == "dl" else "pages"
    section = section_at(anchors, fmt.content_page_limit, job.headings, job.title)
    raise BuildFailed(
        f"{job.name}: the content needs {pages} {unit} but the format allows {fmt.max_pages}; "
        f"section {section!r} does not fit. Shorten the content or choose another format"
    )


def render_job(job: Job) -> list[RenderedFile]:
    """Lay out a job, check its page budget and make its PDF bytes (no files written)."""
    from .pdf import render  # WeasyPrint is imported only when something is built

    fmt = FORMATS[job.format]
    if _USER_EPOCH is None:
        os.environ["SOURCE_DATE_EPOCH"] = str(job.epoch)  # fontTools stamps this into font subsets
    base, allowed = Path(job.base), [Path(a) for a in job.allowed]
    document = render(job.html, base, allowed, job.name)
    check_budget(fmt, document.pages, document.anchors, job)
    wanted = fmt.padded(document.pages)
    if wanted != document.pages:
        document = render(pad(job.html, job.blank_page, wanted - document.pages), base, allowed, job.name)
        if document.pages != wanted:
            raise BuildFailed(f"{job.name}: padding to {wanted} pages gave {document.pages}; a layout bug")
    pdf, pages = document.pdf(), document.pages
    if fmt.layout == "dl":
        from .impose import compose_dl

        pdf, pages = compose_dl(pdf, job.bleed_mm), 2
    files = [RenderedFile(job.paths[0], pdf, pages, None)]
    if len(job.paths) > 1:
        from .impose import impose_booklet

        files.append(RenderedFile(job.paths[1], impose_booklet(pdf), pages // 2, job.paths[0]))
    return files


def _render_task(job: Job) -> tuple[list[RenderedFile] | None, str | None]:
    try:
        return render_job(job), None
    except BuildFailed as error:
        return None, str(error)
    except Exception:  # a bug: report it with its traceback, keep building the rest
        return None, f"{job.name}: internal error, please report it:\n{traceback.format_exc()}"


def _worker_main(conn) -> None:
    """A worker: import WeasyPrint once, then render jobs sent down ``conn`` until told to stop."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited by fork
    from . import pdf  # noqa: F401

    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        conn.send(_render_task(job))


@dataclass
class _Worker:
    process: object
    conn: object
    ready: bool = False
    job: Job | None = None


class Renderer:
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

    def render(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, list[RenderedFile] | None, str | None]]:
        if self.context is None:
            for job in jobs:
                yield (job, *_render_task(job))
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

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, kind, value, tb) -> None:
        self.close(interrupted=kind is not None)
