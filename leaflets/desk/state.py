"""The desk's state: the shelves it serves, the project's data, and a warm worker pool.

Nothing is built at start: the desk serves what ``leaflets build`` (or a
release) left in the output folder. The project's data is loaded and the
worker pool warmed in a background thread while the server already answers;
a page asked for in the meantime waits for the data (a second or two). The
shelves are read again when their manifest changes (a new build or release
while the desk runs); the data is loaded again with them.

Everything this process and its workers write (WeasyPrint's font folder)
goes into one private temporary folder, removed on close; a personalised
PDF is made in memory and never written.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing.util
import shutil
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from leaflets.desk.shelf import Shelf, shelves
from leaflets.errors import UserError, error_message
from leaflets.formats import FORMATS
from leaflets.gate.gate import judge
from leaflets.project.folder import find_project
from leaflets.project.load import load_library
from leaflets.project.note import PersonalNote
from leaflets.publish.catalogue import Served, render
from leaflets.publish.files import MANIFEST
from leaflets.publish.release import RELEASE, RELEASE_MANIFEST
from leaflets.render.workers import WorkerPool
from leaflets.serving.prints import render_for_patient

if TYPE_CHECKING:
    from leaflets.project.load import Library

DESK_TIMEOUT_SECONDS = 30.0  # per personalised print: one takes under 2 s
READY_SECONDS = 60.0  # how long a page waits for the data while the desk starts
SHELF_NAMES = {"release": "Released leaflets", "build": "Working build (not released: may include drafts)"}


class Desk:
    def __init__(self, root: Path | None, out_dir: Path | None, jobs: int = 1,
                 timeout: float = DESK_TIMEOUT_SECONDS, say: Callable[[str], None] | None = None) -> None:
        self.project = find_project(root)
        self.out_dir = (out_dir or self.project.root / "out").resolve()
        self.say = say or (lambda message: None)
        self.timeout = timeout
        self._shelves: dict[str, Shelf] = shelves(self.out_dir)  # refuses a folder with nothing built
        self._stamp = self._shelf_stamp()
        multiprocessing.util.get_temp_dir()  # the fork server's own folder, which it removes itself
        self.folder = Path(tempfile.mkdtemp(prefix="leaflets-desk-"))
        scratch = self.folder / "tmp"
        scratch.mkdir()
        self._tempdir = tempfile.tempdir
        tempfile.tempdir = str(scratch)
        self.pool = WorkerPool(jobs, timeout)
        self.library: Library | None = None
        self.problem: str | None = None
        self.ready = threading.Event()
        self._lock = threading.Lock()
        self._pages: dict[tuple[str, str, str], bytes] = {}

    # -- starting ------------------------------------------------------------------------------
    def start(self) -> threading.Thread:
        """Load the data and warm the pool in the background; returns the thread."""
        thread = threading.Thread(target=self._warm, name="leaflets-desk-warm", daemon=True)
        thread.start()
        return thread

    def load(self) -> None:
        """Load the project's data now (``start`` does it in the background, then warms the pool)."""
        self._load()
        self.ready.set()

    def _warm(self) -> None:
        self.load()
        if self.library is None:
            return
        try:
            self.pool.start()
            self.pool.check_started()
            self._warm_render()
            self.say("ready: personalised prints are warm")
        except UserError as error:
            self.say(error_message(error))
        except Exception as error:  # a bug: the desk still serves the files
            self.say(f"warming the worker pool failed: {type(error).__name__} (please report it)")

    def _warm_render(self) -> None:
        """One personalised A4 with a made-up name, so the first patient's print is quick."""

        library = self.library
        assert library is not None
        for shelf in self._shelves.values():
            output = next((o for o in shelf.outputs if o.format == "a4" and o.kind == "pdf"
                           and o.profile == "office" and o.leaflet in library.leaflets), None)
            if output is not None:
                note = PersonalNote(name="Warm-up", note="Warm-up", appointment=None)
                with contextlib.suppress(UserError):  # the real print says why
                    self.personal(output.leaflet, output.branch, "a4", note, lang=output.lang)
                return

    def _load(self) -> None:
        try:
            library = load_library(self.project)
        except UserError as error:
            self.problem = error_message(error)
            self.say(self.problem)
            self.say("the desk serves the built files, but cannot personalise or show the catalogue until this "
                     "is fixed; restart it then")
            return
        with self._lock:
            self.library, self.problem = library, None
            self._pages.clear()

    # -- the shelves ---------------------------------------------------------------------------
    def _shelf_stamp(self) -> tuple:
        stamps: list[tuple[int, int, int] | None] = []
        for path in (self.out_dir / MANIFEST, self.out_dir / RELEASE / RELEASE_MANIFEST):
            try:
                stat = path.stat()
                stamps.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def shelves(self) -> dict[str, Shelf]:
        """The release and the working build, read again when a build or release changed them."""
        stamp = self._shelf_stamp()
        if stamp != self._stamp:
            try:
                found = shelves(self.out_dir)
            except UserError as error:
                self.say(error_message(error))
                return self._shelves
            with self._lock:
                self._shelves, self._stamp = found, stamp
                self._pages.clear()
            self._load()  # the data a new build was made from
        return self._shelves

    def shelf(self, kind: str) -> Shelf | None:
        return self.shelves().get(kind)

    def first_shelf(self) -> str:
        return next(iter(self.shelves()))

    # -- the catalogue -------------------------------------------------------------------------
    def catalogue(self, kind: str, action: str) -> bytes | None:
        """The staff catalogue of a shelf, with a "For you" form on every card (cached)."""
        shelf = self.shelf(kind)
        if shelf is None:
            return None
        self.ready.wait(READY_SECONDS)
        library = self.library
        if library is None:
            raise UserError(self.problem or "the project's data is still loading; reload the page in a moment")
        today = self.today()
        key = (kind, action, today.isoformat())  # statuses and the earliest appointment change at midnight
        with self._lock:
            page = self._pages.get(key)
        if page is not None:
            return page

        outputs = [o for o in shelf.outputs if o.leaflet in library.leaflets and o.branch in library.branches]
        variants = sorted({o.variant for o in outputs
                           if o.kind in ("pdf", "web")}, key=str)
        verdict = judge(library, variants, today)
        other = next((k for k in self._shelves if k != kind), None)
        served = Served(action=action, shelf=kind, label=SHELF_NAMES[kind],
                        switch=(f"/{other}/", f"Show the {SHELF_NAMES[other].split(' (')[0].lower()}")
                        if other else None, today=today.isoformat())
        page = render(library, verdict, outputs, shelf.folder if not shelf.released else self.out_dir,
                      served=served)
        with self._lock:
            self._pages[key] = page
        return page

    def static_catalogue(self, kind: str) -> bytes | None:
        """The catalogue the build wrote (without "For you"), for when the data cannot be loaded."""
        if kind != "build":
            return None
        try:
            return (self.out_dir / "index.html").read_bytes()
        except OSError:
            return None

    # -- personalised prints -------------------------------------------------------------------
    def today(self) -> dt.date:
        return dt.date.today()

    def now(self) -> dt.datetime:
        return dt.datetime.now()

    def personal(self, leaflet: str, branch: str, fmt: str, note: PersonalNote, imposed: bool = False,
                 lang: str | None = None, released: bool = False) -> tuple[bytes, str]:
        """A personalised PDF rendered by a warm worker, in memory: its bytes and a file name
        without patient detail. Raises ``UserError`` with the reason. ``released``: asked for from
        the release shelf, so refused while the text is not approved (a draft, or changed since)."""

        self.ready.wait(READY_SECONDS)
        if self.library is None:
            raise UserError(self.problem or "the project's data is still loading; try again in a moment")
        return render_for_patient(self.pool, self.library, self.today(), leaflet, branch, fmt, note, imposed, lang,
                                  released)

    def formats_of(self, kind: str, leaflet: str, branch: str, lang: str) -> list[str]:
        """The printed formats a shelf holds for one leaflet at one branch in one language, A4 first."""

        shelf = self.shelf(kind)
        have = {o.format for o in (shelf.outputs if shelf else ()) if o.leaflet == leaflet and o.branch == branch
                and o.lang == lang and o.kind == "pdf" and o.profile == "office"}
        return [f for f, spec in FORMATS.items() if spec.printed and f in have]

    def close(self) -> None:
        """Stop the workers, remove the private folder, and send temporary files where they went before."""
        try:
            self.pool.close(interrupted=True)
        finally:
            tempfile.tempdir = self._tempdir  # this process's temporary files go where they went before
            shutil.rmtree(self.folder, ignore_errors=True)
