"""The preview's state: a private build folder, warm workers, the last good build and its problems.

Every build goes through ``leaflets.commands.build.run`` into a temporary folder
(``out/`` is never written), with one worker pool that lives as long as the
server, so a rebuild renders at once instead of starting WeasyPrint again.
The build core renders only the variants whose fingerprint changed. The
variants that open pages show are rebuilt first and announced; then the
rest of the selection.

A failed attempt never blanks the preview: the build refuses bad data before
it writes anything, and the page keeps the images it had (they are cached
by the PDF's checksum) while a banner lists the problems.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing.util
import shutil
import tempfile
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from leaflets.commands.build import BuildRequest, run
from leaflets.errors import UserError, error_message
from leaflets.gate.rules.seals import shared_findings
from leaflets.project.folder import find_project
from leaflets.publish.catalogue import english_language_name
from leaflets.publish.files import FAILED, Output, read_manifest
from leaflets.render.workers import WorkerPool
from leaflets.serving.prints import render_for_patient

if TYPE_CHECKING:
    from leaflets.commands.personalise import PersonalNote
    from leaflets.gate.gate import Verdict
    from leaflets.project.load import Library
    from leaflets.project.plan import Variant

Key = tuple[str, str, str, str]  # (leaflet, branch, format, lang)
SERVE_TIMEOUT_SECONDS = 30.0  # per job: a leaflet takes under 2 s; a runaway one fails alone


@dataclass(frozen=True)
class Selection:
    """Which leaflets, branches and formats the server builds (empty: all)."""

    leaflets: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()


@dataclass(frozen=True)
class VariantStatus:
    """A variant's gate status as ``check`` reports it: the label and the findings' lines."""

    label: str
    draft: bool
    overdue: bool
    findings: tuple[str, ...]


@dataclass
class Snapshot:
    """What the pages show after one build attempt; replaced whole, never changed in place."""

    generation: int = 0
    outputs: list[Output] = field(default_factory=list)  # the last good build's files
    problems: list[str] = field(default_factory=list)  # of the last attempt, as the CLI prints them
    statuses: dict[Key, VariantStatus] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # leaflet id -> title
    branches: dict[str, str] = field(default_factory=dict)  # branch id -> name
    library: Library | None = None
    notes: list[str] = field(default_factory=list)  # for the writer, not problems: what an edit unseals, ...


def approval_notes(library, variants: list[Variant]) -> list[str]:
    """For the writer: which approved leaflets an edit to shared content unseals, and one plain line per
    language with strings translated from an earlier English ("Polish: 1 sentence out of date: ...")."""

    notes = [f"note: {f.file}: {f.subject}: {f.message}" for f in shared_findings(library)]
    translations = library.translations
    for lang in sorted({v.lang for v in variants if v.lang != library.leaflets[v.leaflet].lang}):
        present = {(t.lang, t.name): t for v in variants if v.lang == lang
                   for t in translations.for_variant(lang, v.leaflet)}
        stale = sum(t.coverage.stale for t in present.values())
        if stale:
            notes.append(f"{english_language_name(lang)}: {stale} sentence{'s' if stale != 1 else ''} out of "
                         f"date: run leaflets translate update {lang}")
    return notes


def _add(problems: list[str], line: str) -> None:
    """Each problem once: the second run of a cycle often meets the first one's."""
    if line not in problems:
        problems.append(line)


class Preview:
    """Builds into a private folder, rebuilds on demand, and tells listeners when it has."""

    def __init__(self, root: Path | None, selection: Selection, jobs: int,
                 timeout: float = SERVE_TIMEOUT_SECONDS, say: Callable[[str], None] | None = None) -> None:
        self.project = find_project(root)
        self.selection = selection
        self.say = say or (lambda message: None)
        # Everything this process and its workers write goes into one private folder, removed on close;
        # but multiprocessing's own folder (the fork server's socket), which it removes itself at exit.
        multiprocessing.util.get_temp_dir()
        self.folder = Path(tempfile.mkdtemp(prefix="leaflets-serve-"))
        scratch = self.folder / "tmp"
        scratch.mkdir()
        tempfile.tempdir = str(scratch)
        self.site = self.folder / "site"
        self.timeout = timeout
        self.pool = WorkerPool(jobs, timeout)
        self.snapshot = Snapshot()
        self.listeners: list[Callable[[int], None]] = []
        self._build_lock = threading.Lock()
        self._watched: Counter[tuple[str, str, str]] = Counter()  # (leaflet, branch, format) open pages show
        self._watched_lock = threading.Lock()
        self._statuses_next: dict[Key, VariantStatus] = {}  # from the last build that judged
        self._library_next: Library | None = None
        self._printed: set[str] = set()  # problems the terminal has shown (again once fixed and broken again)
        self._aside: dict[str, Path] = {}  # checksum -> the last good PDF of a variant that failed since
        self._notes_next: list[str] = []  # approval_notes of the last build that judged

    # -- what open pages show ------------------------------------------------------------------
    @contextmanager
    def watching(self, leaflet: str, branch: str, fmt: str) -> Iterator[None]:
        """While a page shows this variant, rebuilds do it first."""
        key = (leaflet, branch, fmt)
        with self._watched_lock:
            self._watched[key] += 1
        try:
            yield
        finally:
            with self._watched_lock:
                self._watched[key] -= 1
                if self._watched[key] <= 0:
                    del self._watched[key]

    def _focus(self) -> Selection | None:
        with self._watched_lock:
            keys = list(self._watched)
        if not keys:
            return None
        return Selection(*(tuple(sorted({k[i] for k in keys})) for i in range(3)))

    # -- building ------------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Build what changed: first what open pages show (and announce it), then everything else."""
        with self._build_lock:
            focus = self._focus()
            problems: list[str] = []
            if focus is not None and focus != self.selection:
                self._attempt(focus, problems)
                self._publish(problems)
            self._attempt(self.selection, problems)
            self._publish(problems)

    def _attempt(self, selection: Selection, problems: list[str]) -> bool:
        """One run of the build core; its problems are added to ``problems``. True if all went well."""
        request = BuildRequest(root=self.project.root, out_dir=self.site, leaflets=selection.leaflets,
                               branches=selection.branches, formats=selection.formats, jobs=self.pool.jobs,
                               timeout=self.timeout)
        try:
            result = run(request, pool=self.pool)
        except UserError as error:
            _add(problems, error_message(error))
            return False
        except Exception as error:  # a bug: say so, and keep serving and watching
            self.say("".join(traceback.format_exception(error)).rstrip())
            _add(problems, f"error: internal error while building, please report it: {type(error).__name__}: {error}")
            return False
        if result.built:
            self.say(f"built {', '.join(v.name for v in result.built)} in {result.seconds:.2f} s")
        for line in result.warnings:
            _add(problems, f"warning: {line}")
        for _variant, reason in result.failed:
            _add(problems, f"failed: {reason}")
        if result.verdict is not None:
            self._statuses(result.verdict, result.variants)
            self._notes_next = approval_notes(result.verdict.library, result.variants)
        return not result.failed

    def _statuses(self, verdict: Verdict, variants: list[Variant]) -> None:
        library = verdict.library
        statuses = dict(self._statuses_next)
        for variant in variants:
            status = verdict.status(variant)
            lines = tuple(str(f) for f in verdict.findings(variant) if f.level in ("error", "warning"))
            key = (variant.leaflet, variant.branch, variant.format, variant.lang)
            statuses[key] = VariantStatus(status.label, not status.for_patients, status.overdue_since is not None,
                                          lines)
        self._statuses_next, self._library_next = statuses, library

    def _publish(self, problems: list[str]) -> None:
        """Make the attempt's result what pages show, then tell every listener."""
        statuses, library = self._statuses_next, self._library_next
        try:
            outputs = read_manifest(self.site)
        except (OSError, UserError, ValueError):
            outputs = self.snapshot.outputs
        # A variant that failed had its files moved to .failed/ by the build: keep showing them.
        listed = {o.path for o in outputs}
        for old in self.snapshot.outputs:
            aside = self.site / FAILED / old.path
            if old.path not in listed and aside.is_file():
                outputs.append(old)
                self._aside[old.sha256] = aside
        self._aside = {sha: path for sha, path in self._aside.items() if any(o.sha256 == sha for o in outputs)}
        self.snapshot = Snapshot(
            generation=self.snapshot.generation + 1,
            outputs=outputs,
            problems=list(problems),
            statuses=statuses,
            titles={k: v.title for k, v in library.leaflets.items()} if library else self.snapshot.titles,
            branches={k: v.name for k, v in library.branches.items()} if library else self.snapshot.branches,
            library=library,
            notes=list(self._notes_next),
        )
        shown = [*problems, *self._notes_next]
        for line in shown:  # the terminal shows each problem (and note) once, as soon as it is found
            if line not in self._printed:
                self.say(line)
        self._printed = set(shown)
        for listener in list(self.listeners):
            listener(self.snapshot.generation)

    # -- reading the last good build -----------------------------------------------------------
    def outputs_of(self, leaflet: str, branch: str, fmt: str, lang: str | None = None) -> list[Output]:
        return [o for o in self.snapshot.outputs if o.leaflet == leaflet and o.branch == branch
                and o.format == fmt and (lang is None or o.lang == lang)]

    def output_by_sha(self, sha: str) -> Output | None:
        return next((o for o in self.snapshot.outputs if o.sha256 == sha), None)

    def pdf_file(self, output: Output) -> Path | None:
        """Where a shown PDF is: in the build, or set aside by a failed rebuild of its variant."""
        aside = self._aside.get(output.sha256)
        if aside is not None and aside.is_file():
            return aside
        return self.file(output.path)

    def file(self, relative: str) -> Path | None:
        """A file of the build folder, or None: resolved (symlinks too) and refused outside it;
        hidden files (the lock, the stamp, set-aside outputs) are not served."""
        if not relative or any(part.startswith(".") or part == "" for part in relative.split("/")):
            return None
        base = self.site.resolve()
        try:
            target = (base / relative).resolve(strict=True)
        except (OSError, RuntimeError, ValueError):  # ValueError: a NUL byte in the path
            return None
        if not target.is_relative_to(base) or not target.is_file():
            return None
        return target

    def today(self) -> dt.date:
        return dt.date.today()

    def personal(self, leaflet: str, branch: str, fmt: str, note: PersonalNote,
                 imposed: bool = False, lang: str | None = None) -> tuple[bytes, str]:
        """A personalised PDF of the last good build's data, rendered by a warm worker, in memory:
        its bytes and a file name without patient detail. Raises ``UserError`` with the reason."""

        if self.snapshot.library is None:
            raise UserError("the preview has not built this project yet; fix the problems in the banner first")
        return render_for_patient(self.pool, self.snapshot.library, self.today(), leaflet, branch, fmt, note,
                                  imposed, lang)

    def close(self) -> None:
        """Stop the workers and remove the private folder (whatever state a build left)."""
        try:
            self.pool.close(interrupted=True)
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
