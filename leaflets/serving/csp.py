"""The Content-Security-Policy of a built HTML file a server sends (the staff catalogue, a web leaflet)."""

from __future__ import annotations

import base64
import hashlib
import re

SCRIPT = re.compile(rb"<script\b[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
FORMS, NONE = "'self'", "'none'"


def build_csp(data: bytes, forms: bool = False) -> str:
    """The policy for a built HTML file (the staff catalogue, a web leaflet): its own inline
    scripts by their hash and nothing else; inline styles, images from the build and data: URLs;
    forms posted to this server only with ``forms`` (the desk's "For you"), else none."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()}'"
                      for m in SCRIPT.finditer(data))
    return (f"default-src 'none'; script-src {hashes or chr(39) + 'none' + chr(39)}; style-src 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; base-uri 'none'; "
            f"form-action {FORMS if forms else NONE}; "
            "frame-ancestors 'none'")
