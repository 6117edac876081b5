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

from markupsafe import Markup

from leaflets.errors import UserError
from leaflets.formats import FORMATS, PROFILES
from leaflets.gate.gate import Status, Verdict
from leaflets.project.load import Library
from leaflets.project.model import Leaflet
from leaflets.project.plan import Variant
from leaflets.publish.files import Output, read_manifest, target_path, write_atomic
from leaflets.render.html import render_template, text_direction
from leaflets.render.web import project_file, web_stylesheet

INDEX = "index.html"
# Else Babel's name in English and in the language itself.
LANGUAGE_NAMES = {"en-GB": "English (UK)", "en": "English", "cy": "Welsh (Cymraeg)", "pl": "Polish (polski)",
                  "pa": "Punjabi", "ur": "Urdu (اردو)", "ro": "Romanian (română)", "bn": "Bengali", "gu": "Gujarati",
                  "ar": "Arabic", "pt": "Portuguese", "es": "Spanish", "fr": "French", "zh": "Chinese"}


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


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    lighter, darker = sorted((luminance(a), luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(colour: str) -> str:
    return "#ffffff" if contrast(colour, "#ffffff") >= contrast(colour, "#111111") else "#111111"


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
    library: Library, verdict: Verdict, outputs: list[Output], out_dir: Path, base_of: Callable[[str], str]
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
        words = [leaflet.title, leaflet.summary, *getattr(leaflet, "search_words", ())]
        shown = _in_language(library, leaflet_id, lang) or leaflet  # staff find it by its English words too
        card = Card(leaflet_id, branch, lang, shown.title, shown.summary,
                    " ".join([shown.title, shown.summary, *words]).lower(), status,
                    f"{branch}--{leaflet_id}--{lang}".lower(), dir=text_direction(lang))
        for output in group:
            if output.kind == "thumbnail":
                if card.thumbnail is None:
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


def _in_language(library: Library, leaflet_id: str, lang: str) -> Leaflet | None:
    """The leaflet as translated into ``lang``, when that translation can be built, else None."""
    if lang == library.leaflets[leaflet_id].lang:
        return None
    from leaflets.project.translations import translated_library

    try:
        return translated_library(library, lang, leaflet_id).leaflets[leaflet_id]
    except UserError:
        return None


def _branches(library: Library, cards: list[Card]) -> list[BranchPart]:
    parts = []
    for branch_id in sorted({c.branch for c in cards}, key=lambda b: library.branches[b].name):
        branch = library.branches[branch_id]
        part = BranchPart(
            branch.id, branch.name, branch.clinic, branch.brand.primary, readable_on(branch.brand.primary)
        )
        part.cards = sorted((c for c in cards if c.branch == branch_id), key=lambda c: (c.title.lower(), c.lang))
        parts.append(part)
    return parts


def render(library: Library, verdict: Verdict, outputs: list[Output], out_dir: Path,
           branch: str | None = None) -> bytes:
    """The catalogue page of every branch (``branch`` None: out/index.html) or of one."""
    chosen = [o for o in outputs if branch is None or o.branch == branch]
    cards = _cards(library, verdict, chosen, out_dir, (lambda b: "") if branch is None else (lambda b: f"{b}/"))
    parts = _branches(library, cards)
    formats = [FORMATS[f] for f in FORMATS if any(link.format == f for c in cards for link in c.files)]
    langs = sorted({c.lang for c in cards})
    html = render_template(
        library, "catalogue/index.html",
        parts=parts,
        single=branch is not None,
        formats=formats,
        languages=[(lang, language_name(lang)) for lang in langs],
        css=web_stylesheet(library.project.root, "catalogue.css"),
        script=Markup(_script(library.project.root)),
        today=verdict.today,
    )
    return html.encode("utf-8")


def language_name(lang: str) -> str:
    """"Polish (polski)": from the table, else from CLDR (Babel), else the code."""
    known = LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES.get(lang.split("-")[0]))
    if known:
        return known
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(lang, sep="-")
    except (UnknownLocaleError, ValueError):
        return lang
    english, own = locale.get_display_name("en"), locale.get_display_name()
    return f"{english} ({own})" if english and own and own != english else english or lang


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


def write_catalogue(library: Library, verdict: Verdict, out_dir: Path) -> list[str]:
    """Write the catalogue for everything the manifest lists; only pages whose bytes changed.
    Removes the index of a branch folder the manifest no longer has. Returns the paths written."""
    outputs = read_manifest(out_dir)
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
