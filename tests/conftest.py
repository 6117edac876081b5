"""Shared fixtures: a scratch copy of the default project, and one real build of it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from leaflets.cli import main

REPO = Path(__file__).resolve().parents[1]
PROJECT_PARTS = ("data", "templates", "styles", "assets", "locale")


def copy_project(target: Path, translations: bool = False) -> Path:
    """A copy of the default project. The shipped translations (locale/<lang>/) only when asked:
    a test that changes the English would make them out of date, and their variants fail."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        if (REPO / part).is_dir():  # locale/ holds translations once there are any
            shutil.copytree(REPO / part, target / part)
    if not translations and (target / "locale").is_dir():
        for folder in (target / "locale").iterdir():
            if folder.is_dir() and folder.name != "templates":  # the PO templates stay
                shutil.rmtree(folder)
    return target


def run(*args: str):
    """Invoke the CLI in-process, as a user would from the shell."""
    return CliRunner().invoke(main, [str(a) for a in args])


def build_ok(out: Path, *args: str, root: Path = REPO) -> Path:
    """``leaflets build ARGS --out OUT`` in process; the test fails with the build's output unless it
    succeeds. Returns ``out``."""
    result = run("--root", root, "build", *args, "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A private copy of the default project that a test may change."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def default_build(tmp_path_factory) -> tuple[Path, dict]:
    """Every default English variant, built once for the whole session: (out folder, manifest).
    The shipped translations are built and read by tests/test_translate.py and tests/test_scripts.py."""
    out = build_ok(tmp_path_factory.mktemp("out"), "--lang", "en-GB")
    return out, json.loads((out / "manifest.json").read_text())
