"""Imported by the fork server before it forks workers, so each worker starts with what a job
needs loaded: WeasyPrint, pypdf (imposition, marks), pypdfium2 (the catalogue thumbnails) and
render/pdfs.py itself.

A failure here is ignored: the pool's probe job imports the engine again in
a worker and reports the cause (a missing Pango library, say) to the user.
"""

import contextlib

with contextlib.suppress(Exception):  # reported by the probe, with the fix
    from leaflets.render.libraries import import_weasyprint

    import_weasyprint()  # without cffi's library search where it can (render/libraries.py)
    from leaflets.render import engine  # noqa: F401

with contextlib.suppress(Exception):  # what every job runs (render/workers.py: run_job)
    from leaflets.render import pdfs  # noqa: F401
