"""`python3 generate.py` with a Python that lacks the dependencies says how to set up (issue 24)."""

import subprocess
import sys

from tests.helpers.project import REPO


def test_generate_py_without_the_dependencies_says_how_to_set_up():
    # -S: no site-packages, so click, pydantic and the rest cannot be imported; -I: no user site,
    # no PYTHON* variables, and the script's folder is not put on sys.path either.
    done = subprocess.run([sys.executable, "-I", "-S", "generate.py", "list"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "make leaflets" in lines[0] and ".venv/bin/leaflets list" in lines[0]
    assert done.stdout == ""


def test_generate_py_from_another_folder_still_finds_the_package(tmp_path):
    # With the dependencies present, the script runs the command wherever it is started from.
    done = subprocess.run([sys.executable, str(REPO / "generate.py"), "--root", str(REPO), "list", "milia",
                           "--branch", "stoke-on-trent", "--format", "a4"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "stoke-on-trent/milia-a4.pdf" in done.stdout
