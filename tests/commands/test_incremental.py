"""Fast, incremental, reproducible builds: fingerprints, parallel workers, interruptions, releases."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.helpers.governance import TODAY, release_ready
from tests.helpers.outputs import assert_all_listed_outputs_intact, digests, manifest
from tests.helpers.project import REPO, run
from tests.helpers.shared import SHARED_DAY

pytestmark = pytest.mark.pdf


@pytest.mark.slow
def test_same_inputs_give_identical_bytes_across_processes(tmp_path: Path, translated_build: Path):
    """A build in a fresh process (its own hash seed, two workers) makes the same bytes and the same
    manifest entries as the run's shared build of the same variants, made in a pytest worker through
    its warm one-worker pool: Urdu (right to left, its own font, shaping). English milia is built the
    same way across processes and --jobs in tests/gate/test_gate.py (every format), and Polish takes
    English's paths. Every kind of output: A4 (with the thumbnail), the A5 with its imposed file and
    thumbnail, the DL sheet and the web page (large print is the A4's path with other sizes)."""
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    build = [sys.executable, "-m", "leaflets", "build", "milia", "--branch", "stoke-on-trent", "--lang", "ur",
             "--format", "a4", "--format", "a5", "--format", "dl", "--format", "web", "--today", SHARED_DAY]
    one = subprocess.run([*build, "--jobs", "2", "--out", str(out)],
                         cwd=REPO, capture_output=True, text=True, env={**env, "PYTHONHASHSEED": "2"})
    assert one.returncode == 0, one.stderr
    fresh = {o["path"]: o for o in manifest(out)["outputs"]}
    # One branch: a4, a4 thumbnail, a5, a5-print, a5 thumbnail (a translation's card), dl, web
    assert len(fresh) == 7
    shared = {o["path"]: o for o in manifest(translated_build.parent)["outputs"]}
    assert {path: shared.get(path) for path in fresh} == fresh
    for path, entry in fresh.items():
        assert hashlib.sha256((translated_build.parent / path).read_bytes()).hexdigest() == entry["sha256"], path
    assert manifest(out)["tool"] == manifest(translated_build.parent)["tool"]


def summary(result) -> str:
    return next(line for line in result.stderr.splitlines() if " variants: " in line)


@pytest.mark.slow
def test_only_what_changed_is_rendered_again(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    args = ("--root", project, "build", "milia", "chemical-peel", "--format", "a4", "--out", out)
    assert "4 built, 0 unchanged" in summary(run(*args))
    before = {p: (out / p).stat().st_mtime_ns for p in digests(out)}

    assert "0 built, 4 unchanged" in summary(run(*args))
    assert before == {p: (out / p).stat().st_mtime_ns for p in digests(out)}, "a no-op build rewrote files"

    branch = project / "data/branches/wolverhampton.yaml"
    branch.write_text(branch.read_text().replace("01902 212163", "01902 212164"))
    result = run(*args)
    assert "2 built, 2 unchanged" in summary(result)
    after = {p: (out / p).stat().st_mtime_ns for p in digests(out)}
    assert {p for p in after if after[p] != before[p]} == {"wolverhampton/milia-a4.pdf",
                                                           "wolverhampton/chemical-peel-a4.pdf",
                                                           "wolverhampton/thumbs/milia-a4.png",  # the catalogue's
                                                           "wolverhampton/thumbs/chemical-peel-a4.png"}

    (project / "styles/base.css").write_text((project / "styles/base.css").read_text() + "\n/* edited */\n")
    assert "4 built, 0 unchanged" in summary(run(*args))
    # --force renders what is unchanged (one variant is enough to show it)
    one = ("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--out", out)
    assert "0 built, 1 unchanged" in summary(run(*one))
    assert "1 built, 0 unchanged" in summary(run(*one, "--force"))


def test_a_damaged_output_is_rebuilt(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    args = ("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--out", out)
    run(*args)
    (out / "stoke-on-trent/milia-a4.pdf").write_bytes(b"%PDF-1.7 damaged")
    assert "1 built" in summary(run(*args))
    assert_all_listed_outputs_intact(out)


def test_outputs_of_a_removed_branch_are_removed(project: Path, tmp_path: Path):
    out = tmp_path / "out"
    assert run("--root", project, "build", "milia", "--format", "a4", "--out", out).exit_code == 0
    (project / "data/branches/wolverhampton.yaml").unlink()
    result = run("--root", project, "build", "milia", "--format", "a4", "--out", out)
    assert result.exit_code == 0, result.output
    assert "removed 2 outputs" in result.stderr  # the PDF and its catalogue thumbnail
    assert set(digests(out)) == {"stoke-on-trent/milia-a4.pdf", "stoke-on-trent/thumbs/milia-a4.png"}
    assert not (out / "wolverhampton").exists()


def test_one_failing_variant_does_not_stop_the_others(project: Path, tmp_path: Path):
    path = project / "data/leaflets/hydrafacial.yaml"
    filler = ("  - heading: Filler\n    body:\n" + "      - p: Some more words to fill the page up again.\n" * 30) * 10
    path.write_text(path.read_text().replace("sections:\n", "sections:\n" + filler, 1))
    out = tmp_path / "out"
    result = run("--root", project, "build", "milia", "hydrafacial", "--format", "a4", "--jobs", "2", "--out", out)
    assert result.exit_code == 1
    assert "hydrafacial / stoke-on-trent / a4: the content needs" in result.stderr
    assert set(digests(out)) == {"stoke-on-trent/milia-a4.pdf", "wolverhampton/milia-a4.pdf",
                                 "stoke-on-trent/thumbs/milia-a4.png", "wolverhampton/thumbs/milia-a4.png"}
    assert_all_listed_outputs_intact(out)


def _default_signals() -> None:
    """In the child before exec: the default action for the signals the test sends.

    A shell starts a background job (``pytest ... &``, CI runners, nohup) with SIGINT
    ignored, and an ignored disposition survives exec, so without this the build
    would never see the interrupt.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_build_leaves_every_listed_output_whole(tmp_path: Path, signum):
    out = tmp_path / "out"
    # A previous good build (in this process: only the interrupted one needs a process of its own).
    assert run("--root", REPO, "build", "milia", "--format", "a4", "--lang", "en-GB", "--out", out).exit_code == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "leaflets", "build", "--force", "--jobs", "2", "--out", str(out)],
        cwd=REPO, stderr=subprocess.PIPE, text=True, preexec_fn=_default_signals,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("wrote "):
            break  # interrupt once it is part-way through
    process.send_signal(signum)
    process.communicate(timeout=60)
    assert process.returncode != 0
    assert_all_listed_outputs_intact(out)
    assert manifest(out)["outputs"], "the manifest lost its good entries"
    deadline = time.time() + 10
    while time.time() < deadline and list(out.rglob("*.tmp")):
        time.sleep(0.2)  # workers are being stopped
    assert_all_listed_outputs_intact(out)


# Four A4s (milia for both branches, hydrafacial at Stoke, microdermabrasion at Wolverhampton): two in each shard.
# English only: without --lang the shipped translations of milia would make them eight.
FOUR_A4S = ("milia", "hydrafacial", "microdermabrasion", "--format", "a4", "--lang", "en-GB")


@pytest.mark.slow
def test_shards_split_the_work_and_merge_back(tmp_path: Path):
    shards = [tmp_path / "s1", tmp_path / "s2"]
    for k, folder in enumerate(shards, 1):
        result = run("--root", REPO, "build", *FOUR_A4S, "--shard", f"{k}/2", "--out", folder)
        assert result.exit_code == 0, result.output
    first, second = digests(shards[0]), digests(shards[1])
    assert first and second and not set(first) & set(second)
    assert len([path for path in {**first, **second} if path.endswith(".pdf")]) == 4
    full = tmp_path / "full"
    assert run("--root", REPO, "build", *FOUR_A4S, "--out", full).exit_code == 0
    merged = tmp_path / "merged"
    result = run("merge-manifests", *shards, "--out", merged)
    assert result.exit_code == 0, result.output
    assert digests(merged) == digests(full) == {**first, **second}
    assert_all_listed_outputs_intact(merged)


def test_proof_shards_merge_and_release(project: Path, tmp_path: Path):
    """A print shop's proof (crop marks: ``-proof`` in its path) is a file its variant builds: its shards
    merge (they were refused as files of another variant), and, approved, release."""
    from tests.helpers.governance import release_ready

    release_ready(project, "milia")
    proof = ("milia", "--branch", "stoke-on-trent", "--format", "a4", "--for", "print-shop", "--marks",
             "--today", TODAY)
    shard = tmp_path / "shard"
    assert run("--root", project, "build", *proof, "--shard", "1/1", "--out", shard).exit_code == 0
    merged = tmp_path / "merged"
    result = run("--root", project, "merge-manifests", shard, "--out", merged, "--release", "--today", TODAY)
    assert result.exit_code == 0, result.output
    assert set(digests(merged)) == {"stoke-on-trent/milia-a4-print-shop-proof.pdf"}
    assert_all_listed_outputs_intact(merged)


def test_bad_shard_is_a_usage_error():
    result = run("--root", REPO, "build", "--shard", "3/2")
    assert result.exit_code == 2
    assert "write K/N with 1 <= K <= N" in result.output


@pytest.mark.slow
def test_release_writes_zips_checksums_and_versions(project: Path, tmp_path: Path):
    release_ready(project, "milia", "chemical-peel", "hydrafacial", "fractional-resurfacing", "microdermabrasion")
    outs = [tmp_path / "r1", tmp_path / "r2"]
    for out, jobs in zip(outs, ("1", "2"), strict=True):
        result = run("--root", project, "build", "milia", "chemical-peel", "--format", "a4", "--release",
                     "--today", TODAY, "--out", out, "--jobs", jobs)
        assert result.exit_code == 0, result.output
    release = outs[0] / "release"
    for name in ("stoke-on-trent.zip", "wolverhampton.zip", "release.json", "SHA256SUMS"):
        assert (release / name).read_bytes() == (outs[1] / "release" / name).read_bytes(), name
    sums = dict(reversed(line.split("  ")) for line in (release / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {"stoke-on-trent.zip", "wolverhampton.zip", "release.json"}
    for path, digest in sums.items():
        assert hashlib.sha256((release / path).read_bytes()).hexdigest() == digest
    with zipfile.ZipFile(release / "wolverhampton.zip") as archive:
        assert sorted(archive.namelist()) == [
            "wolverhampton/chemical-peel-a4.pdf", "wolverhampton/index.html", "wolverhampton/milia-a4.pdf",
            "wolverhampton/thumbs/chemical-peel-a4.png", "wolverhampton/thumbs/milia-a4.png"]
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
    data = manifest(outs[0])
    assert data["tool"]["leaflets"] and data["tool"]["weasyprint"].startswith("70")
    assert data["tool"]["pebble"] and data["tool"]["pypdf"]
    assert {o["content_version"] for o in data["outputs"]} == {"MIL-01 v1.0", "TRT-02 v1.0"}
    released = json.loads((release / "release.json").read_text())
    assert {o["path"]: o["sha256"] for o in released["outputs"]} == digests(outs[0])
