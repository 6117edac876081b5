"""The safety fixes of the third clinical review (issue 21, items 1-5), read from real PDFs.

One small build (A5, English, the leaflets that carry the fixes) serves every test; each test
also asserts that the old, wrong wording is gone.
"""

from __future__ import annotations

import pytest

from conftest import build_ok
from pdfinfo import link_uris, open_pdf, text

LEAFLETS = ("chemical-peel", "hydrafacial", "fractional-resurfacing", "milia")
TREATMENT_LEAFLETS = ("chemical-peel", "hydrafacial", "fractional-resurfacing")


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, str]:
    """{"branch/leaflet": text} for the A5 English PDFs of LEAFLETS, both branches."""
    out = build_ok(tmp_path_factory.mktemp("safety"), *LEAFLETS, "--format", "a5", "--lang", "en-GB")
    found = sorted(out.glob("*/*-a5.pdf"))
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


def test_an_out_of_hours_aftercare_number_is_printed_and_linked(project, tmp_path):
    branch = project / "data/branches/stoke-on-trent.yaml"
    branch.write_text(branch.read_text().replace(
        "  out_of_hours: null       # the clinic's page gives no out-of-hours number",
        "  out_of_hours: 07834 567890"))
    out = build_ok(tmp_path / "out", "hydrafacial", "--format", "a5", "--lang", "en-GB", root=project)
    reader = open_pdf(out / "stoke-on-trent/hydrafacial-a5.pdf")
    content = text(reader)
    assert "Our phone number: 01782 922300 Out of hours: 07834 567890" in content
    assert "tel:+447834567890" in link_uris(reader)


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
