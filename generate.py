#!/usr/bin/env python3
"""Thin entry point: `python generate.py ARGS` does exactly what `leaflets ARGS` does.

Run with a Python that lacks the dependencies (the system python3 before `make leaflets`), it says
how to set up in one line and exits 2, instead of ending in an import traceback. Kept to syntax
that old Pythons parse, so an old python3 gets the same line rather than a SyntaxError.
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SETUP = ("set up once with `make leaflets` (it makes .venv and installs what building needs), "
         "then run `.venv/bin/leaflets {args}`").format(args=" ".join(sys.argv[1:]) or "--help")


def _refuse(why):
    sys.stderr.write("error: {why}: {setup}\n".format(why=why, setup=SETUP))
    sys.exit(2)


if __name__ == "__main__":
    if sys.version_info < (3, 11):
        _refuse("leaflets needs Python 3.11 or newer, not {v} ({exe})".format(
            v=sys.version.split()[0], exe=sys.executable))
    # The project folder, even when Python leaves the script's folder off sys.path (-I, -P).
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    try:
        from leaflets.cli import entry_point
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] == "leaflets":
            raise  # a module of our own is missing: a bug, not a missing set-up
        _refuse("this Python ({exe}) lacks the package '{name}' that leaflets needs".format(
            exe=sys.executable, name=error.name))
    entry_point()
