"""Raster logos a print shop can print sharp: 300 pixels per inch at their printed size.

A warning the build prints for every print-shop variant whose branch logo is a PNG or JPEG too
small for its printed height in that format; an SVG always passes. It blocks nothing: the
office profile prints on the clinic's own printer, where a softer logo is no harm.
"""

from __future__ import annotations

from PIL import Image

from leaflets.formats import FORMATS, MIN_PPI
from leaflets.project.load import Library
from leaflets.project.plan import Variant

RASTER = (".png", ".jpg", ".jpeg")


def low_resolution_images(library: Library, variant: Variant) -> list[str]:
    """Raster logos below 300 ppi at their printed size (print shops need 300)."""
    logo = library.branches[variant.branch].brand.logo
    if not logo.lower().endswith(RASTER):
        return []
    with Image.open(library.project.root / logo) as image:
        height_px = image.height
    height_mm = FORMATS[variant.format].logo_height_mm
    ppi = height_px / (height_mm / 25.4)
    if ppi >= MIN_PPI:
        return []
    return [
        f"{variant.name}: {logo} is {height_px} px high, printed {height_mm:g} mm high: {ppi:.0f} ppi, "
        f"below the {MIN_PPI} ppi a print shop needs; supply at least {MIN_PPI * height_mm / 25.4:.0f} px or an SVG"
    ]
