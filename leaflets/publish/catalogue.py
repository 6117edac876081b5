"""The staff catalogue: ``out/index.html`` (every branch) and ``out/<branch>/index.html``.

Written by the build after the variants, from the manifest (what is really
on disk, with page counts, sizes and thumbnails) and the gate's status of
each leaflet. Static and self-contained: CSS and script inline, links
relative, no outside request, so it works from a shared drive (file://),
any static host, or offline. Without script every leaflet and file is
listed and linked; with it, search and filters work as you type.

A page is rewritten only when its bytes change; the same manifest and
statuses give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from babel import Locale, UnknownLocaleError
from markupsafe import Markup

from leaflets.errors import UserError
from leaflets.formats import FORMATS, PROFILES
from leaflets.gate.gate import Status, Verdict
from leaflets.gate.rules.contrast import contrast_ratio
from leaflets.project.load import Library
from leaflets.project.model import Leaflet
from leaflets.project.plan import Variant
from leaflets.project.translations import translated_library
from leaflets.publish.files import Output, target_path, write_atomic
from leaflets.render.html import render_template, text_direction
from leaflets.render.web import project_file, web_stylesheet

INDEX = "index.html"
# How staff name a language: its own name, then the English one (else both from CLDR, by Babel).
LANGUAGE_NAMES = {"en-GB": "English", "en": "English", "cy": "Cymraeg (Welsh)", "pl": "Polski (Polish)",
                  "pa": "ਪੰਜਾਬੀ (Punjabi)", "ur": "اردو (Urdu)", "ro": "Română (Romanian)", "bn": "বাংলা (Bengali)",
                  "gu": "ગુજરાતી (Gujarati)", "ar": "العربية (Arabic)", "pt": "Português (Portuguese)",
                  "es": "Español (Spanish)", "fr": "Français (French)", "zh": "中文 (Chinese)"}
WORD = re.compile(r"\w[\w'’-]*\w|\w")


@dataclass(frozen=True)
class Served:
    """The catalogue as a server shows it (``leaflets desk``): a "For you" form on every card,
    posted to ``action``, and which shelf this is (the release or the working build)."""

    action: str  # where the "For you" form posts
    shelf: str  # "release" or "build"
    label: str  # what the banner says this is
    switch: tuple[str, str] | None = None  # (address, words) of the other shelf
    today: str = ""  # the earliest appointment date, YYYY-MM-DD


@dataclass
class FileLink:
    """One file a button opens: its staff name, how to print it, and facts from the manifest."""

    format: str
    name: str
    printing: str
    href: str
    pages: int
    size: str
    path: str


@dataclass
class Card:
    """One leaflet at one branch, in one language."""

    leaflet: str
    branch: str
    lang: str
    title: str
    summary: str
    search: str
    status: Status
    anchor: str
    thumbnail: str | None = None
    thumbnail_size: tuple[int, int] = (150, 212)
    dir: str = "ltr"  # the title's and summary's writing direction (from the language)
    lang_name: str = ""  # "Polski (Polish)"
    english_title: str = ""  # a translation's title in English, for staff
    languages: list[tuple[str, str]] = field(default_factory=list)  # the leaflet's languages at this branch
    files: list[FileLink] = field(default_factory=list)  # what reception prints
    print_shop: list[FileLink] = field(default_factory=list)  # imposed and print-shop files


@dataclass
class BranchPart:
    id: str
    name: str
    clinic: str
    primary: str
    on_primary: str  # black or white, whichever reads better on the primary colour
    cards: list[Card] = field(default_factory=list)


def readable_on(colour: str) -> str:
    return "#ffffff" if contrast_ratio(colour, "#ffffff") >= contrast_ratio(colour, "#111111") else "#111111"


def _size(count: int) -> str:
    return f"{count / 1024:.0f} KB" if count < 1024 * 1024 else f"{count / 1024 / 1024:.1f} MB"


def _png_size(path: Path) -> tuple[int, int] | None:
    """Width and height from a PNG's header, halved: the thumbnails are drawn for 2x screens."""
    try:
        with open(path, "rb") as stream:
            head = stream.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(head[16:20], "big") // 2, int.from_bytes(head[20:24], "big") // 2


def _link(output: Output, base: str, companion: bool = False) -> FileLink:
    fmt = FORMATS[output.format]
    profile = PROFILES[output.profile]
    if output.profile != "office":
        name = f"{fmt.staff_name or fmt.id}, print shop" + (" proof with crop marks" if "-proof" in output.path else "")
        printing = profile.printing
    elif companion:  # the file that folds into a booklet from A4: the desk's A5 button
        name, printing = fmt.staff_name or fmt.id, fmt.companion_printing
    elif fmt.booklet_companion:  # the booklet's pages one by one, in reading order: for a print shop
        name, printing = f"{fmt.staff_name or fmt.id}, pages in reading order", fmt.printing
    else:
        name, printing = fmt.staff_name or fmt.id, fmt.printing
    href = quote(output.path.removeprefix(base))
    return FileLink(output.format, name, printing, href, output.pages, _size(output.bytes), output.path)


def _cards(
    library: Library, verdict: Verdict, outputs: list[Output], out_dir: Path, base_of: Callable[[str], str],
    released: bool = False,
) -> list[Card]:
    """One card per (branch, leaflet, language) the outputs hold, files in format order."""
    order = list(FORMATS)
    groups: dict[tuple[str, str, str], list[Output]] = {}
    for output in outputs:
        if output.leaflet in library.leaflets and output.branch in library.branches and output.format in FORMATS:
            groups.setdefault((output.branch, output.leaflet, output.lang), []).append(output)
    cards = []
    for (branch, leaflet_id, lang), group in sorted(groups.items()):
        leaflet = library.leaflets[leaflet_id]
        base = base_of(branch)
        group.sort(key=lambda o: (order.index(o.format), o.profile, o.path))
        primary = next((o for o in group if o.kind in ("pdf", "web") and o.profile == "office"), group[0])
        status = verdict.status(Variant(branch, leaflet_id, primary.format, lang, primary.profile))
        if released:  # the desk's release shelf: its files are the copies approved when released
            status = status.as_released()
        shown = _in_language(library, leaflet_id, lang) or leaflet  # staff find it by its English words too
        card = Card(leaflet_id, branch, lang, shown.title, shown.summary,
                    search_text(library, leaflet, shown, lang), status,
                    f"{branch}--{leaflet_id}--{lang}".lower(), dir=text_direction(lang),
                    lang_name=language_name(lang), english_title=leaflet.title if shown is not leaflet else "")
        for output in group:
            if output.kind == "thumbnail":
                if card.thumbnail is None or output.format == "a4":
                    card.thumbnail = quote(output.path.removeprefix(base))
                    card.thumbnail_size = _png_size(target_path(out_dir, output.path)) or card.thumbnail_size
            elif output.profile == "office" and output.kind == "imposed":  # A5: the file that folds from A4
                card.files.append(_link(output, base, companion=True))
            elif (output.profile == "office" and output.kind in ("pdf", "web")
                  and not FORMATS[output.format].booklet_companion):
                card.files.append(_link(output, base))
            elif output.kind in ("pdf", "imposed"):  # print-shop files, and the A5 pages in reading order
                card.print_shop.append(_link(output, base, companion=output.kind == "imposed"))
        if card.files or card.print_shop:
            cards.append(card)
    return cards


def search_text(library: Library, leaflet: Leaflet, shown: Leaflet, lang: str) -> str:
    """What the catalogue's search looks in, lower case: the titles and summaries (English and
    shown), the search words of the leaflet and of its treatment, the language's names, and every
    word of the headings and body once."""
    treatment = library.treatments.get(leaflet.treatment) if leaflet.treatment else None
    phrases = [leaflet.title, leaflet.summary, shown.title, shown.summary, *leaflet.search_words,
               *(getattr(treatment, "search_words", ()) if treatment else ()), language_name(lang), lang]
    words: dict[str, None] = {}
    for source in {id(leaflet): leaflet, id(shown): shown}.values():
        for text in _prose(source.model_dump(include={"sections", "faq"})):
            for word in WORD.findall(text.lower()):
                if len(word) > 2:
                    words.setdefault(word, None)
    return " ".join([*(p.lower() for p in phrases), *words])


#: fields of a section that hold ids and switches, not words a reader sees
NOT_PROSE = frozenset({"shown_when", "advice", "id", "keep_with_previous", "full_version_only"})


def _prose(value: object) -> list[str]:
    """The text a reader sees in a dumped section or question: every string value, except ids and
    switches (never the data's keys, None or true/false)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for key, item in value.items() if key not in NOT_PROSE for t in _prose(item)]
    if isinstance(value, list | tuple):
        return [t for item in value for t in _prose(item)]
    return []


def _in_language(library: Library, leaflet_id: str, lang: str) -> Leaflet | None:
    """The leaflet as translated into ``lang``, when that translation can be built, else None."""
    if lang == library.leaflets[leaflet_id].lang:
        return None
    try:
        return translated_library(library, lang, leaflet_id).leaflets[leaflet_id]
    except UserError:
        return None


def _branches(library: Library, cards: list[Card]) -> list[BranchPart]:
    parts = []
    for branch_id in sorted({c.branch for c in cards}, key=lambda b: library.branches[b].name):
        branch = library.branches[branch_id]
        clinic = _stand_in(library) if branch.clinic_placeholder else branch.clinic  # as its PDFs say
        part = BranchPart(branch.id, branch.name, clinic, branch.brand.primary, readable_on(branch.brand.primary))
        part.cards = sorted((c for c in cards if c.branch == branch_id), key=lambda c: (c.title.lower(), c.lang))
        parts.append(part)
    return parts


def _stand_in(library: Library) -> str:
    """What the leaflets print for a clinic whose name is a stand-in ("Clinic name to be confirmed")."""
    labels = library.labels.get("en-GB") or next(iter(library.labels.values()), None)
    return labels.clinic_to_confirm if labels else "Clinic name to be confirmed"


def render(library: Library, verdict: Verdict, outputs: list[Output], out_dir: Path,
           branch: str | None = None, served: Served | None = None) -> bytes:
    """The catalogue page of every branch (``branch`` None: out/index.html) or of one; with
    ``served``, as a server shows it, with a "For you" form on every card."""
    chosen = [o for o in outputs if branch is None or o.branch == branch]
    cards = _cards(library, verdict, chosen, out_dir, (lambda b: "") if branch is None else (lambda b: f"{b}/"),
                   released=served is not None and served.shelf == "release")
    languages_of: dict[tuple[str, str], list[str]] = {}
    for card in cards:
        languages_of.setdefault((card.branch, card.leaflet), []).append(card.lang)
    for card in cards:
        card.languages = [(lang, language_name(lang)) for lang in languages_of[(card.branch, card.leaflet)]]
    parts = _branches(library, cards)
    formats = [FORMATS[f] for f in FORMATS if any(link.format == f for c in cards for link in c.files)]
    langs = sorted({c.lang for c in cards})
    html = render_template(
        library, "catalogue/index.html",
        parts=parts,
        single=branch is not None,
        formats=formats,
        languages=[(lang, language_name(lang)) for lang in langs],
        served=served,
        personal_formats=[f for f, spec in FORMATS.items() if spec.printed],
        css=web_stylesheet(library.project.root, "catalogue.css"),
        script=Markup(_script(library.project.root)),
        today=verdict.today,
    )
    return html.encode("utf-8")


def language_name(lang: str) -> str:
    """"Polski (Polish)": from the table, else from CLDR (Babel), else the code."""
    known = LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES.get(lang.split("-")[0]))
    if known:
        return known
    try:
        locale = Locale.parse(lang, sep="-")
    except (UnknownLocaleError, ValueError):
        return lang
    english, own = locale.get_display_name("en"), locale.get_display_name()
    return f"{own[:1].upper()}{own[1:]} ({english})" if english and own and own != english else english or lang


def english_language_name(lang: str) -> str:
    """"Polish" for pl, "Urdu" for ur: the English part of ``language_name``, for staff-facing lines."""
    name = language_name(lang)
    return name[name.rindex("(") + 1:-1] if name.endswith(")") and "(" in name else name


def _script(root: Path) -> str:
    """The catalogue's script, inlined: a project file, which may not close its own element."""
    relative = "templates/catalogue/catalogue.js"
    text = project_file(root, relative).read_text("utf-8", errors="replace")
    if re.search(r"</script|<!--", text, re.IGNORECASE):
        raise UserError(f"{relative}: may not contain '</script' or '<!--' (it is inlined in the page)")
    return text


def check_inputs(library: Library) -> None:
    """What the catalogue reads, checked before anything is built: a missing or unsafe stylesheet,
    script or template is bad input (exit 2, nothing written), not a failure after the PDFs."""
    root = library.project.root
    web_stylesheet(root, "catalogue.css")
    _script(root)
    project_file(root, "templates/catalogue/index.html")


def pages(library: Library, verdict: Verdict, outputs: list[Output], out_dir: Path,
          overall: bool = True) -> dict[str, bytes]:
    """The catalogue pages for ``outputs``: relative path -> bytes."""
    result = {f"{b}/{INDEX}": render(library, verdict, outputs, out_dir, b) for b in sorted({o.branch for o in outputs})
              if b in library.branches}
    if overall:
        result[INDEX] = render(library, verdict, outputs, out_dir)
    return result


def write_catalogue(library: Library, verdict: Verdict, out_dir: Path, outputs: list[Output]) -> list[str]:
    """Write the catalogue for ``outputs``, everything the manifest lists; only pages whose bytes changed.
    Removes the index of a branch folder the manifest no longer has. Returns the paths written."""
    wanted = pages(library, verdict, outputs, out_dir)
    written = []
    for relative, data in wanted.items():
        target = target_path(out_dir, relative)
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        write_atomic(target, data)
        written.append(relative)
    for old in out_dir.glob(f"*/{INDEX}"):
        relative = f"{old.parent.name}/{INDEX}"
        if relative not in wanted and not old.parent.name.startswith("."):
            old.unlink()
            if not any(old.parent.iterdir()):
                old.parent.rmdir()
    return written
