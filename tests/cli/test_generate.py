"""`python3 generate.py`: run by any Python once .venv is made (it runs there); before that, with a
Python that lacks the dependencies, it says how to set up (issue 24)."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers.project import REPO


def checkout_without_venv(tmp_path: Path) -> Path:
    """generate.py and pyproject.toml as a fresh clone has them before `make leaflets` (no .venv)."""
    folder = tmp_path / "checkout"
    folder.mkdir()
    for name in ("generate.py", "pyproject.toml"):
        shutil.copyfile(REPO / name, folder / name)
    return folder


def test_generate_py_without_the_dependencies_says_how_to_set_up(tmp_path):
    # -S: no site-packages, so click, pydantic and the rest cannot be imported; -I: no user site,
    # no PYTHON* variables, and the script's folder is not put on sys.path either.
    script = checkout_without_venv(tmp_path) / "generate.py"
    done = subprocess.run([sys.executable, "-I", "-S", str(script), "list"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "make leaflets" in lines[0] and ".venv/bin/leaflets list" in lines[0]
    assert done.stdout == ""


def test_generate_py_with_only_some_of_the_dependencies_names_what_is_missing(tmp_path):
    # A Python that has click installed but not the rest (the system python3 of many machines): it
    # got past the import of the command line and ended in a traceback when the command imported
    # the rest. -S: no site-packages; PYTHONPATH: a folder holding an installed click (its
    # dist-info, as pip leaves it).
    script = checkout_without_venv(tmp_path) / "generate.py"
    site = tmp_path / "site"
    (site / "click").mkdir(parents=True)
    (site / "click" / "__init__.py").write_text("")
    (site / "click-8.1.7.dist-info").mkdir()
    (site / "click-8.1.7.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: click\nVersion: 8.1.7\n")
    done = subprocess.run([sys.executable, "-S", str(script), "list"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "lacks " in lines[0] and "weasyprint" in lines[0] and "click" not in lines[0].split("(", 2)[2]
    assert "make leaflets" in lines[0] and ".venv/bin/leaflets list" in lines[0]


def test_another_python_runs_it_in_the_project_s_venv_once_it_is_made():
    # -S: this Python sees none of the dependencies (as the system python3 would not): generate.py
    # hands the command to the checkout's .venv (made by make leaflets / make test), which runs it.
    assert (REPO / ".venv" / "bin" / "python").exists()
    done = subprocess.run([sys.executable, "-S", str(REPO / "generate.py"), "--root", str(REPO), "list", "milia",
                           "--branch", "stoke-on-trent", "--format", "a4"],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "stoke-on-trent/milia-a4.pdf" in done.stdout


def test_generate_py_from_another_folder_still_finds_the_package(tmp_path):
    # With the dependencies present, the script runs the command wherever it is started from.
    done = subprocess.run([sys.executable, str(REPO / "generate.py"), "--root", str(REPO), "list", "milia",
                           "--branch", "stoke-on-trent", "--format", "a4"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "stoke-on-trent/milia-a4.pdf" in done.stdout
