"""The command line: help, list, check, and that startup commands stay light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.project import REPO, run


@pytest.mark.parametrize("command", [[], ["build"], ["list"], ["check"]])
def test_every_command_explains_itself_with_an_example(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert "Example" in result.output


def test_list_shows_the_variants_build_would_make():
    result = run("--root", REPO, "list")
    assert result.exit_code == 0, result.output
    assert "milia" in result.output
    assert "stoke-on-trent/milia-a4.pdf" in result.output
    assert "wolverhampton/milia-a4.pdf" in result.output


def test_list_selection_by_leaflet_and_branch():
    result = run("--root", REPO, "list", "milia", "--branch", "wolverhampton", "--format", "a4", "--lang", "en-GB")
    assert result.exit_code == 0, result.output
    assert "wolverhampton/milia-a4.pdf" in result.output
    assert "stoke-on-trent" not in result.output
    assert "1 variant" in result.output


def test_unknown_selection_is_a_usage_error_with_a_suggestion():
    result = run("--root", REPO, "list", "--branch", "wolverhamton")
    assert result.exit_code == 2
    assert "unknown branch 'wolverhamton'; did you mean 'wolverhampton'?" in result.stderr
    result = run("--root", REPO, "list", "--format", "a3")
    assert result.exit_code == 2
    assert "'a3' is not one of" in result.stderr


def test_check_passes_on_the_default_data():
    result = run("--root", REPO, "check")
    assert result.exit_code == 0, result.output
    assert "0 errors" in result.output


def test_outside_a_project_says_so_in_one_line(tmp_path: Path):
    result = run("--root", tmp_path, "list")
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "is not a leaflet project" in result.stderr and "--root DIR" in result.stderr


@pytest.mark.parametrize("args", [["--help"], ["build", "--help"], ["list"], ["check"]])
def test_startup_commands_do_not_import_weasyprint(args):
    code = (
        "import sys\n"
        "from leaflets.cli import main\n"
        f"try:\n    main({args!r} , standalone_mode=False)\n"
        "except SystemExit:\n    pass\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint was imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_generate_py_is_the_same_command():
    done = subprocess.run(
        [sys.executable, "generate.py", "list", "milia"], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == run("--root", REPO, "list", "milia").output


# --- the entry point ends the process without tearing the interpreter down (cli.entry_point) ---

def test_the_command_line_keeps_its_output_and_exit_status():
    listed = subprocess.run([sys.executable, "-m", "leaflets", "list"], cwd=REPO, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == run("--root", REPO, "list").output  # every line, flushed through the pipe
    refused = subprocess.run([sys.executable, "-m", "leaflets", "build", "--format", "nonsense"], cwd=REPO,
                             capture_output=True, text=True)
    assert refused.returncode == 2 and "nonsense" in refused.stderr
    # Started with standard output closed (a cron job, a daemon): Python has no sys.stdout at all.
    closed = subprocess.run(["sh", "-c", f"'{sys.executable}' -m leaflets list >&-"], cwd=REPO,
                            capture_output=True, text=True)
    assert closed.returncode == 0 and "Traceback" not in closed.stderr, closed.stderr


ENTRY = """
import atexit, sys, threading, time
from pathlib import Path
marks = Path(sys.argv[1])
atexit.register(lambda: (marks / "exit-handler").write_text("ran"))
def late():
    time.sleep(1.5)  # long after --help has finished
    (marks / "thread").write_text("finished")
if sys.argv[2] == "thread":
    threading.Thread(target=late).start()
sys.argv = ["leaflets", "--help"]
from leaflets.cli import entry_point
entry_point()
"""


@pytest.mark.parametrize("thread", ["thread", "none"])
def test_the_quick_exit_runs_exit_handlers_and_waits_for_a_working_thread(tmp_path: Path, thread):
    done = subprocess.run([sys.executable, "-c", ENTRY, str(tmp_path), thread], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Usage:" in done.stdout
    assert (tmp_path / "exit-handler").read_text() == "ran"
    assert (tmp_path / "thread").is_file() == (thread == "thread")
