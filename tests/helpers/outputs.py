"""Reading an output folder: its manifest, checksums, and that every listed file is whole."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


def digests(out: Path) -> dict[str, str]:
    return {o["path"]: o["sha256"] for o in manifest(out)["outputs"]}


def assert_all_listed_outputs_intact(out: Path) -> None:
    """Every file the manifest lists is there with its checksum, and no temporary file is left. The
    manifest may list none (a build whose only variant failed): callers that expect outputs say how many."""
    for output in manifest(out)["outputs"]:
        data = (out / output["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == output["sha256"], output["path"]
    assert not list(out.rglob("*.tmp")), "temporary files left behind"
