"""Where a project's translations live, and reading one PO file safely (polib).

Layout::

    locale/templates/<leaflet>.pot   every string of one leaflet (leaflets translate extract)
    locale/templates/labels.pot      the layout's words (data/labels/en-GB.yaml)
    locale/<lang>/<leaflet>.po       one leaflet in one language (leaflets translate update LANG)
    locale/<lang>/labels.po          the labels in that language
    locale/<lang>/<leaflet>.yaml     the translation's record (records.py); labels.yaml for the labels

Writing them (extract, update) is ``leaflets.commands.translate``.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
from babel import Locale, UnknownLocaleError

from leaflets.errors import DataProblems, Problem, UserError
from leaflets.project.files import UnsafeFile, read_regular_file, resolve_inside
from leaflets.project.folder import Project
from leaflets.project.posyntax import msgstr_lines

WRAP = 79  # as xgettext and msgmerge wrap
SOURCE_LANG = "en-GB"
LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")


def locale_folder(project: Project) -> Path:
    return project.root / "locale"


def template_path(project: Project, name: str) -> Path:
    return locale_folder(project) / "templates" / f"{name}.pot"


def po_path(project: Project, lang: str, name: str) -> Path:
    return locale_folder(project) / lang / f"{name}.po"


def record_path(project: Project, lang: str, name: str) -> Path:
    return locale_folder(project) / lang / f"{name}.yaml"


def check_lang(lang: str) -> str:
    """A BCP 47 language tag Babel knows (``pl``, ``ur``, ``pt-BR``), or a UserError."""

    if not LANG_RE.fullmatch(lang):
        raise UserError(f"{lang!r} is not a language code this tool accepts: write a BCP 47 tag such as pl, ur "
                        "or pt-BR (lowercase language, optional uppercase region)")
    try:
        Locale.parse(lang, sep="-")
    except (UnknownLocaleError, ValueError):
        raise UserError(f"{lang!r} is not a language Babel knows (CLDR); check the code, e.g. pl for Polish, "
                        "ur for Urdu, pa for Punjabi") from None
    if lang.split("-")[0] == "en":
        raise UserError(f"{lang!r}: the leaflets are written in English ({SOURCE_LANG}); translate into another "
                        "language")
    return lang



def read_po(path: Path, display: str, root: Path) -> polib.POFile:
    """A PO file inside the project read with polib; a broken or unsafe one is a UserError naming the file."""
    return read_po_lines(path, display, root)[0]


def read_po_lines(path: Path, display: str, root: Path) -> tuple[polib.POFile, dict[str, tuple[tuple[int, str], ...]]]:
    """``read_po``, and where each entry's msgstr stands: {msgctxt: ((line, piece), ...)}. What
    msgfmt refuses (an unclosed string, a duplicate entry) is refused first, every problem with its
    line (``DataProblems``): polib alone would read it leniently."""
    try:
        text = read_regular_file(resolve_inside(path, root), 2_000_000).decode("utf-8")
    except UnsafeFile as error:
        raise UserError(f"{display}: the file {error}") from None
    except UnicodeDecodeError:
        raise UserError(f"{display}: the file is not UTF-8 text; save it with UTF-8 encoding") from None
    found, lines = msgstr_lines(text, display)
    if found:
        raise DataProblems([Problem(display, line, 0, "", message) for line, message in found])
    try:
        return polib.pofile(text, wrapwidth=WRAP), lines
    except (OSError, ValueError) as error:
        raise UserError(f"{display}: not a valid PO file ({error}); open it in Poedit to repair it") from None
