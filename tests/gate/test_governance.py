"""Treatment leaflets per branch, prices, the draft mark, approval and --release."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from tests.helpers.governance import TODAY, approve, release_ready
from tests.helpers.pdf import open_pdf, text
from tests.helpers.project import REPO, run


def offered_by() -> dict[str, set[str]]:
    """Treatment id -> branches offering it, read straight from the branch files."""
    result: dict[str, set[str]] = {}
    for path in (REPO / "data/branches").glob("*.yaml"):
        branch = yaml.safe_load(path.read_text())
        for offer in branch["treatments"]:
            result.setdefault(offer if isinstance(offer, str) else offer["id"], set()).add(branch["id"])
    return result


TREATMENT_LEAFLETS = sorted(
    (p.stem, yaml.safe_load(p.read_text())["treatment"])
    for p in (REPO / "data/leaflets").glob("*.yaml")
    if yaml.safe_load(p.read_text()).get("treatment")
)


def test_there_are_five_treatment_leaflets():
    assert {t for _, t in TREATMENT_LEAFLETS} == {
        "hydrafacial", "chemical-peel", "fractional-resurfacing", "milia-removal", "microdermabrasion",
    }


@pytest.mark.pdf
@pytest.mark.parametrize("leaflet, treatment", TREATMENT_LEAFLETS)
def test_treatment_leaflet_is_built_for_exactly_the_branches_offering_it(default_build, leaflet, treatment):
    out, manifest = default_build
    built = {o["branch"] for o in manifest["outputs"] if o["leaflet"] == leaflet}
    assert built == offered_by().get(treatment, set())
    a4s = [o for o in manifest["outputs"] if o["leaflet"] == leaflet and o["format"] == "a4" and o["kind"] == "pdf"]
    assert len(a4s) == len(built)  # one A4 for each branch it is built for
    for item in a4s:
        assert 2 <= item["pages"] <= 4  # one or two duplex sheets (docs/print-formats.md)


@pytest.mark.pdf
def test_branch_name_products_and_price_are_shown_when_given(project: Path, tmp_path: Path):
    path = project / "data/branches/stoke-on-trent.yaml"
    content = path.read_text()
    path.write_text(
        content.replace("  - id: chemical-peel\n", "  - id: chemical-peel\n    price: 95\n    price_from: true\n")
    )
    out = tmp_path / "out"
    result = run("--root", project, "build", "chemical-peel", "--format", "a4", "--out", out)  # the A4s are read
    assert result.exit_code == 0, result.output
    stoke = text(open_pdf(out / "stoke-on-trent/chemical-peel-a4.pdf"))
    wolves = text(open_pdf(out / "wolverhampton/chemical-peel-a4.pdf"))
    assert "Price: from £95" in stoke
    assert "Obagi Blue Peel Radiance, ZO Stimulator Peel" in stoke
    assert "£" not in wolves, "a price was invented for a branch that gives none"
    assert "EnerPeel Mandelic Acid" in wolves and "Obagi" not in wolves


@pytest.mark.pdf
def test_branch_name_for_a_treatment_heads_its_leaflet(default_build):
    out, manifest = default_build
    content = text(open_pdf(out / "stoke-on-trent/fractional-resurfacing-a4.pdf"))
    assert "At this clinic: Resurface" in content


@pytest.mark.pdf
def test_draft_shows_the_mark_and_approved_does_not(project: Path, tmp_path: Path):
    approve(project, "milia")
    out = tmp_path / "out"
    result = run("--root", project, "build", "milia", "hydrafacial", "--branch", "stoke-on-trent", "--format", "a4",
                 "--out", out)  # the A4s are read; every format's mark: tests/render/test_print.py
    assert result.exit_code == 0, result.output
    approved = open_pdf(out / "stoke-on-trent/milia-a4.pdf")
    draft = open_pdf(out / "stoke-on-trent/hydrafacial-a4.pdf")
    assert approved.pages and draft.pages
    for page in approved.pages:
        assert "DRAFT" not in page.extract_text()
    for page in draft.pages:
        assert "DRAFT - not for patient use" in " ".join(page.extract_text().split())
    content = " ".join(text(approved).split())
    assert ("Reference MIL-01. Version 1.0, approved by Dr Test Person, Consultant Dermatologist, on 1 November "
            "2026. Next review 1 November 2028.") in content
    assert "Not yet reviewed" in text(draft)
    assert "note: draft" in result.stderr and "hydrafacial" in result.stderr


@pytest.mark.pdf
def test_release_refuses_drafts_one_line_each(tmp_path: Path):
    out = tmp_path / "out"
    result = run("--root", REPO, "build", "--release", "--today", TODAY, "--out", out)
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if ": draft: not approved" in line]
    assert len(lines) == 5, result.stderr  # the five leaflets some branch offers
    assert "wolverhampton: clinic name 'Wolverhampton Skin Clinic' is a placeholder" in result.stderr
    assert not out.exists() or not list(out.rglob("*.pdf"))


@pytest.mark.pdf
def test_release_refuses_an_overdue_leaflet_and_builds_a_current_one(project: Path, tmp_path: Path):
    release_ready(project, "milia", approved="2023-06-01")
    out = tmp_path / "out"
    result = run("--root", project, "build", "milia", "--format", "a4", "--release", "--today", TODAY, "--out", out)
    assert result.exit_code == 2
    assert "milia: review overdue since 2025-06-01" in result.stderr
    assert not list(out.rglob("*.pdf")) if out.exists() else True

    from leaflets.commands.approve import approve as seal  # reviewed again: a new version, sealed

    again = seal("milia", "Dr Test Person", "Consultant Dermatologist", root=project, date=dt.date(2026, 10, 1))
    assert again.approval.version == "1.1"
    assert again.approval.changes == "reviewed again, no change to the clinical text"
    result = run("--root", project, "build", "milia", "--format", "a4", "--release", "--today", TODAY, "--out", out)
    assert result.exit_code == 0, result.output
    assert json.loads((out / "manifest.json").read_text())["outputs"]


def test_an_approved_leaflet_needs_an_approver(project: Path):
    path = project / "data/leaflets/milia.yaml"
    path.write_text(path.read_text().replace("status: draft", "status: approved"))
    result = run("--root", project, "check")
    assert result.exit_code == 2
    assert "data/leaflets/milia.yaml:" in result.stderr
    assert "an approved leaflet needs approver (name and role) and approved (the date)" in result.stderr
