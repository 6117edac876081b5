"""The gate and the build core: what reaches a patient is what was checked, on every path.

Each test walks a path where the promise used to break: a release zipping
whatever an earlier build left, a build ignoring what check rejects, a failed
variant leaving an old PDF that looks current, a worker that can never start,
bytes that depend on --jobs or the checkout folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.helpers.governance import TODAY, approve, confirm_clinic_names, release_ready
from tests.helpers.outputs import assert_all_listed_outputs_intact, digests, manifest
from tests.helpers.pdf import open_pdf
from tests.helpers.project import REPO, copy_project, run

MILIA_FILES = {f"stoke-on-trent/milia-{f}.pdf" for f in ("a4", "a5", "a5-print", "dl", "large-print")} | {
    "stoke-on-trent/milia.html", "stoke-on-trent/thumbs/milia-a4.png"}


def verify_sums(release: Path) -> dict[str, str]:
    """What `sha256sum -c SHA256SUMS` does in the release folder; the listed names."""
    sums = dict(reversed(line.split("  ")) for line in (release / "SHA256SUMS").read_text().splitlines())
    assert sums, "SHA256SUMS lists nothing"
    for name, digest in sums.items():
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name
    return sums


def zipped(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as archive:
        return set(archive.namelist())


@pytest.mark.pdf
@pytest.mark.slow
def test_a_release_holds_exactly_the_checked_variants(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    # An earlier, ungated build left drafts (of milia and another leaflet, for both branches) and a print-shop
    # file: one format of each is enough to be left over (the release builds every format of milia again).
    assert run("--root", project, "build", "milia", "hydrafacial", "--format", "a4", "--out", out).exit_code == 0
    assert run("--root", project, "build", "milia", "--format", "a4", "--for", "print-shop",
               "--out", out).exit_code == 0
    left = set(digests(out))
    assert {"wolverhampton/milia-a4.pdf", "stoke-on-trent/hydrafacial-a4.pdf",
            "stoke-on-trent/milia-a4-print-shop.pdf"} <= left
    release_ready(project, "milia")
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--release",
                 "--today", TODAY, "--out", out)
    assert result.exit_code == 0, result.output
    release = out / "release"
    assert sorted(p.name for p in release.iterdir()) == ["SHA256SUMS", "release.json", "stoke-on-trent.zip"]
    assert zipped(release / "stoke-on-trent.zip") == MILIA_FILES | {"stoke-on-trent/index.html"}  # + its catalogue
    assert set(verify_sums(release)) == {"stoke-on-trent.zip", "release.json"}
    listed = {o["path"] for o in json.loads((release / "release.json").read_text())["outputs"]}
    assert listed == MILIA_FILES
    assert left - MILIA_FILES, "nothing was left over for the release to leave out"
    assert not list(out.glob(".release-*")), "a staging folder was left behind"


@pytest.mark.pdf
def test_a_refused_release_leaves_the_last_good_release_whole(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    release_ready(project, "milia")
    good = run("--root", project, "build", "milia", "--format", "a4", "--release", "--today", TODAY, "--out", out)
    assert good.exit_code == 0, good.output
    before = {p.name: p.read_bytes() for p in (out / "release").iterdir()}
    # The milia content changes and goes back to draft: its PDFs in out/ change, the release does not.
    path = project / "data/leaflets/milia.yaml"
    path.write_text(path.read_text().replace("status: approved", "status: draft"))
    refused = run("--root", project, "build", "milia", "--format", "a4", "--release", "--today", TODAY, "--out", out)
    assert refused.exit_code == 2
    assert "release refused" in refused.stderr and "milia: draft" in refused.stderr
    assert run("--root", project, "build", "milia", "--format", "a4", "--out", out).exit_code == 0
    assert {p.name: p.read_bytes() for p in (out / "release").iterdir()} == before
    verify_sums(out / "release")


@pytest.mark.pdf
def test_the_zip_of_a_removed_branch_goes(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    release_ready(project, "milia")
    assert run("--root", project, "build", "milia", "--format", "a4", "--release", "--today", TODAY,
               "--out", out).exit_code == 0
    assert (out / "release/wolverhampton.zip").exists()
    (project / "data/branches/wolverhampton.yaml").unlink()
    (project / "assets/logos/wolverhampton.svg").unlink()
    result = run("--root", project, "build", "milia", "--format", "a4", "--release", "--today", TODAY, "--out", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "release").iterdir()) == ["SHA256SUMS", "release.json", "stoke-on-trent.zip"]
    assert not (out / "wolverhampton").exists()


@pytest.mark.pdf
def test_a_build_warns_about_what_a_release_refuses(project: Path, tmp_path: Path):
    branch = project / "data/branches/stoke-on-trent.yaml"
    branch.write_text(branch.read_text().replace('primary: "#1d4f6e"', 'primary: "#888888"'))  # 3.54:1: a warning
    out = tmp_path / "out"
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--out", out)
    assert result.exit_code == 0, result.output
    assert "warning (a release would refuse it): data/branches/stoke-on-trent.yaml: stoke-on-trent: contrast 3.54:1" \
        in result.stderr
    approve(project, "milia")
    release = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--release",
                  "--today", TODAY, "--out", out)
    assert release.exit_code == 2 and "contrast 3.54:1" in release.stderr
    assert not (out / "release").exists()


def test_a_placeholder_clinic_name_blocks_strict_check_and_release(project: Path, tmp_path: Path):
    approve(project, "milia")
    strict = run("--root", project, "check", "milia", "--strict", "--today", TODAY)
    assert strict.exit_code == 2 and "is a placeholder" in strict.output
    result = run("--root", project, "build", "milia", "--release", "--today", TODAY, "--out", tmp_path / "out")
    assert result.exit_code == 2 and "wolverhampton: clinic name 'Wolverhampton Skin Clinic' is a placeholder" \
        in result.stderr
    confirm_clinic_names(project)
    assert run("--root", project, "check", "milia", "--strict", "--today", TODAY).exit_code == 0


@pytest.mark.pdf
def test_an_overdue_leaflet_is_marked_on_every_page_outside_a_release(project: Path, tmp_path: Path):
    approve(project, "milia", approved="2023-06-01")  # review due 2025-06-01
    out = tmp_path / "out"
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                 "--format", "large-print", "--today", TODAY, "--out", out)
    assert result.exit_code == 0, result.output
    assert "milia: review overdue since 2025-06-01" in result.stderr
    for name in ("milia-a4.pdf", "milia-large-print.pdf"):
        pages = open_pdf(out / "stoke-on-trent" / name).pages
        assert pages, name
        for page in pages:
            assert "Reviewoverduesince1June2025" in "".join(page.extract_text().split()), name
    # The day before the review date, the same build is not marked: the mark follows the day.
    again = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4",
                "--today", "2025-05-31", "--out", out)
    assert again.exit_code == 0 and "1 built" in again.stderr
    assert "overdue" not in open_pdf(out / "stoke-on-trent/milia-a4.pdf").pages[0].extract_text().lower()


OVERFLOW = ("  - heading: Filler\n    body:\n" + "      - p: Some more words to fill the page up again.\n" * 30) * 10


@pytest.mark.pdf
def test_a_failed_variant_leaves_no_current_looking_old_pdf(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    approve(project, "milia")  # the old file is approved and unmarked: it must not stand in for the new one
    assert run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4",
               "--out", out).exit_code == 0
    old = (out / "stoke-on-trent/milia-a4.pdf").read_bytes()
    path = project / "data/leaflets/milia.yaml"
    path.write_text(path.read_text().replace("sections:\n", "sections:\n" + OVERFLOW, 1))
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--out", out)
    assert result.exit_code == 1
    assert "milia / stoke-on-trent / a4: the content needs" in result.stderr
    assert "moved aside" in result.stderr and ".failed/stoke-on-trent/milia-a4.pdf" in result.stderr
    assert not (out / "stoke-on-trent/milia-a4.pdf").exists()
    assert (out / ".failed/stoke-on-trent/milia-a4.pdf").read_bytes() == old
    assert "stoke-on-trent/milia-a4.pdf" not in digests(out)
    assert_all_listed_outputs_intact(out)


@pytest.mark.pdf
def test_a_worker_that_cannot_load_weasyprint_ends_the_build_at_once(tmp_path: Path):
    fake = tmp_path / "fake" / "weasyprint"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        'raise OSError("cannot load library \'libpango-1.0-0\': libpango-1.0-0: cannot open shared object file")\n'
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "fake")}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "leaflets", "build", "milia", "--format", "a4", "--jobs", "2",
                             "--out", str(tmp_path / "out")], cwd=REPO, capture_output=True, text=True, env=env,
                            timeout=60)
    assert time.monotonic() - started < 10
    assert result.returncode == 1, result.stderr
    assert "the PDF engine cannot start" in result.stderr and "libpango-1.0-0" in result.stderr
    assert "sudo apt-get install libpango-1.0-0" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list((tmp_path / "out").rglob("*.pdf"))


@pytest.mark.pdf
@pytest.mark.slow
def test_pdfs_and_zips_are_the_same_bytes_in_any_folder_and_with_any_jobs(tmp_path: Path):
    near = copy_project(tmp_path / "a")
    far = copy_project(tmp_path / "a much longer folder name" / "with another level")
    for project in (near, far):
        release_ready(project, "milia")
    outs = []
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    for project, jobs in ((near, "1"), (far, "2")):
        out = project / "out"
        # one branch, every format (two workers share its five variants); a release of both branches
        # is made in test_a_release_holds_exactly_the_checked_variants
        result = subprocess.run([sys.executable, "-m", "leaflets", "--root", str(project), "build", "milia",
                                 "--branch", "wolverhampton", "--release", "--today", TODAY, "--jobs", jobs],
                                capture_output=True, text=True, env=env, cwd=project)
        assert result.returncode == 0, result.stderr
        outs.append(out)
    assert digests(outs[0]) == digests(outs[1])
    assert len(digests(outs[0])) == 7  # with the A4 thumbnail and the web page; the zip carries the catalogue
    for name in ("wolverhampton.zip", "SHA256SUMS", "release.json"):
        assert (outs[0] / "release" / name).read_bytes() == (outs[1] / "release" / name).read_bytes(), name


def test_the_pdf_identifier_does_not_depend_on_where_fonts_and_project_live():
    from leaflets.render.engine import document_identifier

    def html(project: str, fonts: str) -> str:
        return f'<style>@font-face {{ src: url("file://{fonts}/a.ttf") }}</style><img src="file://{project}/logo.svg">'

    one = document_identifier(html("/a", "/a/.venv/fonts"), [Path("/a"), Path("/a/.venv/fonts")])
    two = document_identifier(html("/srv/ci/x", "/opt/venv/fonts"), [Path("/srv/ci/x"), Path("/opt/venv/fonts")])
    assert one == two
    assert one != document_identifier(html("/a", "/a/.venv/fonts").replace("logo", "other"), [Path("/a")])


def test_a_runaway_layout_fails_that_job_alone():
    from leaflets.render.job import Job
    from leaflets.render.workers import WorkerPool

    def job(name: str, paragraphs: int) -> Job:
        html = "<html><body>" + "<p>A line of text to lay out.</p>" * paragraphs + "</body></html>"
        return Job(name=name, html=html, blank_page="", format="large-print", bleed_mm=0.0, paths=(f"{name}.pdf",),
                   headings=(), title=name, epoch=0, base=str(REPO), allowed=(str(REPO),))

    with WorkerPool(1, timeout=2) as pool:
        outcomes = {j.name: (files, error) for j, files, error in pool.run([job("huge", 40_000), job("small", 3)])}
    assert outcomes["huge"][0] is None
    assert "huge: stopped after 2 s, the time limit for one leaflet" in outcomes["huge"][1]
    assert outcomes["small"][0] and outcomes["small"][1] is None


@pytest.mark.pdf
def test_merged_shards_release_only_after_the_gate(project: Path, tmp_path: Path):
    shards = [tmp_path / "s1", tmp_path / "s2"]
    for k, folder in enumerate(shards, 1):
        assert run("--root", project, "build", "milia", "--format", "a4", "--shard", f"{k}/2",
                   "--out", folder).exit_code == 0
    refused = run("--root", project, "merge-manifests", *shards, "--out", tmp_path / "merged", "--release",
                  "--today", TODAY)
    assert refused.exit_code == 2 and "milia: draft" in refused.output
    assert not (tmp_path / "merged" / "release").exists()
    release_ready(project, "milia")
    # the shards built before the approval hold DRAFT-marked copies: refused, though the gate passes now
    stale = run("--root", project, "merge-manifests", *shards, "--out", tmp_path / "merged", "--release",
                "--today", TODAY)
    assert stale.exit_code == 2, stale.output
    message = " ".join(stale.output.split())
    assert "release refused: 2 variants in the shards were built from other inputs than the project holds now" \
        in message and "build the shards again from this commit" in message
    assert not (tmp_path / "merged" / "release").exists()
    for k, folder in enumerate(shards, 1):
        shutil.rmtree(folder)
        assert run("--root", project, "build", "milia", "--format", "a4", "--shard", f"{k}/2",
                   "--out", folder).exit_code == 0
    merged = tmp_path / "merged"
    result = run("--root", project, "merge-manifests", *shards, "--out", merged, "--release", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert set(verify_sums(merged / "release")) == {"stoke-on-trent.zip", "wolverhampton.zip", "release.json"}
    assert zipped(merged / "release/stoke-on-trent.zip") == {"stoke-on-trent/milia-a4.pdf", "stoke-on-trent/index.html",
                                                            "stoke-on-trent/thumbs/milia-a4.png"}
    assert_all_listed_outputs_intact(merged)


def test_list_shows_every_file_a_build_writes():
    result = run("--root", REPO, "list", "milia", "--branch", "stoke-on-trent", "--lang", "en-GB")
    assert result.exit_code == 0, result.output
    files = {line.split()[-1] for line in result.output.splitlines() if line.startswith("milia ")}
    assert files == MILIA_FILES
    assert "5 variants, 7 files" in result.output


def test_format_names_are_case_insensitive(tmp_path: Path):
    result = run("--root", REPO, "list", "milia", "--branch", "stoke-on-trent", "--format", "A4", "--lang", "en-GB")
    assert result.exit_code == 0, result.output
    assert "1 variant, 2 files" in result.output  # the A4 PDF and its catalogue thumbnail
    assert "milia-a4.pdf" in result.output


@pytest.mark.pdf
def test_manifest_records_the_tool_versions(default_build):
    _, data = default_build
    assert set(data["tool"]) >= {"leaflets", "weasyprint", "pydyf", "fonttools", "pypdf", "pebble"}
    assert "leaflets-code" not in data["tool"]
    assert manifest  # imported helper used elsewhere
