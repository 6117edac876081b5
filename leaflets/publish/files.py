"""The manifest: every output a build wrote, kept true on disk at every moment.

Its entries (``Output``) and the file itself (``ManifestFile``) are pydantic models, read
strictly. The output folder's lock and atomic writes are in ``folder`` (imported here too, for
the modules that write outputs): a no-op rebuild needs only those, never pydantic.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from leaflets.errors import UserError
from leaflets.formats import OutputKind, ProfileId
from leaflets.project.plan import Variant
from leaflets.publish.folder import FAILED as FAILED
from leaflets.publish.folder import MANIFEST as MANIFEST
from leaflets.publish.folder import STALE as STALE
from leaflets.publish.folder import intact
from leaflets.publish.folder import output_folder as output_folder
from leaflets.publish.folder import replace_file as replace_file
from leaflets.publish.folder import sha256 as sha256
from leaflets.publish.folder import target_path as target_path
from leaflets.publish.folder import write_atomic as write_atomic
from leaflets.publish.versions import tool_versions


class Output(BaseModel):
    """One manifest entry: a file that was written (a PDF, its thumbnail, a web page), and what it is.

    Its fields, in this order, are the keys of each entry of manifest.json and release.json. Read
    strictly: an unknown or missing key, or a value of another JSON type, is not an entry."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    leaflet: str
    branch: str
    format: str
    lang: str
    profile: ProfileId
    companion_of: str | None  # for an imposed print file: the reading-order file it was made from
    path: str  # relative to the output folder, with forward slashes
    sha256: str
    pages: int
    bytes: int
    fingerprint: str  # of the inputs it was built from: unchanged inputs are not rebuilt
    content_version: str  # the leaflet's reference and version, e.g. "MIL-01 v1.0"
    reads: dict[str, str] = Field(default_factory=dict)  # project file the render read -> its sha256
    kind: OutputKind = "pdf"
    sections: dict[str, int] = Field(default_factory=dict)  # lines per section: what grew, when it stops fitting

    @property
    def variant(self) -> Variant:
        """The variant this file was built for; a proof's crop marks are in its path (``-proof``)."""
        return Variant(self.branch, self.leaflet, self.format, self.lang, self.profile, marks="-proof" in self.path)


class ManifestFile(BaseModel):
    """manifest.json (and a release's release.json): the tool versions, then every output by path."""

    model_config = ConfigDict(strict=True)

    tool: dict[str, str] = Field(default_factory=dict)
    outputs: list[Output]


def is_intact(out_dir: Path, output: Output) -> bool:
    """Whether the file a manifest entry lists is there, whole, with its checksum."""
    return intact(out_dir, output.path, output.bytes, output.sha256)


def read_manifest(out_dir: Path) -> list[Output]:
    """The outputs an earlier build recorded; an unreadable manifest counts as empty."""
    try:
        return ManifestFile.model_validate_json((out_dir / MANIFEST).read_bytes()).outputs
    except (OSError, ValidationError):
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
        return ManifestFile.model_validate_json(text).outputs
    except ValidationError as error:
        raise UserError(f"{path}: not a manifest leaflets wrote ({_first_problem(error)}); "
                        "build that shard again") from None


def _first_problem(error: ValidationError) -> str:
    """Where the first problem of a manifest is, and what it is: "outputs.3.pagez: Extra inputs are not permitted"."""
    first = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def write_manifest(out_dir: Path, outputs: list[Output], sync: bool = True) -> Path:
    """Record ``outputs`` (sorted by path) as out/manifest.json, with the tool versions."""
    ordered = sorted(outputs, key=lambda o: o.path)
    versions = {k: v for k, v in tool_versions().items() if k != "leaflets-code"}
    text = json.dumps({"tool": versions, "outputs": [o.model_dump() for o in ordered]}, indent=2) + "\n"
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

    @property
    def outputs(self) -> list[Output]:
        """The entries in the order the file lists them (by path)."""
        return sorted(self.entries.values(), key=lambda o: o.path)

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


