"""Load and validate every data file of a project, reporting all problems together."""

from __future__ import annotations

import difflib
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from leaflets.errors import DataProblems, Problem, display_path
from leaflets.project.files import UnsafeFile, image_problem, read_project_file, resolve_inside, svg_problem
from leaflets.project.folder import Project
from leaflets.project.model import (
    AdviceLibrary,
    AdviceRef,
    AdviceSnippet,
    Branch,
    Glossary,
    GlossaryTerm,
    Labels,
    Leaflet,
    Product,
    Section,
    ShownWhen,
    SourceEntry,
    SourceList,
    Treatment,
    TreatmentList,
    TreatmentsFile,
)
from leaflets.project.translated import Translations
from leaflets.project.yamlsource import Source, read_yaml

LOGO_TYPES = (".svg", ".png", ".jpg", ".jpeg")
MAX_LOGO_BYTES = 2_000_000
MAX_LOGO_PIXELS = 25_000_000  # 5000 x 5000: far more than a 300 ppi logo needs
MAX_EXPANDED_CHARACTERS = 40_000  # a leaflet with its treatments_offered descriptions


@dataclass(frozen=True)
class Library:
    """Everything a project's data says, validated."""

    project: Project
    leaflets: dict[str, Leaflet]
    treatments: dict[str, Treatment]
    branches: dict[str, Branch]
    labels: dict[str, Labels]
    files: dict[tuple[str, str], str]  # (kind, id) -> file, for messages
    advice: dict[str, AdviceSnippet] = field(default_factory=dict)
    citations: dict[str, SourceEntry] = field(default_factory=dict)
    glossary: tuple[GlossaryTerm, ...] = ()
    positions: dict[tuple[str, str], Source] = field(default_factory=dict)  # (kind, id) -> where it was read
    translations: Translations = field(default_factory=Translations)  # locale/<lang>/*.po and their records

    def offered(self, leaflet: Leaflet, branch: Branch) -> list[Treatment]:
        """The leaflet's treatments that the branch offers, in the leaflet's order."""
        return [self.treatments[t] for t in leaflet.treatments if branch.offer(t)]

    def shown_treatments(self, leaflet: Leaflet, branch: Branch | None) -> list[Treatment]:
        """The treatments a variant describes: the leaflet's own and those it lists for the branch."""
        ids = ([leaflet.treatment] if leaflet.treatment else []) + [
            t for t in leaflet.treatments if branch is None or branch.offer(t)
        ]
        return [self.treatments[t] for t in dict.fromkeys(ids) if t in self.treatments]

    def shown_products(self, leaflet: Leaflet, branch: Branch | None) -> list[Treatment | Product]:
        """What the variant offers, product by product (the treatment itself where no product is named)."""
        items: list[Treatment | Product] = []
        for treatment in self.shown_treatments(leaflet, branch):
            offer = branch.offer(treatment.id) if branch else None
            names = offer.products if offer else [p.name for p in treatment.products]
            products = [p for p in (treatment.product(n) for n in names) if p is not None]
            items += products or [treatment]
        return items

    def advice_shown(self, snippet: AdviceSnippet, leaflet: Leaflet, branch: Branch | None) -> bool:
        """Whether conditional advice applies to what this variant offers (all of it for branch None)."""
        return self.applies(snippet.shown_when, leaflet, branch)

    def applies(self, when: ShownWhen | None, leaflet: Leaflet, branch: Branch | None) -> bool:
        """Whether a ``shown_when`` (of advice or a section) matches what this variant offers
        (everything matches for branch None: check and the translators see all of it)."""
        if when is None or branch is None:
            return True
        if any(branch.offer(t) for t in when.offered):
            return True
        if when.not_offered and not any(branch.offer(t) for t in when.not_offered):
            return True
        if when.led:
            offers = [branch.offer(t.id) for t in self.shown_treatments(leaflet, branch)]
            if any({True: "yes", False: "no", None: "confirm"}[o.led] in when.led for o in offers if o):
                return True
        for item in self.shown_products(leaflet, branch):
            if item.depth in when.depth:
                return True
            if isinstance(item, Product) and item.laser in when.laser:
                return True
            if item.ingredients == "confirm":
                if "confirm" in when.ingredient:
                    return True
            elif any(i.lower() in (w.lower() for w in when.ingredient) for i in item.ingredients):
                return True
        return False

    def sections_for(self, leaflet: Leaflet, branch: Branch | None) -> list[Section]:
        """The leaflet's sections as this variant prints them: advice included, conditions applied."""
        sections = []
        for section in leaflet.sections:
            if not self.applies(section.shown_when, leaflet, branch):
                continue
            body = []
            for block in section.body:
                if isinstance(block, AdviceRef):
                    snippet = self.advice[block.advice]
                    if self.advice_shown(snippet, leaflet, branch):
                        body += snippet.body
                else:
                    body.append(block)
            sections.append(Section.model_construct(heading=section.heading, body=body,
                                                    full_version_only=section.full_version_only))
        return sections

    def shown_advice(self, leaflet: Leaflet, branch: Branch | None) -> list[AdviceSnippet]:
        return [
            self.advice[block.advice]
            for section in leaflet.sections if self.applies(section.shown_when, leaflet, branch)
            for block in section.body
            if isinstance(block, AdviceRef) and self.advice_shown(self.advice[block.advice], leaflet, branch)
        ]

    def source_ids(self, leaflet: Leaflet, branch: Branch | None) -> list[str]:
        """The sources of exactly what a variant shows: the leaflet's, its advice's and its treatments'."""
        ids = list(leaflet.record.sources)
        for snippet in self.shown_advice(leaflet, branch):
            ids += snippet.sources
        listed = (
            self.offered(leaflet, branch)
            if branch
            else [self.treatments[t] for t in leaflet.treatments if t in self.treatments]
        )
        if any(isinstance(b, TreatmentList) for s in leaflet.sections for b in s.body):
            for treatment in listed:
                ids += treatment.sources
        return list(dict.fromkeys(ids))

    def variant_sources(self, leaflet: Leaflet, branch: Branch | None) -> list[str]:
        """The citations of a variant's sources (an id not in data/sources.yaml is kept as written)."""
        return [self.citations[i].citation if i in self.citations else i for i in self.source_ids(leaflet, branch)]


class Loader:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.problems: list[Problem] = []
        self.sources: dict[tuple[str, str], Source] = {}
        self.files: dict[tuple[str, str], str] = {}

    def read(self, path: Path, model: type[BaseModel]) -> tuple[Source | None, Any]:
        try:  # resolved through every symlink before anything is read
            resolve_inside(path, self.project.root)
        except UnsafeFile as error:
            self.problems.append(Problem(_shown(path, self.project.root), 0, 0, "", f"the file {error}"))
            return None, None
        source, problems = read_yaml(path, display_path(path, self.project.root))
        self.problems += problems
        if source is None or problems:
            return source, None
        self.problems += source.repaired
        if not isinstance(source.data, dict):
            self.problems.append(source.problem((), "the file must hold a mapping of keys to values"))
            return source, None
        try:
            return source, model.model_validate(source.data)
        except ValidationError as error:
            for item in error.errors():
                at_key = item["type"] == "extra_forbidden"
                message = field_message(item, model)
                if item["type"] == "version_number":
                    written = source.raw.get(source.located(item["loc"]), item["ctx"]["written"])
                    message = f'write the version in quotes, e.g. version: "{written}"'
                self.problems.append(source.problem(item["loc"], message, at_key))
            return source, None

    def collect(self, kind: str, source: Source, items: dict[str, Any], item: Any, loc: tuple) -> None:
        if item.id in items:
            first = self.files[(kind, item.id)]
            self.problems.append(
                source.problem(loc + ("id",), f"duplicate {kind} id {item.id!r} (also in {first}); ids must be unique")
            )
            return
        items[item.id] = item
        self.sources[(kind, item.id)] = source
        self.files[(kind, item.id)] = source.display

    def at(self, kind: str, item_id: str, loc: tuple, message: str) -> None:
        self.problems.append(self.sources[(kind, item_id)].problem(loc, message))


def _shown(path: Path, root: Path) -> str:
    """A path as written under the project, without following links (for messages)."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))


def load_english(project: Project) -> Library:
    """Read and check all data; raise ``DataProblems`` listing everything wrong."""
    loader = Loader(project)
    data = project.data
    treatments: dict[str, Treatment] = {}
    branches: dict[str, Branch] = {}
    leaflets: dict[str, Leaflet] = {}
    labels: dict[str, Labels] = {}
    treatment_locs: dict[str, tuple] = {}

    treatments_path = data / "treatments.yaml"
    problems_before = len(loader.problems)
    if treatments_path.exists():
        source, listed = loader.read(treatments_path, TreatmentsFile)
        if source is not None and listed is not None:  # read() returns a model only with its source
            for i, treatment in enumerate(listed.treatments):
                loader.collect("treatment", source, treatments, treatment, ("treatments", i))
                treatment_locs[treatment.id] = ("treatments", i)
    treatments_broken = len(loader.problems) > problems_before
    labels_broken = False
    for kind, folder, model, items in (
        ("branch", "branches", Branch, branches),
        ("leaflet", "leaflets", Leaflet, leaflets),
        ("labels", "labels", Labels, labels),
    ):
        paths = _files(data / folder)
        if not paths and kind != "labels":
            loader.problems.append(
                Problem(display_path(data / folder, project.root), 0, 0, "",
                        f"no {kind} files (*.yaml) here; add at least one (see docs/data-format.md)")
            )
        for path in paths:
            source, item = loader.read(path, model)
            labels_broken |= kind == "labels" and item is None
            if kind == "branch" and item is None and source is not None:
                _check_logo_of_invalid_branch(loader, source)
            if source is None or item is None:  # read() returns a model only with its source
                continue
            if kind != "labels" and item.id != path.stem:
                loader.problems.append(source.problem(
                    ("id",), f"the id {item.id!r} does not match the file name {path.name!r}; "
                    f"rename the file to {item.id}.yaml or change the id"))
            if kind == "labels":
                if item.lang in labels:
                    loader.problems.append(source.problem(("lang",), f"labels for {item.lang!r} are defined twice"))
                labels[item.lang] = item
                loader.sources[("labels", item.lang)] = source
            else:
                loader.collect(kind, source, items, item, ())

    advice: dict[str, AdviceSnippet] = {}
    citations: dict[str, SourceEntry] = {}
    glossary: tuple[GlossaryTerm, ...] = ()
    problems_before = len(loader.problems)
    for name, file_model in (("advice", AdviceLibrary), ("sources", SourceList), ("glossary", Glossary)):
        path = data / f"{name}.yaml"
        if not path.exists():
            continue
        source, parsed = loader.read(path, file_model)
        if source is None or parsed is None:  # read() returns a model only with its source
            continue
        loader.sources[("file", name)] = source
        loader.files[("file", name)] = source.display
        if name == "advice":
            for i, snippet in enumerate(parsed.advice):
                loader.collect("advice", source, advice, snippet, ("advice", i))
        elif name == "sources":
            for i, entry in enumerate(parsed.sources):
                loader.collect("source", source, citations, entry, ("sources", i))
        else:
            glossary = tuple(parsed.terms)
    advice_broken = len(loader.problems) > problems_before

    # A broken treatments or labels file is reported once, not again at every reference to it.
    _check_references(loader, treatments, branches, leaflets, labels, treatments_broken, labels_broken)
    _check_advice(loader, advice, leaflets, advice_broken, treatments, branches, treatments_broken)
    if loader.problems:
        raise DataProblems(loader.problems)
    library = Library(project, leaflets, treatments, branches, labels, loader.files, advice, citations, glossary,
                      dict(loader.sources))
    return library


def _check_advice(
    loader: Loader,
    advice: dict[str, AdviceSnippet],
    leaflets: dict[str, Leaflet],
    advice_broken: bool,
    treatments: dict[str, Treatment],
    branches: dict[str, Branch],
    treatments_broken: bool,
) -> None:
    """Advice names must exist; advice may not nest; a branch's products must be in treatments.yaml."""
    for leaflet in leaflets.values():
        for s, section in enumerate(leaflet.sections):
            for b, block in enumerate(section.body):
                if isinstance(block, AdviceRef) and block.advice not in advice and not advice_broken:
                    close = difflib.get_close_matches(block.advice, list(advice), n=1)
                    hint = (
                        f"did you mean {close[0]!r}?"
                        if close
                        else f"known advice: {', '.join(sorted(advice)) or 'none (add data/advice.yaml)'}"
                    )
                    loader.at("leaflet", leaflet.id, ("sections", s, "body", b, "advice"),
                              f"unknown advice {block.advice!r} (not in data/advice.yaml); {hint}")
    for index, snippet in enumerate(advice.values()):
        for b, block in enumerate(snippet.body):
            if isinstance(block, (AdviceRef, TreatmentList)):
                loader.at("advice", snippet.id, ("advice", index, "body", b),
                          "advice may hold only p, bullets and callout blocks (no advice or treatments_offered)")
    if treatments_broken:
        return
    for branch in branches.values():
        for i, offer in enumerate(branch.treatments):
            treatment = treatments.get(offer.id)
            if treatment is None or not treatment.products:
                continue
            known = [p.name for p in treatment.products]
            for j, name in enumerate(offer.products):
                if name not in known:
                    close = difflib.get_close_matches(name, known, n=1)
                    hint = (
                        f"did you mean {close[0]!r}?"
                        if close
                        else (
                            "add it to the treatment's products in data/treatments.yaml, "
                            "with its depth and ingredients"
                        )
                    )
                    loader.at("branch", branch.id, ("treatments", i, "products", j),
                              f"product {name!r} is not among data/treatments.yaml's products for {offer.id!r}; {hint}")


def _check_references(
    loader: Loader,
    treatments: dict[str, Treatment],
    branches: dict[str, Branch],
    leaflets: dict[str, Leaflet],
    labels: dict[str, Labels],
    treatments_broken: bool,
    labels_broken: bool,
) -> None:
    def unknown(treatment_id: str) -> str:
        close = difflib.get_close_matches(treatment_id, list(treatments), n=1)
        hint = (
            f"; did you mean {close[0]!r}?"
            if close
            else f"; known treatments: {', '.join(sorted(treatments)) or 'none'}"
        )
        return f"unknown treatment {treatment_id!r} (not in data/treatments.yaml){hint}"

    for branch in branches.values():
        seen: set[str] = set()
        for i, offer in enumerate(branch.treatments):
            if offer.id not in treatments and not treatments_broken:
                loader.at("branch", branch.id, ("treatments", i, "id"), unknown(offer.id))
            if offer.id in seen:
                loader.at("branch", branch.id, ("treatments", i, "id"), f"treatment {offer.id!r} is listed twice")
            seen.add(offer.id)
        message = _logo_message(loader.project, branch.brand.logo)
        if message:
            loader.at("branch", branch.id, ("brand", "logo"), message)

    for leaflet in leaflets.values():
        if leaflet.treatment and leaflet.treatment not in treatments and not treatments_broken:
            loader.at("leaflet", leaflet.id, ("treatment",), unknown(leaflet.treatment))
        for i, treatment_id in enumerate(leaflet.treatments):
            if treatment_id not in treatments and not treatments_broken:
                loader.at("leaflet", leaflet.id, ("treatments", i), unknown(treatment_id))
        lists = [
            (s, b) for s, section in enumerate(leaflet.sections)
            for b, block in enumerate(section.body) if isinstance(block, TreatmentList)
        ]
        if lists and not leaflet.treatments:
            s, b = lists[0]
            loader.at("leaflet", leaflet.id, ("sections", s, "body", b),
                      "a treatments_offered block needs the leaflet's `treatments` list; add the treatment ids")
        elif lists:  # the block prints every offered treatment's description: bound what it can add
            listed = [treatments[t] for t in leaflet.treatments if t in treatments]
            size = leaflet.content_characters + sum(len(t.name) + len(t.summary) for t in listed)
            if size > MAX_EXPANDED_CHARACTERS:
                s, b = lists[0]
                loader.at("leaflet", leaflet.id, ("sections", s, "body", b),
                          f"with the descriptions of its {len(listed)} treatments the leaflet holds about {size:,} "
                          f"characters; at most {MAX_EXPANDED_CHARACTERS:,} are allowed: list fewer treatments "
                          "or shorten their descriptions")
        if leaflet.lang not in labels and not labels_broken:
            loader.at("leaflet", leaflet.id, ("lang",),
                      f"no labels for language {leaflet.lang!r}; add data/labels/{leaflet.lang}.yaml")


def _logo_message(project: Project, written: str) -> str | None:
    """What is wrong with the logo a branch names (outside the project, wrong type, missing, broken), or None."""
    logo = project.inside(written)
    if logo is None:
        return (f"logo file {written!r}: the logo must be a file inside the project folder (not a link leading "
                "outside it), e.g. assets/logos/clinic.svg")
    if logo.suffix.lower() not in LOGO_TYPES:
        return f"the logo must be one of {', '.join(LOGO_TYPES)}"
    if not logo.exists():
        return f"logo file {written!r} not found; add it or correct the path (relative to the project folder)"
    problem = _logo_problem(logo, project.root)
    return f"logo file {written!r} {problem}" if problem else None


def _check_logo_of_invalid_branch(loader: Loader, source: Source) -> None:
    """A branch file with other mistakes still has its logo checked, so one run reports both."""
    brand = source.data.get("brand") if isinstance(source.data, dict) else None
    written = brand.get("logo") if isinstance(brand, dict) else None
    if not isinstance(written, str) or not written:
        return
    at_logo = source.problem(("brand", "logo"), "")
    if any(p.file == at_logo.file and p.field == at_logo.field for p in loader.problems):
        return  # the value itself was refused already
    message = _logo_message(loader.project, written)
    if message:
        loader.problems.append(source.problem(("brand", "logo"), message))


def _logo_problem(path: Path, root: Path) -> str | None:
    """Why a logo file cannot be used (outside the project, unreadable, too large, not an image,
    too complex to draw), or None. The same checks run again on every image the renderer reads."""

    try:
        data = read_project_file(path, root, MAX_LOGO_BYTES)
    except UnsafeFile as error:
        if str(error) == "not found":
            return "not found; add it or correct the path (relative to the project folder)"
        return str(error)
    if path.suffix.lower() == ".svg":
        return svg_problem(data)
    return image_problem(data) or (None if data.startswith((b"\x89PNG", b"\xff\xd8")) else
                                   "is not a PNG or JPEG image this tool can read")


PATTERN_HINTS = {
    "reference": "write the reference as 2 to 6 capital letters, a hyphen and 2 or 3 digits, e.g. MIL-01",
    "lang": "write the language as a code such as en-GB",
    "version": 'write the version as numbers with dots, in quotes, e.g. "1.0"',
}


def field_message(error: ErrorDetails, model: type[BaseModel]) -> str:
    kind, loc = error["type"], error["loc"]
    if kind == "missing":
        return f"missing required field {loc[-1]!r}; add it (see docs/data-format.md)"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = (
            f"; did you mean {close[0]!r}?"
            if close
            else (f"; allowed keys: {', '.join(allowed)}" if allowed else "")
        )
        return f"unknown key {loc[-1]!r}{hint}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "should be a mapping of keys to values here (see docs/data-format.md)"
    if loc and loc[-1] == "price" and kind in ("decimal_parsing", "decimal_type"):
        written = str(error.get("input", "")).strip()
        pound = "without the £ sign (it is added when printed), " if "£" in written else ""
        return f"{written!r} is not a price: write the price as a number, {pound}e.g. 120 or 49.50"
    if kind == "string_pattern_mismatch" and loc and loc[-1] in PATTERN_HINTS:
        return PATTERN_HINTS[loc[-1]]
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message[0].lower() + message[1:] if message[:2] != message[:2].upper() else message


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed at ``loc`` in ``model``, for "did you mean" hints."""
    tp: Any = model
    for part in loc:
        tp = _unwrap(tp)
        if get_origin(tp) in (Union, types.UnionType) and isinstance(part, str):
            members = [_unwrap(a) for a in get_args(tp)]
            tp = next((m for m in members if isinstance(m, type) and part in getattr(m, "model_fields", {})), None)
            if tp is None:
                return []
            continue  # the part was a union tag; the same name follows as the field
        if isinstance(part, int):
            args = get_args(tp)
            tp = args[0] if get_origin(tp) is list and args else None
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        else:
            return []
        if tp is None:
            return []
    tp = _unwrap(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return list(tp.model_fields)
    return []
