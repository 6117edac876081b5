"""Reading the data fast (issues 15 and 24): libyaml's parser gives exactly what PyYAML's own gives
(values, positions, values as written, repaired curly quotes, problems), and anything it does
not read plainly is read again by PyYAML so that errors are described as before."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from leaflets.project import yamlsource
from leaflets.project.yamlsource import read_yaml

from tests.helpers.project import REPO

# Files of the default project and every bad-input case's data.
FILES = sorted({*REPO.glob("data/**/*.yaml"), *(REPO / "tests/bad_inputs").rglob("*.yaml")})

HOSTILE = {
    "merge-keys": "base: &b\n  a: 1\nother:\n  <<: *b\n  c: 2\n",
    "tags": "a: !!python/object:os.system echo\nb: !!binary aGk=\n",
    "curly": "clinic: \u201cSkin Clinic\u201d\nquoted: \"\u201cSkin\u201d\"\n",
    "non-ascii-columns": "- \u00e9: \u201cx\u201d\n  \u00fc: \u00f1\n",
    "dates-and-numbers": "on: 2026-02-30\nv: 1.10\nn: 0o17\nflag: yes\n",
    "duplicate-key": "a: 1\na: 2\n",
    "bad-key": "[1, 2]: x\n",
    "aliases": "a: &x [1, 2]\nb: *x\nc: *x\n",
    "syntax-error": "a: b: c\n",
    "tab": "a:\n\t- b\n",
    "control-character": "a: b\x07c\n",
    "empty": "",
}


def _seen(result):
    source, problems = result
    if source is None:
        return None, problems
    return (source.data, source.values, source.keys, source.raw, source.repaired), problems


def _both(path: Path, monkeypatch) -> tuple[object, object]:
    fast = _seen(read_yaml(path, path.name))
    with monkeypatch.context() as patch:
        patch.setattr(yamlsource, "read_with_libyaml", lambda text, display: None)
        plain = _seen(read_yaml(path, path.name))
    return fast, plain


def test_libyaml_is_there_and_used():
    """CI has libyaml (PyYAML's wheels bundle it); the project's files take the fast path."""
    assert yaml.__with_libyaml__
    # libyaml 0.2.5 and later refuse nesting past 1,000 levels, so a 1 MB "[[[[..." cannot exhaust the stack
    assert yaml._yaml.get_version() >= (0, 2, 5)
    paths = sorted(REPO.glob("data/**/*.yaml"))
    assert len(paths) >= 10, paths
    for path in paths:
        assert yamlsource.read_with_libyaml(path.read_text("utf-8-sig"), path.name) is not None, path


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_data_file_reads_the_same_with_either_parser(path: Path, monkeypatch):
    fast, plain = _both(path, monkeypatch)
    assert fast == plain


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_yaml_reads_the_same_with_either_parser(name: str, tmp_path: Path, monkeypatch):
    path = tmp_path / f"{name}.yaml"
    path.write_text(HOSTILE[name], "utf-8")
    fast, plain = _both(path, monkeypatch)
    assert fast == plain


def test_errors_are_described_by_pyyaml(tmp_path: Path):
    """A file libyaml refuses is read again by PyYAML: the message is the plain-words one."""
    path = tmp_path / "tab.yaml"
    path.write_text("a:\n\t- b\n", "utf-8")
    assert yamlsource.read_with_libyaml(path.read_text("utf-8"), "tab.yaml") is None
    source, problems = read_yaml(path, "tab.yaml")
    assert source is None and "use spaces, not tabs" in problems[0].message
