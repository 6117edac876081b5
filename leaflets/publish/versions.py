"""What shapes a build's bytes besides its inputs: the versions of the libraries that render,
the font subsetter, and the tool's own code; and the hash of one file, cached.

The manifest (``files``), the release (``release``) and the change detection (``changes``) all
record them.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from stat import S_ISREG

from leaflets import __version__
from leaflets.project.files import MAX_FILE_BYTES
from leaflets.render.subsetter import font_subsetter

LIBRARIES = ("weasyprint", "pydyf", "fonttools", "pypdf", "segno", "jinja2", "pydantic", "pebble",
             "pypdfium2", "pillow")  # the last two draw the catalogue's thumbnails


@cache
def _file_hash(path: Path, _mtime_ns: int, _size: int) -> str:
    with path.open("rb") as stream:  # in chunks: a large file never sits in memory
        return hashlib.file_digest(stream, "sha256").hexdigest()


def file_hash(path: Path) -> str:
    """sha256 of a file, cached while its size and modification time are unchanged.

    A file too large for any render to read (the fetcher refuses it) cannot change an
    output, so only its size and time are hashed; a FIFO or device is never opened."""
    stat = path.stat()
    if not S_ISREG(stat.st_mode) or stat.st_size > MAX_FILE_BYTES:
        return f"unread:{stat.st_mode:o}:{stat.st_size}:{stat.st_mtime_ns}"
    return _file_hash(path, stat.st_mtime_ns, stat.st_size)


@cache
def tool_versions() -> dict[str, str]:
    """Versions that shape the output bytes, plus a hash of the tool's own code."""
    # WeasyPrint subsets fonts with HarfBuzz when the system has it, else with fontTools: other bytes.
    versions = {"leaflets": __version__, "font-subsetter": font_subsetter()}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:  # pragma: no cover - all are dependencies
            versions[name] = "missing"
    code = Path(__file__).parent.parent
    versions["leaflets-code"] = hashlib.sha256(
        b"".join(file_hash(p).encode() for p in sorted(code.rglob("*.py")))
    ).hexdigest()
    return versions
