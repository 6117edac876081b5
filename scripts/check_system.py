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
if not ctypes.util.find_library("harfbuzz-subset"):
    print(
        "note: libharfbuzz-subset0 is missing; WeasyPrint will subset fonts with fontTools (slower, and the PDFs "
        "differ in bytes from the release workflow's); install it with: sudo apt-get install libharfbuzz-subset0",
        file=sys.stderr,
    )
