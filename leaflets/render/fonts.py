"""The typefaces, shipped as PyPI packages so output does not depend on the machine.

Atkinson Hyperlegible sets English and every other language written in the
Latin script (Polish: ą ę ł ś ż ź ó ć ń). A language written in another
script adds the family that has its letters after Atkinson Hyperlegible in
its font stack, so Latin text inside it (phone numbers, web addresses, "NHS
111") keeps the leaflets' typeface. Urdu: IBM Plex Sans Arabic, designed for
Arabic, Persian and Urdu (ٹ ڈ ڑ ں ہ ھ ے ۓ ۔), with one glyph for each form of
each letter. Noto Sans Arabic, the first choice, builds dotted letters from
a shared dotless body and dot marks; WeasyPrint gives each glyph of a PDF
font one text, so the PDF's text (copy, search, screen readers) came out
garbled. No family comes from the machine: the gate checks every character
a variant draws against the fonts listed here (``coverage``) before
anything is rendered.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import NamedTuple

import fontpkg

FAMILY = "Atkinson Hyperlegible"
FACES = ((400, "normal"), (700, "normal"), (400, "italic"), (700, "italic"))
# The family a language adds for its script, by primary language subtag, with its faces (the layout
# uses no italics).
SCRIPT_FAMILIES: dict[str, tuple[str, tuple[tuple[int, str], ...]]] = {
    "ur": ("IBM Plex Sans Arabic", ((400, "normal"), (700, "normal"))),
}
# Body text in these languages is set larger than the format's size: Arabic letters at 12 pt are
# smaller to the eye than Latin ones at 12 pt (their body sits low in the em).
TEXT_SCALE = {"ur": 1.1}


class Face(NamedTuple):
    family: str
    weight: int
    style: str
    path: Path


def primary_subtag(lang: str) -> str:
    """``ur`` for ``ur``, ``ur-PK`` or ``UR_pk``."""
    return lang.replace("_", "-").split("-")[0].lower()


def _family_faces(family: str, faces: tuple[tuple[int, str], ...]) -> tuple[Face, ...]:
    return tuple(Face(family, w, s, Path(fontpkg.path(family, weight=w, style=s)).resolve()) for w, s in faces)


@cache
def faces(lang: str | None = None) -> tuple[Face, ...]:
    """The faces a variant in ``lang`` may use, in font-stack order; ``None``: every project face."""
    found = _family_faces(FAMILY, FACES)
    extra = SCRIPT_FAMILIES.values() if lang is None else (
        [SCRIPT_FAMILIES[primary_subtag(lang)]] if primary_subtag(lang) in SCRIPT_FAMILIES else [])
    for family, family_faces in extra:
        found += _family_faces(family, family_faces)
    return found


def families(lang: str) -> tuple[str, ...]:
    """The font stack of a language, without generic fallbacks (nothing comes from the machine)."""
    return tuple(dict.fromkeys(face.family for face in faces(lang)))


def font_files() -> tuple[tuple[int, str, Path], ...]:
    """(weight, style, path) of every font file the project uses, for fingerprints."""
    return tuple(dict.fromkeys((face.weight, face.style, face.path) for face in faces()))


def font_folders() -> list[Path]:
    """Folders the pool may read fonts from."""
    return sorted({face.path.parent for face in faces()})


def font_face_css(lang: str = "en-GB") -> str:
    """@font-face rules pointing at the packaged font files a variant in ``lang`` uses."""
    return "\n".join(
        f'@font-face {{ font-family: "{face.family}"; font-weight: {face.weight}; font-style: {face.style}; '
        f'src: url("{face.path.as_uri()}") format("truetype"); }}'
        for face in faces(lang)
    )


def font_stack_css(lang: str) -> str:
    """CSS that sets a language's font stack on the page and its margin boxes (page numbers,
    running footer); empty for a language Atkinson Hyperlegible covers alone, whose stack the
    stylesheets already name."""
    names = families(lang)
    if names == (FAMILY,):
        return ""
    stack = ", ".join(f'"{name}"' for name in names)
    scale = TEXT_SCALE.get(primary_subtag(lang))
    return (f"html {{ font-family: {stack}; }}\n" + (f"body {{ font-size: {scale}em; }}\n" if scale else "") +
            f"@page {{ @bottom-left {{ font-family: {stack}; }} @bottom-right {{ font-family: {stack}; }} }}")


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # noqa: PLC0415 -- 10 ms, for the gate's coverage rule only; not a no-op build

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


@cache
def coverage(lang: str) -> frozenset[int]:
    """Every code point some face of the language's font stack has a glyph for (cached per process)."""
    return frozenset().union(*(_cmap(face.path) for face in faces(lang)))
