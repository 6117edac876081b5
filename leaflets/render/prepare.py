"""One variant's job, made in the build's own process: its HTML and what the worker must know.

``leaflets build``, ``leaflets serve`` and ``leaflets personalise`` all prepare their jobs here;
the worker that renders a job never sees the data model.
"""

from __future__ import annotations

import datetime as dt

from leaflets.formats import FORMATS, PROFILES
from leaflets.project.load import Library
from leaflets.project.plan import Variant, expected_paths
from leaflets.project.translations import translated_library
from leaflets.render.fonts import font_folders
from leaflets.render.html import blank_page_html, leaflet_html
from leaflets.render.job import Job
from leaflets.render.web import web_html


def prepare(library: Library, variant: Variant, today: dt.date) -> Job:
    """The job for one variant: its HTML and what the worker must know (runs in this process)."""
    project = library.project
    leaflet = library.leaflets[variant.leaflet]
    if variant.lang != leaflet.lang:  # the PDF's title and the headings named in messages, translated
        leaflet = translated_library(library, variant.lang, variant.leaflet).leaflets[variant.leaflet]
    day = leaflet.record.content_date
    if FORMATS[variant.format].layout == "web":  # the web page: its HTML is the output
        html, embedded = web_html(library, variant, today)
    else:
        html, embedded = leaflet_html(library, variant, today), ()
    return Job(
        name=variant.name,
        html=html,
        embedded=embedded,
        thumbnail=variant.thumbnail,
        blank_page=blank_page_html(library),
        format=variant.format,
        bleed_mm=PROFILES[variant.profile].bleed_mm,
        paths=tuple(p for p in expected_paths(variant) if p != variant.thumbnail),
        headings=tuple(section.heading for section in library.sections_for(leaflet, library.branches[variant.branch])
                       if FORMATS[variant.format].shows(section)),  # as printed: shown_when applied
        title=leaflet.title,
        epoch=int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()),
        base=str(project.root),
        allowed=(str(project.root), *map(str, font_folders())),
    )
