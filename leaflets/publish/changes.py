"""Change detection for the whole build: the build stamp.

The stamp records, per set of build options, a hash of every input file of
the project (and every other file the renders read); when it still matches
and every output in the manifest is intact, a rebuild is a no-op that need
not even parse the data. A no-op reads only this module, ``folder`` and
``versions``: no data model, no pydantic. Change detection per variant (its
fingerprint) is in ``fingerprints``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from leaflets.gate.findings import LEVELS, Finding
from leaflets.publish.folder import intact, listed, write_atomic
from leaflets.publish.versions import file_hash, tool_versions
from leaflets.render.fonts import font_files

STAMP = ".leaflets-stamp.json"
INPUT_FOLDERS = ("data", "templates", "styles", "assets", "locale", "records")


def inputs_key(root: Path, options: dict[str, Any]) -> tuple[str, str]:
    """(key of the build options, hash of every input file and tool version)."""
    files = {}
    for folder in INPUT_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                files[str(path.relative_to(root))] = file_hash(path)
    fonts = [file_hash(path) for _, _, path in font_files()]
    options_key = hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()
    inputs = hashlib.sha256(json.dumps([files, fonts, tool_versions()], sort_keys=True).encode()).hexdigest()
    return options_key, inputs


@dataclass(frozen=True)
class StampEntry:
    """What the stamp keeps of the last good build with one set of options (the key it is filed under)."""

    inputs: str  # the hash of every input file and tool version (``inputs_key``)
    variants: int
    paths: list[str]  # every file that build wrote (never empty)
    reads: dict[str, str]  # every project file its renders read -> its sha256
    drafts: list[str]  # the leaflets that build marked as drafts: a no-op says so again
    warnings: list[str]  # what else it warned about (a logo too coarse for print): said again
    blockers: list[dict[str, str | None]]  # what a release would refuse (each a Finding's fields): said again

    @classmethod
    def parse(cls, raw: object) -> StampEntry | None:
        """The entry as ``record_stamp`` wrote it, else None (damaged, or another version's). A
        small typed reader rather than a pydantic model: a no-op rebuild reads it, and importing
        pydantic would cost it 0.08 to 0.1 s CPU (docs/benchmarks.md)."""
        if not isinstance(raw, dict) or set(raw) != {f.name for f in fields(cls)}:
            return None
        entry = cls(**raw)
        if (isinstance(entry.inputs, str) and type(entry.variants) is int and isinstance(entry.paths, list)
                and entry.paths and all(isinstance(p, str) for p in entry.paths) and isinstance(entry.reads, dict)
                and all(isinstance(k, str) and isinstance(v, str) for k, v in entry.reads.items())
                and isinstance(entry.drafts, list) and all(isinstance(d, str) for d in entry.drafts)
                and isinstance(entry.warnings, list) and all(isinstance(w, str) for w in entry.warnings)
                and isinstance(entry.blockers, list) and all(_is_finding(b) for b in entry.blockers)):
            return entry
        return None

    def findings(self) -> list[Finding]:
        """The release's blockers as that build's gate found them."""
        return [Finding(**raw) for raw in self.blockers]  # type: ignore[arg-type]  # checked by _is_finding


FINDING_FIELDS = {f.name for f in fields(Finding)}


def _is_finding(raw: object) -> bool:
    return (isinstance(raw, dict) and set(raw) == FINDING_FIELDS and raw["level"] in LEVELS
            and all(isinstance(v, str) for k, v in raw.items() if k in ("file", "subject", "message"))
            and all(v is None or isinstance(v, str) for v in raw.values()))


def _read(out_dir: Path) -> dict[str, object]:
    """The stamp file: one entry per set of build options, by its key; unreadable: empty."""
    try:
        data = json.loads((out_dir / STAMP).read_bytes())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def unchanged(out_dir: Path, key: tuple[str, str], root: Path) -> StampEntry | None:
    """The last good build with these options, if it had the same inputs (the project's input
    folders and every other file its renders read) and every file it wrote is still listed in the
    manifest and intact; else None."""
    entry = StampEntry.parse(_read(out_dir).get(key[0]))
    if entry is None or entry.inputs != key[1] or not reads_unchanged(root, entry.reads):
        return None
    files = listed(out_dir)
    if any(p not in files for p in entry.paths):
        return None
    if not all(intact(out_dir, p, files[p].bytes, files[p].sha256) for p in entry.paths):
        return None
    return entry


def reads_unchanged(root: Path, reads: dict[str, str]) -> bool:
    """Whether every file a render read (relative to ``root``) still has the recorded sha256."""
    for relative, digest in reads.items():
        path = root / relative
        try:
            if not path.is_file() or file_hash(path) != digest:
                return False
        except OSError:
            return False
    return True


def record_stamp(out_dir: Path, key: tuple[str, str], variants: int, paths: list[str], reads: list[str],
                 root: Path, drafts: list[str], warnings: list[str], blockers: list[Finding]) -> None:
    """Remember that a build with these options and inputs completed without failures, which
    project files its renders read (a logo outside assets/, a stylesheet reached by @import), and
    what it had to say (its warnings, its drafts, what a release would refuse), which a no-op says again."""
    data = _read(out_dir)
    data[key[0]] = asdict(StampEntry(key[1], variants, sorted(paths),
                                     {read: file_hash(root / read) for read in reads if (root / read).is_file()},
                                     sorted(drafts), list(warnings), [asdict(finding) for finding in blockers]))
    write_atomic(out_dir / STAMP, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())
