"""The clinical content of a leaflet, as one canonical text, and the seal over it.

A clinician's approval is a seal over exactly what they approved: what the
leaflet says in any branch. That is the leaflet's own words (title, summary,
sections, questions and answers), the shared advice it includes (with the
condition that decides where it shows), the descriptions of the treatments it
can show, and the labels that carry advice. It is not the branch's phone,
address, logo, colours, prices or which treatments a branch offers: marketing
changes those freely, and they never unseal an approval.

The text is canonical, so its seal is the same on any machine and in any
folder: every string NFC-normalised with its whitespace collapsed, parts in a
fixed order (the leaflet's own order, then advice, treatments and labels in
the order the leaflet first uses them), LF line endings, no file paths. The
seal is ``sha256:`` and the hex SHA-256 digest of the text's UTF-8 bytes.

Each part starts with a line ``## <kind>: <name>``; ``compare`` diffs two texts
part by part, for the gate's "what changed" and the review copy's redline.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from leaflets.project.load import Library
from leaflets.project.model import AdviceRef, AdviceSnippet, Bullets, Callout, Leaflet, Paragraph, TreatmentList

# Labels printed as advice to the patient (data/labels/<lang>.yaml): part of what a clinician approves.
ADVICE_LABELS = ("ask_for_quote", "sources_on_request", "feedback")
PART = "## "
SEAL_RE = re.compile(r"^sha256:[0-9a-f]{64}$")


def canonical(text: str) -> str:
    """One string as the seal sees it: NFC, whitespace (line breaks too) collapsed to one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def seal_of(text: str) -> str:
    """The seal of a canonical text (its line endings made LF first, so a CRLF copy seals the same)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Part:
    """One part of the clinical text: where it comes from and its lines."""

    kind: str  # "Leaflet", "Section", "Questions", "Shared advice", "Treatment", "Label"
    name: str
    file_kind: tuple[str, str]  # (kind, id) in Library.files: the file a writer edits
    lines: tuple[str, ...]

    @property
    def title(self) -> str:
        return f"{self.kind}: {self.name}"


def _blocks(blocks: list, library: Library) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            lines.append(canonical(block.p))
        elif isinstance(block, Bullets):
            lines += [f"- {canonical(b)}" for b in block.bullets]
        elif isinstance(block, Callout):
            lines.append(f"[Box] {canonical(block.callout.title)}")
            if block.callout.text:
                lines.append(canonical(block.callout.text))
            lines += [f"- {canonical(b)}" for b in block.callout.bullets]
        elif isinstance(block, TreatmentList):
            lines.append(f"[Treatments this branch offers] {canonical(block.treatments_offered.intro)}")
            lines.append(f"[When the branch offers none] {canonical(block.treatments_offered.none)}")
        elif isinstance(block, AdviceRef):
            about = library.advice[block.advice].about if block.advice in library.advice else block.advice
            lines.append(f"[Shared advice: {block.advice}] ({canonical(about)})")
    return lines


def _shown_when(snippet: AdviceSnippet) -> str | None:
    when = snippet.shown_when
    if when is None:
        return None
    said = []
    for name, values in (("depth", when.depth), ("ingredient", when.ingredient), ("offered", when.offered),
                         ("not offered", when.not_offered)):
        if values:
            said.append(f"{name} {', '.join(canonical(v) for v in values)}")
    return "Shown when: " + "; or ".join(said) if said else None


def clinical_parts(library: Library, leaflet_id: str) -> list[Part]:
    """The leaflet's clinical content, part by part, as any branch can print it."""
    leaflet: Leaflet = library.leaflets[leaflet_id]
    own = ("leaflet", leaflet.id)
    parts = [Part("Leaflet", leaflet.id, own, (
        f"Language: {leaflet.lang}", f"Title: {canonical(leaflet.title)}", f"Summary: {canonical(leaflet.summary)}"))]
    advice_ids: list[str] = []
    for section in leaflet.sections:
        parts.append(Part("Section", canonical(section.heading), own, tuple(_blocks(section.body, library))))
        advice_ids += [b.advice for b in section.body if isinstance(b, AdviceRef)]
    for entry in leaflet.faq:
        parts.append(Part("Question", canonical(entry.question), own, (canonical(entry.answer),)))
    for advice_id in dict.fromkeys(advice_ids):
        snippet = library.advice.get(advice_id)
        if snippet is None:
            continue
        lines = [line for line in [_shown_when(snippet)] if line] + _blocks(snippet.body, library)
        parts.append(Part("Shared advice", advice_id, ("advice", advice_id), tuple(lines)))
    for treatment in library.shown_treatments(leaflet, None):
        lines = [f"Name: {canonical(treatment.name)}", canonical(treatment.summary)]
        for product in treatment.products:
            ingredients = (product.ingredients if isinstance(product.ingredients, str)
                           else ", ".join(canonical(i) for i in product.ingredients))
            lines.append(f"Product: {canonical(product.name)} (depth {product.depth}; ingredients {ingredients})")
        parts.append(Part("Treatment", treatment.id, ("treatment", treatment.id), tuple(lines)))
    labels = library.labels.get(leaflet.lang)
    if labels is not None:
        for name in ADVICE_LABELS:
            if name == "ask_for_quote" and not leaflet.treatment:
                continue  # printed only on a leaflet about one treatment, where no price is given
            parts.append(Part("Label", name, ("labels", leaflet.lang), (canonical(getattr(labels, name)),)))
    return parts


def render_text(parts: list[Part]) -> str:
    out = []
    for part in parts:
        out.append(PART + part.title)
        out += part.lines
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def clinical_text(library: Library, leaflet_id: str) -> str:
    """The canonical text a seal is computed over (see the module docstring)."""
    return render_text(clinical_parts(library, leaflet_id))


def leaflet_seal(library: Library, leaflet_id: str) -> str:
    return seal_of(clinical_text(library, leaflet_id))


# --- Comparing two texts -----------------------------------------------------------------


def split_parts(text: str) -> dict[str, list[str]]:
    """A canonical text as {part title: lines}, in order."""
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.startswith(PART):
            current = parts.setdefault(line[len(PART):], [])
        elif current is not None and line:
            current.append(line)
    return parts


@dataclass(frozen=True)
class Piece:
    """A run of words in a redline: kept ("same"), removed ("del") or added ("ins")."""

    kind: str
    text: str


@dataclass(frozen=True)
class PartChange:
    title: str  # "Shared advice: baby-skin"
    status: str  # "changed", "added", "removed"
    pieces: tuple[Piece, ...] = field(default=())

    @property
    def kind(self) -> str:
        return self.title.split(": ", 1)[0]

    @property
    def name(self) -> str:
        return self.title.split(": ", 1)[-1]

    @property
    def summary(self) -> str:
        """One line: what was removed and added, the first change quoted."""
        if self.status == "added":
            return "added"
        if self.status == "removed":
            return "removed"
        edits = []
        pieces = list(self.pieces)
        i = 0
        while i < len(pieces):
            piece = pieces[i]
            if piece.kind == "same":
                i += 1
                continue
            if piece.kind == "del" and i + 1 < len(pieces) and pieces[i + 1].kind == "ins":
                edits.append(f'"{_short(piece.text)}" became "{_short(pieces[i + 1].text)}"')
                i += 2
                continue
            edits.append(("removed" if piece.kind == "del" else "added") + f' "{_short(piece.text)}"')
            i += 1
        if not edits:
            return "changed"
        more = f" (and {len(edits) - 1} more change{'s' if len(edits) > 2 else ''})" if len(edits) > 1 else ""
        return edits[0] + more


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def word_diff(old: list[str], new: list[str]) -> tuple[Piece, ...]:
    """A word-by-word redline of two parts' lines (difflib); line breaks kept as " / "."""
    a = " / ".join(old).split(" ")
    b = " / ".join(new).split(" ")
    pieces = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            pieces.append(Piece("same", " ".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("del", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("ins", " ".join(b[j1:j2])))
    return tuple(pieces)


def compare(old_text: str, new_text: str) -> list[PartChange]:
    """Every part that differs between two canonical texts, in the new text's order
    (parts removed since come last)."""
    old, new = split_parts(old_text), split_parts(new_text)
    changes = []
    for title, lines in new.items():
        if title not in old:
            changes.append(PartChange(title, "added", (Piece("ins", " / ".join(lines)),)))
        elif old[title] != lines:
            changes.append(PartChange(title, "changed", word_diff(old[title], lines)))
    for title, lines in old.items():
        if title not in new:
            changes.append(PartChange(title, "removed", (Piece("del", " / ".join(lines)),)))
    return changes


def part_file(library: Library, leaflet_id: str, title: str) -> str:
    """The file a writer edits for a part of a leaflet's clinical text (for messages)."""
    kind, _, name = title.partition(": ")
    key = {"Shared advice": ("advice", name), "Treatment": ("treatment", name)}.get(kind)
    if kind == "Label":
        source = library.positions.get(("labels", library.leaflets[leaflet_id].lang))
        return source.display if source else f"data/labels/{library.leaflets[leaflet_id].lang}.yaml"
    return library.files.get(key or ("leaflet", leaflet_id), f"data/leaflets/{leaflet_id}.yaml")
