"""Writing outputs: atomically, inside the output folder, with a manifest."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from leaflets.errors import UserError
from leaflets.formats import OutputKind
from leaflets.publish.versions import tool_versions

MANIFEST = "manifest.json"
LOCK = ".leaflets.lock"
FAILED = ".failed"  # old outputs of variants that failed, moved aside
STALE = ".stale"  # outputs not built in this run whose inputs have changed since (another profile's files)
LOCK_WAIT_SECONDS = 600


@dataclass(frozen=True)
class Output:
    """One manifest entry: a file that was written (a PDF, its thumbnail, a web page), and what it is."""

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
    reads: dict[str, str] = field(default_factory=dict)  # project file the render read -> its sha256
    kind: OutputKind = "pdf"
    sections: dict[str, int] = field(default_factory=dict)  # lines per section: what grew, when it stops fitting


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


def read_shard_manifest(folder: Path) -> list[Output]:
    """The outputs a shard's build folder lists, read strictly: a missing, unreadable, truncated
    or malformed manifest (an unknown or missing key, a wrong type) is a UserError naming the file,
    never an empty shard (its files would be silently left out of a merge and a release)."""
    path = folder / MANIFEST
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise UserError(f"{path}: not found; is {folder} the output folder of a build?") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UserError(f"{path}: cannot be read ({getattr(error, 'strerror', None) or error}); "
                        "build that shard again") from None
    try:
        entries = json.loads(text)["outputs"]
        if not isinstance(entries, list):
            raise TypeError("'outputs' is not a list")
        outputs = [Output(**entry) for entry in entries]
    except (ValueError, KeyError, TypeError) as error:
        detail = error.args[0] if isinstance(error, KeyError) and error.args else error
        raise UserError(f"{path}: not a manifest leaflets wrote ({detail}); build that shard again") from None
    for output in outputs:
        if not all(isinstance(getattr(output, name), str) for name in ("path", "sha256", "leaflet", "branch",
                                                                       "format", "lang", "profile")):
            raise UserError(f"{path}: not a manifest leaflets wrote (an entry's fields are not text); "
                            "build that shard again")
    return outputs


def write_manifest(out_dir: Path, outputs: list[Output], sync: bool = True) -> Path:
    """Record ``outputs`` (sorted by path) as out/manifest.json, with the tool versions."""
    ordered = sorted(outputs, key=lambda o: o.path)
    versions = {k: v for k, v in tool_versions().items() if k != "leaflets-code"}
    text = json.dumps({"tool": versions, "outputs": [asdict(o) for o in ordered]}, indent=2) + "\n"
    target = out_dir / MANIFEST
    write_atomic(target, text.encode("utf-8"), sync=sync)
    return target


class Manifest:
    """The manifest, kept true on disk at every moment, ``kill -9`` included.

    An entry is taken out (and the manifest saved) before its file is
    replaced, and put back after the new file has landed: whenever the
    process stops, every entry on disk names a whole file with its checksum.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.entries = {o.path: o for o in read_manifest(out_dir)}

    def land(self, files: list[tuple[Output, bytes]]) -> None:
        """Write each file atomically and list it."""
        dropped = {output.path: self.entries.pop(output.path) for output, _ in files if output.path in self.entries}
        if dropped:
            self.save(sync=False)
        try:
            for output, data in files:
                write_atomic(target_path(self.out_dir, output.path), data)
        except BaseException:  # a full disk, say: the files not replaced keep their entries
            self.entries.update({path: old for path, old in dropped.items() if is_intact(self.out_dir, old)})
            with contextlib.suppress(Exception):
                self.save(sync=False)
            raise
        for output, _ in files:
            self.entries[output.path] = output
        self.save(sync=False)

    def set_aside(self, paths: list[str], folder: str = FAILED) -> list[str]:
        """Move the old files of a variant that failed to out/.failed/ (or out-of-date files to
        ``folder``), unlisted: they must not look current."""
        moved = []
        listed = [p for p in paths if p in self.entries]
        for path in listed:
            del self.entries[path]
        if listed:
            self.save(sync=False)
        for path in paths:
            source = target_path(self.out_dir, path)
            if source.is_file():
                aside = target_path(self.out_dir, f"{folder}/{path}")
                aside.parent.mkdir(parents=True, exist_ok=True)
                os.replace(source, aside)
                moved.append(f"{folder}/{path}")
        return moved

    def keep_only(self, paths: set[str]) -> None:
        """Drop entries whose files are not ``paths`` and are no longer whole."""
        self.entries = {p: o for p, o in self.entries.items() if p in paths or is_intact(self.out_dir, o)}

    def save(self, sync: bool = True) -> None:
        write_manifest(self.out_dir, list(self.entries.values()), sync=sync)


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
    from filelock import FileLock, Timeout

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
