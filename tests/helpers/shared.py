"""Builds made once per test run and shared by every pytest-xdist worker.

A session fixture runs once per worker; a build that several workers read is
made by the first worker that asks for it, under a file lock in the run's
common temporary folder, and the others wait for it and read the same files.
Tests only read these folders (a test that changes outputs builds its own).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from filelock import FileLock

#: the day the shared builds are made for (``--today``): their marks and dates do not follow the clock
SHARED_DAY = "2026-12-04"


def shared_folder(factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """The folder ``make(folder)`` fills, made once per run: by this process when it runs alone,
    else by the first xdist worker that asks, while the others wait."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = factory.mktemp(name)
        make(folder)
        return folder
    common = factory.getbasetemp().parent  # pytest-N/, above every worker's popen-gwN/
    folder = common / f"shared-{name}"
    done = common / f"shared-{name}.done"
    with FileLock(str(common / f"shared-{name}.lock")):
        if not done.is_file():
            if folder.exists():  # a worker failed half-way: make it again
                shutil.rmtree(folder)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder
