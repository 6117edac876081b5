"""The print formats a leaflet can be built in.

Adding a format is a template, a stylesheet and one entry here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    id: str
    description: str
    template: str  # in templates/
    stylesheet: str  # in styles/, applied after styles/base.css
    max_pages: int | None  # the page budget; more is an error


FORMATS: dict[str, Format] = {
    f.id: f
    for f in (
        Format("a4", "A4, two pages, for duplex printing at reception", "a4.html", "a4.css", 2),
    )
}

DEFAULT_FORMATS = ("a4",)
