"""Every character a variant draws is in a font the build embeds for it.

WeasyPrint (Pango and fontconfig) draws a character that none of the page's
fonts has with whatever font of the machine has it: the PDF then depends on
the machine, may show the wrong glyph or an empty box, and carries a font
the project never chose. So before anything is rendered, the gate takes the
text of each variant's HTML (the body's text, which holds the content,
branch data, labels and translations, and the strings the stylesheet
prints: running footer, page numbers, notes pages) and checks every
character against the cmaps of the variant's fonts (``render/fonts.py``;
read once per process). A character outside them is an error naming the
character, its code point and Unicode name, and the file and line it comes
from (a data file or a PO file), else the variant and the text around it.

Not drawn, so not checked: control and format characters (soft hyphen,
zero-width joiners, the bidirectional marks and isolates U+200E, U+200F,
U+2066 to U+2069) and line breaks. Every other space is drawn and checked
(a thin space missing from the font would come from the machine too).

The check needs the rendered HTML, which the gate is handed (it never
renders): the build checks each job's HTML before any worker renders it
(``gate.judge_markup``); ``check`` and a release merge make each variant's
HTML (``commands.check.rendered_pages``) and hand it to ``check_library``.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from leaflets.gate.findings import Finding
from leaflets.project.load import Library
from leaflets.project.plan import Variant
from leaflets.render.fonts import coverage, families

NOT_DRAWN = frozenset({"Cc", "Cf", "Zl", "Zp"})  # controls, format characters, line and paragraph separators
MAX_PLACES = 5  # occurrences named per character
_CONTENT = re.compile(r"content\s*:\s*([^;}]*)")
_CSS_STRING = re.compile(r'"((?:\\.|[^"\\])*)"')
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6}) ?|\\(.)")
_YAML_KEY = re.compile(r"^\s*(?:-\s+)?([\w-]+)\s*:")


class _Text(HTMLParser):
    """The text a page draws: the body's text nodes and the stylesheets' ``content`` strings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.in_body = False
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.in_body = True
        elif tag == "style":
            self.in_style = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.parts += [_css_unescape(s) for value in _CONTENT.findall(data) for s in _CSS_STRING.findall(value)]
        elif self.in_body:
            self.parts.append(data)


def _css_unescape(text: str) -> str:
    return _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), text)


def drawn_text(html: str) -> str:
    """Everything a page of this HTML may draw, as one string."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def missing_characters(text: str, lang: str) -> list[str]:
    """The characters of ``text`` that are drawn and that no font of ``lang`` has, in text order."""
    covered = coverage(lang)
    missing = {ch for ch in set(text) if ord(ch) not in covered and unicodedata.category(ch) not in NOT_DRAWN}
    return sorted(missing, key=text.index)


def describe(ch: str) -> str:
    """'中' (U+4E2D CJK UNIFIED IDEOGRAPH-4E2D)"""
    return f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed character')})"


def _candidate_files(library: Library, variant: Variant) -> list[Path]:
    """The files a variant's text can come from: the data, and the PO files of its language."""
    root = library.project.root
    files = sorted((root / "data").rglob("*.yaml"))
    if (root / "locale" / variant.lang).is_dir():
        files += sorted((root / "locale" / variant.lang).glob("*.po"))
    return files


def _places(library: Library, variant: Variant, ch: str) -> list[tuple[str, str]]:
    """(file:line, field) where ``ch`` is written, at most MAX_PLACES."""
    root = library.project.root
    found: list[tuple[str, str]] = []
    for path in _candidate_files(library, variant):
        try:
            lines = path.read_text("utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # the loader has already reported an unreadable file
        for number, line in enumerate(lines, 1):
            if ch not in line or line.lstrip().startswith("#"):
                continue
            field = _field(lines, number - 1, path.suffix == ".po")
            found.append((f"{path.relative_to(root)}:{number}", field))
            if len(found) >= MAX_PLACES:
                return found
    return found


def _field(lines: list[str], index: int, po: bool) -> str:
    """The YAML key of the line (or of the nearest line above that has one), or the PO entry's context."""
    for line in reversed(lines[: index + 1]):
        if po and line.startswith("msgctxt "):
            return line.removeprefix("msgctxt ").strip().strip('"')
        if not po and (match := _YAML_KEY.match(line)):
            return match.group(1)
    return "text"


def coverage_findings(library: Library, variant: Variant, html: str) -> list[Finding]:
    """An error for each character of the variant's HTML that none of its fonts has."""
    text = drawn_text(html)
    missing = missing_characters(text, variant.lang)
    if not missing:
        return []
    fonts = ", ".join(families(variant.lang))
    findings = []
    for ch in missing:
        message = (f"the character {describe(ch)} is in none of the fonts this leaflet embeds in {variant.lang} "
                   f"({fonts}), so it would be drawn with a font of this machine; write the text without it "
                   "(or, for a new script, add a font package for it: see docs/translators.md, "
                   "Scripts, fonts and right to left)")
        places = _places(library, variant, ch)
        if places:
            findings += [Finding("error", where, field, message, lang=variant.lang) for where, field in places]
        else:  # made by a template or a filter, or written as an escape in the data
            at = text.index(ch)
            context = " ".join(text[max(0, at - 30): at + 30].split())
            findings.append(Finding("error", "templates/", variant.name, f"{message} (in the text {context!r})",
                                    leaflet=variant.leaflet, branch=variant.branch, format=variant.format,
                                    lang=variant.lang))
    return findings
