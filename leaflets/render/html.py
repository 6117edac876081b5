"""Turn one variant into HTML with Jinja2 (autoescaped) and the project's CSS."""

from __future__ import annotations

import datetime as dt
import signal
import threading
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from babel import Locale
from babel.dates import format_date
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from pydantic import BaseModel

from leaflets.errors import UserError, display_path
from leaflets.formats import DEFAULT_FORMATS, FORMATS, PROFILES, Format
from leaflets.project import approvals, model
from leaflets.project.files import MAX_TEMPLATE_BYTES, UnsafeFile, read_regular_file, resolve_inside
from leaflets.project.load import Library
from leaflets.project.model import Branch, Labels, Leaflet, Offer, Treatment
from leaflets.project.plan import Variant
from leaflets.project.translations import translated_library
from leaflets.render.bidi import isolate_addresses, writing_direction
from leaflets.render.fonts import font_face_css, font_stack_css
from leaflets.render.qr import qr_for
from leaflets.render.typography import typeset


@dataclass(frozen=True)
class OfferedTreatment:
    treatment: Treatment
    offer: Offer


def offered_treatments(library: Library, leaflet: Leaflet, branch: Branch) -> list[OfferedTreatment]:
    """The leaflet's treatments that the branch offers, each with the branch's offer."""
    offered = []
    for treatment in library.offered(leaflet, branch):
        offer = branch.offer(treatment.id)
        assert offer is not None  # library.offered() lists only the treatments the branch offers
        offered.append(OfferedTreatment(treatment, offer))
    return offered


def long_date(value: dt.date, lang: str = "en-GB") -> str:
    """22 November 2026: the date style of UK health information; in another language, Babel's
    long date for it (30 listopada 2026)."""
    if lang == "en-GB":
        return f"{value.day} {value:%B %Y}"
    return format_date(value, format="long", locale=lang.replace("-", "_"))


@jinja2.pass_context
def _long_date_filter(context: Any, value: dt.date) -> str:
    """The template filter: dates in the language of the page being rendered."""
    return long_date(value, context.get("lang", "en-GB"))


def text_direction(lang: str) -> str:
    """"ltr" or "rtl" for a language, from CLDR (Babel): the one place the page's dir comes from."""
    if lang.split("-")[0] == "en":
        return "ltr"
    return str(Locale.parse(lang, sep="-").text_direction)


def ltr_isolated(text: str, lang: str) -> str:
    """``text`` between LEFT-TO-RIGHT ISOLATE and POP DIRECTIONAL ISOLATE on a right-to-left page
    (not drawn), so a phone number in running text keeps its digit groups in order."""
    return f"\u2066{text}\u2069" if text_direction(lang) == "rtl" else text


def display_url(url: str) -> str:
    """A web address as printed: without the scheme or a trailing slash."""
    return url.removeprefix("https://").rstrip("/")


TEMPLATE_SECONDS = 20.0  # a leaflet's HTML takes a few milliseconds
MAX_REPEAT = 100_000
MAX_EXPONENT = 100


class UnsafeTemplate(jinja2.TemplateError):
    """A template file the tool refuses to read (a link leading out, a FIFO, too large)."""


class ProjectTemplates(jinja2.BaseLoader):
    """Loads templates from the project's templates/ folder only: every path is resolved
    through its symlinks and refused outside the project, and only regular files are read."""

    def __init__(self, folder: Path, root: Path) -> None:
        self.folder, self.root = folder, root

    def get_source(self, environment: jinja2.Environment, template: str):
        path = self.folder.joinpath(*split_template_path(template))  # refuses ".." segments
        try:
            resolved = resolve_inside(path, self.root)
            data = read_regular_file(resolved, MAX_TEMPLATE_BYTES)
        except UnsafeFile as error:
            if str(error) == "not found":
                raise jinja2.TemplateNotFound(template) from None
            raise UnsafeTemplate(f"{path}: the template {error}") from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UnsafeTemplate(f"{path}: the template is not UTF-8 text; save it with UTF-8 encoding") from None
        mtime = resolved.stat().st_mtime_ns
        return text, str(path), lambda: resolved.exists() and resolved.stat().st_mtime_ns == mtime


class LeafletSandbox(SandboxedEnvironment):
    """Templates are written by people who are not programmers and are treated as untrusted
    code: Jinja2's sandbox blocks Python internals (``__class__``, ``__globals__``, ...), and on
    the data model only its fields and the properties this tool defines are visible, so no
    pydantic method (``parse_file``, ``model_validate_json``, ...) can read a file."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """``'x' * 10**9`` or ``9 ** 9 ** 9`` would use up memory or time: bounded here."""
        if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"an exponent above {MAX_EXPONENT} is not allowed")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                if isinstance(sequence, (str, list, tuple)) and isinstance(count, int) \
                        and len(sequence) * count > MAX_REPEAT:
                    raise SecurityError(f"repeating a text or list beyond {MAX_REPEAT:,} items is not allowed")
        return super().call_binop(context, operator, left, right)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, type):
            return False  # classes and their class methods are never needed
        if isinstance(obj, BaseModel):
            own = [k for k in type(obj).__mro__ if issubclass(k, BaseModel) and k.__module__ == model.__name__
                   and k is not model.Strict]
            return attr in type(obj).model_fields or any(attr in vars(k) for k in own)
        return True


@cache
def _environment(templates: Path, root: Path) -> jinja2.Environment:
    env = LeafletSandbox(
        loader=ProjectTemplates(templates, root),
        autoescape=True,  # every data value is untrusted text
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # Audited: Jinja2's built-in filters and these; of the globals only range (capped by the
    # sandbox), dict, cycler, joiner and namespace remain.
    env.globals.pop("lipsum", None)
    env.filters.update(long_date=_long_date_filter, display_url=display_url, direction=writing_direction)
    return env


class _TooSlow(Exception):
    pass


@contextmanager
def _time_limit(seconds: float):
    """Stop a template that runs away (nested loops): the sandbox bounds each range(), not
    their product. Only in the main thread of a POSIX process, where SIGALRM can be used."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise _TooSlow

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render_template(library: Library, name: str, **context: Any) -> str:
    """Render a template; any template error becomes ``templates/FILE:LINE: message`` (exit 2)."""
    project = library.project
    try:
        with _time_limit(TEMPLATE_SECONDS):
            return _environment(project.templates, project.root).get_template(name).render(**context)
    except (jinja2.TemplateError, OverflowError) as error:  # OverflowError: a range() over the sandbox cap
        raise UserError(_describe(error, project.root, name)) from None
    except _TooSlow as error:
        where = _describe(SecurityError(f"the template ran for more than {TEMPLATE_SECONDS:g} seconds "
                                        "(a loop inside a loop?)").with_traceback(error.__traceback__),
                          project.root, name)
        raise UserError(where) from None
    except RecursionError:
        raise UserError(f"templates/{name}: the templates include or extend each other without end") from None


def _describe(error: jinja2.TemplateError | OverflowError, root: Path, name: str) -> str:
    """Where in which template an error happened, and what it was, for a person to fix."""
    file, line = None, 0
    if isinstance(error, jinja2.TemplateSyntaxError):
        file, line = error.filename, error.lineno or 0
    else:  # Jinja2 rewrites the traceback so that its frames point into the template files
        templates = (root / "templates").resolve()
        for frame in traceback.extract_tb(error.__traceback__):
            if frame.filename and Path(frame.filename).is_relative_to(templates):
                file, line = frame.filename, frame.lineno or 0
    shown = display_path(Path(file), root) if file else f"templates/{name}"
    if isinstance(error, UnsafeTemplate):
        return str(error).replace(str(root) + "/", "")
    if isinstance(error, jinja2.TemplateNotFound):
        message = f"the template {error.name!r} is not found (no file templates/{error.name}); check the name"
    elif isinstance(error, SecurityError):
        message = f"not allowed in a template: {error.message}"
    elif isinstance(error, OverflowError):
        message = f"not allowed in a template: {error}"
    elif isinstance(error, jinja2.UndefinedError):
        message = f"{error.message}; check the name against the template variables (see docs)"
    else:
        message = error.message or type(error).__name__
    return f"{shown}:{line}: {message}" if line else f"{shown}: {message}"


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


def other_formats_text(labels: Labels, this_format: str, built: list[str] | None = None) -> str:
    """The other-formats sentence, naming only formats that are built (and have a name in the labels);
    ``built``: the formats a translation is limited to."""
    names = [labels.format_names[f] for f in DEFAULT_FORMATS
             if f != this_format and f in labels.format_names and (built is None or f in built)]
    if not names:
        return ""
    listed = names[0] if len(names) == 1 else f"{(labels.comma + ' ').join(names[:-1])} {labels.and_word} {names[-1]}"
    return labels.other_formats.replace("{formats}", listed)


def version_text(labels: Labels, leaflet: Leaflet) -> str:
    """The date of this version as printed: "Draft of 30 November 2026" until approved."""
    label = labels.draft_of if leaflet.record.status == "draft" else labels.version_of
    return label.replace("{date}", long_date(leaflet.record.content_date, leaflet.lang))


def stylesheet_urls(fmt: Format) -> list[str]:
    return ["styles/base.css", f"styles/{fmt.stylesheet}"]


def blank_page_html(library: Library) -> str:
    """The markup of one padding page, from templates/partials/blank-page.html."""
    return render_template(library, "partials/blank-page.html").strip()


def leaflet_context(library: Library, variant: Variant, today: dt.date) -> dict[str, Any]:
    """What every leaflet template (PDF formats and the web page) is given for a variant."""
    english = library
    translated = variant.lang != library.leaflets[variant.leaflet].lang
    built = library.translations.formats(variant.lang, variant.leaflet) if translated else None
    if translated:  # every printed string from the PO files; an incomplete translation is refused
        library = translated_library(library, variant.lang, variant.leaflet)
    leaflet: Leaflet = library.leaflets[variant.leaflet]
    branch: Branch = library.branches[variant.branch]
    labels = library.labels[leaflet.lang]
    fmt = FORMATS[variant.format]
    offered = offered_treatments(library, leaflet, branch)
    sections = library.sections_for(leaflet, branch)
    shown = [s for s in sections if fmt.shows(s)]
    return {
        "sections": shown,
        # the DL's shorter version (no full_version_only section, no questions) points to the full leaflet
        "short_version": len(shown) < len(sections) or (fmt.short_version and bool(leaflet.faq)),
        "publisher": labels.clinic_to_confirm if branch.clinic_placeholder else branch.clinic,
        "version_line": version_text(labels, leaflet),
        "other_formats": other_formats_text(labels, variant.format, built),
        "notes_phone": css_string(f"{labels.notes_phone} {ltr_isolated(branch.phone, leaflet.lang)}"),
        "notes_heading": css_string(labels.notes_heading),
        "leaflet": leaflet,
        "record": leaflet.record,
        "branch": branch,
        "labels": labels,
        "format": fmt,
        "offered": offered,
        "this_treatment": library.treatments.get(leaflet.treatment) if leaflet.treatment else None,
        "this_offer": branch.offer(leaflet.treatment) if leaflet.treatment else None,
        "qr": qr_for(branch, labels),
        "profile": PROFILES[variant.profile],
        "marks": variant.marks,
        "overdue_since": leaflet.record.overdue_since(today),
        "font_css": Markup(font_face_css(variant.lang)),
        "page_label": page_label_css(labels),
        "running_footer": css_string(
            f"{labels.reference} {leaflet.record.reference}{labels.comma} {labels.version} {leaflet.record.version}"
        ),
        "stylesheets": stylesheet_urls(fmt),
        "logo_url": logo_url(library, branch),
        "lang": leaflet.lang,
        "text_direction": text_direction(leaflet.lang),
        "draft_translation": translated and (
            library.translations.is_draft(variant.lang, variant.leaflet)
            or translation_state(english, variant.lang, variant.leaflet) != "approved"),
        "draft_translation_mark": translation_mark(english, variant, labels) if translated else "",
        **approval_context(english, variant, labels, translated),
        **script_context(leaflet.lang),
    }


def translation_mark(library: Library, variant: Variant, labels: Labels) -> str:
    """The mark on every page of a translation not approved as it stands: "Translation of an earlier version"
    (strings or the approval made from an earlier English), else the draft translation mark."""
    state = translation_state(library, variant.lang, variant.leaflet)
    return labels.out_of_date_translation if state == "out of date" else labels.draft_translation


def translation_state(library: Library, lang: str, leaflet: str) -> str:
    return approvals.translation_state(library, lang, leaflet)


def approval_context(library: Library, variant: Variant, labels: Labels, translated: bool) -> dict[str, Any]:
    """The marks and the printed record that follow from the gate's seal rules (gate/rules/seals.py):
    ``status_mark`` on every page of a draft (or an approval typed by hand) and of content changed since
    approval; ``approval_line`` ("Version 1.0, approved by ...") only while the seal holds."""
    state = approvals.seal_state(library, variant.leaflet)
    mark = {"draft": labels.draft_mark, "unsealed": labels.draft_mark, "changed": labels.changed_mark}.get(
        state.state, "")
    line = ""
    approval = state.approval
    if state.state == "approved" and approval is not None and not translated:
        record = library.leaflets[variant.leaflet].record
        due = record.review_due
        line = (labels.approval_line.replace("{version}", approval.version).replace("{name}", approval.approver)
                .replace("{role}", approval.role).replace("{date}", long_date(approval.approved, labels.lang))
                .replace("{next_review}", long_date(due, labels.lang) if due else ""))
    return {"status_mark": mark, "sealed": state.state == "approved", "approval_line": line}


def script_context(lang: str) -> dict[str, Any]:
    """The font stack of a variant's language (render/fonts.py) and what keeps numbers left to right."""
    return {
        "script_css": Markup(font_stack_css(lang)),
        # An attribute for what stays left to right on a right-to-left page (phone numbers, addresses,
        # web addresses): WeasyPrint lays each element out in its own direction. Empty left to right.
        "ltr": Markup(' dir="ltr"' if text_direction(lang) == "rtl" else ""),
    }


def leaflet_html(library: Library, variant: Variant, today: dt.date) -> str:
    """The complete HTML document for a variant as of ``today`` (a leaflet past its review
    date is marked on every page); URLs are relative to the project."""
    html = render_template(library, FORMATS[variant.format].template, **leaflet_context(library, variant, today))
    return for_language(html, variant.lang)


def for_language(html: str, lang: str) -> str:
    """The rendered page with its language's rules applied to the text: typesetting (a Polish
    one-letter word kept off a line end: render/typography.py), then direction (``directed``)."""
    return directed(typeset(html, lang), lang)


def directed(html: str, lang: str) -> str:
    """On a right-to-left page, web and email addresses in the text kept left to right (render/bidi.py)."""
    if text_direction(lang) != "rtl":
        return html
    return isolate_addresses(html)


def logo_url(library: Library, branch: Branch) -> str:
    """The logo's path as a quoted URL relative to the project: the file the loader checked is
    the file drawn, whatever its name holds (``%``, ``#``, ``?``, spaces). Relative, so the
    HTML (and the PDF identifier made from it) does not depend on where the project lies."""
    return quote(Path(branch.brand.logo).as_posix(), safe="/")
