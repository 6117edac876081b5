"""What a translation must keep from the English: numbers, links and the explanations of UK services.

**Numbers and links cannot drift** (an error: the language's variants are refused).
A translated entry must hold the same phone numbers, emergency numbers (999,
111), web and email addresses, doses, ages, percentages and time spans as its
English: a translator who writes 112 for 999, "111-nhs-help.example" for
"111.nhs.uk" or "2 weeks" for "2 days" is caught, with the PO file, the line
the number stands on, and the number. Numbers are compared as numbers, however
the language writes them (Eastern Arabic digits, a decimal comma, a space
between thousands); a number is compared with its unit (days, weeks, months,
years, hours, minutes, %, mm, cm, mg, ml, degrees) where the language's unit
words are known (``UNITS``).

**Glosses** (a warning: a release refuses it). Where the English names a UK
service a reader from elsewhere may not know, the PO entry's note asks the
translator to explain it (``project.messages.UK_SERVICES``). The translation
must then carry the explanation: 999 and NHS 111 each time, GP and health
visitor the first time a PO file uses them. An explanation is recognised by the
language's words for it (``GLOSSES``), or, in a language without such words
here, by the service's name standing next to a bracket ("GP (...)", "(... GP)").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from leaflets.gate.findings import Finding
from leaflets.project.load import Library
from leaflets.project.plan import Variant
from leaflets.project.translated import LABELS, Entry, Translation, Translations

_ADDRESS = re.compile(
    r"(?:https?://)?[\w.+-]+@(?:[a-z0-9-]+\.)+[a-z]{2,}"  # an email address
    r"|(?:https?://)?(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?:/[^\s,;()\"'<>]*)?",  # a web address
    re.IGNORECASE | re.ASCII)
_THOUSANDS = re.compile(r"(?<![\d.,])(\d{1,3})((?:[,\u00a0\u202f ]\d{3})+)(?![\d])")
_DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?", re.ASCII)
# A number, then (after a range's second number) its unit: "2 days", "3-6 weeks", "38C", "25 %".
_UNIT_AFTER = re.compile(r"(\d+(?:\.\d+)?)[\s\u00a0\u202f-]*(%|°\s*C\b|[^\W\d_]+)", re.UNICODE)

# Unit words by language: a word starting with a stem, or equal to a stem written "=word", means
# that unit. English is the reference; a language not listed has its numbers and links checked,
# not their units.
UNITS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {"day": ("day",), "week": ("week",), "month": ("month",), "year": ("year",), "hour": ("hour", "=hr", "=hrs"),
           "minute": ("minute", "=min", "=mins"), "second": ("second", "=sec", "=secs"),
           "%": ("=%", "=per", "percent"), "mm": ("=mm", "millimetre"), "cm": ("=cm", "centimetre"),
           "mg": ("=mg", "milligram"), "ml": ("=ml", "millilitre"), "degrees": ("=°", "=°c", "=c", "degree")},
    "pl": {"day": ("dzie", "=dni", "=dnia", "dniach", "dniami", "=doba", "=doby", "=dób", "=dobę"),
           "week": ("tydzie", "tygod"), "month": ("miesią", "miesię"),
           "year": ("=rok", "=roku", "=lat", "=lata", "=latach", "=latami"), "hour": ("godzin", "=godz"),
           "minute": ("minut", "=min"), "second": ("sekund",), "%": ("=%", "procent"),
           "mm": ("=mm", "milimetr"), "cm": ("=cm", "centymetr"), "mg": ("=mg", "miligram"),
           "ml": ("=ml", "mililitr"), "degrees": ("=°", "=°c", "=c", "stopni", "stopie")},
    "ur": {"day": ("=دن", "=دنوں", "=دنو"), "week": ("ہفت",), "month": ("مہین", "=ماہ"),
           "year": ("=سال", "=سالوں", "=برس"),
           "hour": ("گھنٹ",), "minute": ("=منٹ", "=منٹوں"), "second": ("سیکنڈ",), "%": ("=%", "=فیصد"),
           "mm": ("=mm", "=ملی"), "cm": ("=cm", "=سینٹی"), "mg": ("=mg",), "ml": ("=ml",),
           "degrees": ("=°", "=°c", "=c", "ڈگری")},
}

# The UK services whose PO note asks for an explanation: how to find them in the English (and
# whether each use needs it, or only the first of a PO file), and the words that explain them.
SERVICES: tuple[tuple[str, re.Pattern[str], str, bool], ...] = (
    # (name, in the English, in the note, every time)
    ("999", re.compile(r"\b999\b"), "999 is the UK emergency number", True),
    ("NHS 111", re.compile(r"\bNHS 111\b|\bcall 111\b", re.IGNORECASE), "NHS 111 is the free NHS", True),
    ("GP", re.compile(r"\bGPs?\b"), "GP: the family doctor", False),
    ("health visitor", re.compile(r"\bhealth visitors?\b", re.IGNORECASE), "health visitor: an NHS nurse", False),
)
GLOSSES: dict[str, dict[str, tuple[str, ...]]] = {
    "pl": {"999": ("alarmow",), "NHS 111": ("infolini", "porad", "pomoc"), "GP": ("lekarz",),
           "health visitor": ("pielęgniar",)},
    "ur": {"999": ("ایمرجنسی",), "NHS 111": ("مشور", "ہیلپ لائن", "طبی"), "GP": ("ڈاکٹر",),
           "health visitor": ("نرس",)},
}
_BRACKETED = r"(?:{name})\s*[(\[]|[(\[][^)\]]*(?:{name})[^)\]]*[)\]]"


def _ascii_digits(text: str) -> str:
    """Every decimal digit as 0-9 (Urdu writes ۱۲۳), the Arabic decimal and thousands signs as . and ,."""
    text = text.replace("\u066b", ".").replace("\u066c", ",")
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() and not ch.isascii() else ch for ch in text)


def _addresses(text: str) -> tuple[set[str], str]:
    """The web and email addresses in ``text`` (lower case, without scheme, www. or a closing
    full stop), and the text without them."""
    found = set()
    for match in _ADDRESS.finditer(text):
        address = re.sub(r"^(?:https?://)?(?:www\.)?", "", match.group().lower()).rstrip("./")
        found.add(address)
    return found, _ADDRESS.sub(" ", text)


def _numbers(text: str) -> str:
    """``text`` with its numbers written one way: ASCII digits, no thousands separator, a decimal point."""
    text = _ascii_digits(text)
    text = _THOUSANDS.sub(lambda m: m.group(1) + re.sub(r"\D", "", m.group(2)), text)
    return _DECIMAL_COMMA.sub(".", text)


def _unit(word: str, lang: str) -> str | None:
    table = UNITS.get(lang.split("-")[0])
    if table is None:
        return None
    word = word.lower().replace(" ", "")
    for unit, stems in table.items():
        if any(word == stem[1:] if stem.startswith("=") else word.startswith(stem) for stem in stems):
            return unit
    return None


def facts(text: str, lang: str) -> tuple[set[str], set[str], set[tuple[str, str]]]:
    """What must not drift in one string: (addresses, numbers, (number, unit) pairs)."""
    addresses, rest = _addresses(text)
    rest = _numbers(rest)
    numbers = set(_NUMBER.findall(rest))
    pairs = set()
    for match in _UNIT_AFTER.finditer(rest):
        unit = _unit(match.group(2), lang)
        if unit is not None:
            pairs.add((match.group(1), unit))
    return addresses, numbers, pairs


def _live_entries(translation: Translation) -> Iterable[tuple[Entry, str]]:
    """The translated entries of the current English (not fuzzy, not left out), with that English."""
    for message in translation.messages:
        entry = translation.entries.get(message.context)
        if (entry is None or entry.msgid != message.text or entry.fuzzy or entry.not_applicable is not None
                or not entry.msgstr.strip()):
            continue
        yield entry, message.text


def _scope(library: Library, translation: Translation) -> dict[str, str | None]:
    leaflet = translation.name if translation.name != LABELS and translation.name in library.leaflets else None
    return {"leaflet": leaflet, "lang": translation.lang}


def _wanted(library: Library, variants: list[Variant]) -> list[Translation]:
    translations: Translations = library.translations or Translations()
    wanted = {(v.lang, v.leaflet) for v in variants if v.lang != library.leaflets[v.leaflet].lang}
    langs = {lang for lang, _ in wanted}
    return [t for (lang, name), t in sorted(translations.items.items())
            if lang in langs and (name not in library.leaflets or (lang, name) in wanted)]


def drift_findings(library: Library, variants: list[Variant]) -> list[Finding]:
    """An error for each translated entry whose numbers, units or addresses differ from its English."""
    findings = []
    for translation in _wanted(library, variants):
        units_known = translation.lang.split("-")[0] in UNITS
        subject = f"{translation.name} in {translation.lang}"
        for entry, english in _live_entries(translation):
            e_addresses, e_numbers, e_pairs = facts(english, "en")
            t_addresses, t_numbers, t_pairs = facts(entry.msgstr, translation.lang)
            problems, first = [], ""
            for kind, ours, theirs in (("address", e_addresses, t_addresses), ("number", e_numbers, t_numbers)):
                added, lost = sorted(theirs - ours), sorted(ours - theirs)
                if added:
                    problems.append(f"{', '.join(added)} {'is' if len(added) == 1 else 'are'} not in the English")
                    first = first or added[0]
                if lost:
                    problems.append(f"the English {kind} {', '.join(lost)} is missing")
            if units_known and not problems and e_pairs != t_pairs:
                english_only = sorted(e_pairs - t_pairs)
                translated_only = sorted(t_pairs - e_pairs)
                shown = "; ".join(
                    [f"the English has {n} ({u})" for n, u in english_only]
                    + [f"the translation has {n} ({u})" for n, u in translated_only])
                problems.append(shown)
                first = translated_only[0][0] if translated_only else english_only[0][0]
            if not problems:
                continue
            needle = first if first else ""
            line = entry.line_of(needle) if needle and not needle.isdigit() else _line_of_number(entry, needle)
            findings.append(Finding(
                "error", f"{translation.file}:{line}", subject,
                f"{entry.context}: the translation changes a number or an address: {'; '.join(problems)}. Keep "
                "phone and emergency numbers, web addresses, doses, ages, percentages and time spans exactly as "
                "in the English", **_scope(library, translation)))
    return findings


def _line_of_number(entry: Entry, number: str) -> int:
    """The line of the msgstr piece where ``number`` stands (as the language writes it)."""
    for line, piece in entry.msgstr_lines:
        if number and number in _NUMBER.findall(_numbers(piece)):
            return line
    return entry.line_of("")


def gloss_findings(library: Library, variants: list[Variant]) -> list[Finding]:
    """A warning for each translated entry that names a UK service its note asks to explain, without
    the explanation (999 and NHS 111 each time; GP and health visitor the first time in the file)."""
    findings = []
    for translation in _wanted(library, variants):
        words = GLOSSES.get(translation.lang.split("-")[0])
        subject = f"{translation.name} in {translation.lang}"
        seen: set[str] = set()
        for entry, english in _live_entries(translation):
            for name, pattern, note, every_time in SERVICES:
                if not pattern.search(english) or note not in entry.notes.replace("\n", " "):
                    continue
                if not every_time and name in seen:
                    continue
                seen.add(name)
                if _explained(entry.msgstr, name, words):
                    continue
                how = (f"with words such as {', '.join(repr(w) for w in words[name])}" if words
                       else f"in brackets beside {name}")
                findings.append(Finding(
                    "warning", f"{translation.file}:{entry.line_of('')}", subject,
                    f"{entry.context}: the note asks to explain {name} "
                    f"{'each time' if every_time else 'the first time'}, but the translation does not "
                    f"(explain it {how}); a release refuses it", **_scope(library, translation)))
    return findings


def _explained(text: str, name: str, words: dict[str, tuple[str, ...]] | None) -> bool:
    lowered = " ".join(text.lower().split())
    if words is not None:
        return any(word.lower() in lowered for word in words[name])
    return re.search(_BRACKETED.format(name=re.escape(name.lower())), lowered) is not None
