"""Watch the project's folders and rebuild when a file is saved (watchfiles, in a thread)."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from watchfiles import watch

WATCHED = ("data", "templates", "styles", "assets", "locale")


def watched_folders(root: Path) -> list[Path]:
    return [root / name for name in WATCHED if (root / name).is_dir()]


class Watcher:
    """Calls ``rebuild`` after each batch of saved changes until stopped."""

    def __init__(self, root: Path, rebuild: Callable[[], None]) -> None:
        self.root, self.rebuild = root, rebuild
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="leaflets-watch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        # step: the quiet time (ms) that ends a batch of changes, so one save is one rebuild
        for _changes in watch(*watched_folders(self.root), stop_event=self._stop, step=30, debounce=400,
                              rust_timeout=200, yield_on_timeout=False, raise_interrupt=False):
            if self._stop.is_set():
                return
            try:
                self.rebuild()
            except Exception:  # a bug: print it and keep watching, the preview stays up
                traceback.print_exc()

    def stop(self, wait: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout=wait)
