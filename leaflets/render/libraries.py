"""Import WeasyPrint without cffi's library search when its libraries load by name.

WeasyPrint 70 opens each system library (GObject, Pango, HarfBuzz, its
subsetter, fontconfig, PangoFT2) by trying a list of names in turn
(``weasyprint/text/ffi.py``): ``libpango-1.0-0``, ``pango-1.0-0``, ... and
only then ``libpango-1.0.so.0``. For every name that does not load as
given, cffi asks ``ctypes.util.find_library``, which on Linux runs
``ldconfig -p`` and then ``gcc`` and ``ld``: about 90 processes and 0.2 s of
each import (a fifth of a one-leaflet build), spent finding nothing, since the
``.so.N`` names later in each list load directly wherever the libraries are
in the system's library path.

So the import is tried first with ``find_library`` answering "not found".
If a library WeasyPrint needs did not load that way, or HarfBuzz's
subsetter did not (WeasyPrint would silently subset with fontTools instead,
making other bytes than ``render/subsetter.py`` promised), WeasyPrint is
imported again the usual way, searching as it always did. Either way the
same library files are loaded, so the PDFs are the same.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import io
import sys
import warnings


def import_weasyprint() -> None:
    """Import WeasyPrint, skipping the library search where plain names load (Linux only)."""
    if "weasyprint" in sys.modules or not sys.platform.startswith("linux"):
        # the point of this function (and WeasyPrint's 0.4-0.8 s); elsewhere find_library starts no process
        import weasyprint  # noqa: F401, PLC0415

        return
    search = ctypes.util.find_library
    ctypes.util.find_library = _not_searched
    try:
        # WeasyPrint prints a banner before raising when a library does not load, and warns
        # when the subsetter is missing: neither is true yet, so neither is shown.
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="HarfBuzz-Subset")
            from weasyprint.text import ffi  # noqa: PLC0415 -- the point of this function: with find_library patched

        loaded = ffi.harfbuzz_subset is not None
    except OSError:
        loaded = False
    finally:
        ctypes.util.find_library = search
    if not loaded:  # only the search finds a library here: forget the first attempt and search
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[name]
    import weasyprint  # noqa: F401, F811, PLC0415 -- the point of this function: after the first attempt


def _not_searched(name: str) -> None:
    """``find_library`` for the first attempt: not found, without starting ldconfig or gcc."""
    return None
