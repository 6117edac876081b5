"""``commands.check``: the gate's report as a library call. The command makes each variant's HTML and
hands it to the gate, which never renders (nor does a release merge's gate)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import grimp
import polib
import pytest

from leaflets.commands.check import CheckRequest, check, rendered_pages
from leaflets.commands.merge import refuse_release
from leaflets.errors import UserError
from leaflets.gate.checks import check_library
from leaflets.gate.gate import GateRefused
from leaflets.project.folder import find_project
from leaflets.project.load import load_library
from leaflets.project.plan import Variant, plan_variants
from leaflets.publish.files import Output
from leaflets.publish.fingerprints import fingerprint

from tests.helpers.governance import TODAY, release_ready
from tests.helpers.project import REPO, copy_project

DAY = dt.date.fromisoformat(TODAY)
NO_ALT = "image without alt text: no-alt.png"


def without_alt_text(project: Path) -> Path:
    """An image without alt text in every variant's footer: an error only the rendered HTML shows."""
    footer = project / "templates/partials/footer.html"
    footer.write_text(footer.read_text() + '<img src="no-alt.png">\n')
    return project


def test_the_default_data_passes_and_strict_fails_on_what_a_release_refuses():
    result = check(CheckRequest(root=REPO, today=DAY))
    assert result.errors == 0 and result.warnings > 0 and not result.failed  # drafts, a placeholder clinic name
    assert "milia" in result.library.leaflets
    assert check(CheckRequest(root=REPO, today=DAY, strict=True)).failed


def test_the_selection_decides_what_is_reported():
    result = check(CheckRequest(root=REPO, leaflets=("milia",), branches=("stoke-on-trent",), today=DAY))
    assert {(row.leaflet, row.branch) for row in result.report.readability} == {("milia", "stoke-on-trent")}
    assert all(f.leaflet in (None, "milia") and f.branch in (None, "stoke-on-trent") for f in result.report.findings)
    with pytest.raises(UserError, match="did you mean 'milia'"):
        check(CheckRequest(root=REPO, leaflets=("milai",)))


def test_the_pages_are_rendered_by_the_command_and_handed_to_the_gate(project: Path):
    without_alt_text(project)
    result = check(CheckRequest(root=project, today=DAY))
    library = load_library(find_project(project))
    variants = plan_variants(library)
    pages = rendered_pages(library, variants, DAY)
    assert set(pages) == set(variants)  # no translations in this copy: every variant is rendered
    found = [f for f in result.report.findings if f.message == NO_ALT]
    assert [f.subject for f in found] == [v.name for v in variants] and all(f.level == "error" for f in found)
    assert result.failed
    # Handed no HTML, the gate checks none: it never renders the pages itself.
    assert not any(f.message == NO_ALT for f in check_library(library, DAY).findings)
    assert [f for f in check_library(library, DAY, rendered=pages).findings if f.message == NO_ALT] == found


def test_an_incomplete_translation_is_not_rendered(tmp_path: Path):
    project = copy_project(tmp_path / "project", translations=True)
    po = polib.pofile(str(project / "locale/pl/milia.po"))
    for entry in list(po)[:3]:
        entry.msgstr = ""
    po.save()
    library = load_library(find_project(project))
    variants = plan_variants(library, ["milia"], ["stoke-on-trent"])
    polish = [v for v in variants if v.lang == "pl"]
    assert polish and set(rendered_pages(library, variants, DAY)) == set(variants) - set(polish)
    result = check(CheckRequest(root=project, leaflets=("milia",), today=DAY))
    assert not result.failed  # an incomplete translation is a warning: its variants fail alone in a build
    assert any("3 untranslated" in f.message for f in result.report.findings)


def test_a_release_merge_hands_the_gate_the_pages_of_every_joined_variant(project: Path):
    release_ready(project, "milia")

    def shard() -> list[Output]:  # as a shard built from the project as it is now lists it
        library = load_library(find_project(project))
        built_from = fingerprint(library, Variant("stoke-on-trent", "milia", "a4", "en-GB"), DAY)
        return [Output(leaflet="milia", branch="stoke-on-trent", format="a4", lang="en-GB", profile="office",
                       companion_of=None, path="stoke-on-trent/milia-a4.pdf", sha256="0" * 64, pages=4, bytes=1,
                       fingerprint=built_from, content_version="MIL-01 v1.0")]

    assert refuse_release(load_library(find_project(project)), {Path("s1"): shard()}, DAY).errors == []
    without_alt_text(project)
    with pytest.raises(GateRefused, match=re.escape(f"release refused: 1 problem\nerror: templates/: "
                                                    f"milia / stoke-on-trent / a4: {NO_ALT}\n")):
        refuse_release(load_library(find_project(project)), {Path("s1"): shard()}, DAY)


def test_the_gate_never_reaches_the_modules_that_render():
    graph = grimp.build_graph("leaflets", cache_dir=None)
    reached = graph.find_upstream_modules("leaflets.gate", as_package=True)
    rendering = {f"leaflets.render.{name}" for name in ("html", "prepare", "web", "pdfs", "engine", "layout",
                                                        "workers")}
    assert rendering <= graph.modules and not reached & rendering
