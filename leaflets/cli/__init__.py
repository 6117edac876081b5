"""The command line: thin click commands, one module each, that import the heavy parts only when
needed. `--help`, `list` and `check` never import WeasyPrint, so they answer at once.

Each module registers its command on the group in ``base``; importing this package registers all.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading

from leaflets.cli import (  # noqa: F401  (registers)
    approval,
    build,
    check,
    desk,
    listing,
    personalise,
    schema,
    serve,
    sources,
    translate,
)
from leaflets.cli.base import main
from leaflets.render import compat

__all__ = ["entry_point", "main"]


def entry_point() -> None:
    """``leaflets`` on the command line (and ``python -m leaflets``, ``generate.py``): run the
    command, then end the process without tearing the interpreter down.

    After a build, Python would spend about 0.1 s freeing every object one by one (the data
    model, compiled templates, the libraries' tables) before the process could end: a tenth of
    a one-leaflet build. So once the command has finished, the exit handlers run as usual
    (temporary folders, multiprocessing's clean-up, logging), the output streams are flushed,
    and the process ends at once with the command's exit status. Every file the tool writes
    is closed (and renamed into place) before the command returns. Tests call ``main``
    (the click group), which exits the usual way.
    """
    try:
        main(prog_name="leaflets")
        code: int = 0
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            code = done.code or 0
        else:  # sys.exit("message"): printed, status 1, as Python does
            print(done.code, file=sys.stderr)
            code = 1
    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.exit(code)  # a thread still working (none is expected): let Python wait for it
    compat.run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the stream closed (`leaflets list >&-`)
            continue
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`leaflets list | head`) or stream
            stream.flush()
    os._exit(code)

