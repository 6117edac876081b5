"""Every use of a dependency's private API, in one place, each checked against the versions it
was written for.

What the public APIs do not offer:

- WeasyPrint 70 keeps a ``FontConfiguration``'s temporary font folder in ``_folder`` and removes
  it only when the object is collected. One configuration is shared per process
  (``engine.shared_font_config``), so its folder is removed by us, and a forked copy must forget
  its parent's folder rather than delete it.
- WeasyPrint 70's ``Page`` keeps its laid-out box tree only in ``_page_box`` (the public
  attributes are its size, bleed, links, anchors, bookmarks and form fields): the build reads the
  boxes to find text that runs off its page, count each section's lines and measure the room for
  the "For you" box (``engine.LaidOut``).
- pypdf writes no file identifier (``/ID``) unless asked, and has no public setter: the imposed
  and marked PDFs take an identifier derived from their input, so the bytes are reproducible.
- pypdf has no public way to add a new object to a ``PdfWriter`` and get its indirect reference
  (``_add_object``, which pypdf's own modules call through its ``PdfWriterProtocol``): imposition
  adds the pages' forms, the links that move with them and the structure tree's elements.
- ``atexit._run_exitfuncs``: the command line runs the exit handlers and then ends the process
  with ``os._exit``, which saves the 0.1 s of interpreter teardown of every command
  (``leaflets.cli.entry_point``).

Two guards. At run time, a process's first use of WeasyPrint's or pypdf's private API checks
the installed version against ``KNOWN`` (one set lookup a use after that), and an attribute
that is gone raises ``DependencyChanged`` naming the version, instead of an AttributeError deep
in a render or, for an attribute that is set, no effect at all. Nothing here imports WeasyPrint
or pypdf: ``leaflets --help``, ``list`` and ``check`` import neither, and pay nothing. The font
folder's uses are left unguarded at run time, as they run at exit, where an error would only
add a traceback: at worst a temporary folder is left behind. ``check_versions`` (run by the
tests, tests/render/test_compat.py) checks every attribute on real objects of the installed
versions, so an upgrade in the lock fails there, naming the use.
"""

from __future__ import annotations

import atexit
from importlib import import_module
from typing import TYPE_CHECKING, Any

from leaflets.errors import BuildFailed

if TYPE_CHECKING:  # nothing here imports pypdf (`leaflets --help` imports this module)
    from pypdf import PdfWriter
    from pypdf.generic import IndirectObject, PdfObject

#: the dependency, the major versions each use was written and tested for (pyproject.toml's
#: requirements allow exactly these: tests/render/test_compat.py)
KNOWN = {
    "weasyprint": ("70",),
    "pypdf": ("5", "6", "7"),
}

_checked: set[str] = set()  # the dependencies whose installed version this process has checked


class DependencyChanged(BuildFailed):
    """An installed dependency is not one the private uses here were checked with."""


def installed_version(package: str) -> str:
    """The version of an imported dependency, as it reports itself (free: no metadata is read)."""
    return str(import_module(package).__version__)


def wanted(package: str) -> str:
    """The requirement that admits exactly the known versions, e.g. ``pypdf>=5,<8``."""
    majors = sorted(int(major) for major in KNOWN[package])
    return f"{package}>={majors[0]},<{majors[-1] + 1}"


def _outside(package: str) -> str:
    return (f"{package} {installed_version(package)} is installed; leaflets was checked with "
            f"{' or '.join(f'{major}.x' for major in KNOWN[package])} (render/compat.py): install one of "
            f"those (pip install '{wanted(package)}'; make installs the locked one), or check each use "
            "in render/compat.py against this version and add it to KNOWN")


def _gone(package: str, attribute: str, function: str) -> DependencyChanged:
    return DependencyChanged(
        f"{package} {installed_version(package)} has no {attribute}, which leaflets uses "
        f"(render/compat.py, {function}): install {wanted(package)} (make installs the locked version)")


def _verified(package: str) -> None:
    """On this process's first use of ``package``'s private API: refuse a version outside KNOWN."""
    if package in _checked:
        return
    if installed_version(package).split(".")[0] not in KNOWN[package]:
        raise DependencyChanged(_outside(package))
    _checked.add(package)


def check_versions() -> list[str]:
    """What no longer holds: a dependency outside the versions known here, or a private
    attribute that is gone. Empty when every use below is safe."""
    # `leaflets --help` imports this module (cli/__init__.py: run_exit_handlers)
    from pypdf import PdfWriter  # noqa: PLC0415 -- 78 ms, only for this check
    from weasyprint import HTML  # noqa: PLC0415 -- WeasyPrint: 0.4-0.8 s, as above
    from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 -- as above

    problems = [_outside(name) for name, majors in KNOWN.items() if installed_version(name).split(".")[0] not in majors]
    config = FontConfiguration()
    if not hasattr(config, "_folder"):
        problems.append("weasyprint.text.fonts.FontConfiguration has no _folder: see font_folder()")
    page = HTML(string="<p>a page</p>").render(font_config=config).pages[0]
    if not hasattr(page, "_page_box"):
        problems.append("weasyprint.document.Page has no _page_box: see page_box()")
    writer = PdfWriter()
    if not hasattr(writer, "_ID"):
        problems.append("pypdf.PdfWriter has no _ID: see set_identifier()")
    if not callable(getattr(writer, "_add_object", None)):
        problems.append("pypdf.PdfWriter has no _add_object: see add_object()")
    if not callable(getattr(atexit, "_run_exitfuncs", None)):
        problems.append("atexit has no _run_exitfuncs: see run_exit_handlers()")
    return problems


def font_folder(config: Any) -> str | None:
    """The temporary folder a WeasyPrint ``FontConfiguration`` copied its @font-face files into
    (``_folder``; WeasyPrint 70)."""
    return getattr(config, "_folder", None)


def forget_font_folder(config: Any) -> None:
    """Make a (forked) copy of a configuration leave its folder alone when it is collected."""
    config._folder = None


def page_box(page: Any) -> Any:
    """The laid-out box tree of a WeasyPrint ``Page`` (``document.pages``): its ``_page_box``.

    WeasyPrint's public ``Page`` offers the page's size, bleed, links, anchors, bookmarks and form
    fields, not its boxes, which the build reads after layout (``engine.LaidOut``). Checked with
    WeasyPrint 70.0, where ``Page.__init__`` sets it and ``Page.paint`` draws from it."""
    _verified("weasyprint")
    try:
        return page._page_box
    except AttributeError:
        raise _gone("weasyprint", "Page._page_box", "page_box()") from None


def add_object(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    """Add a new object (a stream, a dictionary) to a pypdf ``PdfWriter``; its indirect reference.

    pypdf has no public way to do it: ``clone`` copies an object that belongs to another PDF, and
    ``add_page`` and the like add only their own kinds. ``_add_object`` is what pypdf's own modules
    call (its ``PdfWriterProtocol`` declares it). Checked in pypdf 5.0.0, 6.0.0, 7.0.0 and 7.1.1:
    the same method in each (an object already in this writer gives its existing reference)."""
    _verified("pypdf")
    try:
        add = writer._add_object
    except AttributeError:
        raise _gone("pypdf", "PdfWriter._add_object", "add_object()") from None
    return add(obj)


def set_identifier(writer: Any, identifier: Any) -> None:
    """Give a pypdf ``PdfWriter`` the file identifier (an ArrayObject of two byte strings) it writes.

    pypdf writes no /ID unless one is set, and has no public setter: ``_ID``, read when the file is
    written, in pypdf 5.0.0, 6.0.0, 7.0.0 and 7.1.1. Set without it being there, it would have no
    effect, and the bytes would no longer be reproducible: so its absence is an error."""
    _verified("pypdf")
    if not hasattr(writer, "_ID"):
        raise _gone("pypdf", "PdfWriter._ID", "set_identifier()")
    writer._ID = identifier


def run_exit_handlers() -> None:
    """Run the functions registered with ``atexit`` now (before ``os._exit``), as Python would at exit."""
    atexit._run_exitfuncs()
