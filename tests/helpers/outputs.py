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
    outputs = manifest(out)["outputs"]
    assert outputs, f"{out}/manifest.json lists no outputs"
    for output in outputs:
        data = (out / output["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == output["sha256"], output["path"]
    assert not list(out.rglob("*.tmp")), "temporary files left behind"
