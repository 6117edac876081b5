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
