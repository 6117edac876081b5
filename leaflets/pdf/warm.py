"""Imported by the fork server before it forks workers, so each worker starts with WeasyPrint loaded.

A failure here is ignored: the pool's probe job imports the engine again in
a worker and reports the cause (a missing Pango library, say) to the user.
"""

try:
    from . import engine  # noqa: F401
except Exception:  # noqa: BLE001 - reported by the probe, with the fix
    pass
