"""The change detector notices every file a render read, not just the usual folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.helpers.project import run

pytestmark = pytest.mark.pdf


def summary(result) -> str:
    return next(line for line in result.stderr.splitlines() if " variants: " in line)


def build(project: Path, out: Path):
    result = run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--out", out)
    assert result.exit_code == 0, result.output
    return result


def test_a_logo_kept_outside_assets_is_watched(project: Path, tmp_path: Path):
    (project / "brand").mkdir()
    shutil.copy(project / "assets/logos/stoke-on-trent.svg", project / "brand/logo.svg")
    branch = project / "data/branches/stoke-on-trent.yaml"
    branch.write_text(branch.read_text().replace("assets/logos/stoke-on-trent.svg", "brand/logo.svg"))
    out = tmp_path / "out"
    build(project, out)
    assert "0 built" in summary(build(project, out))  # nothing changed: a no-op
    logo = project / "brand/logo.svg"
    logo.write_text(logo.read_text().replace("</svg>", '<rect width="1" height="1"/></svg>'))
    assert "1 built" in summary(build(project, out))


def test_a_stylesheet_reached_by_import_is_watched(project: Path, tmp_path: Path):
    (project / "styles/extra").mkdir()
    extra = project / "styles/extra/more.css"
    extra.write_text("h2 { letter-spacing: 0; }\n")
    base = project / "styles/base.css"
    base.write_text('@import "extra/more.css";\n' + base.read_text())
    out = tmp_path / "out"
    build(project, out)
    assert "0 built" in summary(build(project, out))
    extra.write_text("h2 { letter-spacing: 0.5pt; }\n")
    changed = build(project, out)
    assert "1 built" in summary(changed), changed.stderr


def test_a_build_with_nothing_to_do_says_again_what_the_last_one_said(tmp_path: Path):
    """A no-op (answered from the build stamp, the data not even loaded) repeats the warnings and the
    draft note of the build it stands for, word for word; a stamp written before it kept them is
    not trusted (the build runs, and writes one that does)."""
    import json

    from tests.helpers.project import REPO

    out = tmp_path / "out"
    args = ("--root", REPO, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--lang", "ur",
            "--out", out)
    first, second = run(*args), run(*args)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    said = [line for line in first.stderr.splitlines() if line.startswith(("warning", "note:"))]
    assert any(line.startswith("warning (a release would refuse it): ") for line in said), first.stderr
    assert "note: draft, not for patient use (marked on every page): milia" in said
    assert "(no input changed)" in summary(second)
    assert [line for line in second.stderr.splitlines() if " variants: " not in line] == said  # and no "wrote"

    stamp = out / ".leaflets-stamp.json"
    assert all(set(entry) >= {"drafts", "warnings", "blockers"} for entry in json.loads(stamp.read_text()).values())
    older = {key: {k: v for k, v in entry.items() if k not in ("drafts", "warnings", "blockers")}
             for key, entry in json.loads(stamp.read_text()).items()}
    stamp.write_text(json.dumps(older))
    third = run(*args)
    assert third.exit_code == 0 and "(no input changed)" not in summary(third), third.stderr
    assert all("drafts" in entry and "blockers" in entry for entry in json.loads(stamp.read_text()).values())
    assert "(no input changed)" in summary(run(*args))
