"""The default project, copies of it, and the CLI run in process."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from leaflets.cli import main

REPO = Path(__file__).resolve().parents[2]
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


#: True while ``run`` invokes the CLI: a build it starts may render in the run's warm pool (conftest.py)
IN_CLI_RUN = [False]


def run(*args: str | Path):
    """Invoke the CLI in-process, as a user would from the shell."""
    IN_CLI_RUN[0] = True
    try:
        return CliRunner().invoke(main, [str(a) for a in args])
    finally:
        IN_CLI_RUN[0] = False


def build_ok(out: Path, *args: str, root: Path = REPO) -> Path:
    """``leaflets build ARGS --out OUT`` in process; the test fails with the build's output unless it
    succeeds. Returns ``out``."""
    result = run("--root", root, "build", *args, "--out", out)
    assert result.exit_code == 0, result.output
    return out
