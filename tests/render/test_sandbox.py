"""No escape from the project: every route to an outside file or the network fails the build,
and no output holds a byte of the target file."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from tests.helpers.project import run

pytestmark = pytest.mark.pdf

LOGO = "assets/logos/stoke-on-trent.svg"


@pytest.fixture
def secret(tmp_path: Path) -> tuple[Path, bytes]:
    """A file outside the project that no output may ever contain."""
    token = f"SECRET-{uuid.uuid4().hex}".encode()
    folder = tmp_path / "outside"
    folder.mkdir()
    path = folder / "secret.svg"
    path.write_bytes(
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>' + token + b"</text></svg>"
    )
    return path, token


def use_logo(project: Path, logo: str) -> None:
    path = project / "data/branches/stoke-on-trent.yaml"
    path.write_text(path.read_text().replace(LOGO, logo))


def append(project: Path, relative: str, text: str) -> None:
    path = project / relative
    path.write_text(path.read_text() + text)


def build(project: Path, out: Path):
    return run("--root", project, "build", "milia", "--branch", "stoke-on-trent", "--format", "a4", "--jobs", "1",
               "--out", out)


def assert_refused(result, out: Path, token: bytes, *fragments: str) -> None:
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.output, result.output
    for path in out.rglob("*") if out.exists() else []:
        if path.is_file():
            assert token not in path.read_bytes(), f"{path} holds the secret"


def evil_svg(href: str) -> str:
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'width="100" height="40"><image xlink:href="{href}" width="100" height="40"/></svg>'
    )


def test_logo_by_absolute_path(project, tmp_path, secret):
    use_logo(project, str(secret[0]))
    assert_refused(build(project, tmp_path / "out"), tmp_path / "out", secret[1], "not a URL or an absolute path")


def test_logo_by_parent_folders(project, tmp_path, secret):
    relative = os.path.relpath(secret[0], project)
    use_logo(project, relative)
    assert_refused(build(project, tmp_path / "out"), tmp_path / "out", secret[1],
                   "must be a file inside the project folder")


def test_logo_by_file_url(project, tmp_path, secret):
    use_logo(project, secret[0].as_uri())
    assert_refused(build(project, tmp_path / "out"), tmp_path / "out", secret[1], "not a URL")


def test_logo_symlink_pointing_out(project, tmp_path, secret):
    (project / "assets/logos/link.svg").symlink_to(secret[0])
    use_logo(project, "assets/logos/link.svg")
    assert_refused(build(project, tmp_path / "out"), tmp_path / "out", secret[1],
                   "must be a file inside the project folder")


@pytest.mark.parametrize("href", ["FILE", "http://example.com/x.png", "https://example.com/x.png", "ftp://example.com/x.png"])
def test_svg_logo_with_an_external_reference(project, tmp_path, secret, href):
    target = secret[0].as_uri() if href == "FILE" else href
    (project / "assets/logos/evil.svg").write_text(evil_svg(target))
    use_logo(project, "assets/logos/evil.svg")
    expected = "only files inside the project" if href == "FILE" else "never use the network"
    assert_refused(build(project, tmp_path / "out"), tmp_path / "out", secret[1], expected)


def test_attachment_link_in_a_template(project, tmp_path, secret):
    append(project, "templates/partials/footer.html", f'<a rel="attachment" href="{secret[0].as_uri()}">x</a>\n')
    assert_refused(build(project, tmp_path / "out"), tmp_path / "out", secret[1], "only files inside the project")


def test_css_import_of_an_outside_file(project, tmp_path, secret):
    css = project / "styles/base.css"
    css.write_text(f'@import url("{secret[0].as_uri()}");\n' + css.read_text())
    assert_refused(build(project, tmp_path / "out"), tmp_path / "out", secret[1], "only files inside the project")


@pytest.mark.parametrize("url", ["FILE", "https://example.com/bg.png", "http://127.0.0.1:9/x.png"])
def test_css_url_to_outside_or_network(project, tmp_path, secret, url):
    target = secret[0].as_uri() if url == "FILE" else url
    append(project, "styles/base.css", f'\n.summary {{ background-image: url("{target}"); }}\n')
    expected = "only files inside the project" if url == "FILE" else "never use the network"
    assert_refused(build(project, tmp_path / "out"), tmp_path / "out", secret[1], expected)


def test_font_from_outside(project, tmp_path, secret):
    append(project, "styles/base.css",
           f'\n@font-face {{ font-family: X; src: url("{secret[0].as_uri()}"); }}\nh1 {{ font-family: X; }}\n')
    assert_refused(build(project, tmp_path / "out"), tmp_path / "out", secret[1], "only files inside the project")


def test_stylesheet_symlinked_out_of_the_project(project, tmp_path, secret):
    outside_css = secret[0].parent / "evil.css"
    outside_css.write_text("h1 { color: red; }")
    (project / "styles/a4.css").unlink()
    (project / "styles/a4.css").symlink_to(outside_css)
    assert_refused(build(project, tmp_path / "out"), tmp_path / "out", secret[1], "only files inside the project")


def test_a_good_build_reads_only_the_project(project, tmp_path):
    result = build(project, tmp_path / "out")
    assert result.exit_code == 0, result.output
