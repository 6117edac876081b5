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
