"""The committed JSON Schema matches the models, and every data file points at it."""

from __future__ import annotations

import pytest

from leaflets.project.schema import schema_files

from tests.helpers.project import REPO, run


@pytest.mark.parametrize("name, content", sorted(schema_files().items()))
def test_committed_schema_is_fresh(name, content):
    committed = REPO / "schema" / name
    assert committed.exists(), f"schema/{name} missing: run `leaflets schema`"
    assert committed.read_text() == content, f"schema/{name} is stale: run `leaflets schema` and commit"


def test_every_data_file_names_its_schema():
    files = sorted((REPO / "data").rglob("*.yaml"))
    assert files
    for path in files:
        first = path.read_text().splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{path}: {target} does not exist"


def test_schema_command_writes_the_files(tmp_path):
    result = run("--root", REPO, "schema", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(schema_files())
