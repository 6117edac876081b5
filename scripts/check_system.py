"""Before installing: is the system library WeasyPrint needs (Pango) present?

Prints one line with the install command and exits 1 when it is missing.
Uses only the standard library, so it runs before the virtual environment exists.
"""

import ctypes.util
import sys

if sys.version_info < (3, 11):
    sys.exit(f"error: leaflets needs Python 3.11 or newer (this is {sys.version.split()[0]})")
if not ctypes.util.find_library("pango-1.0"):
    sys.exit(
        "error: the Pango library is missing (WeasyPrint needs it); install it with: "
        "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0   (macOS: brew install pango)"
    )

# WeasyPrint subsets fonts with HarfBuzz when libharfbuzz-subset is present and silently falls
# back to fontTools, which makes other bytes (and is 30x slower per font). The build records which
# one it used in every fingerprint and in the manifest, so a switch is never silent; CI installs
# HarfBuzz (.ci/run) so that CI and release builds always use it. Here: say so, do not stop.
_SUBSET_NAMES = ("harfbuzz-subset", "libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib")


def _harfbuzz_subset_found() -> bool:
    for name in _SUBSET_NAMES:
        for candidate in (name, ctypes.util.find_library(name)):
            if candidate:
                try:
                    ctypes.CDLL(candidate)
                    return True
                except OSError:
                    pass
    return False


if not _harfbuzz_subset_found():
    message = (
        "the HarfBuzz subsetter library is missing, so fonts are subset with fontTools (slower, other "
        "bytes than CI's); install it with: sudo apt-get install libharfbuzz-subset0   (macOS: brew install harfbuzz)"
    )
    if "--require-harfbuzz" in sys.argv[1:]:
        sys.exit("error: " + message)
    print("warning: " + message, file=sys.stderr)
