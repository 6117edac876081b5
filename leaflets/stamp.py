"""Cheap answers to "has anything changed?", without loading the data model.

``file_hash`` and ``tool_versions`` feed the per-variant fingerprints. The
build stamp records, per set of build options, a hash of every input file of
the project; when it still matches and every output in the manifest is
intact, a rebuild is a no-op that need not even parse the data.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from . import __version__
from .output import is_intact, read_manifest, write_atomic

STAMP = ".leaflets-stamp.json"
INPUT_FOLDERS = ("data", "templates", "styles", "assets")
LIBRARIES = ("weasyprint", "pypdf", "segno", "jinja2", "pydantic")


@cache
def _file_hash(path: Path, _mtime_ns: int, _size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_hash(path: Path) -> str:
    """sha256 of a file, cached while its size and modification time are unchanged."""
    stat = path.stat()
    return _file_hash(path, stat.st_mtime_ns, stat.st_size)


@cache
def tool_versions() -> dict[str, str]:
    """Versions that shape the output bytes, plus a hash of the tool's own code."""
    versions = {"leaflets": __version__}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            versions[name] = "missing"
    code = Path(__file__).parent
    versions["leaflets-code"] = hashlib.sha256(
        b"".join(file_hash(p).encode() for p in sorted(code.glob("*.py")))
    ).hexdigest()
    return versions


def inputs_key(root: Path, options: dict) -> tuple[str, str]:
    """(key of the build options, hash of every input file and tool version)."""
    from .fonts import font_files

    files = {}
    for folder in INPUT_FOLDERS:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                files[str(path.relative_to(root))] = file_hash(path)
    fonts = [file_hash(path) for _, _, path in font_files()]
    options_key = hashlib.sha256(json.dumps(options, sort_keys=True).encode()).hexdigest()
    inputs = hashlib.sha256(json.dumps([files, fonts, tool_versions()], sort_keys=True).encode()).hexdigest()
    return options_key, inputs


def _read(out_dir: Path) -> dict:
    try:
        data = json.loads((out_dir / STAMP).read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def unchanged_count(out_dir: Path, key: tuple[str, str]) -> int | None:
    """The number of variants, if the last good build with these options had the same inputs
    and every file it wrote is still listed in the manifest and intact; else None."""
    entry = _read(out_dir).get(key[0])
    if not isinstance(entry, dict) or entry.get("inputs") != key[1]:
        return None
    listed = {output.path: output for output in read_manifest(out_dir)}
    paths = entry.get("paths")
    if not isinstance(paths, list) or not paths or any(p not in listed for p in paths):
        return None
    if not all(is_intact(out_dir, listed[p]) for p in paths):
        return None
    return entry.get("variants")


def record_stamp(out_dir: Path, key: tuple[str, str], variants: int, paths: list[str]) -> None:
    """Remember that a build with these options and inputs completed without failures."""
    data = _read(out_dir)
    data[key[0]] = {"inputs": key[1], "variants": variants, "paths": sorted(paths)}
    write_atomic(out_dir / STAMP, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())
