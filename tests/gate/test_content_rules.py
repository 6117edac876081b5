"""`leaflets check` content rules and shared advice, each reported with file, line and field."""

from __future__ import annotations

import datetime as dt
import json

from tests.helpers.project import REPO, run

LEAFLET = "data/leaflets/microdermabrasion.yaml"


def check_json(project, exit_code: int = 0) -> dict:
    result = run("--root", project, "check", "--json")
    assert result.exit_code == exit_code, result.output
    return json.loads(result.output)


def findings(report: dict, level: str) -> list[dict]:
    return [f for f in report["findings"] if f["level"] == level]


def edit(path, old: str, new: str) -> int:
    """Replace ``old`` (once) and return the 1-based line where the new text starts."""
    content = path.read_text()
    assert old in content, old
    before = content.split(old, 1)[0]
    path.write_text(content.replace(old, new, 1))
    return before.count("\n") + 1


def test_default_content_has_no_content_rule_warnings():
    report = json.loads(run("--root", REPO, "check", "--json").output)
    assert findings(report, "error") == []
    # The only warnings are what a release refuses because the content is not approved yet.
    not_approved = ("draft: not approved by a clinician", "is a placeholder",
                    "draft translation: not yet checked by a qualified translator",
                    "the type of the laser 'Resurface' is not known")  # until the clinic says which laser
    assert [f for f in findings(report, "warning") if not any(s in f["message"] for s in not_approved)] == []


def test_a_sentence_split_across_bullets_is_reported_at_its_line(project):
    line = edit(project / LEAFLET, "      - p: Your skin may look pink and feel tight for a few hours to a day.\n",
                "      - p: \"After treatment, you should:\"\n")
    edit(project / LEAFLET, "          - Use a moisturiser.\n", "          - use a moisturiser\n")
    warnings = findings(check_json(project), "warning")
    lead = [f for f in warnings if "runs on into the bullets" in f["message"]]
    assert lead and lead[0]["file"].startswith(f"{LEAFLET}:{line}:"), lead
    assert "microdermabrasion sections.5.body.0.p" in lead[0]["subject"]
    bullet = [f for f in warnings if "is not a whole sentence" in f["message"]]
    assert bullet and "sections.5.body.1.bullets.0" in bullet[0]["subject"], bullet


def test_an_unexplained_term_is_reported_where_first_used(project):
    line = edit(project / LEAFLET, "benzoyl peroxide (an acne treatment)", "benzoyl peroxide")
    warnings = [f for f in findings(check_json(project), "warning") if "'benzoyl peroxide'" in f["message"]]
    assert len(warnings) == 1, warnings
    assert warnings[0]["file"].startswith(f"{LEAFLET}:{line}:")
    assert "used without explanation" in warnings[0]["message"]


def test_advice_written_by_hand_is_reported(project):
    edit(project / LEAFLET, "          - Use a moisturiser.\n",
         "          - Use a moisturiser and sunscreen of SPF 15.\n")
    warnings = [f for f in findings(check_json(project), "warning") if "shared advice 'sunscreen'" in f["message"]]
    assert warnings and warnings[0]["file"].startswith(LEAFLET + ":"), warnings


def test_an_unsupported_source_is_an_error_at_its_line(project):
    line = edit(project / LEAFLET, "  sources: [statpearls-mda,", "  sources: [some-blog,")
    report = check_json(project, exit_code=2)  # an error fails the check
    errors = [f for f in findings(report, "error") if "unsupported source 'some-blog'" in f["message"]]
    assert errors and errors[0]["file"] == f"{LEAFLET}:{line}:13", errors
    assert errors[0]["subject"] == "microdermabrasion record.sources.0"


def test_a_copied_citation_is_reported(project):
    edit(project / "data/sources.yaml",
         'citation: "Grimes PE. Chemical peels in skin types IV to VI (textbook chapter)."',
         'citation: "Grimes PE. Chemical peels in skin types IV to VI (copy at mussenhealth.us)."')
    warnings = [f for f in findings(check_json(project), "warning") if "cite the original" in f["message"]]
    assert warnings and warnings[0]["file"].startswith("data/sources.yaml:"), warnings


def test_points_to_confirm_are_listed():
    report = json.loads(run("--root", REPO, "check", "--json").output)
    confirm = [f for f in findings(report, "info") if f["message"].startswith("confirm with clinician:")]
    subjects = " ".join(f["subject"] for f in confirm)
    assert "chemical-peel treatments.1.products.7.ingredients" in subjects  # Mandeliclear Peel
    assert any(f["file"].startswith("data/treatments.yaml:") for f in confirm)
    assert any(f["file"].startswith("data/leaflets/milia.yaml:") for f in confirm)


def test_an_unknown_advice_name_is_a_data_error_with_its_line(project):
    line = edit(project / LEAFLET, "      - advice: aftercare-help\n", "      - advice: aftercare-hlep\n")
    result = run("--root", project, "check")
    assert result.exit_code == 2
    assert f"{LEAFLET}:{line}:" in result.output
    assert "unknown advice 'aftercare-hlep'" in result.output and "did you mean 'aftercare-help'?" in result.output


def test_a_branch_product_must_be_in_the_catalogue(project):
    edit(project / "data/branches/wolverhampton.yaml", "      - EnerPeel TCA 25%", "      - EnerPeel TCA 35%")
    result = run("--root", project, "check")
    assert result.exit_code == 2
    assert "data/branches/wolverhampton.yaml:" in result.output
    assert "product 'EnerPeel TCA 35%' is not among data/treatments.yaml's products" in result.output


def test_one_edit_of_shared_advice_changes_every_leaflet(project):
    from leaflets.gate.checks import body_text
    from leaflets.project.folder import find_project
    from leaflets.project.load import load_library

    for _ in ("safety-net", "aftercare-help"):  # the same sentence in both; each leaflet shows one of them
        edit(project / "data/advice.yaml", "Call 999 if you have trouble breathing",
             "Call 999 at once if you have trouble breathing")
    library = load_library(find_project(project))
    assert library.leaflets
    for leaflet in library.leaflets.values():
        assert any("Call 999 at once" in unit for unit in body_text(library, leaflet, None)), leaflet.id


def test_an_edit_of_shared_advice_re_renders_the_leaflets_that_show_it(project):
    from leaflets.project.folder import find_project
    from leaflets.project.load import load_library
    from leaflets.project.plan import plan_variants
    from leaflets.publish.fingerprints import fingerprint

    def prints() -> dict:
        library = load_library(find_project(project))
        return {v: fingerprint(library, v, dt.date(2026, 11, 22)) for v in plan_variants(library, formats=["a4"])}

    before = prints()
    for _ in ("safety-net", "aftercare-help"):  # the same sentence in both; each leaflet shows one of them
        edit(project / "data/advice.yaml", "Call 999 if you have trouble breathing",
             "Call 999 at once if you have trouble breathing")
    after = prints()
    assert before.keys() == after.keys() and all(before[v] != after[v] for v in before)


def test_emergency_advice_in_a_section_the_dl_leaves_out_is_an_error_for_the_dl(project):
    """The peel-liquid-in-the-eye first aid (A&E or 999) was once in a section the DL leaves out."""
    path = project / "data/leaflets/chemical-peel.yaml"
    edit(path, "      - advice: acid-in-eye\n", "")
    line = edit(path, "  - heading: How many peels will I need?\n    full_version_only: true\n    body:\n",
                "  - heading: How many peels will I need?\n    full_version_only: true\n    body:\n"
                "      - advice: acid-in-eye\n") + 1
    errors = [f for f in findings(check_json(project, exit_code=2), "error") if "999 or go to A&E" in f["message"]]
    assert errors, "the eye first aid left out of the DL passed the check"
    assert {e["file"] for e in errors} == {f"data/leaflets/chemical-peel.yaml:{line}:24"}
    assert "'How many peels will I need?'" in errors[0]["message"] and "'acid-in-eye'" in errors[0]["message"]
    assert {e.get("format") for e in errors} <= {"dl", None}
    a4 = run("--root", project, "build", "chemical-peel", "--branch", "stoke-on-trent", "--format", "a4",
             "--lang", "en-GB", "--out", project / "out")
    assert a4.exit_code == 0, a4.output  # only the DL is refused
    dl = run("--root", project, "build", "chemical-peel", "--branch", "stoke-on-trent", "--format", "dl",
             "--lang", "en-GB", "--out", project / "out")
    assert dl.exit_code == 2 and "999 or go to A&E" in dl.output
