"""The bad-input corpus: every folder in tests/bad_inputs/ is one case, run through the CLI.

Each case is ``tests/bad_inputs/<name>/case.yaml`` (what to run and what to expect)
plus ``files/`` (files laid over a fresh copy of the default project, at the same
relative paths). See tests/bad_inputs/README.md for the fields.
"""

from __future__ import annotations

import shutil
import traceback
from pathlib import Path

import pytest
import yaml

from leaflets.commands import build as build_module

from tests.helpers.pdf import open_pdf, text
from tests.helpers.project import REPO, copy_project, run

CORPUS = REPO / "tests/bad_inputs"
DEFAULT_COMMAND = ["build", "milia", "--format", "a4"]
FIELDS = {"description", "command", "exit", "file", "line", "message", "remove", "edits", "expect_text", "xfail",
          "translations"}


def load_cases() -> list[tuple[str, dict]]:
    cases = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir()):
        case = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
        assert isinstance(case, dict), f"{folder.name}/case.yaml must be a mapping"
        unknown = set(case) - FIELDS
        assert not unknown, f"{folder.name}/case.yaml: unknown fields {sorted(unknown)}"
        cases.append((folder.name, case))
    return cases


CASES = load_cases()


def lay_case(project: Path, name: str, case: dict) -> None:
    """Lay a case over a copy of the project: its ``files/``, then its ``edits``."""
    files = CORPUS / name / "files"
    if files.is_dir():
        for source in sorted(files.rglob("*")):
            if source.is_file():
                target = project / source.relative_to(files)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    for edit in case.get("edits", []):
        apply_edit(project, edit)


def apply_edit(project: Path, edit: dict) -> None:
    """One small change to a real project file: ``append`` text, or ``find`` text that must stand
    exactly once and ``replace`` it, so a case follows the file as it changes instead of holding a
    stale copy of it."""
    assert set(edit) in ({"file", "append"}, {"file", "find", "replace"}), f"bad edit {edit}"
    target = project / edit["file"]
    content = target.read_text(encoding="utf-8")
    if "append" in edit:
        content += edit["append"]
    else:
        count = content.count(edit["find"])
        assert count == 1, f"{edit['file']}: {edit['find']!r} stands {count} times, not once; update the case"
        content = content.replace(edit["find"], edit["replace"])
    target.write_text(content, encoding="utf-8")


def line_number(path: Path, line: int | str) -> int:
    """A case's ``line``: a number, or the text of the line (standing once in the file after the
    edits), which stays true when lines above it come and go."""
    if isinstance(line, int):
        return line
    numbers = [n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line in text]
    assert len(numbers) == 1, f"{path.name}: {line!r} stands on lines {numbers}, not on one line; update the case"
    return numbers[0]


def _param(name: str, case: dict):
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
    if case["exit"] != 2:  # built (exit 0) or failed while rendering (exit 1): real PDFs are made
        marks.append(pytest.mark.pdf)
    return pytest.param(name, case, id=name, marks=marks)


class ValidationOnlyPool:
    """The worker pool of a build that must stop at validation (a case with exit 2): it starts no
    process (the real pool's fork server imports WeasyPrint at once, the most costly part of a build
    refused at validation), and a request to render fails the case. The build runs its own code up to
    the pool: load, plan, the gate, the HTML of every variant and the gate's look at it."""

    def __init__(self, jobs: int, timeout: float = 0.0) -> None:
        pass

    def __enter__(self) -> ValidationOnlyPool:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def start(self) -> None:
        """The real pool starts its first worker here, in the background, once the gate lets the build on."""

    def run(self, jobs):
        raise AssertionError("a build of bad input was about to render a PDF: validation let it through")

    def close(self, interrupted: bool = False) -> None:
        pass


@pytest.mark.parametrize("name, case", [_param(n, c) for n, c in CASES])
def test_bad_input(name: str, case: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    project = copy_project(tmp_path / "project", translations=case.get("translations", False))
    for relative in case.get("remove", []):
        (project / relative).unlink()
    lay_case(project, name, case)

    command = [str(part) for part in case.get("command", DEFAULT_COMMAND)]
    out = tmp_path / "out"
    extra = ["--out", out] if command[0] == "build" else []
    if case["exit"] == 2:  # refused before anything is rendered: the build runs up to its workers only
        monkeypatch.setattr(build_module, "WorkerPool", ValidationOnlyPool)
    result = run("--root", project, *command, *extra)
    output = result.output

    if result.exception is not None and not isinstance(result.exception, SystemExit):
        trace = "".join(traceback.format_exception(result.exception)[-4:])
        pytest.fail(f"the CLI raised {result.exception!r} (a traceback for the user):\n{trace}")
    assert "Traceback" not in output, output
    assert result.exit_code == case["exit"], f"exit {result.exit_code}, expected {case['exit']}:\n{output}"
    message = case.get("message")
    if message:
        assert message in output, f"expected {message!r} in:\n{output}"
    if case.get("file"):
        file = case["file"]
        lines = [line for line in output.splitlines() if file in line and (not message or message in line)]
        assert lines, f"no line names both {file!r} and {message!r}:\n{output}"
        if case.get("line"):
            where = f"{file}:{line_number(project / file, case['line'])}:"
            assert any(where in line for line in lines), f"expected {where!r} in one of:\n" + "\n".join(lines)

    pdfs = sorted(out.rglob("*.pdf")) if out.exists() else []
    if case["exit"] == 2:
        assert not pdfs, f"a PDF was written despite bad input: {pdfs}"
    if case["exit"] == 0 and case.get("expect_text"):
        assert pdfs, f"no PDF was built:\n{output}"
        texts = [text(open_pdf(pdf)) for pdf in pdfs]
        for expected in case["expect_text"]:
            assert any(expected in t for t in texts), f"{expected!r} is not in the text of {[p.name for p in pdfs]}"


def test_corpus_is_substantial():
    assert len(CASES) >= 30, len(CASES)
    successes = [name for name, case in CASES if case["exit"] == 0 and case.get("expect_text")]
    assert len(successes) >= 3, successes


def test_every_problem_of_a_run_is_reported_together(tmp_path: Path):
    """Several common slips in several files, one curly-quoted value next to a missing logo: one run names them all."""
    project = copy_project(tmp_path / "project")
    cases = dict(CASES)
    for name in ("yaml-tab-indentation", "yaml-colon-in-title", "price-pound-sign"):
        lay_case(project, name, cases[name])
    wolverhampton = project / "data/branches/wolverhampton.yaml"
    wolverhampton.write_text(
        wolverhampton.read_text(encoding="utf-8")
        .replace("name: Wolverhampton", "name: \u201cWolverhampton\u201d")
        .replace("assets/logos/wolverhampton.svg", "assets/logos/gone.svg"),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = run("--root", project, "build", "--out", out)
    assert result.exit_code == 2, result.output
    expected = [
        "data/branches/stoke-on-trent.yaml:15:1: a tab is used here: use spaces, not tabs",
        "data/leaflets/milia.yaml:4:",
        "put the text in quotes",
        "data/branches/wolverhampton.yaml:8:7 name: the value is in curly quotes",
        "data/branches/wolverhampton.yaml:11:9 brand.logo: logo file 'assets/logos/gone.svg' not found",
        "data/branches/wolverhampton.yaml:26:12 treatments.1.price: '£120' is not a price",
        "5 problems found",
    ]
    for fragment in expected:
        assert fragment in result.output, f"{fragment!r} missing from:\n{result.output}"
    assert "Traceback" not in result.output
    assert not out.exists() or not list(out.rglob("*.pdf"))
