"""Bad input: one clear message per problem, naming file, line and field; exit 2; no PDF."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.project import run

GOOD_BRANCH = """\
id: extra
clinic: Extra Clinic
name: Extra
phone: 01782 922300
brand:
  logo: assets/logos/stoke-on-trent.svg
  logo_alt: Extra Clinic
  primary: "#1d4f6e"
  accent: "#e6f0f5"
treatments: [hydrafacial]
"""

# (name, file to write, its text, expected "file:line:col field" prefix, message fragment)
CASES = [
    (
        "unknown key",
        "data/branches/extra.yaml",
        GOOD_BRANCH.replace("phone:", "phnoe:"),
        "data/branches/extra.yaml:4:1 phnoe",
        "unknown key 'phnoe'; did you mean 'phone'?",
    ),
    (
        "wrong type",
        "data/branches/extra.yaml",
        GOOD_BRANCH.replace("treatments: [hydrafacial]", "treatments: {hydrafacial: yes}"),
        "data/branches/extra.yaml:10:13 treatments",
        "valid list",
    ),
    (
        "missing required field",
        "data/branches/extra.yaml",
        GOOD_BRANCH.replace("phone: 01782 922300\n", ""),
        "data/branches/extra.yaml:1:1 phone",
        "missing required field 'phone'",
    ),
    (
        "unknown treatment",
        "data/branches/extra.yaml",
        GOOD_BRANCH.replace("[hydrafacial]", "[hydrafacial, chemical-peels]"),
        "data/branches/extra.yaml:10:27 treatments.1.id",
        "unknown treatment 'chemical-peels' (not in data/treatments.yaml); did you mean 'chemical-peel'?",
    ),
    (
        "duplicate id",
        "data/branches/extra.yaml",
        GOOD_BRANCH.replace("id: extra", "id: wolverhampton"),
        "data/branches/wolverhampton.yaml:",  # whichever file is read second is reported
        "duplicate branch id 'wolverhampton'",
    ),
    (
        "id outside [a-z0-9-]",
        "data/branches/extra.yaml",
        GOOD_BRANCH.replace("id: extra", "id: ../Extra"),
        "data/branches/extra.yaml:1:5 id",
        "is not a valid id: use lowercase letters a-z, digits and single hyphens",
    ),
    (
        "missing logo file",
        "data/branches/extra.yaml",
        GOOD_BRANCH.replace("stoke-on-trent.svg", "missing.svg"),
        "data/branches/extra.yaml:6:9 brand.logo",
        "logo file 'assets/logos/missing.svg' not found",
    ),
    (
        "logo outside the project",
        "data/branches/extra.yaml",
        GOOD_BRANCH.replace("assets/logos/stoke-on-trent.svg", "../../etc/passwd.svg"),
        "data/branches/extra.yaml:6:9 brand.logo",
        "the logo must be a file inside the project folder",
    ),
    (
        "malformed YAML",
        "data/branches/extra.yaml",
        GOOD_BRANCH.replace("name: Extra", "name: [Extra"),
        "data/branches/extra.yaml:3:7",
        "malformed YAML",
    ),
    (
        "invalid phone number",
        "data/branches/extra.yaml",
        GOOD_BRANCH.replace("01782 922300", "01782 92230"),
        "data/branches/extra.yaml:4:8 phone",
        "is not a valid UK phone number",
    ),
    (
        "invalid colour",
        "data/branches/extra.yaml",
        GOOD_BRANCH.replace('"#1d4f6e"', "navy"),
        "data/branches/extra.yaml:8:12 brand.primary",
        "is not a colour: write it as #RRGGBB",
    ),
    (
        "http booking address",
        "data/branches/extra.yaml",
        GOOD_BRANCH + "booking_url: http://example.co.uk/book\n",
        "data/branches/extra.yaml:11:14 booking_url",
        "write a full https:// address",
    ),
    (
        "duplicate key",
        "data/branches/extra.yaml",
        GOOD_BRANCH + "name: Again\n",
        "data/branches/extra.yaml:11:1 name",
        "duplicate key 'name'",
    ),
    (
        "empty file",
        "data/branches/extra.yaml",
        "# nothing here\n",
        "data/branches/extra.yaml:1:1",
        "the file is empty",
    ),
]


@pytest.mark.parametrize("name, file, content, where, message", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_reported_precisely(project: Path, tmp_path: Path, name, file, content, where, message):
    (project / file).write_text(content)
    out = tmp_path / "out"
    result = run("--root", project, "build", "--out", out)
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if message in line]
    assert lines, f"expected {message!r} in:\n{result.stderr}"
    assert lines[0].startswith(f"error: {where}") or where in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert not out.exists() or not list(out.rglob("*.pdf"))


def test_unknown_key_in_a_nested_block_suggests_the_right_one(project: Path):
    path = project / "data/leaflets/milia.yaml"
    text = path.read_text()
    assert "      - callout:\n          title:" in text
    path.write_text(text.replace("      - callout:\n          title:", "      - callout:\n          titel:", 1))
    result = run("--root", project, "check")
    assert result.exit_code == 2
    assert "unknown key 'titel'; did you mean 'title'?" in result.stderr
    assert "data/leaflets/milia.yaml:" in result.stderr


def test_all_problems_are_reported_together(project: Path):
    (project / "data/branches/extra.yaml").write_text(
        GOOD_BRANCH.replace("phone:", "phnoe:").replace("[hydrafacial]", "[nope]")
    )
    (project / "data/branches/other.yaml").write_text(GOOD_BRANCH.replace("id: extra", "id: Other"))
    result = run("--root", project, "check")
    assert result.exit_code == 2
    assert "unknown key 'phnoe'" in result.stderr
    assert "data/branches/other.yaml:1:5 id" in result.stderr
    assert "problems found" in result.stderr


def test_debug_shows_the_traceback(project: Path):
    (project / "data/branches/extra.yaml").write_text(GOOD_BRANCH.replace("phone:", "phnoe:"))
    result = run("--root", project, "--debug", "check")
    assert result.exit_code != 0
    assert result.exception is not None and type(result.exception).__name__ == "DataProblems"
