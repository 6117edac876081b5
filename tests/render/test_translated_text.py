"""The shipped Polish and Urdu milia leaflets as built: the reviewers' fixes are in the PDFs and
web pages (issue 21), the Polish one-letter words stay off line ends, and the Urdu record is
punctuated in Urdu.

One build for the module: milia, one branch, the A5 booklet and the web page, in Polish and Urdu.
Polish text is read with pdfium; Urdu with pypdf (pdfium swaps letters of Arabic-script text, see
/work/shared/research/urdu-typesetting.md) and from the web page, which holds the exact text.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from leaflets.render.typography import NO_BREAK_SPACE, typeset

from tests.helpers.project import REPO, build_ok
from tests.helpers.shared import shared_folder

pytestmark = pytest.mark.pdf

BRANCH = "wolverhampton"
ONE_LETTER_AT_LINE_END = re.compile(r"(?:^|\s)[aiouwzAIOUWZ]$")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = shared_folder(tmp_path_factory, "translated-text", lambda folder: build_ok(
        folder, "milia", "--branch", BRANCH, "--format", "a5", "--format", "web", "--lang", "pl", "--lang", "ur", "-j1",
        "--today", "2026-12-04", root=REPO))
    return out / BRANCH


def pdfium_lines(pdf: Path) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [line.rstrip() for i in range(len(document))
                for line in document[i].get_textpage().get_text_range().splitlines()]
    finally:
        document.close()


def flat(text: str) -> str:
    """Lines joined and every kind of space made one space (a hyphenated line end is left as it is)."""
    return re.sub(r"\s+", " ", text.replace(NO_BREAK_SPACE, " "))


def web_text(page: Path) -> str:
    return flat(re.sub(r"<[^>]+>", " ", page.read_text("utf-8")))


def footer(page: Path) -> str:
    found = re.search(r'<footer class="record">(.*?)</footer>', page.read_text("utf-8"), re.DOTALL)
    assert found, "the web page has no record footer"
    return flat(re.sub(r"<[^>]+>", " ", found.group(1))).strip()


# --- Polish -----------------------------------------------------------------------------------------


def test_polish_pdf_says_rare_inherited_diseases_cause_milia(built):
    text = flat("\n".join(pdfium_lines(built / "milia-a5.pl.pdf")))
    assert "Niektóre rzadkie, dziedziczne choroby skóry również powodują prosaki." in text
    assert "Prosaki powodują też" not in text  # the old wording, cause and effect reversed
    assert "torbiel (cysta)" in text and "pęcherzyk" not in text  # a cyst, not a fluid blister


def test_polish_names_999_as_the_emergency_number_every_time(built):
    for text in (flat("\n".join(pdfium_lines(built / "milia-a5.pl.pdf"))), web_text(built / "milia.pl.html")):
        assert text.count("999") >= 2
        assert text.count("999") == text.count("numer alarmowy 999")


def test_polish_keeps_one_letter_words_off_line_ends(built):
    lines = pdfium_lines(built / "milia-a5.pl.pdf")
    assert len(lines) > 100
    assert [line for line in lines if ONE_LETTER_AT_LINE_END.search(line)] == []
    page = (built / "milia.pl.html").read_text("utf-8")
    assert f"i{NO_BREAK_SPACE}czole" in page and f"w{NO_BREAK_SPACE}ciągu" in page
    assert re.search(r"MIL-01, wersja \d+\.\d+", flat(page)) and "Wersja" not in page  # lower case after the comma


def test_no_break_rule_touches_only_the_text_of_the_body():
    html = ('<html><head><title>a b</title><style>i p { }</style></head><body class="x">'
            '<p>Niewiele z tych, a niektóre (w domu) i <a href="w b">u nas</a> Wi-Fi a-b o 2</p>'
            '<style>a b { }</style><p>koniec a</p></body></html>')
    done = typeset(html, "pl")
    nb = NO_BREAK_SPACE
    assert done.startswith('<html><head><title>a b</title><style>i p { }</style></head><body class="x">')
    assert f"z{nb}tych, a{nb}niektóre (w{nb}domu) i{nb}<a href=\"w b\">u{nb}nas</a>" in done
    assert f"a-b o{nb}2" in done and "Wi-Fi a-b" in done  # a letter inside a word is not a word
    assert "<style>a b { }</style>" in done and "koniec a</p>" in done
    assert typeset(html, "ur") == html and typeset(html, "en-GB") == html
    assert typeset(html, "pl-PL") == done


# --- Urdu -------------------------------------------------------------------------------------------


def urdu_pdf_text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def test_urdu_baby_box_says_limp_and_unusually_drowsy(built):
    for text in (urdu_pdf_text(built / "milia-a5.ur.pdf"), web_text(built / "milia.ur.html")):
        assert "نڈھال" in text and "غنودگی" in text  # limp; unusually drowsy
        assert "ڈھیلا ڈھالا" not in text  # "loose, sloppy": not a limp baby
        assert "پلکوں" not in text  # eyelashes, where the English says eyelids
    page = web_text(built / "milia.ur.html")
    assert "جسم ڈھیلا پڑ جائے" in page and "پپوٹوں" in page


def test_urdu_names_999_as_the_emergency_number_every_time(built):
    page = web_text(built / "milia.ur.html")
    assert page.count("999") >= 2 and page.count("999") == page.count("999 (ایمرجنسی نمبر)")
    text = urdu_pdf_text(built / "milia-a5.ur.pdf")
    assert text.count("999") == page.count("999") == text.count("ایمرجنسی نمبر")


def test_urdu_record_uses_urdu_comma_and_full_stop(built):
    record = footer(built / "milia.ur.html")
    assert re.search(r"حوالہ MIL-01، ورژن \d+\.\d+۔", record), record
    assert not re.search(r"[,.](?!\d)", record), record  # no Latin comma or full stop (0.3 keeps its point)
    page = (built / "milia.ur.html").read_text("utf-8")
    title = re.search(r"<title>(.*?)</title>", page).group(1)
    assert "، " + BRANCH.title() in title and "," not in title  # the clinic and branch, as in the masthead
    running = [line for line in urdu_pdf_text(built / "milia-a5.ur.pdf").splitlines() if "MIL-01" in line]
    assert len(running) >= 7  # the running footer of every page but the cover
    assert all("،" in line and "," not in line for line in running), running
