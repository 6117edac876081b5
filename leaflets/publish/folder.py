"""The output folder: locked for one build at a time, written atomically, never left.

What every build needs, a no-op rebuild included; the manifest (``files``), which needs the
data model's library (pydantic), is not here: a rebuild answered from the build stamp reads
only the few facts of the manifest it checks (``listed``).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from filelock import FileLock, Timeout

from leaflets.errors import UserError

MANIFEST = "manifest.json"
LOCK = ".leaflets.lock"
FAILED = ".failed"  # old outputs of variants that failed, moved aside
STALE = ".stale"  # outputs not built in this run whose inputs have changed since (another profile's files)
LOCK_WAIT_SECONDS = 600


def target_path(out_dir: Path, relative: str) -> Path:
    """The file ``relative`` names, refusing anything that would leave ``out_dir``."""
    root = out_dir.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or target == root:
        raise UserError(f"refusing to write {relative!r}: it is outside the output folder {root}")
    return target


def replace_file(target: Path, data: bytes, sync: bool = True, mode: int = 0o644) -> None:
    """Write ``data`` to a temporary file beside ``target`` (``mode``), then rename it over
    ``target``: never half-written, nothing left behind. Errors are raised as they are."""
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            if sync:
                os.fsync(stream.fileno())
        os.chmod(temp, mode)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_atomic(target: Path, data: bytes, sync: bool = True) -> None:
    """Write to a temporary file beside ``target``, then rename: never half-written.

    ``sync`` forces the bytes to disk first (outputs); the manifest's updates
    during a build skip it, as a crash of the process cannot tear a rename.
    """
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, data, sync)
    except OSError as error:
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise UserError(f"no space left on {_device(target.parent)} while writing {target}; "
                            "free some space and build again (earlier outputs are unchanged)", exit_code=1) from None
        raise


def _device(folder: Path) -> str:
    """The mount point holding ``folder``, to name the full disk."""
    folder = folder.resolve()
    device = folder.stat().st_dev
    while folder.parent != folder and folder.parent.stat().st_dev == device:
        folder = folder.parent
    return str(folder)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Listed(NamedTuple):
    """What the manifest says of one file: enough to tell that it is still whole."""

    sha256: str
    bytes: int


def listed(out_dir: Path) -> dict[str, Listed]:
    """Each file the manifest lists, with its checksum and size: what a no-op rebuild checks,
    read without the manifest's model (``files.Output``). Unreadable or malformed: empty."""
    try:
        entries = json.loads((out_dir / MANIFEST).read_bytes())["outputs"]
        found = {e["path"]: Listed(e["sha256"], e["bytes"]) for e in entries}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if all(isinstance(p, str) and isinstance(e.sha256, str) and type(e.bytes) is int for p, e in found.items()):
        return found
    return {}


def intact(out_dir: Path, path: str, size: int, digest: str) -> bool:
    """Whether the file at ``path`` is there, whole: ``size`` bytes with checksum ``digest``."""
    try:
        target = out_dir / path
        return target.stat().st_size == size and sha256(target.read_bytes()) == digest
    except OSError:
        return False


def _refuse_symlink(path: Path) -> None:
    if path.is_symlink():
        raise UserError(f"{path} is a symbolic link; the output folder's own files must be plain files: remove it")


@contextmanager
def output_folder(out_dir: Path, say: Callable[[str], None]) -> Iterator[Path]:
    """Create and lock the output folder for one build; another build waits its turn.

    While locked, temporary files and staging folders left by a build that
    was killed are removed. The lock is an ``flock`` on a file descriptor no
    worker inherits, so it ends with the process that holds it.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(
            f"cannot create the output folder {out_dir}: {error.strerror}; choose another with --out"
        ) from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise UserError(f"cannot write to the output folder {out_dir} (permission denied); choose another with --out")
    for name in (LOCK, MANIFEST):
        _refuse_symlink(out_dir / name)
    lock = FileLock(out_dir / LOCK)
    try:
        try:
            lock.acquire(timeout=0)
        except Timeout:
            say(f"another build is writing to {out_dir}; waiting for it to finish")
            lock.acquire(timeout=LOCK_WAIT_SECONDS)
    except Timeout:
        raise UserError(
            f"another build has been writing to {out_dir} for {LOCK_WAIT_SECONDS // 60} minutes; "
            "try again when it has finished", exit_code=1,
        ) from None
    except OSError as error:
        raise UserError(f"cannot lock the output folder {out_dir}: {error.strerror}") from None
    try:
        for leftover in out_dir.rglob(".*.tmp"):
            leftover.unlink(missing_ok=True)
        for staging in out_dir.glob(".release-*"):
            shutil.rmtree(staging, ignore_errors=True)
        yield out_dir
    finally:
        lock.release()
