"""Writing outputs: atomically, inside the output folder, with a manifest."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import UserError

MANIFEST = "manifest.json"
LOCK = ".leaflets.lock"
LOCK_WAIT_SECONDS = 600


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


def is_intact(out_dir: Path, output: Output) -> bool:
    """Whether the file a manifest entry lists is there, whole, with its checksum."""
    path = out_dir / output.path
    try:
        return path.stat().st_size == output.bytes and sha256(path.read_bytes()) == output.sha256
    except OSError:
        return False


def read_manifest(out_dir: Path) -> list[Output]:
    """The outputs an earlier build recorded; an unreadable manifest counts as empty."""
    try:
        entries = json.loads((out_dir / MANIFEST).read_text("utf-8"))["outputs"]
        return [Output(**entry) for entry in entries]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def write_manifest(out_dir: Path, outputs: list[Output]) -> Path:
    """Record ``outputs`` (sorted by path) as out/manifest.json, with the tool versions."""
    from .changes import tool_versions

    ordered = sorted(outputs, key=lambda o: o.path)
    versions = {k: v for k, v in tool_versions().items() if k in ("leaflets", "weasyprint", "font-subsetter")}
    text = json.dumps({"tool": versions, "outputs": [asdict(o) for o in ordered]}, indent=2) + "\n"
    target = out_dir / MANIFEST
    write_atomic(target, text.encode("utf-8"))
    return target


@contextmanager
def output_folder(out_dir: Path, say: Callable[[str], None]) -> Iterator[Path]:
    """Create and lock the output folder for one build; another build waits its turn.

    While locked, temporary files left by a build that was killed are removed.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"cannot create the output folder {out_dir}: {error.strerror}; choose another with --out") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise UserError(f"cannot write to the output folder {out_dir} (permission denied); choose another with --out")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no locking
        yield out_dir
        return
    with open(out_dir / LOCK, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"another build is writing to {out_dir}; waiting for it to finish")
            deadline = time.monotonic() + LOCK_WAIT_SECONDS
            while True:
                time.sleep(0.2)
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise UserError(
                            f"another build has been writing to {out_dir} for {LOCK_WAIT_SECONDS // 60} minutes; "
                            "try again when it has finished", exit_code=1,
                        ) from None
        for leftover in out_dir.rglob(".*.tmp"):
            leftover.unlink(missing_ok=True)
        yield out_dir
