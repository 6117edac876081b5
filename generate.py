#!/usr/bin/env python3
"""Thin entry point: `python generate.py ARGS` does exactly what `leaflets ARGS` does.

Run with a Python that lacks the dependencies (the system python3 before `make leaflets`), it says
how to set up in one line and exits 2, instead of ending in an import traceback. Kept to syntax
that Python 3.6 parses, so an older python3 is told it needs 3.11 rather than shown a SyntaxError.
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


if __name__ == "__main__":
    if sys.version_info < (3, 11):  # noqa: UP036 (runs with whatever python3 is at hand)
        _refuse(f"leaflets needs Python 3.11 or newer, not {sys.version.split()[0]} ({sys.executable})")
    # The project folder, even when Python leaves the script's folder off sys.path (-I, -P).
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    try:
        from leaflets.cli import entry_point
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] == "leaflets":
            raise  # a module of our own is missing: a bug, not a missing set-up
        _refuse(f"this Python ({sys.executable}) lacks the package '{error.name}' that leaflets needs")
    entry_point()
