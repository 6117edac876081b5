"""Every use of a dependency's private API, in one place, each checked against the versions it
was written for.

Three things the public APIs do not offer:

- WeasyPrint 70 keeps a ``FontConfiguration``'s temporary font folder in ``_folder`` and removes
  it only when the object is collected. One configuration is shared per process
  (``engine.shared_font_config``), so its folder is removed by us, and a forked copy must forget
  its parent's folder rather than delete it.
- pypdf writes no file identifier (``/ID``) unless asked, and has no public setter: the imposed
  and marked PDFs take an identifier derived from their input, so the bytes are reproducible.
- ``atexit._run_exitfuncs``: the command line runs the exit handlers and then ends the process
  with ``os._exit``, which saves the 0.1 s of interpreter teardown of every command
  (``leaflets.cli.entry_point``).

``check_versions`` (run by the tests) says at once which of these an upgrade broke.
"""

from __future__ import annotations

import atexit
from importlib.metadata import version
from typing import Any

#: the dependency, the major versions each use was written and tested for
KNOWN = {
    "weasyprint": ("70",),
    "pypdf": ("5", "6", "7"),
}


def _major(package: str) -> str:
    return version(package).split(".")[0]


def check_versions() -> list[str]:
    """What no longer holds: a dependency outside the versions known here, or a private
    attribute that is gone. Empty when every use below is safe."""
    problems = [f"{name} {version(name)} is installed; render/compat.py was written for {', '.join(majors)}.x: "
                "check each use there and add the version" for name, majors in KNOWN.items()
                if _major(name) not in majors]
    # `leaflets --help` imports this module (cli/__init__.py: run_exit_handlers)
    from pypdf import PdfWriter  # noqa: PLC0415 -- 78 ms, only for this check
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 -- WeasyPrint: 0.4-0.8 s, as above

    config = FontConfiguration()
    if not hasattr(config, "_folder"):
        problems.append("weasyprint.text.fonts.FontConfiguration has no _folder: see font_folder()")
    if not hasattr(PdfWriter(), "_ID"):
        problems.append("pypdf.PdfWriter has no _ID: see set_identifier()")
    if not callable(getattr(atexit, "_run_exitfuncs", None)):
        problems.append("atexit has no _run_exitfuncs: see run_exit_handlers()")
    return problems


def font_folder(config: Any) -> str | None:
    """The temporary folder a WeasyPrint ``FontConfiguration`` copied its @font-face files into."""
    return getattr(config, "_folder", None)


def forget_font_folder(config: Any) -> None:
    """Make a (forked) copy of a configuration leave its folder alone when it is collected."""
    config._folder = None


def set_identifier(writer: Any, identifier: Any) -> None:
    """Give a pypdf ``PdfWriter`` the file identifier (an ArrayObject of two byte strings) it writes."""
    writer._ID = identifier


def run_exit_handlers() -> None:
    """Run the functions registered with ``atexit`` now (before ``os._exit``), as Python would at exit."""
    atexit._run_exitfuncs()
