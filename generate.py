#!/usr/bin/env python3
"""Thin entry point: `python generate.py ARGS` does exactly what `leaflets ARGS` does.

Run by any python3 once `make leaflets` has made .venv, it runs in that .venv. Run before that
with a Python that lacks the dependencies (the system python3, or one with only some of them), it
says how to set up in one line and exits 2, instead of ending in an import traceback. Kept to
syntax that Python 3.6 parses, so an older python3 is told it needs 3.11 rather than shown a
SyntaxError.
"""

import os
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = " ".join(shlex.quote(arg) for arg in sys.argv[1:]) or "--help"
SETUP = (f"set up once with `make leaflets` (it makes .venv and installs what building needs), "
         f"then run `.venv/bin/leaflets {ARGS}`")


def _refuse(why):
    sys.stderr.write(f"error: {why}: {SETUP}\n")
    sys.exit(2)


def _missing():
    """The distributions pyproject.toml asks for that this Python does not have installed (a Python
    with some of them, click say, would otherwise get past the import of the command line and end
    in a traceback when a command imports the rest)."""
    # here, not at the top: an older python3 must reach the version check (tomllib is 3.11's)
    import importlib.metadata  # noqa: PLC0415
    import re  # noqa: PLC0415
    import tomllib  # noqa: PLC0415

    try:
        with open(os.path.join(HERE, "pyproject.toml"), "rb") as stream:
            wanted = tomllib.load(stream)["project"]["dependencies"]
    except (OSError, ValueError, KeyError):  # not a checkout: the import below says what is missing
        return []
    missing = []
    for requirement in wanted:
        if ";" in requirement:  # for some platforms only (a marker): not judged without `packaging`
            continue
        name = re.split(r"[\s<>=!~;\[(]", requirement, maxsplit=1)[0]
        try:
            importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name)
    return missing


def _in_the_venv():
    """Run by the project's own .venv (made by `make leaflets`) when there is one and this is another
    Python (the system python3): `python3 generate.py ARGS` then works as `.venv/bin/leaflets ARGS`."""
    venv = os.path.join(HERE, ".venv")
    python = os.path.join(venv, "bin", "python")
    if (os.path.realpath(sys.prefix) == os.path.realpath(venv) or not os.access(python, os.X_OK)
            or os.environ.get("LEAFLETS_GENERATE_VENV")):  # already there, none, or it came back here
        return
    os.environ["LEAFLETS_GENERATE_VENV"] = "1"
    os.execv(python, [python, os.path.abspath(__file__), *sys.argv[1:]])


if __name__ == "__main__":
    _in_the_venv()
    if sys.version_info < (3, 11):  # noqa: UP036 (runs with whatever python3 is at hand)
        _refuse(f"leaflets needs Python 3.11 or newer, not {sys.version.split()[0]} ({sys.executable})")
    # The project folder, even when Python leaves the script's folder off sys.path (-I, -P).
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    if os.path.realpath(sys.prefix) != os.path.realpath(os.path.join(HERE, ".venv")):  # not the set-up one
        missing = _missing()
        if missing:
            _refuse(f"this Python ({sys.executable}) lacks {len(missing)} of the packages leaflets needs "
                    f"({', '.join(missing[:4])}{', ...' if len(missing) > 4 else ''})")
    try:
        from leaflets.cli import entry_point
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] == "leaflets":
            raise  # a module of our own is missing: a bug, not a missing set-up
        _refuse(f"this Python ({sys.executable}) lacks the package '{error.name}' that leaflets needs")
    entry_point()
