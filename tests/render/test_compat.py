"""render/compat.py: every private attribute of a dependency the package uses is still there, in
the versions it was written for; an upgrade that breaks one fails here, naming it. At run time the
first use refuses a version outside the known ones, and a use whose attribute is gone names it.
No other module of the package reaches into a private attribute or name."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import leaflets
from leaflets.errors import BuildFailed
from leaflets.render import compat

PACKAGE = Path(leaflets.__file__).parent

#: private names of dependencies the package uses (through compat.py only), searched as attribute
#: names and as strings (``getattr(page, "_page_box")``); CONSTS is pebble's polling constant, once set
USED_PRIVATE_NAMES = ("_folder", "_ID", "_add_object", "_page_box", "_run_exitfuncs", "CONSTS")
#: underscore names that are public API: the standard library's exit without clean-up
ALLOWED = ("os._exit",)


def test_every_private_use_holds_in_the_installed_versions():
    assert compat.check_versions() == []


def test_a_version_outside_the_known_ones_is_named(monkeypatch):
    monkeypatch.setitem(compat.KNOWN, "pypdf", ("0",))
    problems = compat.check_versions()
    assert len(problems) == 1 and problems[0].startswith("pypdf ") and "render/compat.py" in problems[0]


def test_pyproject_allows_exactly_the_known_versions():
    """pip installs only what compat.py was checked with (so the run-time refusal below is met only
    by an install that forced another version)."""
    project = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text("utf-8"))["project"]
    requirements = {Requirement(line).name.lower(): Requirement(line) for line in project["dependencies"]}
    for package, majors in compat.KNOWN.items():
        specifier, wanted = requirements[package].specifier, Requirement(compat.wanted(package)).specifier
        for major in range(int(min(majors)) - 1, int(max(majors)) + 2):
            version = f"{major}.0"
            assert specifier.contains(version) == wanted.contains(version) == (str(major) in majors), \
                f"pyproject.toml asks for {package}{specifier}; render/compat.py knows {majors}"


# --- at run time: the first use ------------------------------------------------------------


@pytest.fixture
def unchecked(monkeypatch):
    """A process that has not yet used any dependency's private API."""
    monkeypatch.setattr(compat, "_checked", set())


def test_the_first_use_refuses_a_version_it_was_not_checked_with(unchecked, monkeypatch):
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject

    monkeypatch.setitem(compat.KNOWN, "pypdf", ("4",))
    with pytest.raises(compat.DependencyChanged) as refused:
        compat.add_object(PdfWriter(), DictionaryObject())
    message = str(refused.value)
    assert message.startswith(f"pypdf {compat.installed_version('pypdf')} is installed; leaflets was checked with 4.x")
    assert "pip install 'pypdf>=4,<5'" in message
    assert isinstance(refused.value, BuildFailed)  # a failed build's message, not a traceback


def test_a_known_version_is_checked_once_and_the_object_added(unchecked, monkeypatch):
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, IndirectObject

    writer = PdfWriter()
    added = DictionaryObject()
    reference = compat.add_object(writer, added)
    assert isinstance(reference, IndirectObject) and reference.get_object() is added
    assert compat.add_object(writer, added) == reference  # already in the writer: the same reference
    monkeypatch.setitem(compat.KNOWN, "pypdf", ("4",))
    compat.add_object(writer, DictionaryObject())  # checked on the first use only: one set lookup after it


@pytest.mark.parametrize("use, package, attribute", [
    (lambda: compat.add_object(object(), None), "pypdf", "PdfWriter._add_object"),
    (lambda: compat.set_identifier(object(), None), "pypdf", "PdfWriter._ID"),
    (lambda: compat.page_box(object()), "weasyprint", "Page._page_box"),
], ids=["add_object", "set_identifier", "page_box"])
def test_an_attribute_that_is_gone_is_named_with_the_version(unchecked, use, package, attribute):
    import_version = compat.installed_version(package)
    with pytest.raises(compat.DependencyChanged, match=rf"^{package} {import_version} has no {attribute}, which "
                                                        rf"leaflets uses \(render/compat.py"):
        use()


# --- no module but compat.py ---------------------------------------------------------------


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(source: str) -> list[str]:
    """What a module's source does with private names: ``x._name`` on anything but ``self`` or
    ``cls``, a private name in getattr/hasattr/setattr/delattr, an import of a private name or from
    a private module (``pypdf._writer``), and the dependencies' private names compat.py uses."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            mine = isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")
            if (_private(node.attr) and not mine or node.attr in USED_PRIVATE_NAMES) \
                    and ast.unparse(node) not in ALLOWED:
                found.append(ast.unparse(node))
        elif isinstance(node, ast.Constant) and node.value in USED_PRIVATE_NAMES:
            found.append(repr(node.value))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) > 1 \
                and node.func.id in ("getattr", "hasattr", "setattr", "delattr") \
                and isinstance(node.args[1], ast.Constant) and _private(str(node.args[1].value)):
            found.append(ast.unparse(node))
        elif isinstance(node, ast.ImportFrom):
            if any(_private(part) for part in (node.module or "").split(".")):
                found.append(f"from {node.module} import ...")
            found += [f"from {node.module} import {alias.name}" for alias in node.names if _private(alias.name)]
        elif isinstance(node, ast.Import):
            found += [f"import {alias.name}" for alias in node.names
                      if any(_private(part) for part in alias.name.split("."))]
    return found


@pytest.mark.parametrize("source", [
    "reference = writer._add_object(stream)",
    "self.writer._add_object(moved)",
    "box = page._page_box",
    "walk(document.pages[0]._page_box)",
    "box = getattr(page, '_page_box')",
    "name = '_page_box'",
    "setattr(config, '_other', None)",
    "from pypdf._writer import PdfWriter",
    "import pebble.common._private",
    "from leaflets.project.plan import _pick",
    "pebble.common.CONSTS.sleep_unit = 0.01",
    "self.CONSTS = 1",
])
def test_the_search_finds_a_private_use(source):
    assert private_uses(source), source


@pytest.mark.parametrize("source", [
    "self._pool.close()", "cls._cache = {}", "os._exit(0)", "x.__class__", "from __future__ import annotations",
    "from leaflets.render import compat\ncompat.add_object(writer, stream)",
])
def test_the_search_leaves_the_rest(source):
    assert private_uses(source) == [], source


def test_no_module_but_compat_uses_a_private_attribute_or_name():
    sources = [p for p in PACKAGE.rglob("*.py") if p != PACKAGE / "render/compat.py"]
    assert len(sources) > 50
    found = {f"{p.relative_to(PACKAGE)}: {use}" for p in sources for use in private_uses(p.read_text("utf-8"))}
    assert not found, f"go through render/compat.py (or a public name): {sorted(found)}"
