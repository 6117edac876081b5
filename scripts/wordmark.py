"""Draw a clinic's wordmark logo as an SVG with the letters as outlines.

The letters are converted to paths from the bundled Atkinson Hyperlegible
font, so the logo looks the same on every machine and needs no font at
render time.

    python scripts/wordmark.py "Staffordshire" "Skin Clinic" --colour "#1d4f6e" > assets/logos/x.svg
"""

from __future__ import annotations

import argparse

import fontpkg
from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont


def text_path(font: TTFont, text: str, size: float, x: float, baseline: float) -> tuple[str, float]:
    """SVG path data for ``text`` at ``size`` px, and the advance width."""
    glyphs = font.getGlyphSet()
    cmap = font.getBestCmap()
    scale = size / font["head"].unitsPerEm
    pen = SVGPathPen(glyphs)
    cursor = x
    for char in text:
        name = cmap.get(ord(char), ".notdef")
        glyph = glyphs[name]
        glyph.draw(TransformPen(pen, (scale, 0, 0, -scale, cursor, baseline)))
        cursor += glyph.width * scale
    return pen.getCommands(), cursor - x


def wordmark(line1: str, line2: str, colour: str) -> str:
    bold = TTFont(fontpkg.path("Atkinson Hyperlegible", weight=700))
    regular = TTFont(fontpkg.path("Atkinson Hyperlegible", weight=400))
    top, top_width = text_path(bold, line1, 30, 64, 30)
    bottom, bottom_width = text_path(regular, line2, 22, 64, 58)
    width = 64 + max(top_width, bottom_width) + 4
    return f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} 64" width="{width:.0f}" height="64">
  <title>{line1} {line2}</title>
  <rect x="2" y="4" width="52" height="56" rx="12" fill="{colour}"/>
  <path d="M28 16c-9 8-12 17-8 25 3 6 10 8 16 5 7-4 9-13 5-22-2-4-6-7-13-8z" fill="#ffffff"/>
  <path d="M24 44c3-9 7-16 13-22" stroke="{colour}" stroke-width="2.5" fill="none" stroke-linecap="round"/>
  <path d="{top}" fill="{colour}"/>
  <path d="{bottom}" fill="#222222"/>
</svg>
"""


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("line1")
    parser.add_argument("line2")
    parser.add_argument("--colour", default="#1d4f6e")
    args = parser.parse_args()
    print(wordmark(args.line1, args.line2, args.colour), end="")
