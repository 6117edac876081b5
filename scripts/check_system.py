"""Before installing: are the system libraries WeasyPrint needs (Pango, HarfBuzz's subsetter) present?

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
# back to fontTools, which makes other bytes (and takes about 30 times as long per font), so two
# machines with the same Python packages would make different PDFs. We require HarfBuzz, as Pango;
# the build also records the subsetter in every fingerprint and in the manifest.
_SUBSET_NAMES = ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll")


def _harfbuzz_subset_found() -> bool:
    for name in _SUBSET_NAMES:
        try:
            ctypes.CDLL(name)
            return True
        except OSError:
            pass
    found = ctypes.util.find_library("harfbuzz-subset")
    return bool(found)


if not _harfbuzz_subset_found():
    sys.exit(
        "error: the HarfBuzz font subsetter library is missing (WeasyPrint would fall back to fontTools: "
        "slower, and other bytes); install it with: sudo apt-get install libharfbuzz-subset0   "
        "(macOS: brew install harfbuzz)"
    )
