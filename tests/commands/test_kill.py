"""`kill -9` of a build at random moments: no process is left, the manifest matches the files on disk,
and the next build starts at once (no stale lock) and leaves no temporary file."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.helpers.outputs import assert_all_listed_outputs_intact, manifest
from tests.helpers.project import REPO

pytestmark = pytest.mark.pdf

ROUNDS = 4  # two sequences of 2 (seeds 9 and 10): together, one kill in each quarter of the build's first seconds
EARLIEST, LATEST = 0.2, 3.0  # seconds after the start: from the imports to PDFs being written
# Three leaflets (4 variants): 8 PDFs and 4 thumbnails, still being made when each kill comes (0.2-3 s).
BUILD = [sys.executable, "-m", "leaflets", "build", "milia", "hydrafacial", "microdermabrasion", "--jobs", "2",
         "--format", "a4", "--format", "dl"]


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (the fork server and the workers), from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's bookkeeping is left


def moments(seed: int, sequence: int, sequences: int) -> list[float]:
    """When to kill each round of one of ``sequences`` sequences: ROUNDS equal slices of the build's
    first seconds are dealt out between the sequences (this one takes every ``sequences``-th from
    ``sequence``), and each round is a random moment in its slice, in a random order. So the
    sequences together kill once in every slice, reaching every stage of the build (starting,
    checking, rendering, writing) wherever the random draws fall."""
    chance = random.Random(seed)
    step = (LATEST - EARLIEST) / ROUNDS
    found = [EARLIEST + step * (k + chance.random()) for k in range(sequence, ROUNDS, sequences)]
    chance.shuffle(found)
    return found


def kill_rounds(out: Path, seed: int, sequence: int, sequences: int) -> None:
    """Its share of the ROUNDS builds into ``out``, each killed with SIGKILL at a random moment, checking after each."""
    command = BUILD + ["--force", "--out", str(out)]
    for round_, moment in enumerate(moments(seed, sequence, sequences)):
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(moment)
        below = descendants(process.pid)
        process.send_signal(signal.SIGKILL)
        _, errors = process.communicate(timeout=30)
        assert "another build is writing" not in errors, f"{out.name} round {round_}: waited for a stale lock"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(p) for p in below):
            time.sleep(0.1)
        assert not [p for p in below if alive(p)], f"{out.name} round {round_}: processes outlived the build"
        if (out / "manifest.json").exists():
            listed = manifest(out)["outputs"]
            for output in listed:  # every entry names a whole file with its checksum, right now
                assert (out / output["path"]).is_file(), f"{out.name} round {round_}: {output['path']} missing"
            assert_intact_ignoring_temp(out)
    finished = subprocess.run(BUILD + ["--out", str(out)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert "another build is writing" not in finished.stderr
    # 8 A4s and 8 DLs: milia in en-GB, pl and ur at 2 branches, hydrafacial, microdermabrasion
    assert len([o for o in manifest(out)["outputs"] if o["kind"] != "thumbnail"]) == 16
    assert_all_listed_outputs_intact(out)  # also: no temporary file left
    assert not list(out.glob(".release-*"))


@pytest.mark.slow
def test_kill_9_at_random_moments_keeps_every_promise(tmp_path: Path):
    # ROUNDS rounds in all, as two sequences into two output folders side by side (half the wait).
    with ThreadPoolExecutor(2) as pool:
        sequences = [pool.submit(kill_rounds, tmp_path / f"out-{seed}", seed, index, 2)
                     for index, seed in enumerate((9, 10))]
        for sequence in sequences:
            sequence.result()


def assert_intact_ignoring_temp(out: Path) -> None:
    """Checksums of every listed file; a killed build may leave temporary files, which the next one removes."""
    import hashlib

    for output in manifest(out)["outputs"]:
        data = (out / output["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == output["sha256"], output["path"]
