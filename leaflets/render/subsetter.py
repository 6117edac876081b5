"""Which font subsetter WeasyPrint will use on this machine, without importing WeasyPrint.

WeasyPrint 70 subsets embedded fonts with HarfBuzz's subsetter when the
system library ``libharfbuzz-subset`` (HarfBuzz >= 4.1.0) loads, and silently
falls back to fontTools otherwise (``weasyprint/text/ffi.py`` loads the
library with ``allow_fail=True``; ``weasyprint/pdf/fonts.py``, ``Font.subset``,
chooses). The two give different bytes, so the choice and its version are
part of every fingerprint and of the manifest: a machine that switches
rebuilds everything and says why, instead of silently making other PDFs.

Kept apart from ``engine`` so that ``check`` and ``list`` can ask cheaply.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache
from importlib.metadata import PackageNotFoundError, version

# The names WeasyPrint 70 tries, in its order (weasyprint/text/ffi.py).
_SUBSET_NAMES = (
    "libharfbuzz-subset-0", "harfbuzz-subset", "harfbuzz-subset-0.0",
    "libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll",
)
_HARFBUZZ_NAMES = (
    "libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll",
)
MINIMUM_HARFBUZZ = (4, 1, 0)
INSTALL_HINT = (
    "sudo apt-get install libharfbuzz-subset0   (Fedora: harfbuzz, macOS: brew install harfbuzz)"
)


def _load(names: tuple[str, ...]) -> ctypes.CDLL | None:
    """The first library that loads: each name as given, then as ``find_library`` finds it
    (which runs ``ldconfig`` on Linux, so only when the plain names all failed)."""
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    for name in names:
        found = ctypes.util.find_library(name)
        if found:
            try:
                return ctypes.CDLL(found)
            except OSError:
                continue
    return None


def harfbuzz_version() -> tuple[int, int, int] | None:
    """The HarfBuzz version if its subsetter library loads, else None."""
    if _load(_SUBSET_NAMES) is None:
        return None
    harfbuzz = _load(_HARFBUZZ_NAMES)
    if harfbuzz is None:
        return None
    harfbuzz.hb_version_string.restype = ctypes.c_char_p
    parts = harfbuzz.hb_version_string().decode("ascii").split(".")
    return tuple(int(p) for p in (parts + ["0", "0"])[:3])  # type: ignore[return-value]


@cache
def font_subsetter() -> str:
    """``harfbuzz-subset <version>`` or ``fonttools <version>``: what WeasyPrint subsets fonts with here."""
    found = harfbuzz_version()
    if found is not None and found >= MINIMUM_HARFBUZZ:
        return "harfbuzz-subset " + ".".join(map(str, found))
    try:
        return f"fonttools {version('fonttools')}"
    except PackageNotFoundError:  # pragma: no cover - a WeasyPrint dependency
        return "fonttools missing"
