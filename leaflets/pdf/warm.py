"""Imported by the fork server before it forks workers, so each worker starts with WeasyPrint loaded.

A failure here is ignored: the pool's probe job imports the engine again in
a worker and reports the cause (a missing Pango library, say) to the user.
"""

import contextlib

with contextlib.suppress(Exception):  # reported by the probe, with the fix
    from . import engine  # noqa: F401
