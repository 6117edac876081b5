"""Turn one variant into HTML with Jinja2 (autoescaped) and the project's CSS."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from .fonts import font_face_css
from ..formats import DEFAULT_FORMATS, FORMATS, PROFILES, Format
from ..content.load import Library
from ..content.model import Branch, Labels, Leaflet, Offer, Treatment
from ..content.plan import Variant
from .qr import qr_for


@dataclass(frozen=True)
class OfferedTreatment:
    treatment: Treatment
    offer: Offer


def long_date(value: dt.date) -> str:
    """22 November 2026: the date style of UK health information."""
    return f"{value.day} {value:%B %Y}"


def display_url(url: str) -> str:
    """A web address as printed: without the scheme or a trailing slash."""
    return url.removeprefix("https://").rstrip("/")


@cache
def _environment(templates: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        autoescape=True,  # every data value is untrusted text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(long_date=long_date, display_url=display_url)
    return env


def css_string(text: str) -> Markup:
    """A CSS string literal safe inside a <style> element, whatever ``text`` holds."""
    safe = "".join(
        ch if ch.isalnum() and ch.isascii() or ch in " .,:;!?()-" else f"\\{ord(ch):x} "
        for ch in text
    )
    return Markup(f'"{safe}"')


def page_label_css(labels: Labels) -> Markup:
    """CSS ``content`` value for "Page 1 of 2", from the label's {page} and {pages}."""
    parts: list[str] = []
    rest = labels.page_of
    while rest:
        positions = [(rest.find(k), k) for k in ("{page}", "{pages}") if k in rest]
        if not positions:
            parts.append(css_string(rest))
            break
        index, key = min(positions)
        if index:
            parts.append(css_string(rest[:index]))
        parts.append("counter(page)" if key == "{page}" else "counter(pages)")
        rest = rest[index + len(key):]
    return Markup(" ".join(parts))


def other_formats_text(labels: Labels, this_format: str) -> str:
    """The other-formats sentence, naming only formats that are built (and have a name in the labels)."""
    names = [labels.format_names[f] for f in DEFAULT_FORMATS if f != this_format and f in labels.format_names]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {labels.and_word} {names[-1]}"
    return labels.other_formats.replace("{formats}", listed)


def version_text(labels: Labels, leaflet: Leaflet) -> str:
    """The date of this version as printed: "Draft of 30 November 2026" until approved."""
    label = labels.draft_of if leaflet.record.status == "draft" else labels.version_of
    return label.replace("{date}", long_date(leaflet.record.content_date))


def stylesheet_urls(fmt: Format) -> list[str]:
    return ["styles/base.css", f"styles/{fmt.stylesheet}"]


def blank_page_html(library: Library) -> str:
    """The markup of one padding page, from templates/partials/blank-page.html."""
    return _environment(library.project.templates).get_template("partials/blank-page.html").render().strip()


def leaflet_html(library: Library, variant: Variant, today: dt.date) -> str:
    """The complete HTML document for a variant as of ``today`` (a leaflet past its review
    date is marked on every page); URLs are relative to the project."""
    leaflet: Leaflet = library.leaflets[variant.leaflet]
    branch: Branch = library.branches[variant.branch]
    labels = library.labels[leaflet.lang]
    fmt = FORMATS[variant.format]
    offered = [OfferedTreatment(t, branch.offer(t.id)) for t in library.offered(leaflet, branch)]
    this_offer = branch.offer(leaflet.treatment) if leaflet.treatment else None
    template = _environment(library.project.templates).get_template(fmt.template)
    return template.render(
        sections=library.sections_for(leaflet, branch),
        publisher=labels.clinic_to_confirm if branch.clinic_placeholder else branch.clinic,
        version_line=version_text(labels, leaflet),
        other_formats=other_formats_text(labels, variant.format),
        notes_phone=css_string(f"{labels.notes_phone} {branch.phone}"),
        notes_heading=css_string(labels.notes_heading),
        leaflet=leaflet,
        record=leaflet.record,
        branch=branch,
        labels=labels,
        format=fmt,
        offered=offered,
        this_treatment=library.treatments.get(leaflet.treatment) if leaflet.treatment else None,
        this_offer=this_offer,
        qr=qr_for(branch, labels),
        profile=PROFILES[variant.profile],
        marks=variant.marks,
        overdue_since=leaflet.record.overdue_since(today),
        font_css=Markup(font_face_css()),
        page_label=page_label_css(labels),
        running_footer=css_string(
            f"{labels.reference} {leaflet.record.reference}, {labels.version} {leaflet.record.version}"
        ),
        stylesheets=stylesheet_urls(fmt),
    )
