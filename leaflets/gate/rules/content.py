"""Content rules a clinical reviewer would otherwise apply by hand.

Each finding points at the file, line and field of the text it is about:

- a sentence split across bullets (a lead-in ending in ":" or a bullet that is
  not a whole sentence), which breaks in translation and in screen readers;
- a medical term from ``data/glossary.yaml`` not explained where a leaflet
  first uses it;
- advice written out by hand where ``data/advice.yaml`` has it (the
  snippet's ``detect`` patterns), which lets the wording drift apart;
- a source that ``data/sources.yaml`` (the sources the research notes
  support) does not list, or a citation of a copy instead of the original;
- emergency advice (999, A&E) in a section marked ``full_version_only``, which
  a short version (the DL) would leave out: an error for that format;
- every point marked for the clinician to confirm, listed as information.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from leaflets.formats import FORMATS
from leaflets.gate.findings import Finding
from leaflets.project.load import Library
from leaflets.project.model import AdviceRef, Bullets, Callout, Paragraph, Product, Treatment, TreatmentList

WHOLE_SENTENCE = re.compile(r"^[\"'(A-Z0-9].*[.?!][\"')]?$", re.S)


@dataclass(frozen=True)
class Unit:
    """One piece of printed text and where it was written."""

    text: str
    kind: str  # "leaflet" | "advice" | "treatment"
    owner: str  # the leaflet, advice or treatment id
    loc: tuple
    role: str  # "title", "p", "bullet", "lead-in", ...


def _where(library: Library, kind: str, owner: str, loc: tuple) -> tuple[str, str]:
    """("file:line:col", "owner field") for a finding, from the positions the loader kept."""
    source = library.positions.get((kind, owner))
    if source is None:
        return library.files.get((kind, owner), "data/"), owner
    problem = source.problem(loc, "")
    where = f"{problem.file}:{problem.line}:{problem.column}" if problem.line else problem.file
    return where, f"{owner} {problem.field}".strip()


def _blocks(blocks, kind: str, owner: str, prefix: tuple) -> Iterator[Unit]:
    for b, block in enumerate(blocks):
        yield from _block(block, kind, owner, prefix + (b,))


def _block(block, kind: str, owner: str, at: tuple) -> Iterator[Unit]:
    if isinstance(block, Paragraph):
        yield Unit(block.p, kind, owner, at + ("p",), "p")
    elif isinstance(block, Bullets):
        for i, item in enumerate(block.bullets):
            yield Unit(item, kind, owner, at + ("bullets", i), "bullet")
    elif isinstance(block, Callout):
        c = block.callout
        yield Unit(c.title, kind, owner, at + ("callout", "title"), "title")
        if c.text:
            yield Unit(c.text, kind, owner, at + ("callout", "text"), "p")
        for i, item in enumerate(c.bullets):
            yield Unit(item, kind, owner, at + ("callout", "bullets", i), "bullet")
    elif isinstance(block, TreatmentList):
        yield Unit(block.treatments_offered.intro, kind, owner, at + ("treatments_offered", "intro"), "p")
        yield Unit(block.treatments_offered.none, kind, owner, at + ("treatments_offered", "none"), "p")


def leaflet_units(library: Library, leaflet_id: str) -> Iterator[Unit]:
    """A leaflet's text in print order, shared advice and listed treatments included."""
    leaflet = library.leaflets[leaflet_id]
    yield Unit(leaflet.title, "leaflet", leaflet.id, ("title",), "title")
    yield Unit(leaflet.summary, "leaflet", leaflet.id, ("summary",), "p")
    for s, section in enumerate(leaflet.sections):
        yield Unit(section.heading, "leaflet", leaflet.id, ("sections", s, "heading"), "title")
        yield from section_body_units(library, leaflet_id, s)
    for f, entry in enumerate(leaflet.faq):
        yield Unit(entry.question, "leaflet", leaflet.id, ("faq", f, "question"), "title")
        yield Unit(entry.answer, "leaflet", leaflet.id, ("faq", f, "answer"), "p")


def section_body_units(library: Library, leaflet_id: str, s: int) -> Iterator[Unit]:
    """The text of a leaflet's section ``s`` under its heading, in print order, shared advice and
    listed treatments included."""
    leaflet = library.leaflets[leaflet_id]
    for b, block in enumerate(leaflet.sections[s].body):
        if isinstance(block, AdviceRef):
            snippet = library.advice.get(block.advice)
            if snippet:
                index = list(library.advice).index(snippet.id)
                yield from _blocks(snippet.body, "advice", snippet.id, ("advice", index, "body"))
            continue
        yield from _block(block, "leaflet", leaflet.id, ("sections", s, "body", b))
        if isinstance(block, TreatmentList):
            for t in leaflet.treatments:
                if t in library.treatments:
                    index = list(library.treatments).index(t)
                    yield Unit(library.treatments[t].summary, "treatment", t, ("treatments", index, "summary"), "p")


def _split_sentences(library: Library) -> Iterator[Finding]:
    seen: set[tuple] = set()
    for leaflet_id in sorted(library.leaflets):
        units = list(leaflet_units(library, leaflet_id))
        # [None, *units] is one longer: each unit with the one before it (None for the first).
        for previous, unit in zip([None, *units], units, strict=False):
            key = (unit.kind, unit.owner, unit.loc)
            if key in seen:
                continue
            seen.add(key)
            if unit.role == "bullet" and not WHOLE_SENTENCE.match(unit.text.strip()):
                where, subject = _where(library, unit.kind, unit.owner, unit.loc)
                yield Finding("warning", where, subject,
                              f"bullet {unit.text!r} is not a whole sentence: start it with a capital letter "
                              "and end it with a full stop, so it reads and translates on its own")
            if (unit.role == "bullet" and previous is not None and previous.role != "bullet"
                    and previous.text.rstrip().endswith(":")):
                where, subject = _where(library, previous.kind, previous.owner, previous.loc)
                yield Finding("warning", where, subject,
                              f"{previous.text!r} runs on into the bullets below it: make it a whole sentence and "
                              "each bullet a whole sentence")


def _term_pattern(words: list[str]) -> re.Pattern:
    """The term in any of its forms; an abbreviation (LED, SPF) only in capitals."""
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    flags = 0 if words[0].isupper() else re.I
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])", flags)


def _explained(text: str, start: int, end: int) -> bool:
    """Whether the term at text[start:end] is explained where it stands."""
    before, after = text[:start], text[end:]
    if before.rstrip().endswith("(") or re.match(r"\s*\w*\s*\(", after):  # "(term)" / "term (..." / "term lasers (..."
        return True
    if re.match(r"\s*\)", after) and "(" in before:  # "(... term)"
        return True
    if re.search(r"\bcalled\s+(a\s+|an\s+)?$", before):  # "... is called a term"
        return True
    if re.match(r",\s+(a|an|the)\s", after):  # "term, a ..."
        return True
    return bool(re.match(r"\s+(is|are|means)\s", after))  # "term is ..."


def _unexplained_terms(library: Library) -> Iterator[Finding]:
    # Headings name things; the text under them explains. Each leaflet's text is gathered once.
    texts = {leaflet_id: [unit for unit in leaflet_units(library, leaflet_id) if unit.role != "title"]
             for leaflet_id in sorted(library.leaflets)}
    for term in library.glossary:
        pattern = _term_pattern([term.term, *term.forms])
        for leaflet_id, units in texts.items():
            for unit in units:
                found = pattern.search(unit.text)
                if not found:
                    continue
                if not _explained(unit.text, found.start(), found.end()):
                    where, subject = _where(library, unit.kind, unit.owner, unit.loc)
                    yield Finding("warning", where, subject,
                                  f"{leaflet_id}: {found.group(1)!r} is used without explanation where the leaflet "
                                  f"first uses it; explain it in plain words, e.g. \"{term.means} ({term.term})\" "
                                  "(glossary: data/glossary.yaml)")
                break


def _hand_written_advice(library: Library) -> Iterator[Finding]:
    patterns = [(snippet.id, re.compile(p, re.I)) for snippet in library.advice.values() for p in snippet.detect]
    reported: set[tuple] = set()
    for leaflet_id in sorted(library.leaflets):
        for unit in leaflet_units(library, leaflet_id):
            if unit.kind == "advice":
                continue
            for snippet_id, pattern in patterns:
                key = (unit.kind, unit.owner, unit.loc, snippet_id)
                if key in reported or not pattern.search(unit.text):
                    continue
                reported.add(key)
                where, subject = _where(library, unit.kind, unit.owner, unit.loc)
                yield Finding("warning", where, subject,
                              f"this repeats the shared advice {snippet_id!r} in other words; use the block "
                              f"`- advice: {snippet_id}` so every leaflet says the same (data/advice.yaml)")


EMERGENCY = re.compile(r"\b999\b|\bA&E\b")


def _emergency_advice_left_out(library: Library) -> Iterator[Finding]:
    """A section a short version leaves out may not hold what to do in an emergency: every version
    of a leaflet says when to call 999 or go to A&E (the peel-liquid-in-the-eye first aid, say)."""
    short = [fmt.id for fmt in FORMATS.values() if fmt.short_version]
    for leaflet_id in sorted(library.leaflets):
        leaflet = library.leaflets[leaflet_id]
        for s, section in enumerate(leaflet.sections):
            if not section.full_version_only:
                continue
            unit = next((u for u in section_body_units(library, leaflet_id, s) if EMERGENCY.search(u.text)), None)
            if unit is None:
                continue
            found = {"advice": f"the shared advice {unit.owner!r}",
                     "treatment": f"the treatment {unit.owner!r}"}.get(unit.kind, "its text")
            where, subject = _where(library, "leaflet", leaflet_id, ("sections", s, "full_version_only"))
            for fmt in short:
                yield Finding("error", where, subject,
                              f"section {section.heading!r} is marked full_version_only, but {found} says when to "
                              f"call 999 or go to A&E, which the {fmt} short version would leave out: move that "
                              "advice to a section every version keeps, or do not mark this section",
                              leaflet=leaflet_id, format=fmt)


def _unsupported_sources(library: Library) -> Iterator[Finding]:
    cited: list[tuple[str, str, str, tuple]] = []
    for leaflet in library.leaflets.values():
        cited += [(s, "leaflet", leaflet.id, ("record", "sources", i)) for i, s in enumerate(leaflet.record.sources)]
    for index, treatment in enumerate(library.treatments.values()):
        cited += [
            (s, "treatment", treatment.id, ("treatments", index, "sources", i)) for i, s in enumerate(treatment.sources)
        ]
    for index, snippet in enumerate(library.advice.values()):
        cited += [(s, "advice", snippet.id, ("advice", index, "sources", i)) for i, s in enumerate(snippet.sources)]
    known = ", ".join(sorted(library.citations)[:6]) + (", ..." if len(library.citations) > 6 else "")
    for source_id, kind, owner, loc in cited:
        if source_id not in library.citations:
            where, subject = _where(library, kind, owner, loc)
            yield Finding("error", where, subject,
                          f"unsupported source {source_id[:80]!r}: cite a source id from data/sources.yaml "
                          f"(the sources the research notes support: {known or 'none yet'}), or add it there once "
                          "the research supports it")
    for index, entry in enumerate(library.citations.values()):
        if re.search(r"\bcopy (at|on)\b|\bseen via\b", entry.citation, re.I):
            where, subject = _where(library, "source", entry.id, ("sources", index, "citation"))
            yield Finding("warning", where, subject, "cite the original, not a copy on another site")


def _to_confirm(library: Library) -> Iterator[Finding]:
    def item(kind: str, owner: str, loc: tuple, text: str) -> Finding:
        where, subject = _where(library, kind, owner, loc)
        return Finding("info", where, subject, f"confirm with clinician: {text}")

    for leaflet in sorted(library.leaflets.values(), key=lambda x: x.id):
        for i, text in enumerate(leaflet.record.confirm):
            yield item("leaflet", leaflet.id, ("record", "confirm", i), text)
    for index, snippet in enumerate(library.advice.values()):
        for i, text in enumerate(snippet.confirm):
            yield item("advice", snippet.id, ("advice", index, "confirm", i), text)
    unsure = (("depth", "how deep {} works"), ("ingredients", "the active ingredients of {}"),
              ("laser", "the type of the laser {} (ablative or non-ablative); a release is refused until it is known"))
    for index, treatment in enumerate(library.treatments.values()):
        base = ("treatments", index)
        parts: list[tuple[Treatment | Product, tuple, str]] = [(treatment, base, "")]
        parts += [(p, base + ("products", i), f"{p.name}: ") for i, p in enumerate(treatment.products)]
        for part, at, prefix in parts:
            for field, question in unsure:
                if getattr(part, field, None) == "confirm":
                    yield item("treatment", treatment.id, at + (field,), question.format(part.name))
            for i, text in enumerate(part.confirm):
                yield item("treatment", treatment.id, at + ("confirm", i), f"{prefix}{text}")
    yield from _branch_points(library, item)


def _branch_points(library: Library, item) -> Iterator[Finding]:
    """What a treatment leaflet prints from branch data that the branch data does not say yet:
    who treats patients, who oversees medium-depth peels and lasers, whether LED light is added."""
    leaflet_about = {leaflet.treatment: leaflet for leaflet in library.leaflets.values() if leaflet.treatment}
    for branch in sorted(library.branches.values(), key=lambda b: b.id):
        for i, offer in enumerate(branch.treatments):
            leaflet, treatment = leaflet_about.get(offer.id), library.treatments.get(offer.id)
            if leaflet is None or treatment is None:
                continue  # no treatment leaflet prints this offer
            name = offer.name or treatment.name
            if offer.practitioner is None:
                yield item("branch", branch.id, ("treatments", i), f"{branch.id}: who treats patients for {name} "
                           "(role and training) is not in the branch data (practitioner:); the leaflet asks patients "
                           "to ask")
            products = [p for p in (treatment.product(n) for n in offer.products) if p is not None]
            deeper = any(p.depth in ("medium", "deep", "confirm") or p.laser for p in products)
            if deeper and offer.overseen_by is None:
                yield item("branch", branch.id, ("treatments", i), f"{branch.id}: who oversees {name} (medium-depth "
                           "peels and lasers) is not in the branch data (overseen_by:)")
            uses_led = any(a.shown_when and a.shown_when.led for a in library.shown_advice(leaflet, branch))
            if uses_led and offer.led is None:
                yield item("branch", branch.id, ("treatments", i), f"{branch.id}: whether we add LED light to {name} "
                           "is not in the branch data (led: true or false); the leaflet asks patients to ask")


def check_content(library: Library) -> list[Finding]:
    """Every content rule's findings, in a stable order."""
    return [
        *_split_sentences(library),
        *_unexplained_terms(library),
        *_hand_written_advice(library),
        *_emergency_advice_left_out(library),
        *_unsupported_sources(library),
        *_to_confirm(library),
    ]
