"""``list`` as a library call: every file a build of a selection would write, with each variant's
state, and why some variants of the selection are not built. Nothing is rendered or written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from leaflets.formats import ProfileId
from leaflets.gate.rules.translations import failure
from leaflets.project.approvals import seal_state, translation_state
from leaflets.project.load import Library
from leaflets.project.plan import Variant, expected_paths, left_out_formats, not_offered, plan_variants


@dataclass(frozen=True)
class Listed:
    """One file a build would write."""

    leaflet: str
    branch: str
    format: str
    lang: str
    status: str
    path: str


@dataclass
class Listing:
    variants: list[Variant] = field(default_factory=list)
    files: list[Listed] = field(default_factory=list)
    not_built: list[str] = field(default_factory=list)  # "milia-removal (no branch offers milia-removal)"


def list_files(library: Library, today: dt.date, leaflets: tuple[str, ...] = (), branches: tuple[str, ...] = (),
               formats: tuple[str, ...] = (), langs: tuple[str, ...] = (), profile: ProfileId = "office") -> Listing:
    """What a build of this selection would write, as of ``today`` (which decides overdue reviews)."""
    listing = Listing(plan_variants(library, leaflets, branches, formats, profile, langs=langs))
    for v in listing.variants:
        record = library.leaflets[v.leaflet].record
        overdue = record.overdue_since(today)
        sealed = seal_state(library, v.leaflet).state  # approved (sealed), changed (since approval), draft, unsealed
        status = {"changed": "changed since approval", "unsealed": "draft (approval not sealed)"}.get(sealed, sealed)
        status += f", review overdue since {overdue.isoformat()}" if overdue else ""
        if v.lang != library.leaflets[v.leaflet].lang:
            status += translation_status(library, v)
        listing.files += [Listed(v.leaflet, v.branch, v.format, v.lang, status, path) for path in expected_paths(v)]
    listing.not_built += [f"{leaflet_id} (no branch offers {treatment_id})"
                          for leaflet_id, treatment_id in not_offered(library)
                          if not leaflets or leaflet_id in leaflets]
    listing.not_built += left_out_formats(library, leaflets, formats, langs)
    return listing


def translation_status(library: Library, variant: Variant) -> str:
    """", draft translation" or ", translation incomplete (95%)", for list."""
    translations = library.translations.for_variant(variant.lang, variant.leaflet)
    if failure(library, variant):
        done = sum(t.coverage.done for t in translations)
        total = sum(t.coverage.total for t in translations) or 1
        return f", translation incomplete ({100 * done // total}%)"
    state = translation_state(library, variant.lang, variant.leaflet)
    return {"approved": ", translation approved", "out of date": ", translation of an earlier version"}.get(
        state, ", draft translation")
