"""Property tests: any text a data file can hold builds, printed as text, or fails cleanly."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from leaflets.commands.build import BuildRequest
from leaflets.commands.build import run as run_build
from leaflets.project.folder import find_project
from leaflets.project.load import load_library
from leaflets.project.plan import plan_variants
from leaflets.render.html import leaflet_html
from leaflets.render.workers import WorkerPool

from tests.helpers.pdf import open_pdf, text
from tests.helpers.project import copy_project, run

pytestmark = pytest.mark.pdf

RIGHT_TO_LEFT = ["שלום עולם", "مرحبا بالعالم", "‏עברית‏", "سلام 123"]
ANY_TEXT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60),
    st.sampled_from(RIGHT_TO_LEFT),
    st.lists(
        st.sampled_from(["\x00", "\x07", "\x1b", "\u202e", "\u2066", "\t", "\n", "a", "<", "{{", "}}"]),
        min_size=1, max_size=12,
    ).map("".join),
)
# What the bundled typeface covers: its glyphs carry their own text in the PDF.
LATIN = st.text(
    st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7E), st.sampled_from("éèàçñöüßÉ£€–—‘’“”")),
    min_size=1, max_size=60,
).filter(lambda s: s.strip())

# Each example is a build; the examples differ from run to run, so the runs together cover more.
SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def set_summary(project: Path, summary: str) -> None:
    path = project / "data/leaflets/milia.yaml"
    data = yaml.safe_load(path.read_text())
    data["summary"] = summary
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def build_with_summary(summary: str):
    """Build the Stoke-on-Trent milia leaflet whose summary is ``summary``; (result, project, out)."""
    folder = Path(tempfile.mkdtemp(prefix="leaflets-hostile-"))
    project = copy_project(folder / "project")
    set_summary(project, summary)
    out = folder / "out"
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--jobs", "1",
                 "--out", out)
    return result, project, out, folder


@pytest.mark.slow
@SETTINGS
@given(summary=ANY_TEXT)
def test_any_text_is_printed_literally_or_refused_cleanly(summary):
    result, project, out, folder = build_with_summary(summary)
    try:
        assert "Traceback" not in result.output
        assert result.exit_code in (0, 2), result.output
        if result.exit_code == 2:
            assert "data/leaflets/milia.yaml:" in result.output and "summary" in result.output, result.output
            assert not list(out.rglob("*.pdf")) if out.exists() else True
            return
        library = load_library(find_project(project))
        stored = library.leaflets["milia"].summary
        html = leaflet_html(library, plan_variants(library, ["milia"], ["stoke-on-trent"], ["a4"])[0], dt.date.today())
        assert str(escape(stored)) in html, "the text was not placed in the page as escaped text"
        reader = open_pdf(out / "stoke-on-trent/milia-a4.pdf")
        assert 2 <= len(reader.pages) <= 4  # the A4 page model: one or two duplex sheets
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def warm_pool():
    """One worker pool for every example, kept warm as ``leaflets serve`` keeps its own: each build
    renders in it instead of starting a fork server that imports WeasyPrint again."""
    with WorkerPool(1) as pool:
        yield pool


@pytest.mark.slow
@SETTINGS
@given(summary=LATIN)
def test_latin_text_appears_in_the_pdf_exactly(warm_pool, summary):
    folder = Path(tempfile.mkdtemp(prefix="leaflets-hostile-"))
    try:
        project = copy_project(folder / "project")
        set_summary(project, summary)
        out = folder / "out"
        result = run_build(BuildRequest(root=project, out_dir=out, leaflets=("milia",), branches=("stoke-on-trent",),
                                        formats=("a4",), jobs=1), pool=warm_pool)
        assert [v.name for v in result.built] == ["milia / stoke-on-trent / a4"], result.failed
        content = text(open_pdf(out / "stoke-on-trent/milia-a4.pdf"))
        assert " ".join(summary.split()) in content
    finally:
        shutil.rmtree(folder, ignore_errors=True)
