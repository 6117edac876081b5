"""The data model: what a leaflet, a treatment and a branch may say.

Every model forbids unknown keys, so a typo in a data file is an error rather
than silently ignored. Checks that need more than one file (a branch offering
an unknown treatment, duplicate ids, a missing logo) live in ``load.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal
from urllib.parse import quote, urlsplit, urlunsplit

import phonenumbers
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from leaflets.formats import FORMATS
from leaflets.project.characters import first_unprintable

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
REVIEW_PERIOD_YEARS = 2


def _check_id(value: str) -> str:
    if not ID_RE.fullmatch(value) or len(value) > 64:
        raise ValueError(
            f"{value!r} is not a valid id: use lowercase letters a-z, digits and "
            "single hyphens, at most 64 characters (e.g. 'stoke-on-trent')"
        )
    return value


def _check_colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValueError(f"{value!r} is not a colour: write it as #RRGGBB, e.g. '#1d4f6e'")
    return value.lower()


def _check_https(value: str) -> str:
    odd = re.search(r"[\"'<>`\\{}|^]", value)
    if odd:
        raise ValueError(
            f"{value!r} holds {odd.group()!r}, which a web address never needs (quotes, angle brackets and the "
            "like are how markup is smuggled into a link): remove it, or write it percent-encoded (%22 for \")"
        )
    parts = urlsplit(value)
    host = parts.hostname or ""
    if (
        parts.scheme != "https"
        or "." not in host
        or parts.username
        or parts.password
        or re.search(r"\s", value)
        or not re.fullmatch(r"[A-Za-z0-9.-]+", host)
    ):
        raise ValueError(
            f"{value!r} is not a web address this tool accepts: write a full https:// "
            "address, e.g. 'https://example.co.uk/book'"
        )
    # Rebuilt from its parts, each quoted, so nothing in it can change what the link does.
    netloc = host.lower() + (f":{parts.port}" if parts.port else "")
    return urlunsplit(("https", netloc, quote(parts.path, safe=_URL_SAFE), quote(parts.query, safe=_URL_SAFE + "?"),
                       quote(parts.fragment, safe=_URL_SAFE + "?")))


_URL_SAFE = "/%:@!$&'()*+,;=-._~"
# What a clinic's address needs before the @; no quoting, no ?, %, = or & that a mailto: link could misread.
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._+-]{0,62}[A-Za-z0-9_+-])?")


def _check_email(value: str) -> str:
    # only data with an email address needs it (the default branches have none)
    from email_validator import EmailNotValidError, validate_email  # noqa: PLC0415 -- 23 ms, see above

    hint = "write a plain address such as 'info@example.co.uk'"
    try:
        checked = validate_email(
            value, check_deliverability=False, allow_smtputf8=False, allow_quoted_local=False,
            allow_domain_literal=False, allow_display_name=False,
        )
    except EmailNotValidError as error:
        raise ValueError(f"{value!r} is not an email address ({error}); {hint}") from None
    if checked.domain != checked.ascii_domain:  # look-alike letters from other scripts
        raise ValueError(f"{value!r}: write the part after the @ in plain letters (its xn-- form); {hint}")
    if not _EMAIL_LOCAL.fullmatch(checked.local_part):
        raise ValueError(
            f"{value!r} is not an email address this tool accepts: before the @ use only letters, digits, "
            f"dots, hyphens, underscores and plus signs; {hint}"
        )
    return checked.normalized


# Numbers Ofcom keeps for TV and radio drama: never given to anyone, so a leaflet that
# shows one sends patients to a dead line. phonenumbers counts some of them as valid.
# Source: Ofcom, "Telephone numbers for drama purposes" (ofcom.org.uk, numbering:
# numbers for drama). Each range is the prefix followed by any three digits.
DRAMA_NUMBERS = {
    "01134960": "Leeds", "01144960": "Sheffield", "01154960": "Nottingham", "01164960": "Leicester",
    "01174960": "Bristol", "01184960": "Reading", "01214960": "Birmingham", "01314960": "Edinburgh",
    "01414960": "Glasgow", "01514960": "Liverpool", "01614960": "Manchester", "02079460": "London",
    "01914980": "Tyneside, Durham and Sunderland", "02896496": "Northern Ireland", "02920180": "Cardiff",
    "01632960": "01632 no-area", "07700900": "mobile", "08081570": "freephone", "09098790": "premium rate",
    "03069990": "UK-wide",
}


def _drama_range(national: str) -> str | None:
    """The name of Ofcom's drama range holding this national number (0 and 10 digits), or None."""
    if len(national) != 11:
        return None
    return DRAMA_NUMBERS.get(national[:8])


def _parse_uk_phone(value: str):
    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code == 44:
        area = _drama_range(f"0{number.national_number}")
        if area:
            raise ValueError(
                f"{value!r} is a number Ofcom keeps for TV and radio drama (the {area} range): it is not in use "
                "and cannot be called; give the clinic's real phone number"
            )
    return number if phonenumbers.is_valid_number_for_region(number, "GB") else None


def _check_uk_phone(value: str) -> str:
    number = _parse_uk_phone(value)
    if number is None:
        raise ValueError(
            f"{value!r} is not a valid UK phone number: write it as dialled in the UK, "
            "e.g. '01782 922300' (an extension as '01782 922300 ext. 123')"
        )
    extension = number.extension
    number.extension = None
    printed = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    # Printed as a person reads it: "01782 922300 ext. 123"; linked per RFC 3966 (;ext=).
    return f"{printed} ext. {extension}" if extension else printed




_LINE_BREAK = re.compile("[\t\n\r\u2028\u2029]")


def _single_line(value: str) -> str:
    """Names, headings and contact details are one line: a line break could forge a field."""
    found = _LINE_BREAK.search(value)
    if found:
        raise ValueError(
            f"contains a line break or tab (U+{ord(found.group()):04X}); this field must be one line: remove it"
        )
    return _no_control_characters(value)


def _no_control_characters(value: str) -> str:
    """Refuse what may not be printed (leaflets/project/characters.py); tabs and line breaks are
    judged by the field (``_single_line``)."""
    found = first_unprintable(value, allowed="\t\n\r")
    if found is None:
        return value
    _, char, kind = found
    if kind == "bidi":  # right-to-left text never needs them
        raise ValueError(
            f"contains the bidirectional control character U+{ord(char):04X}, which can make the "
            "printed text read differently from what was written; remove it"
        )
    what = "control character" if kind == "control" else "code point, not a character,"
    raise ValueError(f"contains the {what} U+{ord(char):04X}, which cannot be printed; remove it")


def _check_asset_path(value: str) -> str:
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value) or value.startswith(("/", "\\")):
        raise ValueError(
            f"{value!r} must be a path inside the project folder, such as assets/logos/clinic.svg "
            "(not a URL or an absolute path)"
        )
    return value


def _check_version(value: Any) -> Any:
    if isinstance(value, (int, float)):
        # load.py replaces {written} with the number as written (YAML reads 1.10 as 1.1)
        raise PydanticCustomError("version_number", 'write the version in quotes, e.g. version: "{written}"',
                                  {"written": str(value)})
    return value


def _colour_given(value: Any) -> Any:
    if value is None:
        raise ValueError('no colour given: write it in quotes, e.g. primary: "#1d4f6e" (unquoted, # starts a comment)')
    return value


Id = Annotated[
    str, AfterValidator(_check_id),
    WithJsonSchema({"type": "string", "pattern": ID_RE.pattern, "maxLength": 64}),
]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), AfterValidator(_no_control_characters)
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_single_line)
]
MAX_LEAFLET_TREATMENTS = 20
MAX_LEAFLET_CHARACTERS = 30_000  # about 40 large-print pages; the default leaflets are ~5,000
Colour = Annotated[
    str, BeforeValidator(_colour_given), AfterValidator(_check_colour),
    WithJsonSchema({"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"}),
]
HttpsUrl = Annotated[
    str, StringConstraints(max_length=300), AfterValidator(_single_line), AfterValidator(_check_https),
    WithJsonSchema({"type": "string", "pattern": "^https://", "maxLength": 300}),
]
Email = Annotated[
    str, StringConstraints(max_length=254), AfterValidator(_single_line), AfterValidator(_check_email),
    WithJsonSchema({"type": "string", "format": "email", "maxLength": 254}),
]
UkPhone = Annotated[
    str, StringConstraints(max_length=40), AfterValidator(_single_line), AfterValidator(_check_uk_phone)
]
VERSION_PATTERN = r"^[0-9]{1,4}(\.[0-9]{1,4}){0,3}$"
# The pattern also bounds the length: at most four numbers of at most four digits.
Version = Annotated[str, BeforeValidator(_check_version), StringConstraints(pattern=VERSION_PATTERN)]
EARLIEST_DATE, LATEST_DATE = dt.date(1970, 1, 1), dt.date(2199, 12, 31)


def _sensible_date(value: dt.date) -> dt.date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            f"{value.isoformat()} is not a plausible date for a leaflet (allowed: {EARLIEST_DATE.year} to "
            f"{LATEST_DATE.year}); check the year"
        )
    return value


Date = Annotated[dt.date, AfterValidator(_sensible_date)]
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Leaflet content -------------------------------------------------------


class Paragraph(Strict):
    kind: ClassVar[str] = "p"
    p: Text
    keep_with_previous: bool = Field(
        default=False, description="Printed on the same page, column or panel as the end of the block before it: "
        "for a warning that qualifies that advice (\"do not use retinol if you are pregnant\")."
    )


class Bullets(Strict):
    kind: ClassVar[str] = "bullets"
    bullets: list[Text] = Field(min_length=1, max_length=30)
    keep_with_previous: bool = Field(
        default=False, description="Printed on the same page, column or panel as the end of the block before it: "
        "for a warning that qualifies that advice (\"do not use retinol if you are pregnant\")."
    )


class CalloutBody(Strict):
    title: ShortText
    text: Text | None = None
    bullets: list[Text] = Field(default_factory=list, max_length=30)
    contact: Literal["aftercare"] | None = Field(
        default=None,
        description='"aftercare": the box ends with the branch\'s aftercare phone numbers (branch data, not text).',
    )


class Callout(Strict):
    """A boxed warning or key message, such as "Do not squeeze milia"."""

    kind: ClassVar[str] = "callout"

    callout: CalloutBody
    keep_with_previous: bool = Field(
        default=False, description="Printed on the same page, column or panel as the end of the block before it: "
        "for a warning that qualifies that advice (\"do not use retinol if you are pregnant\")."
    )


class TreatmentListBody(Strict):
    intro: Text
    none: Text = Field(description="Said instead when the branch offers none of them.")


class TreatmentList(Strict):
    """The leaflet's treatments that the branch offers, with their descriptions."""

    kind: ClassVar[str] = "treatments_offered"

    treatments_offered: TreatmentListBody


class AdviceRef(Strict):
    """Advice written once in data/advice.yaml, included here by its name."""

    kind: ClassVar[str] = "advice"

    advice: Id


BLOCK_KINDS = ("p", "bullets", "callout", "treatments_offered", "advice")


def _block_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        found = [k for k in BLOCK_KINDS if k in value]
        return found[0] if len(found) == 1 else None
    found = [k for k in BLOCK_KINDS if getattr(value, k, None) is not None]
    return found[0] if len(found) == 1 else None


Block = Annotated[
    (
        Annotated[Paragraph, Tag("p")]
        | Annotated[Bullets, Tag("bullets")]
        | Annotated[Callout, Tag("callout")]
        | Annotated[TreatmentList, Tag("treatments_offered")]
        | Annotated[AdviceRef, Tag("advice")]
    ),
    Discriminator(
        _block_kind,
        custom_error_type="block_kind",
        custom_error_message="each block needs exactly one of the keys p, bullets, callout, treatments_offered, advice",
    ),
]


Depth = Literal["superficial", "medium", "deep", "confirm"]
LaserType = Literal["ablative", "non-ablative", "confirm"]


class ShownWhen(Strict):
    """Show the advice only when a treatment or product the variant shows matches (any listed value)."""

    depth: list[Depth] = Field(default_factory=list)
    ingredient: list[ShortText] = Field(
        default_factory=list, description='"confirm" matches products whose ingredients are not confirmed.'
    )
    offered: list[Id] = Field(default_factory=list, description="The branch offers any of these treatments.")
    not_offered: list[Id] = Field(default_factory=list, description="The branch offers none of these treatments.")
    laser: list[LaserType] = Field(default_factory=list, description="A laser the variant shows is of this type.")
    led: list[Literal["yes", "no", "confirm"]] = Field(
        default_factory=list, description="The branch adds LED light to a treatment the variant shows (offer led:).",
    )


class Section(Strict):
    heading: ShortText
    body: list[Block] = Field(min_length=1, max_length=40)
    shown_when: ShownWhen | None = Field(
        default=None, description="Print the section only for a branch whose treatments or products match.",
    )
    full_version_only: bool = Field(
        default=False, description="Left out of the short version printed on a DL leaflet, which points to the "
        "full leaflet instead. Only for a section a clinician agrees is not needed for safety."
    )


class FaqEntry(Strict):
    question: ShortText
    answer: Text


class Approver(Strict):
    name: ShortText
    role: ShortText


class Change(Strict):
    version: Version
    date: Date
    note: Text


def known_formats(value: list[str] | None) -> list[str] | None:
    """A record's ``formats`` list: every id a format of this tool (a leaflet's or a translation's)."""
    unknown = [f for f in value or [] if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown format {', '.join(map(repr, unknown))}; choose from: {', '.join(FORMATS)}")
    return value


class Record(Strict):
    """The governance record a health information standard expects."""

    reference: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,6}-[0-9]{2,3}$")]
    version: Version
    status: Literal["draft", "approved"]
    author: ShortText
    approver: Approver | None = None
    approved: Date | None = None
    next_review: Date | None = None
    seal: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")] | None = Field(
        default=None,
        description="Written by leaflets approve: the SHA-256 of the clinical text approved (never by hand).",
    )
    sources: list[Text] = Field(min_length=1, max_length=60)
    changes: list[Change] = Field(min_length=1, max_length=200)
    confirm: list[Text] = Field(
        default_factory=list, max_length=40,
        description="Points the research could not source: the approving clinician confirms each one.",
    )
    formats: list[str] | None = Field(
        default=None,
        description="The formats this leaflet is built in, e.g. [a4, a5, large-print, web]; null: every format. "
                    "List them only when the content cannot fit a format without leaving out what patients need "
                    "(say why in a comment); list and build name the formats left out.",
    )

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: list[str] | None) -> list[str] | None:
        return known_formats(value)

    @field_validator("approved")
    @classmethod
    def _approved_not_in_future(cls, value: dt.date | None) -> dt.date | None:
        # Against the real date, not --today: a clinician cannot have approved a leaflet yet.
        if value is not None and value > dt.date.today():
            raise ValueError(
                f"the approval date {value.isoformat()} is in the future: write the date the clinician "
                "approved the leaflet (today or earlier), or leave status: draft until then"
            )
        return value

    @model_validator(mode="after")
    def _approval_is_complete(self) -> Record:
        if self.status == "approved" and (self.approver is None or self.approved is None):
            raise ValueError(
                "an approved leaflet needs approver (name and role) and approved (the date); "
                "leave status: draft until a clinician has approved it"
            )
        if self.next_review and self.approved and self.next_review <= self.approved:
            raise ValueError("next_review must be after the approval date")
        return self

    @property
    def review_due(self) -> dt.date | None:
        """When the leaflet must be reviewed again: given, or two years after approval."""
        if self.next_review:
            return self.next_review
        if self.approved:
            try:
                return self.approved.replace(year=self.approved.year + REVIEW_PERIOD_YEARS)
            except ValueError:  # 29 February
                return self.approved.replace(year=self.approved.year + REVIEW_PERIOD_YEARS, day=28)
        return None

    def overdue_since(self, today: dt.date) -> dt.date | None:
        """The review date, if it has passed by ``today``."""
        due = self.review_due
        return due if due is not None and due < today else None

    @property
    def content_date(self) -> dt.date:
        """The date this content was last changed: used as the PDF's date."""
        return max(c.date for c in self.changes)


class Leaflet(Strict):
    id: Id
    lang: Lang = "en-GB"
    title: ShortText
    summary: Text
    treatment: Id | None = Field(
        default=None,
        description="For a leaflet about one treatment: built only for branches that offer it.",
    )
    treatments: list[Id] = Field(default_factory=list, max_length=MAX_LEAFLET_TREATMENTS,
                                 description="Treatments the leaflet mentions.")
    sections: list[Section] = Field(min_length=1, max_length=40)
    faq: list[FaqEntry] = Field(default_factory=list, max_length=30)
    search_words: list[ShortText] = Field(
        default_factory=list, max_length=30,
        description="Words people use for it, for the staff catalogue's search (not printed), e.g. 'milk spots'.",
    )
    record: Record

    @model_validator(mode="after")
    def _one_treatment_list(self) -> Leaflet:
        lists = [(s, b) for s, section in enumerate(self.sections)
                 for b, block in enumerate(section.body) if isinstance(block, TreatmentList)]
        if len(lists) > 1:
            raise ValueError(
                f"the leaflet has {len(lists)} treatments_offered blocks; at most one is allowed "
                "(each lists every treatment the branch offers)"
            )
        return self

    @property
    def content_characters(self) -> int:
        return len(self.model_dump_json(include={"title", "summary", "sections", "faq"}))

    @model_validator(mode="after")
    def _bounded_length(self) -> Leaflet:
        size = self.content_characters
        if size > MAX_LEAFLET_CHARACTERS:
            raise ValueError(
                f"the leaflet holds about {size:,} characters of content; at most {MAX_LEAFLET_CHARACTERS:,} "
                "(about 40 large-print pages) are allowed: split it into several leaflets"
            )
        return self


class Product(Strict):
    """A named product of a treatment (a brand of peel, a laser), with what the research says it is."""

    name: ShortText
    depth: Depth | None = Field(default=None, description='For a peel: how deep it works; "confirm" where the '
                                'research cannot say.')
    ingredients: list[ShortText] | Literal["confirm"] = Field(
        default_factory=list,
        description='Active ingredients, e.g. [salicylic acid]; "confirm" where the research cannot say.',
    )
    laser: LaserType | None = Field(
        default=None,
        description='For a laser: the device type, which decides the content printed; "confirm" where the clinic '
                    "has not said (a release is refused).",
    )
    confirm: list[Text] = Field(default_factory=list, max_length=10)


class Treatment(Strict):
    id: Id
    name: ShortText
    summary: Text = Field(description="One plain-English paragraph.")
    sources: list[Id] = Field(default_factory=list, max_length=30, description="Ids from data/sources.yaml.")
    depth: Depth | None = Field(default=None, description="For the treatment itself, when no product is named.")
    ingredients: list[ShortText] | Literal["confirm"] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list, max_length=40)
    confirm: list[Text] = Field(default_factory=list, max_length=10)
    search_words: list[ShortText] = Field(
        default_factory=list, max_length=30,
        description="Words people use for it or for what it treats, for the staff catalogue's search (not "
                    "printed), e.g. 'acne scars'.",
    )

    def product(self, name: str) -> Product | None:
        return next((p for p in self.products if p.name == name), None)


class TreatmentsFile(Strict):  # named for its file: "the catalogue" is the staff page only
    """data/treatments.yaml: every treatment the clinics offer, with its products."""

    treatments: list[Treatment] = Field(min_length=1, max_length=200)


# --- Shared advice, sources and glossary --------------------------------------


class AdviceSnippet(Strict):
    """Clinical advice written once and included by name, so every leaflet says the same."""

    id: Id
    about: ShortText = Field(description="What the advice is for, for reviewers.")
    body: list[Block] = Field(min_length=1, max_length=10)
    sources: list[Id] = Field(default_factory=list, max_length=20)
    shown_when: ShownWhen | None = None
    detect: list[ShortText] = Field(
        default_factory=list,
        description="Regular expressions for wording that repeats this advice; check asks to use the snippet.",
    )
    confirm: list[Text] = Field(default_factory=list, max_length=10)


class AdviceLibrary(Strict):
    advice: list[AdviceSnippet] = Field(min_length=1)


class SourceEntry(Strict):
    """One source the research notes support, cited as the original."""

    id: Id
    citation: Text


class SourceList(Strict):
    sources: list[SourceEntry] = Field(min_length=1)


class GlossaryTerm(Strict):
    """A medical term that must be explained in plain words where a leaflet first uses it."""

    term: ShortText
    forms: list[ShortText] = Field(default_factory=list, description="Other spellings, e.g. plurals.")
    means: Text = Field(description="A plain explanation, for writers.")


class Glossary(Strict):
    terms: list[GlossaryTerm] = Field(min_length=1)


# --- Branches ---------------------------------------------------------------


class Brand(Strict):
    logo: Annotated[str, StringConstraints(min_length=1, max_length=300), AfterValidator(_check_asset_path)] = Field(
        description="Path of the logo file, relative to the project folder."
    )
    logo_alt: ShortText
    primary: Colour
    accent: Colour


class Hours(Strict):
    days: ShortText
    hours: ShortText


def _offer_shorthand(value: Any) -> Any:
    return {"id": value} if isinstance(value, str) else value


class Offer(Strict):
    """A treatment a branch offers, with what the branch calls it and charges."""

    id: Id
    name: ShortText | None = Field(default=None, description="The branch's own name for it.")
    products: list[ShortText] = Field(default_factory=list, max_length=20)
    price: Annotated[Decimal, Field(gt=0, max_digits=8, decimal_places=2)] | None = None
    price_from: bool = Field(default=False, description="The price is a starting price.")
    practitioner: ShortText | None = Field(
        default=None, description="Who treats patients, by role and training, e.g. 'a registered nurse trained in "
        "peels'; unknown: check lists it for the clinician to confirm.",
    )
    overseen_by: ShortText | None = Field(
        default=None, description="Who oversees the treatment (medium-depth peels, lasers), e.g. 'a doctor'.",
    )
    led: bool | None = Field(
        default=None, description="Whether the branch adds LED light to the treatment (HydraFacial); unknown: "
        "the leaflet asks the reader to ask, and check lists it for the clinician to confirm.",
    )

    @property
    def price_text(self) -> str | None:
        if self.price is None:
            return None
        amount = f"£{self.price:,.2f}".replace(".00", "")
        return f"from {amount}" if self.price_from else amount


class Aftercare(Strict):
    """Whom a patient calls about a problem after treatment: the clinic first (GMC and JCCP expect it)."""

    phone: UkPhone | None = Field(default=None, description="Default: the branch phone.")
    out_of_hours: UkPhone | None = Field(default=None, description="Default: the branch's out_of_hours number.")


def _tel_uri(value: str) -> str:
    """A validated UK number as an RFC 3966 link; an extension as ``;ext=``, never dialled as digits."""
    number = _parse_uk_phone(value)
    assert number is not None  # validated when loaded
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return f"tel:{e164}" + (f";ext={number.extension}" if number.extension else "")


class Branch(Strict):
    id: Id
    clinic: ShortText
    clinic_placeholder: bool = Field(
        default=False,
        description="True while the clinic name is a stand-in the clinic must replace.",
    )
    name: ShortText
    phone: UkPhone
    address: list[ShortText] = Field(default_factory=list, max_length=8)
    email: Email | None = None
    website: HttpsUrl | None = None
    booking_url: HttpsUrl | None = None
    hours: list[Hours] = Field(default_factory=list, max_length=10)
    out_of_hours: UkPhone | None = Field(default=None, description="A number patients can call out of hours, if any.")
    aftercare: Aftercare = Field(
        default_factory=Aftercare,
        description="The numbers a treatment leaflet's 'When to get help' prints (default: phone and out_of_hours).",
    )
    brand: Brand
    treatments: list[Annotated[Offer, BeforeValidator(_offer_shorthand)]] = Field(default_factory=list, max_length=200)

    @cached_property
    def phone_uri(self) -> str:
        """The phone number as an RFC 3966 link; an extension as ``;ext=``, never dialled as digits."""
        return _tel_uri(self.phone)

    @property
    def aftercare_phone(self) -> str:
        """The number to call first about a problem after treatment."""
        return self.aftercare.phone or self.phone

    @property
    def aftercare_phone_uri(self) -> str:
        return _tel_uri(self.aftercare_phone)

    @property
    def aftercare_out_of_hours(self) -> str | None:
        """The aftercare number out of hours, if the branch has one."""
        return self.aftercare.out_of_hours or self.out_of_hours

    @property
    def aftercare_out_of_hours_uri(self) -> str | None:
        number = self.aftercare_out_of_hours
        return _tel_uri(number) if number else None

    @cached_property
    def phone_international(self) -> str:
        """For the contact card: +44 1782 922300 ext. 123."""
        number = _parse_uk_phone(self.phone)
        assert number is not None
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)

    @cached_property
    def email_uri(self) -> str | None:
        """A ``mailto:`` link built from the validated address's parts, each quoted."""
        if self.email is None:
            return None
        local, _, domain = self.email.rpartition("@")
        return f"mailto:{quote(local, safe='.+-_')}@{quote(domain.encode('idna').decode('ascii'), safe='.-')}"

    def offer(self, treatment_id: str) -> Offer | None:
        return next((o for o in self.treatments if o.id == treatment_id), None)


class Labels(Strict):
    """The words the layout itself uses, per language, so no text lives in templates."""

    lang: Lang
    phone: ShortText
    email: ShortText
    website: ShortText
    address: ShortText
    hours: ShortText
    book_online: ShortText
    contact_heading: ShortText
    qr_booking: ShortText
    qr_contact: ShortText
    faq_heading: ShortText
    price: ShortText
    also_called: ShortText
    products: ShortText
    page_of: ShortText = Field(description="Page number label; {page} and {pages} are filled in.")
    reference: ShortText
    version: ShortText
    last_reviewed: ShortText
    next_review: ShortText
    not_reviewed: ShortText
    published_by: ShortText
    feedback: Text
    other_formats: Text = Field(description="{formats} is filled with the other formats, e.g. 'in large print'.")
    draft_mark: ShortText
    overdue_mark: ShortText = Field(
        description="Marked on every page of a leaflet past its review date; {date} is filled in."
    )
    draft_of: ShortText = Field(default="Draft of {date}", description="{date}: the date of this version.")
    version_of: ShortText = Field(default="Version of {date}")
    sources_on_request: ShortText = "Sources are available on request."
    clinic_to_confirm: ShortText = "Clinic name to be confirmed"
    notes_heading: ShortText = "Notes and questions for your appointment"
    notes_phone: ShortText = Field(default="Questions? Call us on", description="Followed by the branch phone.")
    format_names: dict[str, ShortText] = Field(
        default_factory=dict, description="How each format is named in the other-formats sentence, by format id."
    )
    and_word: ShortText = "and"
    comma: ShortText = Field(default=",", description="The comma the layout writes between parts of a line, e.g. "
                             "the footer's reference and version: , in English, ، in Urdu.")
    full_stop: ShortText = Field(default=".", description="The full stop the layout writes after the parts of the "
                                 "footer's record: . in English, ۔ in Urdu.")
    ask_for_quote: ShortText = "Ask us for a written quote before you agree to treatment."
    out_of_hours: ShortText = "Out of hours"
    aftercare_phone: ShortText = Field(default="Our phone number",
                                       description="Before the aftercare number in 'When to get help'.")
    treated_by: ShortText = Field(default="Who treats you", description="Before the branch's practitioner role.")
    overseen_by: ShortText = Field(default="Overseen by", description="Before who oversees the treatment.")
    # A personalised print's box (leaflets personalise): its heading and labels.
    for_you: ShortText = "For you"
    next_appointment: ShortText = "Next appointment"
    from_practitioner: ShortText = Field(default="From", description="Before the practitioner's name.")
    appointment_at: ShortText = Field(default="{date} at {time}",
                                      description="The appointment; {date} and {time} are filled in.")
    draft_translation: ShortText = Field(
        default="Draft translation, not yet checked by a qualified translator",
        description="Marked on every page of a translation whose record is not approved (translated too).",
    )
    # Staff marks and the approval line (leaflets approve): not in the PO files (messages.STAFF_LABELS);
    # a translated page prints the marks in the project's words and its record with the translated labels.
    changed_mark: ShortText = Field(
        default="Changed since approval - not for patient use",
        description="Marked on every page of an approved leaflet whose clinical text changed since it was approved.",
    )
    out_of_date_translation: ShortText = Field(
        default="Translation of an earlier version - not for patient use",
        description="Marked on every page of a translation approved against an earlier English version.",
    )
    approval_line: ShortText = Field(
        default="Version {version}, approved by {name}, {role}, on {date}. Next review {next_review}.",
        description="The printed record of an approved leaflet; {version}, {name}, {role}, {date}, {next_review}.",
    )
    short_version: Text = Field(
        default="This is a shorter version of this leaflet. Ask at reception for the full leaflet.",
        description="On the back of a DL leaflet that leaves out sections marked full_version_only.",
    )
