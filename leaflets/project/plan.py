"""Plan the variants: which leaflet, for which branch, in which format."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from leaflets.errors import UserError
from leaflets.formats import DEFAULT_FORMATS, FORMATS, PROFILES, ProfileId
from leaflets.project.load import Library


@dataclass(frozen=True, order=True)
class Variant:
    """One PDF to build."""

    branch: str
    leaflet: str
    format: str
    lang: str
    profile: ProfileId = "office"
    marks: bool = False  # crop marks, for a proof

    def file(self, companion: str = "") -> str:
        """Where the PDF goes, relative to the output folder (ids are [a-z0-9-] only)."""
        lang = "" if self.lang == "en-GB" else f".{self.lang}"
        if FORMATS[self.format].layout == "web":  # the web page: <branch>/<leaflet>.html
            return f"{self.branch}/{self.leaflet}{lang}.html"
        profile = PROFILES[self.profile].suffix + ("-proof" if self.marks else "")
        return f"{self.branch}/{self.leaflet}-{self.format}{companion}{profile}{lang}.pdf"

    @property
    def thumbnail(self) -> str | None:
        """The catalogue's PNG of page 1, for an office variant of a format that has one."""
        fmt = FORMATS[self.format]
        if not (fmt.thumbnail or (fmt.translation_thumbnail and self.lang != "en-GB")) or self.profile != "office" \
                or self.marks:
            return None
        lang = "" if self.lang == "en-GB" else f".{self.lang}"
        return f"{self.branch}/thumbs/{self.leaflet}-{self.format}{lang}.png"

    @property
    def path(self) -> str:
        return self.file()

    @property
    def name(self) -> str:
        profile = "" if self.profile == "office" else f" / {self.profile}"
        lang = "" if self.lang == "en-GB" else f" / {self.lang}"
        return f"{self.leaflet} / {self.branch} / {self.format}{profile}{lang}"


def expected_paths(variant: Variant) -> list[str]:
    """The files a variant produces, relative to the output folder: the reading-order PDF, then
    for an office A5 booklet the imposed ``-print`` companion, then the catalogue's thumbnail."""
    fmt = FORMATS[variant.format]
    paths = [variant.path]
    if fmt.booklet_companion and PROFILES[variant.profile].bleed_mm == 0:
        paths.append(variant.file("-print"))
    if variant.thumbnail:
        paths.append(variant.thumbnail)
    return paths


def pick(kind: str, asked: Iterable[str], known: Iterable[str]) -> list[str]:
    """The ``kind`` ids asked for (each once, in the order asked), or every known one when none is
    asked; a UserError naming each unknown one, with "did you mean" (commands that name one
    leaflet or branch use it for that message too)."""
    known = sorted(known)
    chosen = list(dict.fromkeys(asked)) or known
    bad = [x for x in chosen if x not in known]
    if bad:
        lines = []
        for item in bad:
            close = difflib.get_close_matches(item, known, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"choose from: {', '.join(known)}"
            lines.append(f"unknown {kind} {item!r}; {hint}")
        raise UserError("\n".join(lines))
    return chosen


def plan_variants(
    library: Library,
    leaflets: Iterable[str] = (),
    branches: Iterable[str] = (),
    formats: Iterable[str] = (),
    profile: ProfileId = "office",
    marks: bool = False,
    langs: Iterable[str] = (),
) -> list[Variant]:
    """Every variant the selection asks for; treatment leaflets only where offered. A leaflet is
    built in English and in every language it has a translation of (locale/<lang>/<leaflet>.po)."""
    leaflet_ids = pick("leaflet", leaflets, library.leaflets)
    lang_ids = set(pick("language", langs, languages(library))) if langs else None
    branch_ids = pick("branch", branches, library.branches)
    format_ids = pick("format", formats or DEFAULT_FORMATS, FORMATS)
    if profile != "office":  # a web page is not printed: no print-shop or proof version of it
        if formats and not any(FORMATS[f].printed for f in format_ids):
            raise UserError(f"--for {profile} makes print files; the web format is not printed: build it without --for")
        format_ids = [f for f in format_ids if FORMATS[f].printed]
    variants = []
    for leaflet_id in leaflet_ids:
        leaflet = library.leaflets[leaflet_id]
        for branch_id in branch_ids:
            branch = library.branches[branch_id]
            if leaflet.treatment and not branch.offer(leaflet.treatment):
                continue
            variants += [Variant(branch_id, leaflet_id, f, lang, profile, marks) for f in format_ids
                         for lang in leaflet_languages(library, leaflet_id) if lang_ids is None or lang in lang_ids
                         if built_in(library, leaflet_id, lang, f)]
    return sorted(variants)


def leaflet_languages(library: Library, leaflet_id: str) -> list[str]:
    """The leaflet's own language, then the languages of its translations."""
    translated = library.translations.languages(leaflet_id) if library.translations else []
    return [library.leaflets[leaflet_id].lang, *translated]


def built_in(library: Library, leaflet_id: str, lang: str, format_id: str) -> bool:
    """Whether the leaflet is built in that format in that language: the leaflet's record may list
    the formats it is built in (``record.formats``), and a translation's record the formats it fits
    (``formats:`` in locale/<lang>/<leaflet>.yaml)."""
    own = library.leaflets[leaflet_id].record.formats
    if own is not None and format_id not in own:
        return False
    if lang == library.leaflets[leaflet_id].lang or not library.translations:
        return True
    listed = library.translations.formats(lang, leaflet_id)
    return listed is None or format_id in listed


def left_out_formats(library: Library, leaflets: Iterable[str] = (), formats: Iterable[str] = (),
                     langs: Iterable[str] = ()) -> list[str]:
    """Why a selection has fewer translated variants than it asks for: one line per translation
    whose record lists formats, naming the formats of the selection it leaves out."""
    asked = list(formats) or list(DEFAULT_FORMATS)
    lines = []
    for leaflet_id in sorted(leaflets or library.leaflets):
        own = library.leaflets[leaflet_id].record.formats
        if own is not None and (missing := [f for f in asked if f in FORMATS and f not in own]):
            file = library.files.get(("leaflet", leaflet_id), "its file")
            lines.append(f"{leaflet_id} as {', '.join(missing)} ({file} lists the formats it is built in: "
                         f"{', '.join(own)})")
        for lang in leaflet_languages(library, leaflet_id)[1:]:
            if langs and lang not in langs:
                continue
            missing = [f for f in asked if f in FORMATS and not built_in(library, leaflet_id, lang, f)
                       and (own is None or f in own)]
            if missing:
                listed = ", ".join(library.translations.formats(lang, leaflet_id) or [])
                lines.append(f"{leaflet_id} in {lang} as {', '.join(missing)} "
                             f"(locale/{lang}/{leaflet_id}.yaml lists the formats it fits: {listed})")
    return lines


def languages(library: Library) -> list[str]:
    """Every language some leaflet is built in."""
    return sorted({lang for leaflet_id in library.leaflets for lang in leaflet_languages(library, leaflet_id)})


def not_offered(library: Library) -> list[tuple[str, str]]:
    """Treatment leaflets no branch offers: (leaflet id, treatment id)."""
    return [
        (leaflet.id, leaflet.treatment)
        for leaflet in library.leaflets.values()
        if leaflet.treatment and not any(b.offer(leaflet.treatment) for b in library.branches.values())
    ]


def in_shard(variant: Variant, k: int, n: int) -> bool:
    """Whether ``variant`` is in the K-th of N shares: stable across runs and machines."""
    digest = hashlib.sha256(variant.path.encode()).digest()
    return int.from_bytes(digest[:8], "big") % n == k - 1
