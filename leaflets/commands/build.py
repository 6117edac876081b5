"""The build as a library call: ``run(BuildRequest) -> BuildResult``.

``run`` does what ``leaflets build`` does, as a short sequence of named steps:
lock the output folder and read its manifest (once: every step shares it),
answer a no-op rebuild from the build stamp (no worker is started, the data is
not even loaded), start the workers (they import WeasyPrint while this process
works on), then the steps of ``commands.steps``: plan the variants, ask the
gate, render what changed (keeping the manifest true as each file lands), write
the staff catalogue, record the stamp and, for a release, write the release
folder from exactly the variants this run checked.

Workers only render and hand back bytes; this process alone writes files.
The command line only parses options and prints the result.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from leaflets.commands.request import BuildRequest, BuildResult, Progress, Say
from leaflets.errors import UserError
from leaflets.project.folder import Project, find_project
from leaflets.publish.changes import STAMP, inputs_key, unchanged
from leaflets.publish.folder import output_folder
from leaflets.render.workers import WorkerPool

# The data model, the gate and the templates (``commands.steps``) are imported only when a build
# goes past the no-op check: a rebuild with nothing to do never loads them.



@contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM stops a build as Ctrl-C does: outputs and manifest stay whole."""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread (an embedding application): leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def run(request: BuildRequest, progress: Progress | None = None, say: Say | None = None,
        pool: WorkerPool | None = None) -> BuildResult:
    """Build what ``request`` asks for. Raises ``UserError`` (exit 2) for bad data or a refusal
    by the gate, before anything is written; failed variants are in the result.
    ``pool``: a long-lived pool whose warm workers render (``leaflets serve``); the caller closes it."""
    started = time.perf_counter()
    if request.marks and request.profile != "print-shop":
        raise UserError("--marks adds crop marks in the bleed: use it with --for print-shop")
    project = find_project(request.root)
    out = request.out_dir if request.out_dir is not None else project.root / "out"
    result = BuildResult(out)
    with _sigterm_interrupts(), output_folder(out, say or _silent), contextlib.ExitStack() as stack:
        key = _answer_from_stamp(request, project, out, result)
        if result.noop:
            result.seconds = time.perf_counter() - started
            return result
        # The workers start now and import WeasyPrint while this process loads and checks the data;
        # they stop (at once, if something went wrong) before the output folder is unlocked.
        if pool is None:  # leaflets serve passes its own pool, kept warm across rebuilds
            pool = stack.enter_context(WorkerPool(request.jobs or os.cpu_count() or 1, request.timeout))
        key = key or inputs_key(project.root, _options(request))  # the inputs before anything is read (the stamp)
        from leaflets.commands import steps  # noqa: PLC0415  data model, gate, templates: +0.27 s CPU a no-op skips

        manifest = steps.open_manifest(out)  # read once: every step below shares it
        library, variants = steps.plan(project, request)
        verdict = steps.ask_gate(library, variants, request)
        pool.start()  # the first worker starts and answers its probe while the HTML is made
        result.verdict, result.variants, result.blockers = verdict, variants, verdict.blockers
        result.drafts = sorted({v.leaflet for v in variants if library.leaflets[v.leaflet].record.status == "draft"})
        steps.build_variants(library, variants, manifest, pool, verdict, request.force, result,
                             progress or (lambda *a: None))
        steps.catalogue(library, verdict, manifest, result)
        if not result.failed:
            steps.stamp(manifest, key, variants, project.root, result)
            if request.release and not request.shard:  # shards: merge-manifests --release
                result.released = steps.release(library, verdict, manifest, variants)
    result.seconds = time.perf_counter() - started
    return result


def _silent(message: str) -> None:
    pass


def _options(request: BuildRequest) -> dict[str, object]:
    """What, besides the input files, decides a build's outputs: the stamp keeps one entry per set."""
    return {"leaflets": sorted(request.leaflets), "branches": sorted(request.branches),
            "formats": sorted(request.formats), "langs": sorted(request.langs), "profile": request.profile,
            "marks": request.marks,
            "shard": request.shard, "today": request.day.isoformat()}  # overdue marks depend on the day


def _answer_from_stamp(request: BuildRequest, project: Project, out: Path,
                         result: BuildResult) -> tuple[str, str] | None:
    """Answer a no-op rebuild from the build stamp (``result.noop``: nothing changed since the last
    good build with these options, every file it wrote still whole). Returns the inputs' key when it
    was computed, else None. A release always re-checks and re-verifies; ``force`` rebuilds."""
    if request.force or request.release or not (out / STAMP).is_file():
        return None
    key = inputs_key(project.root, _options(request))
    last = unchanged(out, key, project.root)
    if last is not None and (out / "index.html").is_file():  # the staff catalogue is there too
        result.noop, result.noop_count = True, last.variants  # no worker was started
        result.drafts, result.warnings, result.blockers = last.drafts, last.warnings, last.findings()  # said again
    return key
