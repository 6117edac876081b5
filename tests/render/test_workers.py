"""The worker pool in a broken environment: a temporary folder whose path is too long for the
fork server's Unix socket is one clear message (exit 2), never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers.project import REPO


def test_a_temp_folder_too_long_for_the_workers_socket_is_one_clear_message(tmp_path):
    long = tmp_path / ("x" * (110 - len(str(tmp_path))))
    long.mkdir()
    assert len(str(long)) > 105
    done = subprocess.run(
        [sys.executable, "-m", "leaflets", "build", "milia", "--branch", "stoke-on-trent", "--format", "a4",
         "--lang", "en-GB", "--out", str(tmp_path / "out")],
        cwd=REPO, capture_output=True, text=True, timeout=300, env={**os.environ, "TMPDIR": str(long)},
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "set TMPDIR to a shorter folder" in done.stderr and str(long) in done.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


class _StuckPool:
    """Stands in for pebble's pool when its join of a stopped pool never returns (its task scheduler
    thread missed the stop): only a second stop and join send it the stop again, or nothing does."""

    def __init__(self, unstuck_by_second_join: bool) -> None:
        import threading

        self.calls: list[str] = []
        self.released = threading.Event()
        self.unstuck = unstuck_by_second_join
        self.active = True

    def stop(self) -> None:
        self.calls.append("stop")

    def close(self) -> None:
        self.calls.append("close")

    def join(self, timeout: float | None = None) -> None:
        self.calls.append("join")
        if self.calls.count("join") > 1 and self.unstuck:
            self.released.set()
        self.released.wait()  # the first join waits until the second arrives (or for ever)
        self.active = False


def _closed_in(pool, monkeypatch, stuck: _StuckPool) -> float:
    import threading
    import time

    from leaflets.render import workers

    monkeypatch.setattr(workers, "JOIN_SECONDS", (0.2, 0.2))
    real = pool._pool
    pool._pool = stuck
    started = time.monotonic()
    closing = threading.Thread(target=pool.close, kwargs={"interrupted": True}, daemon=True)
    try:
        closing.start()
        closing.join(5)  # a close that waits for ever fails the test instead of hanging it
        assert not closing.is_alive(), "closing the pool waits for pebble's join without a limit"
    finally:
        real.stop()
        real.join()
    return time.monotonic() - started


def test_closing_an_interrupted_pool_ends_when_pebble_s_join_hangs(monkeypatch, tmp_path):
    from leaflets.render.workers import WorkerPool

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    for unstuck in (True, False):  # a second stop and join frees it, or the build ends without waiting
        stuck = _StuckPool(unstuck)
        seconds = _closed_in(WorkerPool(1), monkeypatch, stuck)
        assert seconds < 5, seconds
        assert stuck.calls == ["stop", "join", "stop", "join"]
        assert stuck.released.is_set() == unstuck
        stuck.released.set()  # let the test's own waiting thread end


def test_a_broken_pebble_pool_is_one_clear_failure_not_a_traceback(monkeypatch, tmp_path):
    import pytest

    from leaflets.errors import BuildFailed
    from leaflets.render.job import Job
    from leaflets.render.workers import WorkerPool

    class Broken:
        def schedule(self, *args, **kwargs):
            raise RuntimeError("Unexpected error within the Pool")  # what pebble raises once its pool broke

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    pool = WorkerPool(1)
    real, pool._pool, pool._started = pool._pool, Broken(), True
    job = Job(name="milia / stoke-on-trent / a4", html="", embedded=(), thumbnail=None, blank_page="", format="a4",
              bleed_mm=0.0, paths=("stoke-on-trent/milia-a4.pdf",), headings=(), title="Milia", epoch=0, base=".",
              allowed=(".",))
    try:
        with pytest.raises(BuildFailed, match="the worker processes stopped working") as failure:
            list(pool.run([job]))
        assert failure.value.exit_code == 1 and "milia / stoke-on-trent / a4" in str(failure.value)
    finally:
        real.stop()
        real.join()
