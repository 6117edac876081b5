"""The gate refuses to release a laser leaflet whose laser type is not known (issue 21, item 5)."""

from __future__ import annotations

import json

from tests.helpers.project import REPO, run

UNKNOWN = "the type of the laser 'Resurface' is not known"


def _report(root) -> dict:
    result = run("--root", root, "check", "--json")
    return json.loads(result.output)


def test_an_unknown_laser_type_blocks_a_release_of_that_leaflet_and_branch_only():
    findings = [f for f in _report(REPO)["findings"] if UNKNOWN in f["message"]]
    assert len(findings) == 1, findings
    found = findings[0]
    assert found["level"] == "warning"  # a warning is what a release refuses
    assert (found["leaflet"], found["branch"]) == ("fractional-resurfacing", "stoke-on-trent")
    assert found["file"].startswith("data/treatments.yaml:")


def test_a_known_laser_type_releases_the_block(project):
    catalogue = project / "data/treatments.yaml"
    catalogue.write_text(catalogue.read_text().replace("        laser: confirm ", "        laser: non-ablative "))
    assert not [f for f in _report(project)["findings"] if "type of the laser" in f["message"]]


def test_release_build_names_the_unknown_laser(project, tmp_path):
    result = run("--root", project, "build", "fractional-resurfacing", "--format", "a5", "--lang", "en-GB",
                 "--release", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert UNKNOWN in result.output


def test_check_lists_what_the_branch_data_does_not_say_yet():
    confirm = [f["message"] for f in _report(REPO)["findings"]
               if f["level"] == "info" and f["message"].startswith("confirm with clinician:")]
    joined = "\n".join(confirm)
    assert "the type of the laser Resurface (ablative or non-ablative)" in joined
    assert "stoke-on-trent: who treats patients for HydraFacial (role and training)" in joined
    assert "wolverhampton: who oversees Chemical peel" in joined  # it offers medium-depth peels
    assert "stoke-on-trent: who oversees Chemical peel" not in joined  # light peels only
    assert "stoke-on-trent: whether we add LED light to HydraFacial" in joined
