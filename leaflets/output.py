"""Writing outputs: atomically, inside the output folder, with a manifest."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from .errors import UserError

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Output:
    """One manifest entry: a PDF that was written, and what it is."""

    leaflet: str
    branch: str
    format: str
    lang: str
    profile: str  # "office" or "print-shop"
    companion_of: str | None  # for an imposed print file: the reading-order file it was made from
    path: str  # relative to the output folder, with forward slashes
    sha256: str
    pages: int
    bytes: int
    fingerprint: str  # of the inputs it was built from: unchanged inputs are not rebuilt
    content_version: str  # the leaflet's reference and version, e.g. "MIL-01 v1.0"


def target_path(out_dir: Path, relative: str) -> Path:
    """The file ``relative`` names, refusing anything that would leave ``out_dir``."""
    root = out_dir.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or target == root:
        raise UserError(f"refusing to write {relative!r}: it is outside the output folder {root}")
    return target


def write_atomic(target: Path, data: bytes) -> None:
    """Write to a temporary file beside ``target``, then rename: never half-written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_manifest(out_dir: Path) -> list[Output]:
    """The outputs an earlier build recorded; an unreadable manifest counts as empty."""
    try:
        entries = json.loads((out_dir / MANIFEST).read_text("utf-8"))["outputs"]
        return [Output(**entry) for entry in entries]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def write_manifest(out_dir: Path, outputs: list[Output]) -> Path:
    """Record ``outputs`` (sorted by path) as out/manifest.json, with the tool versions."""
    from .stamp import tool_versions

    ordered = sorted(outputs, key=lambda o: o.path)
    versions = {k: v for k, v in tool_versions().items() if k in ("leaflets", "weasyprint")}
    text = json.dumps({"tool": versions, "outputs": [asdict(o) for o in ordered]}, indent=2) + "\n"
    target = out_dir / MANIFEST
    write_atomic(target, text.encode("utf-8"))
    return target
