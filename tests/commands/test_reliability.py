"""Real processes: a killed worker, and two builds into one folder at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.outputs import assert_all_listed_outputs_intact, manifest
from tests.helpers.project import REPO

pytestmark = pytest.mark.pdf


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def workers(pid: int) -> list[int]:
    """The build's worker processes: the children of its fork server."""
    for child in children(pid):
        try:
            if b"forkserver" in Path(f"/proc/{child}/cmdline").read_bytes():
                return children(child)
        except OSError:
            continue
    return []


def start_build(out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "leaflets", "build", "--force", "--jobs", "2", "--out", str(out), *extra],
        cwd=REPO, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )


@pytest.mark.slow
def test_a_killed_worker_fails_only_its_own_variant(tmp_path: Path):
    out = tmp_path / "out"
    process = start_build(out, "--format", "a4")
    assert process.stderr is not None
    killed = None
    for line in process.stderr:
        if line.startswith("wrote "):
            found = workers(process.pid)
            if found:
                killed = found[0]
                os.kill(killed, signal.SIGKILL)
                break
    rest = process.stderr.read()
    process.wait(timeout=120)
    assert killed is not None, "no worker process found"
    # A worker is handed its next job as soon as it finishes one, so it holds a job when killed.
    assert process.returncode == 1, rest
    assert "the worker process stopped unexpectedly (exit code -9)" in rest
    built = {o["path"] for o in manifest(out)["outputs"]}
    assert len(built) >= 5, "the other variants were not built"
    assert_all_listed_outputs_intact(out)


@pytest.mark.slow
def test_two_builds_into_one_folder_do_not_corrupt_it(tmp_path: Path):
    out = tmp_path / "out"
    # 4 A4s in English: the first build holds the lock for seconds (its imports alone take longer than 0.3 s)
    four = ("milia", "hydrafacial", "microdermabrasion", "--format", "a4", "--lang", "en-GB")
    first = start_build(out, *four)
    time.sleep(0.3)
    second = start_build(out, *four)
    errors = [p.communicate(timeout=180)[1] for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, errors
    assert any("another build is writing to" in e for e in errors), errors
    assert len([o for o in manifest(out)["outputs"] if o["kind"] == "pdf"]) == 4  # milia at 2 branches, 2 treatments
    assert_all_listed_outputs_intact(out)
