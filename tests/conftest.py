"""Fixtures: a scratch copy of the default project, and one real build of it for the whole run.

Helpers that tests import live in tests/helpers/; this file holds fixtures only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.project import build_ok, copy_project
from tests.helpers.shared import shared_folder


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the default project that a test may change."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def default_build(tmp_path_factory) -> tuple[Path, dict]:
    """Every default English variant, built once for the whole run and shared by the xdist workers:
    (out folder, manifest). Tests only read it. The shipped translations are built and read by
    tests/commands/test_translate.py and tests/render/test_scripts.py."""
    out = shared_folder(tmp_path_factory, "default-build", lambda folder: build_ok(folder, "--lang", "en-GB"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["outputs"], "the default build lists no outputs"
    return out, manifest
