"""``leaflets merge-manifests`` as a library call: join shard build folders into one.

The shards of a CI matrix each build a share of the variants (``build --shard K/N``); merging
copies their files into one output folder, every file checked against its checksum, and writes
one manifest. With ``release``, the gate is asked about every joined variant before anything is
copied, and the release folder is written as ``build --release`` writes it. The release folder
(``publish.release.release_folder``) and the staff catalogue (``publish.catalogue.write_catalogue``)
are the steps ``leaflets build`` ends with; the project's data is loaded once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from leaflets.commands.check import rendered_pages
from leaflets.errors import UserError
from leaflets.gate.gate import Verdict, judge
from leaflets.project.folder import find_project
from leaflets.project.load import Library, load_library
from leaflets.project.plan import Variant
from leaflets.publish.catalogue import write_catalogue
from leaflets.publish.files import Output, output_folder
from leaflets.publish.fingerprints import fingerprint
from leaflets.publish.release import merge_manifests, read_shards, release_folder


def merge(sources: list[Path], out_dir: Path, root: Path | None = None, release: bool = False,
          today: dt.date | None = None, say: Callable[[str], None] | None = None) -> tuple[list[Output], list[str]]:
    """Join shard build folders into ``out_dir`` (every file checked against its checksum); with
    ``release``, ask the gate about every joined variant and write the release folder.
    Returns the joined outputs and the release files written."""
    day = today or dt.date.today()
    with output_folder(out_dir, say or (lambda message: None)):
        library = load_library(find_project(root)) if release else None  # a release needs the project's data
        shards = read_shards(sources)  # damaged or padded shards are refused before the gate is asked
        verdict = refuse_release(library, shards, day) if library is not None else None  # before anything is copied
        outputs = merge_manifests(shards, out_dir)
        released = release_folder(verdict.library, verdict, outputs, out_dir) if verdict is not None else []
        verdict = verdict or _catalogue_verdict(root, outputs, day)
        if verdict is not None:
            write_catalogue(verdict.library, verdict, out_dir, outputs)
    return outputs, released


def refuse_release(library: Library, shards: dict[Path, list[Output]], day: dt.date) -> Verdict:
    """The gate's verdict on every variant the shards hold, as for ``build --release``: raises
    ``UserError`` (exit 2, nothing copied) for a variant this project does not have or a blocker."""
    variants = variants_of([o for outputs in shards.values() for o in outputs])
    unknown = [v for v in variants if v.leaflet not in library.leaflets or v.branch not in library.branches]
    if unknown:
        raise UserError("release refused: the shards hold variants this project does not have: "
                        + ", ".join(v.name for v in unknown) + "; build the shards from the same commit")
    verdict = judge(library, variants, day, rendered_pages(library, variants, day))  # what the pages show too
    verdict.refuse(release=True)
    _refuse_other_inputs(library, shards, day)
    return verdict


def _refuse_other_inputs(library: Library, shards: dict[Path, list[Output]], day: dt.date) -> None:
    """The gate judges the project as it is now; the shards' files must be what it would build now:
    each output's fingerprint (everything its bytes depend on, the seal's state included) must be
    the variant's fingerprint today. A shard built before an approval holds DRAFT-marked copies, one
    built before an edit holds the old text: refused, naming them (exit 2, nothing copied)."""
    stale: dict[str, Path] = {}
    prints: dict[Variant, str] = {}
    for folder, outputs in shards.items():
        for output in outputs:
            variant = output.variant
            if variant not in prints:
                prints[variant] = fingerprint(library, variant, day)
            if output.fingerprint != prints[variant]:
                stale.setdefault(variant.name, folder)
    if stale:
        names = ", ".join(f"{name} (in {folder})" for name, folder in sorted(stale.items())[:8])
        more = f" and {len(stale) - 8} more" if len(stale) > 8 else ""
        raise UserError(f"release refused: {len(stale)} variant{'s' if len(stale) != 1 else ''} in the shards "
                        f"{'were' if len(stale) != 1 else 'was'} built from other inputs than the project holds now "
                        f"(before an edit or an approval, on another day, or with other tools): {names}{more}; "
                        "build the shards again from this commit (with the same --today), then merge")


def _catalogue_verdict(root: Path | None, outputs: list[Output], day: dt.date) -> Verdict | None:
    """The statuses the joined folder's staff catalogue shows; None outside a project (no catalogue)."""
    try:
        library = load_library(find_project(root))
    except UserError:
        return None
    known = [v for v in variants_of(outputs) if v.leaflet in library.leaflets and v.branch in library.branches]
    return judge(library, known, day)


def variants_of(outputs: list[Output]) -> list[Variant]:
    """The variants a list of manifest entries was built from (shards of a CI matrix), sorted."""
    return sorted({o.variant for o in outputs})
