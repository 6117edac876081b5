"""A language's typesetting rules, applied to the text of a rendered page.

Polish typesetting keeps a one-letter word (the prepositions and
conjunctions a, i, o, u, w, z) off the end of a line: "w" is joined to the
word after it, as Polish readers expect (an orphan at a line end reads as a
mistake). Translators write ordinary spaces; after rendering, the space
after such a word in the page's text becomes a no-break space (U+00A0), so
WeasyPrint and browsers carry the letter to the next line with its word.
Only the text of the body is touched: tags, attributes, the head (title,
styles) and the contents of ``<style>`` and ``<script>`` are left as they
are. The rule is a table by language (``NO_BREAK_AFTER``): a language with
the same convention (Czech, Slovak) is one more line.
"""

from __future__ import annotations

import re

# The one-letter words that may not end a line, by language (upper and lower case).
NO_BREAK_AFTER: dict[str, str] = {
    "pl": "aiouwzAIOUWZ",
}

NO_BREAK_SPACE = "\u00a0"


def _rule(letters: str) -> re.Pattern[str]:
    # A tag (or a whole style or script element), kept as it is; or a letter that is a word on its own
    # (no letter, digit, hyphen or apostrophe before it) followed by spaces and then a word, in the same
    # text or at the start of an inline element (a link, a span).
    return re.compile(
        r"(<(?:style|script)\b.*?</(?:style|script)\s*>|<[^>]*>)"
        rf"|(?<![\w'’\-])([{letters}])[ \t\r\n]+(?=[^\s<]|<(?:a|abbr|b|em|i|span|strong)[\s>])",
        re.DOTALL | re.IGNORECASE,
    )


def _join(found: re.Match[str]) -> str:
    return found.group(1) or found.group(2) + NO_BREAK_SPACE


_RULES = {lang: _rule(letters) for lang, letters in NO_BREAK_AFTER.items()}


def rule_for(lang: str) -> re.Pattern[str] | None:
    """The no-break rule of ``lang`` (``pl``, ``pl-PL``), or None."""
    return _RULES.get(lang) or _RULES.get(lang.split("-")[0])


def typeset(html: str, lang: str) -> str:
    """``html`` with the language's rules applied to the text of its body (see the module docstring)."""
    rule = rule_for(lang)
    if rule is None:
        return html
    at = html.find("<body")
    start = html.index(">", at) + 1 if at >= 0 else 0
    return html[:start] + rule.sub(_join, html[start:])
