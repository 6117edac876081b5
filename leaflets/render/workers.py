"""A pool of worker processes that turn jobs into PDF bytes.

Built on pebble's ``ProcessPool``: a worker that dies fails only the job it
held and is replaced; a job that runs past its time limit is stopped and
fails alone. Workers are forked from a fork server that has imported
WeasyPrint once (so each starts warm) and that was itself started with a
clean set of file descriptors: no worker ever holds the output folder's
lock. Each worker asks the kernel to kill it when its parent dies, and the
fork server exits when this process dies, so ``kill -9`` of a build leaves
no process behind.

Before any job runs, a probe job imports WeasyPrint in a worker: a worker
that cannot start (Pango missing, a broken venv) fails the build at once
with the cause and the fix, instead of being restarted without end. The
probe is sent from a background thread while the build makes its first
job's HTML, so the worker is answering by the time the job is ready.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from leaflets.errors import BuildFailed, UserError
from leaflets.render.job import Job, RenderedFile

DEFAULT_TIMEOUT_SECONDS = 120.0  # per job; a normal leaflet takes under 2 s
START_TIMEOUT_SECONDS = 60.0  # for the first worker to import WeasyPrint
JOIN_SECONDS = (10.0, 5.0)  # closing the pool: for the workers to finish, then for a second stop
PR_SET_PDEATHSIG = 1

# What a job hands back: its files, or None and the reason it failed.
Outcome = tuple[list[RenderedFile] | None, str | None]


class WorkerStartFailed(BuildFailed):
    """No worker process could start: nothing can be built on this machine as it is."""


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent (the fork server) dies; no-op elsewhere."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes  # noqa: PLC0415 -- 1.8 ms, only in a worker; `leaflets --help` imports this module

    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if parent == 1 or os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _worker_init(scratch: str) -> None:
    """Runs in each worker before its first job. Its temporary files (WeasyPrint's font folder)
    go into the pool's own scratch folder, which the pool removes whatever way the worker ends."""
    tempfile.tempdir = scratch
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build's process handles Ctrl-C and stops us
    signal.signal(signal.SIGTERM, _stop)  # how the pool stops a worker


def _stop(signum: int, frame: object) -> None:
    """SIGTERM: delete what WeasyPrint keeps in the temp folder for this process, then exit at once."""
    try:
        from leaflets.render import engine  # noqa: PLC0415 -- WeasyPrint: 0.4-0.8 s, only in a worker

        engine.release_resources()
    finally:
        os._exit(0)


def probe() -> str:
    """Import the PDF engine in a worker; its version, or the exception that stops it."""
    from leaflets.render import engine  # noqa: PLC0415 -- WeasyPrint: 0.4-0.8 s, only in a worker

    return engine.engine_version()


def run_job(job: Job) -> Outcome:
    """Run one job in a worker: files, or a failure message (never an exception)."""
    # pypdf and pypdfium2: only in a worker, where the fork server has preloaded them (render/warm.py);
    # `leaflets --help` imports this module (cli/build.py: DEFAULT_TIMEOUT_SECONDS).
    try:
        from leaflets.render.pdfs import make_pdfs  # noqa: PLC0415 -- 0.12 s, only in a worker

        return make_pdfs(job), None
    except BuildFailed as error:
        return None, str(error)
    except Exception:  # a bug: report it with its traceback, keep building the rest
        return None, f"{job.name}: internal error, please report it:\n{traceback.format_exc()}"


def start_failure(error: BaseException) -> WorkerStartFailed:
    """The message for a worker that cannot import WeasyPrint, with the fix."""
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, OSError) or any(name in text.lower() for name in ("pango", "gobject", "cairo", "harfbuzz")):
        return WorkerStartFailed(
            "the PDF engine cannot start: WeasyPrint could not load a system library "
            f"({text.strip()[:300]}).\nInstall Pango: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
            "libharfbuzz-subset0 (Debian/Ubuntu), or brew install pango (macOS); then run the build again"
        )
    return WorkerStartFailed(f"the PDF engine cannot start in a worker process: {text.strip()[:500]}")


def no_worker_in_time() -> WorkerStartFailed:
    return WorkerStartFailed(
        f"no worker process started within {START_TIMEOUT_SECONDS:.0f} s; "
        "check that this machine can start Python processes (memory, process limits)"
    )


def _context() -> Any:
    """Fork server on Linux (warm, clean descriptors); spawn elsewhere. The fork server is
    started here, without waiting for it: it imports WeasyPrint while this process goes on."""
    method = "forkserver" if sys.platform.startswith("linux") else "spawn"  # spawn: macOS and Windows
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        from multiprocessing import forkserver  # noqa: PLC0415 -- 4-7 ms, not for --help or a no-op build

        context.set_forkserver_preload(["leaflets.render.warm"])
        try:
            forkserver.ensure_running()  # starts the process and returns; connecting to it waits for the preload
        except OSError as error:
            if "too long" not in str(error):
                raise
            raise UserError(f"the temporary folder {tempfile.gettempdir()} has too long a path for the socket the "
                            "worker processes are started through (a Unix socket's path holds about 100 "
                            "characters): set TMPDIR to a shorter folder, e.g. TMPDIR=/tmp") from None
    return context


class Probe(threading.Thread):
    """In the background: start the pool's workers (which waits for the fork server's imports)
    and send the probe, while the build's thread goes on making the jobs' HTML. ``failure`` is
    None once a worker has answered, else what to raise. ``WorkerPool.start`` makes one and
    returns it; ``check_started`` waits for it, and makes a new one after a failure."""

    def __init__(self, pool: Any) -> None:
        super().__init__(name="leaflets-probe", daemon=True)
        self.pool = pool
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            self.pool.schedule(probe).result(timeout=START_TIMEOUT_SECONDS)
        except FutureTimeout:
            self.failure = no_worker_in_time()
        except BaseException as error:  # the import failed in the worker: say why
            self.failure = start_failure(error)


class WorkerPool:
    """Runs jobs in up to ``jobs`` worker processes, each job with a time limit.

    The fork server starts at once and imports WeasyPrint while this process
    loads the data. Once the gate lets the build go on, ``start`` has a
    background thread ask it for the first worker and send that worker the
    probe (asking from this thread would make it wait for the import instead
    of working beside it); ``check_started`` waits for the probe's answer.
    """

    def __init__(self, jobs: int, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        context = _context()  # first: the fork server's imports start now
        from pebble import ProcessPool  # noqa: PLC0415 -- 37 ms, not for --help or a no-op build

        self.jobs = jobs
        self.timeout = timeout
        self._scratch = tempfile.mkdtemp(prefix="leaflets-workers-")
        self._pool = ProcessPool(max_workers=jobs, initializer=_worker_init, initargs=(self._scratch,),
                                 context=context)
        self._started = False
        self._prober: Probe | None = None
        self._probing = threading.Lock()  # a build and a personalised print may start it at once (serve)

    def start(self) -> Probe:
        """Start the first worker and probe it in the background (returns at once). The build
        calls it once the gate has let the build go on, so that a refused build never waits for
        the fork server's imports; ``check_started`` waits for the answer."""
        with self._probing:
            if self._prober is None:
                self._prober = Probe(self._pool)
                self._prober.start()
            return self._prober

    def check_started(self) -> None:
        """Wait for the probe: raise ``WorkerStartFailed`` if no worker can render."""
        if self._started:
            return
        prober = self.start()
        prober.join(START_TIMEOUT_SECONDS + 5)
        failure = prober.failure
        if prober.is_alive():  # pragma: no cover - the probe's own time limit ends it first
            failure = no_worker_in_time()
        if failure is not None:
            with self._probing:
                if self._prober is prober:  # the next call probes again (leaflets serve keeps its pool)
                    self._prober = None
            raise failure
        self._started = True

    def run(self, jobs: Iterable[Job]) -> Iterator[tuple[Job, list[RenderedFile] | None, str | None]]:
        """Each job's outcome as it finishes; at most two jobs per worker are queued at once."""
        self.check_started()
        source = iter(jobs)
        running: dict[Future[Outcome], Job] = {}
        exhausted = False
        while True:
            while not exhausted and len(running) < 2 * self.jobs:
                job = next(source, None)
                if job is None:
                    exhausted = True
                else:
                    running[self._schedule(job)] = job
            if not running:
                return
            done, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: running[f].name):
                job = running.pop(future)
                yield (job, *self._outcome(job, future))

    def _schedule(self, job: Job) -> Future[Outcome]:
        try:
            return self._pool.schedule(run_job, args=(job,), timeout=self.timeout)
        except RuntimeError as error:  # pebble's pool broke (seen once under heavy load after a worker was killed)
            raise BuildFailed(f"{job.name}: the worker processes stopped working ({error}); build again, and "
                              "if it happens again, run with --jobs 1") from None

    def _outcome(self, job: Job, future: Future[Outcome]) -> Outcome:
        from pebble import ProcessExpired  # noqa: PLC0415 -- as ProcessPool above

        try:
            return future.result()
        except FutureTimeout:
            return None, (f"{job.name}: stopped after {self.timeout:.0f} s, the time limit for one leaflet; "
                          "the content or a logo makes layout run away (or raise it with --timeout)")
        except ProcessExpired as error:
            return None, f"{job.name}: the worker process stopped unexpectedly (exit code {error.exitcode})"
        except Exception as error:  # pragma: no cover - run_job returns failures instead of raising
            return None, f"{job.name}: {type(error).__name__}: {error}"

    def close(self, interrupted: bool = False) -> None:
        """Stop the workers: at once when interrupted, else after their current jobs."""
        # A probe still starting the first worker needs no waiting for: pebble sets the pool's
        # status under the lock its start holds, so the stop below comes after the start and
        # stops the worker it made (or the probe finds the pool stopped and starts none).
        if interrupted:
            self._pool.stop()
        else:
            self._pool.close()
        first, second = JOIN_SECONDS
        if not self._joined(first) or self._pool.active:
            # pebble's join of a stopped pool waits without a limit for its task scheduler's thread,
            # and once in many Ctrl-Cs that thread misses the stop (seen: a build that never ended).
            # A second stop and join sends it the stop again; the build ends either way.
            self._pool.stop()
            self._joined(second)
        shutil.rmtree(self._scratch, ignore_errors=True)  # whatever a worker left, even one that was killed

    def _joined(self, seconds: float) -> bool:
        """pebble's ``join``, waited for at most ``seconds``: True when it returned in time."""
        def join() -> None:
            with contextlib.suppress(TimeoutError):  # a closed pool's jobs still running: stopped next
                self._pool.join(timeout=seconds)

        joiner = threading.Thread(target=join, name="leaflets-pool-join", daemon=True)
        joiner.start()
        joiner.join(seconds + 1)
        return not joiner.is_alive()

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, kind: object, value: object, tb: object) -> None:
        self.close(interrupted=kind is not None)
