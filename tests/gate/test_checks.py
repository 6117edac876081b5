"""`leaflets check`: readability, review dates, contrast, phones, JSON and --strict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from leaflets.gate.rules.contrast import contrast_ratio

from tests.helpers.governance import TODAY, approve, release_ready
from tests.helpers.project import REPO, run


def test_default_content_has_no_errors_and_strict_refuses_what_a_release_refuses():
    result = run("--root", REPO, "check", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output
    assert "warning: data/leaflets/milia.yaml: milia: draft: not approved by a clinician" in result.output
    assert "warning: data/branches/wolverhampton.yaml: wolverhampton: clinic name" in result.output
    strict = run("--root", REPO, "check", "--strict", "--today", TODAY)
    assert strict.exit_code == 2  # the drafts and the placeholder clinic name: a release refuses them


def test_release_ready_content_passes_strict_check(project: Path):
    release_ready(project, "milia", "chemical-peel", "hydrafacial", "fractional-resurfacing", "microdermabrasion",
                  "milia-removal")
    result = run("--root", project, "check", "--strict", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert "0 errors, 0 warnings" in result.output


def test_check_takes_a_selection_like_build(project: Path):
    branch = project / "data/branches/wolverhampton.yaml"
    branch.write_text(branch.read_text().replace('primary: "#5b2a6e"', 'primary: "#cccccc"'))
    stoke = run("--root", project, "check", "milia", "--branch", "stoke-on-trent", "--today", TODAY)
    assert stoke.exit_code == 0, stoke.output
    assert "wolverhampton" not in stoke.output and "hydrafacial" not in stoke.output
    assert any(line.split()[:2] == ["milia", "stoke-on-trent"] for line in stoke.output.splitlines())
    wolves = run("--root", project, "check", "--branch", "wolverhampton", "--today", TODAY)
    assert "wolverhampton: contrast 1.61:1" in wolves.output
    unknown = run("--root", project, "check", "milai")
    assert unknown.exit_code == 2 and "did you mean 'milia'?" in unknown.output


def test_default_content_meets_the_readability_targets():
    report = json.loads(run("--root", REPO, "check", "--json", "--today", TODAY).output)
    rows = [r for r in report["readability"] if r.get("lang", "en-GB") == "en-GB"]  # the formulas are English-only
    assert {r["leaflet"] for r in rows} >= {"milia", "hydrafacial", "chemical-peel", "milia-removal"}
    for row in rows:
        assert row["flesch"] >= 60, row
        assert row["grade"] <= 8, row
        assert row["long_sentences"] == [], row


def test_readability_is_reported_per_leaflet_and_branch():
    result = run("--root", REPO, "check", "--today", TODAY)
    lines = [line.split() for line in result.output.splitlines()]
    assert ["milia", "stoke-on-trent"] in [line[:2] for line in lines]
    assert ["milia", "wolverhampton"] in [line[:2] for line in lines]


LONG = (
    "This sentence has been written on purpose to be much longer than the twenty words "
    "that plain English guidance allows for a patient leaflet."
)


def test_seeded_problems_are_found(project: Path):
    leaflet = project / "data/leaflets/milia.yaml"
    content = leaflet.read_text()
    leaflet.write_text(
        content.replace("sections:\n", f"sections:\n  - heading: Extra\n    body:\n      - p: {LONG}\n", 1)
    )
    approve(project, "hydrafacial", approved="2024-01-10")  # review due 2026-01-10: overdue
    approve(project, "chemical-peel", approved="2024-12-20")  # review due 2026-12-20: within 60 days
    branch = project / "data/branches/wolverhampton.yaml"
    branch.write_text(branch.read_text().replace('primary: "#5b2a6e"', 'primary: "#3d85c6"'))  # 3.91:1: a warning

    result = run("--root", project, "check", "--today", TODAY)
    assert result.exit_code == 0, result.output  # all of these block a release, none every build
    out = result.output
    assert f'warning: data/leaflets/milia.yaml: milia: sentence of 24 words (at most 20): "{LONG}"' in out
    assert "warning: data/leaflets/hydrafacial.yaml: hydrafacial: review overdue since 2026-01-10" in out
    assert "info: data/leaflets/chemical-peel.yaml: chemical-peel: review due on 2026-12-20, within 60 days" in out
    assert "warning: data/branches/wolverhampton.yaml: wolverhampton: contrast 3.91" in out
    assert "primary colour on white" in out
    assert run("--root", project, "check", "--strict", "--today", TODAY).exit_code == 2


def test_warnings_fail_only_under_strict(project: Path):
    release_ready(project, "chemical-peel", approved="2024-01-02")  # overdue since 2026-01-02: a warning
    assert run("--root", project, "check", "chemical-peel", "--today", TODAY).exit_code == 0
    strict = run("--root", project, "check", "chemical-peel", "--strict", "--today", TODAY)
    assert strict.exit_code == 2
    assert "1 warnings" in strict.output


def test_hard_prose_is_flagged(project: Path):
    path = project / "data/leaflets/milia-removal.yaml"
    hard = "Dermatological intervention necessitates comprehensive consideration of physiological contraindications."
    content = path.read_text()
    extra = "sections:\n  - heading: Considerations\n    body:\n" + f"      - p: {hard}\n" * 30
    path.write_text(content.replace("sections:\n", extra, 1))
    report = json.loads(run("--root", project, "check", "--json", "--today", TODAY).output)
    messages = [f["message"] for f in report["findings"] if f["subject"] == "milia-removal"]
    assert any(m.startswith("Flesch Reading Ease") for m in messages), messages
    assert any(m.startswith("reading grade") for m in messages), messages


def test_invalid_phone_is_an_error_at_its_line(project: Path):
    path = project / "data/branches/wolverhampton.yaml"
    path.write_text(path.read_text().replace("phone: 01902 212163", "phone: 01902 2121"))
    result = run("--root", project, "check")
    assert result.exit_code == 2
    assert "data/branches/wolverhampton.yaml:9:8 phone: '01902 2121' is not a valid UK phone number" in result.stderr


@pytest.mark.pdf
def test_phone_is_printed_in_national_format(project: Path, tmp_path: Path):
    path = project / "data/branches/wolverhampton.yaml"
    path.write_text(path.read_text().replace("phone: 01902 212163", "phone: '+44 1902212163'"))
    out = tmp_path / "out"
    assert run("--root", project, "build", "milia", "--branch", "wolverhampton", "--format", "a4",
               "--out", out).exit_code == 0
    from tests.helpers.pdf import open_pdf, text

    assert "01902 212163" in text(open_pdf(out / "wolverhampton/milia-a4.pdf"))


def test_contrast_ratio_matches_wcag():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54
    assert round(contrast_ratio("#ffffff", "#ffffff"), 1) == 1.0
