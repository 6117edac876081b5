"""Left-to-right runs inside right-to-left text: web and email addresses keep their order.

In an Urdu sentence, "111.nhs.uk" starts with digits that the Unicode
bidirectional algorithm attaches to the Arabic text around them, so it would
be shown as "nhs.uk.111". Translators write addresses as they are; on a
right-to-left page each web or email address in the text is put in its own
``<span dir="ltr">``, which WeasyPrint lays out left to right as one piece
(as a browser does). Phone numbers, addresses and the branch's details are
marked in the templates (``{{ ltr }}``).
"""

from __future__ import annotations

import re
import unicodedata

# A web address (with or without its scheme) or an email address: labels joined by dots, ending in
# a top-level domain of letters ("0.2" and "MIL-01" are not addresses).
_ADDRESS = re.compile(
    r"(?<![\w@.-])(?:https?://)?(?:[\w.+-]+@)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?:/[^\s<]*)?(?![\w@-])"
)
_TEXT = re.compile(r">([^<]+)<")


def isolate_addresses(html: str) -> str:
    """``html`` with every web or email address in the body's text wrapped in ``<span dir="ltr">``."""
    def text(match: re.Match[str]) -> str:
        return ">" + _ADDRESS.sub(lambda m: f'<span dir="ltr">{m.group(0)}</span>', match.group(1)) + "<"

    at = html.find("<body")
    end = html.index(">", at) if at >= 0 else 0  # the head (title, styles) is left as it is
    return html[:end] + _TEXT.sub(text, html[end:])


def writing_direction(text: str) -> str:
    """"ltr" or "rtl" by the text's first strong character (as HTML's ``dir="auto"``, which
    WeasyPrint does not implement); "" when it has none (digits, punctuation): the page's own.

    A note typed in English on an Urdu leaflet keeps its full stop at its end, and an Urdu
    note on an English leaflet reads right to left."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return ""
