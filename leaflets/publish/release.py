"""Release artefacts, and joining shard manifests.

A release is the folder ``OUT/release/``: a zip per branch, ``release.json``
(every file in the zips with its checksum, content version and fingerprint,
and the tool versions) and ``SHA256SUMS`` over the zips and release.json,
so ``sha256sum -c SHA256SUMS`` in that folder always passes. It is written
into a staging folder and swapped in whole: it holds exactly the outputs of
the variants the release checked (each verified against its checksum as it
is zipped), never a file an earlier build left, and a branch that was
removed leaves no zip behind.

Zips are reproducible: entries sorted, a fixed timestamp (1980-01-01, the
earliest a zip can hold, or the user's SOURCE_DATE_EPOCH), fixed
permissions.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from leaflets.errors import BuildFailed, UserError
from leaflets.gate.gate import Verdict
from leaflets.project.load import Library
from leaflets.project.plan import expected_paths
from leaflets.publish.catalogue import pages
from leaflets.publish.files import (
    MANIFEST,
    Output,
    is_intact,
    read_shard_manifest,
    sha256,
    target_path,
    write_manifest,
)
from leaflets.publish.versions import tool_versions

RELEASE = "release"
SUMS = "SHA256SUMS"
RELEASE_MANIFEST = "release.json"


def release_date() -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime(1980, 1, 1, tzinfo=dt.UTC)


def _zip(out_dir: Path, outputs: list[Output], when: dt.datetime, extra: dict[str, bytes] | None = None) -> bytes:
    """A branch's zip: its outputs (each checked against its checksum) and ``extra`` files (its catalogue page)."""
    buffer = io.BytesIO()
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    files = [(o.path, o) for o in outputs] + [(path, data) for path, data in (extra or {}).items()]
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, output in sorted(files, key=lambda item: item[0]):
            if isinstance(output, bytes):
                data = output
            else:
                data = (out_dir / output.path).read_bytes()
                if sha256(data) != output.sha256:
                    raise BuildFailed(f"{out_dir / output.path} changed on disk during the release; release again")
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            archive.writestr(info, data)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


SWAP = ".release-old"  # where the last release waits while the new one is swapped in


def _clear(path: Path) -> None:
    """Remove ``path`` whatever it is (a link is removed, never followed), or a UserError saying
    what to do: the swap of a release needs the name free."""
    try:
        if path.is_symlink() or (path.exists() and not path.is_dir()):
            path.unlink()
        elif path.is_dir():
            shutil.rmtree(path)
    except OSError as error:
        raise UserError(f"cannot clear {path}, left by an earlier release ({error.strerror}): remove it, then "
                        "build the release again") from None


def write_release(out_dir: Path, outputs: list[Output], extra: dict[str, bytes] | None = None) -> list[str]:
    """Write OUT/release/ from exactly ``outputs``: zips, release.json, SHA256SUMS; swapped in whole.
    ``extra``: more files for the zips by path (``<branch>/index.html``, the branch's catalogue page)."""
    if not outputs:
        raise UserError("nothing to release: no output was built")
    when = release_date()
    staging = Path(tempfile.mkdtemp(prefix=".release-staging-", dir=out_dir))
    try:
        sums = {}
        for branch in sorted({o.branch for o in outputs}):
            name = f"{branch}.zip"
            mine = {p: d for p, d in (extra or {}).items() if p.startswith(f"{branch}/")}
            data = _zip(out_dir, [o for o in outputs if o.branch == branch], when, mine)
            _write(staging / name, data)
            sums[name] = sha256(data)
        versions = {k: v for k, v in tool_versions().items() if k != "leaflets-code"}
        record = {"tool": versions, "outputs": [o.model_dump() for o in sorted(outputs, key=lambda o: o.path)]}
        data = (json.dumps(record, indent=2) + "\n").encode()
        _write(staging / RELEASE_MANIFEST, data)
        sums[RELEASE_MANIFEST] = sha256(data)
        _write(staging / SUMS, "".join(f"{digest}  {name}\n" for name, digest in sorted(sums.items())).encode())
        os.chmod(staging, 0o755)
        final, old = out_dir / RELEASE, out_dir / SWAP
        _clear(old)  # a leftover of an interrupted release: a folder, a file or a link
        if final.is_symlink() or final.is_file():
            final.unlink()
        if final.exists():
            os.replace(final, old)
        os.replace(staging, final)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _remove_legacy(out_dir)
    return [f"{RELEASE}/{name}" for name in sorted(sums)] + [f"{RELEASE}/{SUMS}"]


def release_folder(library: Library, verdict: Verdict, outputs: list[Output], out_dir: Path) -> list[str]:
    """The release folder from exactly ``outputs``, each branch's zip with its own catalogue page
    (``<branch>/index.html``): ``leaflets build --release`` and ``merge-manifests --release`` alike."""
    return write_release(out_dir, outputs, pages(library, verdict, outputs, out_dir, overall=False))


def _remove_legacy(out_dir: Path) -> None:
    """Zips and SHA256SUMS that versions before the release folder wrote beside the PDFs."""
    legacy = out_dir / SUMS
    if not legacy.is_file():
        return
    for line in legacy.read_text("utf-8", errors="replace").splitlines():
        name = line.partition("  ")[2]
        if name.endswith(".zip") and "/" not in name:
            (out_dir / name).unlink(missing_ok=True)
    legacy.unlink()


_ID = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


def _built_paths(output: Output) -> list[str]:
    """The files the variant a manifest entry names builds (none for a format or profile not known,
    or an id that is not one: ids are [a-z0-9-])."""
    if not all(_ID.fullmatch(value) for value in (output.leaflet, output.branch, output.lang, output.format)):
        return []
    try:
        return expected_paths(output.variant)
    except (KeyError, ValueError, TypeError):
        return []


def read_shards(sources: list[Path]) -> dict[Path, list[Output]]:
    """Each shard's outputs, read strictly and checked to be files their variants build; else a
    UserError naming the shard's manifest (exit 2), before anything is judged or copied."""
    shards = {source: read_shard_manifest(source) for source in sources}
    problems = shard_problems(shards)
    if problems:
        raise UserError("\n".join(problems))
    return shards


def shard_problems(shards: dict[Path, list[Output]]) -> list[str]:
    """An entry whose path is not a file of the variant it names (an extra page, a renamed copy,
    another branch's file, a format that does not exist)."""
    problems = []
    for source, outputs in shards.items():
        for output in outputs:
            built = _built_paths(output)
            if output.path not in built:
                problems.append(f"{source / MANIFEST}: lists {output.path}, which is not a file of the variant it "
                                f"names ({output.leaflet}, {output.branch}, {output.format}, {output.lang}"
                                f"{': it builds ' + ', '.join(built) if built else ''}); "
                                "a shard may only hold the files its variants build")
    return problems


def merge_manifests(shards: dict[Path, list[Output]], out_dir: Path) -> list[Output]:
    """Join the outputs of several build folders (CI shards, as ``read_shards`` read them) into
    ``out_dir``, checking every file."""
    merged: dict[str, Output] = {}
    problems = []
    for source, outputs in shards.items():
        for output in outputs:
            data_path = source / output.path
            if not is_intact(source, output):
                problems.append(f"{data_path}: missing or does not match its checksum in {source}/manifest.json")
                continue
            earlier = merged.get(output.path)
            if earlier and earlier.sha256 != output.sha256:
                problems.append(
                    f"{output.path}: two different files from two shards; build the shards from the same commit"
                )
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
