"""What the patient holds: the default PDFs say what the clinical review asked, and nothing it refused.

Every test reads the text of the real PDFs (the session build in conftest.py).
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from leaflets.project.folder import find_project
from leaflets.project.load import load_library

from tests.helpers.pdf import page_texts
from tests.helpers.project import REPO, run

BRANCHES = ("stoke-on-trent", "wolverhampton")

# Wrong or risky for UK patients, or wording a clinic would refuse to publish (issue 10, "fix").
REFUSED = {
    "US baby-skin advice": "mild cleanser",
    "retinol advice for children": "children and adults",
    "cold sores sent to the GP": "GP or pharmacist about medicine",
    "inaccurate acne wording": "do not form in a pore",
    "acne claim": "clear my acne",
    "weak source on how long it lasts": "about a week",
    "removal promise the branch cannot keep": "a trained practitioner can remove them",
    "research voice": "we found no",
    "research voice (guidance)": "we did not find",
    "clinics say": "clinics say",
    "idiom: carry on": "carry on as normal",
    "idiom: catching": "catching",
    "idiom: crops": "crops",
    "old list name": "This clinic offers the treatments below",
    "placeholder clinic as publisher": "Wolverhampton Skin Clinic",
    "formats that do not exist": "other formats on request",
    # The third clinical review (issue 21)
    "a baby's emergency left to the parent's choice": "Call 999 or NHS 111 if your baby",
    "chemical in the eye sent to 111": "call 111, or 999 if your sight",
    "milia removal through the GP": "ask your GP where you can have them removed",
    "unsourced claim": "thought to suit all skin types",
    "forum-sourced figure": "1 in 4",
    "both lasers' aftercare at once": "cannot wear make-up or sunscreen for some days",
}


def pdf_text(out, path: str) -> str:
    """Every page's text as a viewer extracts it (pdfium: about 20 times quicker than pypdf over the
    whole build, the same words), runs of spaces and line breaks made single spaces."""
    return " ".join(" ".join(page_texts(out / path)).split())


def default_pdfs(manifest) -> list[str]:
    return [item["path"] for item in manifest["outputs"] if item["path"].endswith(".pdf")]


# The tests that read it are marked xdist_group("content-texts"): on one xdist worker, it is read once.
@pytest.fixture(scope="module")
def texts(default_build) -> dict[str, str]:
    out, manifest = default_build
    found = {path: pdf_text(out, path) for path in default_pdfs(manifest)}
    assert found, "the default build lists no PDF"
    return found


@pytest.mark.xdist_group("content-texts")
@pytest.mark.pdf
@pytest.mark.parametrize("what, words", sorted(REFUSED.items()))
def test_no_refused_wording_in_any_pdf(texts, what, words):
    found = [path for path, content in texts.items() if words.lower() in content.lower()]
    assert not found, f"{what}: {words!r} printed in {found}"


class _Visible(HTMLParser):
    """The text a web page shows, its title and meta descriptions included, without CSS."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.hidden += tag in ("style", "script")
        if tag == "meta":
            self.parts += [value or "" for name, value in attrs if name == "content"]

    def handle_endtag(self, tag):
        self.hidden -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


@pytest.mark.pdf
def test_no_refused_wording_in_any_web_page(default_build):
    out, manifest = default_build
    pages = [item["path"] for item in manifest["outputs"] if item["path"].endswith(".html")]
    assert len(pages) >= 6, pages
    for path in pages:
        parser = _Visible()
        parser.feed((out / path).read_text(encoding="utf-8"))
        shown = " ".join(" ".join(parser.parts).split()).lower()
        found = [what for what, words in REFUSED.items() if words.lower() in shown]
        assert not found, f"{path}: {found}"


@pytest.mark.xdist_group("content-texts")
@pytest.mark.pdf
def test_every_pdf_prints_its_draft_date_and_the_sources_note(texts):
    for path, content in texts.items():
        assert "Draft of 4 December 2026" in content, path
        assert "Sources are available on request." in content, path
        assert re.search(r"Version 0\.\d", content), path  # drafts are numbered 0.x


@pytest.mark.xdist_group("content-texts")
@pytest.mark.pdf
def test_other_formats_are_the_ones_that_exist(texts):
    assert any(p.endswith("-large-print.pdf") for p in texts) and any(p.endswith("-a4.pdf") for p in texts)
    for path, content in texts.items():
        if path.endswith("-large-print.pdf"):
            assert "also available on A4 paper, as an A5 booklet, as a folded leaflet and as a web page" \
                in content, path
        elif path.endswith("-a4.pdf"):
            assert "also available as an A5 booklet, as a folded leaflet, in large print and as a web page" \
                in content, path


@pytest.mark.xdist_group("content-texts")
@pytest.mark.pdf
def test_placeholder_clinic_is_printed_as_to_be_confirmed(texts):
    assert any(p.startswith("wolverhampton/") for p in texts) and any(p.startswith("stoke-on-trent/") for p in texts)
    for path, content in texts.items():
        if path.startswith("wolverhampton/"):
            assert "Published by Clinic name to be confirmed." in content, path
        else:
            assert "Published by Staffordshire Skin Clinic." in content, path


SAFETY_NET = (
    "NHS 111, go to 111.nhs.uk or contact your GP",
    "very painful, hot or swollen, or it oozes",
    "You have a high temperature.",
    "Redness spreads. It can be harder to see on brown and black skin.",
    "Call 999 if you have trouble breathing, or your lips, tongue or throat swell.",
)
SUNSCREEN = ("sun protection factor (SPF) of 30 or higher", "4 or 5 stars for UVA")


@pytest.mark.xdist_group("content-texts")
@pytest.mark.pdf
def test_every_leaflet_has_the_same_safety_net(texts):
    for path, content in texts.items():
        for words in SAFETY_NET:
            assert words in content, (path, words)


@pytest.mark.xdist_group("content-texts")
@pytest.mark.pdf
def test_milia_leaflet_has_every_added_section(texts):
    wanted = (
        # UK baby-skin advice and the NHS urgent signs
        "wash your baby's skin with plain warm water only",
        "Do not use soap, cleansers, lotions or oils",
        "A health visitor, midwife or GP can check any rash.",
        "does not fade when you press a glass on it",
        # adults only, with the pregnancy caution
        "Do not use retinol or other retinoids if you are pregnant or trying to get pregnant.",
        "If a doctor prescribed a cream or medicine for you, ask them before you stop it.",
        *SUNSCREEN,
        # where to get more information, hereditary, diagnosis, skin tones, look-alikes
        "nhs.uk", "dermnetnz.org", "British Association of Dermatologists", "skinhealthinfo.org.uk",
        "Primary Care Dermatology Society", "pcds.org.uk",
        "Do milia run in families?", "How are milia diagnosed?", "On brown and black skin",
        "single pearly bump that grows, bleeds or does not heal", "milia en plaque", "eruptive milia",
        "Milia are not acne", "no opening on the surface of the skin",
        "Treating milia",
    )
    # The DL leaflet is the short version (docs/print-formats.md): sections marked full_version_only
    # (what milia are, types, causes, family history, diagnosis, treatments, more information) are left
    # to the full one.
    full_version_only = {"nhs.uk", "dermnetnz.org", "British Association of Dermatologists", "skinhealthinfo.org.uk",
                         "Primary Care Dermatology Society", "pcds.org.uk", "Do milia run in families?",
                         "Milia are not acne", "no opening on the surface of the skin",
                         "How are milia diagnosed?", "milia en plaque", "eruptive milia", "Treatments at this clinic",
                         "Treating milia"}
    for branch in BRANCHES:
        for fmt in ("a4", "a5", "dl", "large-print"):
            content = texts[f"{branch}/milia-{fmt}.pdf"]
            for words in wanted:
                if fmt == "dl" and words in full_version_only:
                    assert words not in content or words == "nhs.uk", (branch, fmt, words)
                    continue
                assert words in content, (branch, fmt, words)


@pytest.mark.xdist_group("content-texts")
@pytest.mark.pdf
def test_milia_removal_promise_matches_the_branch(texts):
    # Neither default branch offers milia removal, so no leaflet says "this clinic can remove them".
    for branch in BRANCHES:
        content = texts[f"{branch}/milia-a4.pdf"]
        assert "Ask us whether we can remove milia here." in content
        assert "This clinic does not remove milia." not in content
        assert "this clinic can remove them" not in content


CONSENT = (
    "You must be 18 or over to have this treatment.",
    "A trained practitioner will treat you.",
    "Take time to think before you agree.",
    "You do not have to have any treatment.",
    "Ask us for a written quote before you agree to treatment.",
    "We will tell you whether you need medicine to prevent them.",
)


@pytest.mark.pdf
@pytest.mark.parametrize("path", [
    "stoke-on-trent/hydrafacial-a4.pdf", "stoke-on-trent/chemical-peel-a4.pdf",
    "wolverhampton/chemical-peel-a5.pdf", "stoke-on-trent/fractional-resurfacing-large-print.pdf",
    "wolverhampton/microdermabrasion-a5.pdf",
])
@pytest.mark.xdist_group("content-texts")
def test_treatment_leaflets_have_the_consent_essentials(texts, path):
    content = texts[path]
    for words in (*CONSENT, *SUNSCREEN):
        if "microdermabrasion" in path and "cold sores" in words:
            continue
        if "medicine to prevent" in words and "microdermabrasion" in path:
            continue
        if words in SUNSCREEN and "fractional-resurfacing" in path:
            continue  # daily sunscreen only for a non-ablative laser; Resurface's type is not known yet
        assert words in content, (path, words)
    assert "Tell us if you have taken isotretinoin (a strong acne medicine) in the last 12 months." in content


@pytest.mark.xdist_group("content-texts")
@pytest.mark.pdf
def test_laser_leaflet_has_eye_protection_and_the_devices_question(texts):
    content = texts["stoke-on-trent/fractional-resurfacing-a4.pdf"]
    assert "eye protection (goggles)" in content
    assert "pacemaker" in content and "thins your blood" in content and "keloid scars" in content


@pytest.mark.xdist_group("content-texts")
@pytest.mark.pdf
def test_peel_advice_follows_the_products_the_branch_offers(texts):
    wolverhampton = texts["wolverhampton/chemical-peel-a4.pdf"]
    stoke = texts["stoke-on-trent/chemical-peel-a4.pdf"]
    # Wolverhampton lists TCA 25% and Jessner's (medium depth): the deeper-peel advice is shown.
    assert "medium-depth peels" in wolverhampton
    assert "medium-depth peels" not in stoke
    # Every branch offers a salicylic acid peel (Obagi Blue Peel Radiance; EnerPeel Salicylic, Jessner's).
    for content in (wolverhampton, stoke, texts["stoke-on-trent/hydrafacial-a4.pdf"]):
        assert "If you are allergic to aspirin, tell us." in content
    assert "If peel liquid gets in your eye, rinse it at once under clean running water." in stoke


@pytest.mark.xdist_group("content-texts")
@pytest.mark.pdf
def test_hydrafacial_is_stated_neutrally(texts):
    content = texts["stoke-on-trent/hydrafacial-a4.pdf"]
    assert "HydraFacial is not a proven treatment for milia" in content
    assert "How long the effect lasts is not known." in content
    assert "acne" not in content.split("Questions people often ask")[-1]


def test_readability_stays_high_for_every_leaflet():
    report = json.loads(run("--root", REPO, "check", "--json").output)
    rows = [r for r in report["readability"] if r.get("lang", "en-GB") == "en-GB"]  # the formulas are English-only
    assert rows, "no English leaflet was measured"
    for row in rows:
        assert row["flesch"] >= 65, row
        assert row["grade"] <= 7, row


def test_recorded_sources_are_those_of_the_content_shown():
    library = load_library(find_project(REPO))
    milia, peel = library.leaflets["milia"], library.leaflets["chemical-peel"]
    stoke, wolverhampton = library.branches["stoke-on-trent"], library.branches["wolverhampton"]
    # The milia leaflet lists only treatments used for milia (issue 21, item 7): no HydraFacial or
    # microdermabrasion summary, so not their sources; the laser summary only where it is offered.
    assert "freedman-2008" not in library.source_ids(milia, stoke)
    assert "statpearls-mda" not in library.source_ids(milia, wolverhampton)
    assert "aslms-resurfacing" in library.source_ids(milia, stoke)
    assert "aslms-resurfacing" not in library.source_ids(milia, wolverhampton)
    # The deeper-peel advice (and its sources) shows only where a medium-depth peel is offered.
    assert "urbanrx-peels" in library.source_ids(peel, wolverhampton)
    assert "urbanrx-peels" not in library.source_ids(peel, stoke)
    # Shared advice brings its own sources: the safety net cites NHS 111 advice everywhere.
    assert library.leaflets
    for leaflet in library.leaflets.values():
        assert "nhs-111" in library.source_ids(leaflet, None), leaflet.id
    # Every cited id is a supported source, printed as its citation.
    for leaflet in library.leaflets.values():
        for branch in (stoke, wolverhampton):
            assert all(s in library.citations for s in library.source_ids(leaflet, branch))
            assert not any("copy at" in c for c in library.variant_sources(leaflet, branch))
