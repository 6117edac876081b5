"""The typeface, shipped as a PyPI package so output does not depend on the machine."""

from __future__ import annotations

from functools import cache
from pathlib import Path

FAMILY = "Atkinson Hyperlegible"
FACES = ((400, "normal"), (700, "normal"), (400, "italic"), (700, "italic"))


@cache
def font_files() -> tuple[tuple[int, str, Path], ...]:
    """(weight, style, path) for each face of the bundled family."""
    import fontpkg

    return tuple((w, s, Path(fontpkg.path(FAMILY, weight=w, style=s)).resolve()) for w, s in FACES)


def font_folders() -> list[Path]:
    """Folders the pool may read fonts from."""
    return sorted({path.parent for _, _, path in font_files()})


def font_face_css() -> str:
    """@font-face rules pointing at the packaged font files."""
    return "\n".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; font-style: {style}; '
        f'src: url("{path.as_uri()}") format("truetype"); }}'
        for weight, style, path in font_files()
    )
