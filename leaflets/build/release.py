"""Release artefacts: a zip per branch and SHA256SUMS, and joining shard manifests.

Zips are reproducible: entries sorted, a fixed timestamp (1980-01-01, the
earliest a zip can hold, or SOURCE_DATE_EPOCH when set), fixed permissions.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import shutil
import zipfile
from pathlib import Path

from ..errors import UserError
from .outputs import Output, is_intact, read_manifest, sha256, target_path, write_atomic, write_manifest

SUMS = "SHA256SUMS"


def release_date() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def _zip(out_dir: Path, outputs: list[Output], when: dt.datetime) -> bytes:
    buffer = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    with zipfile.ZipFile(buffer, "w") as archive:
        for output in sorted(outputs, key=lambda o: o.path):
            info = zipfile.ZipInfo(output.path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, (out_dir / output.path).read_bytes())
    return buffer.getvalue()


def write_release(out_dir: Path) -> list[str]:
    """Write <branch>.zip for each branch in the manifest, then SHA256SUMS over everything."""
    outputs = read_manifest(out_dir)
    when = release_date()
    written = []
    sums = {o.path: o.sha256 for o in outputs}
    for branch in sorted({o.branch for o in outputs}):
        name = f"{branch}.zip"
        data = _zip(out_dir, [o for o in outputs if o.branch == branch], when)
        write_atomic(target_path(out_dir, name), data)
        sums[name] = sha256(data)
        written.append(name)
    text = "".join(f"{digest}  {path}\n" for path, digest in sorted(sums.items()))
    write_atomic(out_dir / SUMS, text.encode())
    return written + [SUMS]


def merge_manifests(sources: list[Path], out_dir: Path) -> list[Output]:
    """Join the outputs of several build folders (CI shards) into ``out_dir``, checking every file."""
    merged: dict[str, Output] = {}
    problems = []
    for source in sources:
        outputs = read_manifest(source)
        if not outputs:
            problems.append(f"{source}: no readable manifest.json with outputs")
        for output in outputs:
            data_path = source / output.path
            if not is_intact(source, output):
                problems.append(f"{data_path}: missing or does not match its checksum in {source}/manifest.json")
                continue
            earlier = merged.get(output.path)
            if earlier and earlier.sha256 != output.sha256:
                problems.append(f"{output.path}: two different files from two shards; build the shards from the same commit")
                continue
            merged[output.path] = output
            target = target_path(out_dir, output.path)
            if data_path.resolve() != target.resolve():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(data_path, target)
    if problems:
        raise UserError("\n".join(problems))
    write_manifest(out_dir, list(merged.values()))
    return list(merged.values())
