"""The print formats a leaflet can be built in, and the print profiles.

Adding a format is a template, a stylesheet and one entry here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

#: how a format's pages are made: "pages", the PDF as rendered; "dl", six panels composed onto
#: two sheets; "web", the HTML is the output
Layout = Literal["pages", "dl", "web"]
#: what a written file is: a PDF, the A5 booklet imposed for folding, a PNG of page 1, a web page
OutputKind = Literal["pdf", "imposed", "thumbnail", "web"]
#: the print profiles (``PROFILES``): a manifest entry names one of these
ProfileId = Literal["office", "print-shop"]


@dataclass(frozen=True)
class Format:
    id: str
    description: str
    template: str  # in templates/
    stylesheet: str  # in styles/, applied after styles/base.css
    max_pages: int | None  # the page budget of the rendered document; more is an error
    multiple: int = 1  # pad the page count to a multiple of this, with blanks before the back cover
    back_pages: int = 0  # pages after the content (a back cover), not available to content
    layout: Layout = "pages"
    booklet_companion: bool = False  # also write an imposed file for office printing
    logo_height_mm: float = 16.0  # printed logo height, to judge raster resolution
    # For the staff catalogue (out/index.html): the button's words and how to print it.
    staff_name: str = ""
    printing: str = ""
    companion_printing: str = ""  # the same for the imposed companion file
    thumbnail: bool = False  # also write a PNG of page 1 for the catalogue
    translation_thumbnail: bool = False  # the same for a translation (not always built in A4), for its card
    # Print settings written into the PDF (/ViewerPreferences), so the print dialog starts right:
    # how a duplex printer turns the sheet; None: printed one-sided or not a print file.
    duplex: str | None = None  # "DuplexFlipLongEdge" or "DuplexFlipShortEdge"
    companion_duplex: str | None = None  # the same for the imposed companion file
    short_version: bool = False  # sections marked full_version_only in the data are left out
    budget: str = ""  # the page model in a few words, for the message when content does not fit

    @property
    def printed(self) -> bool:
        """Whether it is a print file (the web page is not: no print-shop profile, no page budget)."""
        return self.layout != "web"

    def shows(self, section: object) -> bool:
        """Whether a section is printed in this format: a short version leaves out the sections
        the data marks ``full_version_only``."""
        return not (self.short_version and getattr(section, "full_version_only", False))

    @property
    def extension(self) -> str:
        return "html" if self.layout == "web" else "pdf"

    def padded(self, pages: int) -> int:
        """The page count after padding; may exceed the budget (the caller checks)."""
        return math.ceil(pages / self.multiple) * self.multiple

    @property
    def content_page_limit(self) -> int | None:
        """Index (0-based) of the first page content may not reach."""
        return None if self.max_pages is None else self.max_pages - self.back_pages


FORMATS: dict[str, Format] = {
    f.id: f
    for f in (
        Format("a4", "A4, one or two duplex sheets (2 to 4 pages), for printing at reception", "a4.html", "a4.css",
               4, staff_name="A4 (duplex)", thumbnail=True, duplex="DuplexFlipLongEdge",
               budget="one or two duplex sheets, with room kept for the \"For you\" box",
               printing="Print on A4, double-sided, flip on long edge, actual size (do not shrink)."),
        Format(
            "a5", "A5 booklet, 4, 8 or 12 pages in reading order, plus an imposed A4 file for office printing",
            "a5.html", "a5.css", 12, multiple=4, back_pages=1, booklet_companion=True, logo_height_mm=14,
            staff_name="A5 booklet", printing="For a print shop, or a printer with A5 paper: double-sided, "
                                              "flip on long edge.",
            companion_printing="Print on A4, double-sided, flip on short edge, actual size (do not shrink), "
                               "then fold in half.",
            duplex="DuplexFlipLongEdge", companion_duplex="DuplexFlipShortEdge",
            budget="cover, content, at least one notes page for the \"For you\" box, back cover",
            translation_thumbnail=True,
        ),
        Format(
            "dl", "DL roll-fold leaflet: one A4 landscape sheet, two sides, three panels each",
            "dl.html", "dl.css", 6, multiple=6, back_pages=1, layout="dl", logo_height_mm=14,
            staff_name="Folded DL leaflet", duplex="DuplexFlipShortEdge", short_version=True,
            budget="front cover, 4 content panels (the last is the back cover), contact panel on the flap "
                   "with room for the \"For you\" box",
            printing="Print on A4, double-sided, flip on short edge, actual size (do not shrink). "
                     "Fold the flap in, then the front cover over it.",
        ),
        Format(
            "large-print", "A4 large print: 18 pt single column, as many pages as needed",
            "large-print.html", "large-print.css", None, logo_height_mm=18,
            staff_name="Large print", duplex="DuplexFlipLongEdge",
            printing="Print on A4, double-sided, flip on long edge, actual size (do not shrink to fit).",
        ),
        Format(
            "web", "Web page: the same content as an accessible HTML page, fonts and logo inside, no script",
            "web.html", "web.css", None, layout="web", staff_name="Web page",
            printing="Opens in the browser: to read on screen, email, or put on the clinic's website.",
        ),
    )
}

DEFAULT_FORMATS = tuple(FORMATS)


@dataclass(frozen=True)
class Profile:
    id: str
    description: str
    bleed_mm: float
    suffix: str  # added to the file name
    printing: str = ""  # for the staff catalogue


PROFILES: dict[str, Profile] = {
    p.id: p
    for p in (
        Profile("office", "for office and reception printers: trimmed to the page", 0.0, ""),
        Profile("print-shop", "for a print shop: 3 mm bleed, TrimBox at the finished size", 3.0, "-print-shop",
                printing="Send to the print shop: 3 mm bleed, pages in reading order."),
    )
}
SAFE_MARGIN_MM = 5.0  # print shops ask for text at least this far inside the trim
MIN_PPI = 300
