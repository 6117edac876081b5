"""The safety fixes of the third clinical review (issue 21, items 1-5), read from real PDFs.

The A5 English PDFs of the leaflets that carry the fixes (the run's shared default build) serve
every test but those that change the branch data; each test also asserts that the old, wrong
wording is gone.
"""

from __future__ import annotations

import pytest

from tests.helpers.pdf import link_uris, open_pdf, text
from tests.helpers.project import build_ok

# The module fixture pdfs reads four leaflets' PDFs: all on one xdist worker, so they are read once.
pytestmark = [pytest.mark.xdist_group("content-safety"), pytest.mark.pdf]

LEAFLETS = ("chemical-peel", "hydrafacial", "fractional-resurfacing", "milia")
TREATMENT_LEAFLETS = ("chemical-peel", "hydrafacial", "fractional-resurfacing")


@pytest.fixture(scope="module")
def pdfs(default_build) -> dict[str, str]:
    """{"branch/leaflet": text} for the A5 English PDFs of LEAFLETS, both branches (from the run's
    shared build of every default English variant)."""
    out, _ = default_build
    found = sorted(p for p in out.glob("*/*-a5.pdf") if p.name.removesuffix("-a5.pdf") in LEAFLETS)
    assert len(found) >= 6, found  # Stoke: 4 leaflets; Wolverhampton: chemical peel and milia
    return {f"{p.parent.name}/{p.name.removesuffix('-a5.pdf')}": text(open_pdf(p)) for p in found}


@pytest.mark.parametrize("leaflet", TREATMENT_LEAFLETS)
def test_treatment_leaflets_send_a_problem_to_the_clinic_first(pdfs, leaflet):
    content = pdfs[f"stoke-on-trent/{leaflet}"]
    help_box = content[content.index("When to get help"):]
    # The clinic first, with its number printed in the box; then NHS 111; 999 for emergencies.
    assert help_box.index("call us first") < help_box.index("Our phone number: 01782 922300") \
        < help_box.index("If you cannot reach us, call NHS 111") < help_box.index("Call 999 if you have trouble")
    assert "Call NHS 111, go to 111.nhs.uk or contact your GP if any of these happen" not in content


def test_the_aftercare_number_is_the_branchs_own(pdfs):
    content = pdfs["wolverhampton/chemical-peel"]
    assert "Our phone number: 01902 212163" in content
    assert "01782 922300" not in content


def test_branch_data_prints_out_of_hours_aftercare_who_treats_you_and_led(project, tmp_path):
    branch = project / "data/branches/stoke-on-trent.yaml"
    data = branch.read_text()
    for old, new in (("  out_of_hours: null       # the clinic's page gives no out-of-hours number",
                      "  out_of_hours: 07834 567890"),
                     ("  - hydrafacial\n", "  - id: hydrafacial\n    practitioner: a registered nurse trained in "
                      "HydraFacial\n    led: true\n")):
        assert old in data, old
        data = data.replace(old, new)
    branch.write_text(data)
    out = build_ok(tmp_path / "out", "hydrafacial", "--format", "a5", "--lang", "en-GB", root=project)
    reader = open_pdf(out / "stoke-on-trent/hydrafacial-a5.pdf")
    content = text(reader)
    assert "Our phone number: 01782 922300 Out of hours: 07834 567890" in content
    assert "tel:+447834567890" in link_uris(reader)
    assert "Who treats you: a registered nurse trained in HydraFacial." in content
    assert "We also use light from LEDs (light-emitting diodes) as an extra step." in content
    assert "Ask us if we do." not in content


def test_hydrafacial_says_to_ask_about_led_when_the_branch_data_does_not_say(pdfs):
    content = pdfs["stoke-on-trent/hydrafacial"]
    assert "Some clinics add light from LEDs (light-emitting diodes) as an extra step. Ask us if we do." in content
    assert "Who treats you" not in content  # not in the branch data: the consent text asks patients to ask


@pytest.mark.parametrize("leaflet", ["stoke-on-trent/chemical-peel", "stoke-on-trent/hydrafacial"])
def test_chemical_in_the_eye_is_rinsed_for_20_minutes_then_a_and_e(pdfs, leaflet):
    content = pdfs[leaflet]
    assert ("If peel liquid gets in your eye, rinse it at once under clean running water. "
            "Keep rinsing for at least 20 minutes. Tell your practitioner straight away. "
            "Then go to A&E or call 999.") in content
    assert "call 111, or 999 if your sight is affected" not in content


@pytest.mark.parametrize("branch", ["stoke-on-trent", "wolverhampton"])
def test_a_babys_emergency_signs_go_to_999_or_a_and_e(pdfs, branch):
    content = pdfs[f"{branch}/milia"]
    for words in (
        "Call 999 or go to A&E at once if any of these happen.",
        "Your baby has a rash that does not fade when you press a glass on it. "
        "On brown and black skin, check the palms of the hands and the soles of the feet.",
        "Your baby is floppy or hard to wake.",
        "Your baby is under 3 months old and has a temperature of 38C or higher.",
        "If your baby has any other rash and a high temperature, call NHS 111 or your GP.",
    ):
        assert words in content, words
    # The old wording left the parent to choose between 999 and 111, and "very sleepy" fits every newborn.
    assert "Call 999 or NHS 111 if your baby" not in content
    assert "very sleepy" not in content


def test_medium_depth_peels_have_their_own_content_only_where_offered(pdfs):
    wolverhampton, stoke = pdfs["wolverhampton/chemical-peel"], pdfs["stoke-on-trent/chemical-peel"]
    # Wolverhampton offers Jessner's and TCA 25%: the medium-depth section, with its healing and course.
    for words in ("Medium-depth peels", "into the middle layer of skin (medium-depth peels)",
                  "Jessner's solution (a mix of three peel chemicals) and TCA (trichloroacetic acid, a strong acid)",
                  "It can take up to 6 weeks for your skin to heal.", "repeated every 6 to 12 months",
                  "Ask us who will do your peel and who oversees it."):
        assert words in wolverhampton, words
    # Stoke-on-Trent offers light peels only; the light-peel text says it is about light peels.
    assert "medium-depth" not in stoke.lower() and "6 weeks" not in stoke
    for content in (stoke, wolverhampton):
        assert "After a light peel, your skin may look red and feel tight." in content
        assert "A course of light peels is often 3 to 6 peels" in content


def _laser(project, tmp_path, laser: str) -> str:
    """The Stoke-on-Trent laser leaflet (A5) when the branch's laser is of type ``laser``."""
    catalogue = project / "data/treatments.yaml"
    catalogue.write_text(catalogue.read_text().replace("        laser: confirm ", f"        laser: {laser} "))
    out = build_ok(tmp_path / laser, "fractional-resurfacing", "--format", "a5", "--lang", "en-GB", root=project)
    return text(open_pdf(out / "stoke-on-trent/fractional-resurfacing-a5.pdf"))


def test_laser_leaflet_with_an_unknown_type_only_says_to_ask(pdfs):
    content = pdfs["stoke-on-trent/fractional-resurfacing"]
    assert "Ask us which type of laser we use." in content
    assert "We will give you written aftercare for our laser before you agree to treatment." in content
    # Neither type's aftercare: the old leaflet gave both (no sunscreen for days; sunscreen every day).
    assert "cannot wear make-up or sunscreen" not in content
    assert "We use a" not in content and "red and swollen for 2 to 3 days" not in content


def test_laser_leaflet_prints_only_the_non_ablative_content(project, tmp_path):
    content = _laser(project, tmp_path, "non-ablative")
    assert "We use a non-ablative laser (one that heats the skin but leaves its surface in place)." in content
    assert "Your skin is usually red and swollen for 2 to 3 days." in content
    assert "Use a sunscreen every day" in content
    assert "3 to 5 sessions" in content
    assert "ablative laser (one that removes" not in content and "Ask us which type" not in content
    assert "when you can use make-up and sunscreen again" not in content


def test_laser_leaflet_prints_only_the_ablative_content(project, tmp_path):
    content = _laser(project, tmp_path, "ablative")
    assert "We use an ablative laser (one that removes the surface layer of skin)." in content
    assert "CO2 laser (a laser that uses carbon dioxide gas)" in content
    assert "tell you when you can use make-up and sunscreen again" in content
    assert "One session may be enough." in content
    # No daily-sunscreen advice while the skin heals, and nothing of the non-ablative laser.
    assert "Use a sunscreen every day" not in content
    assert "non-ablative laser (one that heats" not in content and "2 to 3 days" not in content


def test_review_fixes_in_the_built_leaflets(pdfs):
    peel, hydra = pdfs["wolverhampton/chemical-peel"], pdfs["stoke-on-trent/hydrafacial"]
    laser, milia = pdfs["stoke-on-trent/fractional-resurfacing"], pdfs["stoke-on-trent/milia"]
    # Pregnancy and breastfeeding, with what happens next (once: shared advice, not repeated).
    for content in (peel, hydra, laser):
        assert "You are pregnant or breastfeeding." in content
        assert content.count("If you are pregnant or breastfeeding, we will usually advise you to wait.") == 1
        assert content.count("Little is known about the safety of this treatment at these times.") == 1
        # Where to read more, page by page, not just "nhs.uk".
        joined = "".join(content.split())  # a long address breaks across lines
        for address in ("nhs.uk/conditions/cosmetic-procedures", "jccp.org.uk/MemberSearch",
                        "gmc-uk.org/ethical-guidance/ethical-guidance-for-doctors/cosmetic-interventions"):
            assert address in joined, address
    # Benefits, realistically; a prescriber checks a pre-peel medicine; no forum figure.
    assert "fade age spots and even out skin tone" in peel and "The change from a light peel is small" in peel
    assert "a doctor or other prescriber will check that it is safe for you first" in peel
    assert "1 in 4" not in peel and "1 in 4" not in milia
    assert "It is used to improve fine lines, acne scars, sun damage and uneven skin tone." in laser
    # Acids explained where the branch offers them.
    assert "Some peels use pyruvic acid (an acid the body also makes), which has had very little research." in peel
    assert "mandelic acid, a mild acid from almonds" in peel
    # Milia: removal is not an NHS service; no HydraFacial or microdermabrasion in its treatment list.
    assert "The NHS does not usually remove them, as they are harmless." in milia
    assert "ask your GP where you can have them removed" not in milia
    assert "HydraFacial" not in milia and "icrodermabrasion" not in milia


def test_leaflets_not_built_by_default_carry_the_fixes_too():
    """Microdermabrasion (Wolverhampton) and milia removal (no branch yet), read from the data as printed."""
    from leaflets.gate.checks import body_text
    from leaflets.project.folder import find_project
    from leaflets.project.load import load_library

    from tests.helpers.project import REPO

    library = load_library(find_project(REPO))
    mda = " ".join(body_text(library, library.leaflets["microdermabrasion"], library.branches["wolverhampton"]))
    removal = " ".join(body_text(library, library.leaflets["milia-removal"], None))
    for content in (mda, removal):
        assert "You are pregnant or breastfeeding." in content
        assert "If you have a problem after treatment, call us first." in content
        assert "Where can I get more information?" in content
    assert "thought to suit all skin types" not in mda
    assert "Dark or pale marks are more likely on brown and black skin." in removal
    assert "Freezing (cryotherapy) can leave a pale mark that may be permanent." in removal
    assert "is not known" not in removal.split("Dark or pale marks")[0][-200:]
