"""What the desk serves: a build folder's files, as its manifest lists them.

Two shelves: the release (``OUT/release/``: a zip per branch and
``release.json``, what the clinic released) and the working build
(``OUT/manifest.json`` and the files beside it, which may hold drafts). Only
files the list names are served, each checked against its checksum as it is
read, so nothing else in the folder (or outside it) can be fetched.
"""

from __future__ import annotations

import json
import threading
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from leaflets.errors import UserError
from leaflets.publish.files import MANIFEST, Output, read_manifest, sha256, target_path
from leaflets.publish.release import RELEASE, RELEASE_MANIFEST

MAX_FILE_BYTES = 64 * 1024 * 1024  # a zip member larger than this is not a leaflet


@dataclass
class Shelf:
    """One set of files: ``release`` (the released zips) or ``build`` (the working build)."""

    kind: str
    folder: Path
    outputs: list[Output]
    _by_path: dict[str, Output] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._by_path = {o.path: o for o in self.outputs}

    @property
    def released(self) -> bool:
        return self.kind == "release"

    def output(self, path: str) -> Output | None:
        return self._by_path.get(path)

    def read(self, path: str) -> bytes | None:
        """The bytes of a listed file, or None (not listed, missing, or changed since it was listed)."""
        output = self._by_path.get(path)
        if output is None:
            return None
        try:
            data = self._from_zip(output) if self.released else target_path(self.folder, output.path).read_bytes()
        except (OSError, UserError, KeyError, zipfile.BadZipFile):
            return None
        return data if data is not None and sha256(data) == output.sha256 else None

    def _from_zip(self, output: Output) -> bytes | None:
        branch = output.path.split("/", 1)[0]
        with self._lock, zipfile.ZipFile(target_path(self.folder, f"{branch}.zip")) as archive:
            info = archive.getinfo(output.path)
            if info.file_size > MAX_FILE_BYTES:
                return None
            return archive.read(info)


def release_shelf(out_dir: Path) -> Shelf | None:
    """The release in ``OUT/release/``, or None when there is none."""
    folder = out_dir / RELEASE
    record = folder / RELEASE_MANIFEST
    if not record.is_file():
        return None
    try:
        data = json.loads(record.read_text("utf-8"))
        outputs = [Output(**entry) for entry in data["outputs"]]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UserError(f"{record}: not a release record the desk can read ({type(error).__name__}); "
                        "release again with leaflets build --release") from None
    return Shelf("release", folder, outputs)


def build_shelf(out_dir: Path) -> Shelf | None:
    """The working build in ``OUT/`` (its manifest.json), or None when nothing was built there."""
    if not (out_dir / MANIFEST).is_file():
        return None
    return Shelf("build", out_dir, read_manifest(out_dir))


def shelves(out_dir: Path) -> dict[str, Shelf]:
    """The release first (what reception should see), then the working build; refuses a folder
    that holds neither."""
    found = {kind: shelf for kind, shelf in (("release", release_shelf(out_dir)), ("build", build_shelf(out_dir)))
             if shelf is not None}
    if not found:
        raise UserError(f"{out_dir}: no leaflets here (no manifest.json and no release/); build them first with "
                        f"leaflets build --out {out_dir}, or give the folder with --out")
    return found
