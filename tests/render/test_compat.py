"""render/compat.py: every private attribute of a dependency the package uses is still there, in
the versions it was written for; an upgrade that breaks one fails here, naming it."""

from leaflets.render import compat


def test_every_private_use_holds_in_the_installed_versions():
    assert compat.check_versions() == []


def test_a_version_outside_the_known_ones_is_named(monkeypatch):
    monkeypatch.setitem(compat.KNOWN, "pypdf", ("0",))
    problems = compat.check_versions()
    assert len(problems) == 1 and problems[0].startswith("pypdf ") and "render/compat.py" in problems[0]


def test_no_module_but_compat_touches_those_attributes():
    from pathlib import Path

    import leaflets

    package = Path(leaflets.__file__).parent
    sources = [p for p in package.rglob("*.py") if p.name != "compat.py"]
    assert sources
    for path in sources:
        text = path.read_text("utf-8")
        for private in ("._folder", "._ID", "_run_exitfuncs", "CONSTS"):
            assert private not in text, f"{path.relative_to(package)} uses {private}: go through render/compat.py"
