"""A leaflet as an accessible web page: one self-contained HTML file, no script.

The same content and partial templates as the PDFs, in ``templates/web.html``
with ``styles/web.css`` inlined; the fonts (from the font package) and the
branch's logo (from the project) are embedded as ``data:`` URIs, and a
Content-Security-Policy forbids the browser any other request and any
script. Files are read only from the project and the font package, every
path resolved (symlinks too) and refused outside them.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from pathlib import Path

from markupsafe import Markup

from leaflets.errors import UserError
from leaflets.formats import FORMATS
from leaflets.project.load import Library
from leaflets.project.plan import Variant
from leaflets.render.fonts import faces, font_folders
from leaflets.render.html import for_language, leaflet_context, render_template

MEDIA_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
WEB_FACES = ((400, "normal"), (700, "normal"))  # the layout never uses italics (clear-print guidance)
# Anything in the stylesheet that could make the browser fetch something.
_FETCHES = re.compile(r"url\s*\(|@import|image-set\s*\(|src\s*\(", re.IGNORECASE)


def _data_uri(path: Path, media_type: str) -> str:
    return f"data:{media_type};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def project_file(root: Path, relative: str) -> Path:
    """The file ``relative`` names inside the project, refusing anything that leaves it."""
    resolved = (root / relative).resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise UserError(f"refused to embed {relative!r} in a web page: it leads outside the project folder, "
                        "and only files inside the project may be used")
    if not resolved.is_file():
        raise UserError(f"{relative}: not found (or not a plain file); the web pages and the staff catalogue "
                        "need it: copy it from the default project")
    return resolved


def web_font_css(lang: str = "en-GB") -> Markup:
    """@font-face rules with the packaged font files inside them, read only from the font package."""
    folders = font_folders()
    weights: dict[tuple[str, str, Path], list[int]] = {}  # a variable font: one file, one rule, a weight range
    for family, weight, style, path in faces(lang):
        if (weight, style) in WEB_FACES:
            weights.setdefault((family, style, path), []).append(weight)
    rules = []
    for (family, style, path), listed in weights.items():
        if not any(path.resolve().is_relative_to(folder) for folder in folders):  # pragma: no cover - by construction
            raise UserError(f"refused to embed the font {path}: it is outside the font package")
        weight_range = " ".join(map(str, sorted({min(listed), max(listed)})))
        rules.append(f'@font-face {{ font-family: "{family}"; font-weight: {weight_range}; font-style: {style}; '
                     f'font-display: swap; src: url("{_data_uri(path, "font/ttf")}") format("truetype"); }}')
    return Markup("\n".join(rules))


def web_stylesheet(root: Path, name: str) -> Markup:
    """A project stylesheet to inline; it may not make the browser fetch anything."""
    path = project_file(root, f"styles/{name}")
    css = re.sub(r"/\*.*?\*/", "", path.read_text("utf-8"), flags=re.DOTALL)  # comments may name url()
    if _FETCHES.search(css) or "<" in css or "\\" in css:  # no escapes that could spell url( or </style>
        raise UserError(f"styles/{name}: a web page stylesheet may not load anything (url(), @import) "
                        "nor contain '<' or backslash escapes; the fonts and logo are embedded by the tool")
    return Markup(css)


def web_html(library: Library, variant: Variant, today: dt.date) -> tuple[str, tuple[str, ...]]:
    """The web page of a variant as of ``today``, and the project files embedded in it (relative)."""
    project = library.project
    branch = library.branches[variant.branch]
    fmt = FORMATS[variant.format]
    logo = project_file(project.root, branch.brand.logo)
    media_type = MEDIA_TYPES.get(logo.suffix.lower())
    if media_type is None:
        raise UserError(f"{branch.brand.logo}: a logo must be one of {', '.join(MEDIA_TYPES)}")
    context = leaflet_context(library, variant, today)
    context.update(font_css=web_font_css(variant.lang), css=web_stylesheet(project.root, fmt.stylesheet),
                   logo_uri=_data_uri(logo, media_type))
    html = for_language(render_template(library, fmt.template, **context), variant.lang)
    return html, (str(logo.relative_to(project.root.resolve())),)
