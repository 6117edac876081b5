"""HTML to PDF with WeasyPrint: the only module that imports it.

The pool may read only files inside the project and the font package.
Anything else (another local file, the network, any other scheme) stops the
render with an error naming the address.
"""

from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from ..errors import BuildFailed


class ForbiddenResource(FatalURLFetchingError):
    """A document asked for something outside the project."""


class ProjectFetcher(URLFetcher):
    """Serves ``data:`` URLs and files under the allowed folders; refuses the rest.

    Every refusal is also recorded, because WeasyPrint swallows exceptions
    while drawing SVG images: the build checks ``refused`` after each stage.
    """

    def __init__(self, allowed: list[Path]) -> None:
        super().__init__(timeout=1, allowed_protocols={"file", "data"}, allow_redirects=False)
        self.allowed = [folder.resolve() for folder in allowed]
        self.refused: list[str] = []

    def refuse(self, message: str) -> ForbiddenResource:
        self.refused.append(message)
        return ForbiddenResource(message)

    def fetch(self, url: str, headers: dict | None = None):  # type: ignore[override]
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            parts = urlsplit(url)
            path = Path(unquote(parts.path)).resolve()  # follows symlinks: a link out is refused
            if parts.netloc in ("", "localhost") and any(path.is_relative_to(a) for a in self.allowed):
                if not path.is_file():
                    raise self.refuse(f"file not found: {path}")
                return super().fetch(path.as_uri(), headers)
            raise self.refuse(f"refused to read {path}: only files inside the project may be used")
        raise self.refuse(f"refused to fetch {url[:200]}: leaflets never use the network or other schemes")


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class LaidOut:
    """A laid-out document: its page count and anchors, and its PDF on demand."""

    def __init__(self, document, identifier: bytes, fetcher: ProjectFetcher, what: str) -> None:
        self._document = document
        self._identifier = identifier
        self._fetcher = fetcher
        self._what = what
        self.pages = len(document.pages)
        #: the element ids (anchors) on each page, to tell which section overflowed
        self.anchors: list[list[str]] = [list(page.anchors) for page in document.pages]

    def pdf(self) -> bytes:
        with _checked(self._fetcher, self._what):
            return self._document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=self._identifier)


@contextmanager
def _checked(fetcher: ProjectFetcher, what: str):
    """Turn refused resources and WeasyPrint's logged failures into a failed build."""
    warnings = _Warnings()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(warnings)
    try:
        yield
    except FatalURLFetchingError as error:
        cause = error.__cause__ or error
        raise BuildFailed(f"{what}: {cause}") from None
    finally:
        logger.removeHandler(warnings)
    if fetcher.refused:
        raise BuildFailed(f"{what}: {fetcher.refused[0]}")
    problems = [m for m in warnings.messages if "Failed to" in m or "Error" in m]
    if problems:
        raise BuildFailed(f"{what}: {problems[0]}")


def lay_out(html: str, base: Path, allowed: list[Path], what: str) -> LaidOut:
    """Lay out ``html`` (URLs relative to ``base``), reading only files under ``allowed``."""
    fetcher = ProjectFetcher(allowed)
    with _checked(fetcher, what):
        document = HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher).render(
            font_config=shared_font_config())
    # The same HTML gives the same identifier, so builds are reproducible.
    return LaidOut(document, hashlib.sha256(html.encode()).hexdigest()[:32].encode(), fetcher, what)


# --- one font configuration per process, and nothing left behind ----------------------

_font_config = None
_font_config_pid = 0  # the process that made it: a forked child must not use or delete its parent's


def shared_font_config():
    """The process's one WeasyPrint ``FontConfiguration``, made on first use.

    WeasyPrint makes a new one per render when none is given: each costs about
    0.28 MB that is never given back, and each copies the @font-face files
    into its own ``weasyprint-*`` folder in the system temp folder, removed
    only when Python collects it. One per process loads the fonts once. Its
    folder goes when the process ends normally (``atexit``, or multiprocessing's
    exit hook in a worker), when a worker is stopped with SIGTERM, or when
    ``release_resources()`` is called.
    """
    global _font_config, _font_config_pid
    import os

    if _font_config is not None and _font_config_pid != os.getpid():  # inherited through fork
        _font_config._folder = None  # the parent's folder: this copy must not delete it when collected
        _font_config = None
    if _font_config is None:
        import atexit
        import multiprocessing
        import multiprocessing.util
        import signal

        from weasyprint.text.fonts import FontConfiguration

        _font_config, _font_config_pid = FontConfiguration(), os.getpid()
        if multiprocessing.parent_process() is None:
            atexit.register(release_resources)
        else:  # a worker ends with os._exit, which skips atexit, and is stopped with SIGTERM
            multiprocessing.util.Finalize(None, release_resources, exitpriority=100)
            if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
                signal.signal(signal.SIGTERM, _release_and_die)
    return _font_config


def release_resources() -> None:
    """Delete what WeasyPrint keeps on disk for this process (its temp font folder).

    A worker process must call this before it exits; it is safe to call more
    than once, and the next render simply starts a new font configuration.
    """
    global _font_config
    import os

    config, _font_config = _font_config, None
    if config is None:
        return
    if _font_config_pid != os.getpid():  # a forked child's inherited copy: the folder is its parent's
        config._folder = None
        return
    # WeasyPrint 70 keeps the folder in a private attribute and removes it only in __del__.
    folder = getattr(config, "_folder", None)
    if folder:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        config._folder = None


def _release_and_die(signum, frame) -> None:
    """SIGTERM in a worker: clean up, then die of the signal as before (the exit code stays -15)."""
    import os
    import signal

    release_resources()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)
