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
from typing import Annotated, Any, ClassVar, Literal, Union
from urllib.parse import urlsplit

from pydantic_core import PydanticCustomError
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
    model_validator,
)

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
    parts = urlsplit(value)
    host = parts.hostname or ""
    if (
        parts.scheme != "https"
        or "." not in host
        or parts.username
        or parts.password
        or re.search(r"\s", value)
    ):
        raise ValueError(
            f"{value!r} is not a web address this tool accepts: write a full https:// "
            "address, e.g. 'https://example.co.uk/book'"
        )
    return value


def _check_email(value: str) -> str:
    if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", value):
        raise ValueError(f"{value!r} is not an email address, e.g. 'info@example.co.uk'")
    return value


def _check_uk_phone(value: str) -> str:
    import phonenumbers  # imported here: it is slow to load and only data needs it

    try:
        number = phonenumbers.parse(value, "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number_for_region(number, "GB"):
        raise ValueError(
            f"{value!r} is not a valid UK phone number: write it as dialled in the UK, "
            "e.g. '01782 922300'"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Explicit bidi embeddings and overrides can make printed text read differently from
# the source (a phone number shown reversed); right-to-left text never needs them.
_BIDI_OVERRIDE = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _no_control_characters(value: str) -> str:
    found = _CONTROL.search(value)
    if found:
        raise ValueError(
            f"contains the control character U+{ord(found.group()):04X}, which cannot be printed; remove it"
        )
    found = _BIDI_OVERRIDE.search(value)
    if found:
        raise ValueError(
            f"contains the bidirectional control character U+{ord(found.group()):04X}, which can make the "
            "printed text read differently from what was written; remove it"
        )
    return value


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
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_no_control_characters)
]
MAX_LEAFLET_CHARACTERS = 30_000  # about 40 large-print pages; the default leaflets are ~5,000
Colour = Annotated[
    str, BeforeValidator(_colour_given), AfterValidator(_check_colour), WithJsonSchema({"type": "string", "pattern": "^#[0-9a-fA-F]{6}$"})
]
HttpsUrl = Annotated[
    str, StringConstraints(max_length=300), AfterValidator(_check_https),
    WithJsonSchema({"type": "string", "pattern": "^https://", "maxLength": 300}),
]
Email = Annotated[str, StringConstraints(max_length=200), AfterValidator(_check_email)]
UkPhone = Annotated[str, StringConstraints(max_length=40), AfterValidator(_check_uk_phone)]
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Z]{2})?$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Leaflet content -------------------------------------------------------


class Paragraph(Strict):
    kind: ClassVar[str] = "p"
    p: Text


class Bullets(Strict):
    kind: ClassVar[str] = "bullets"
    bullets: list[Text] = Field(min_length=1, max_length=30)


class CalloutBody(Strict):
    title: ShortText
    text: Text | None = None
    bullets: list[Text] = Field(default_factory=list, max_length=30)


class Callout(Strict):
    """A boxed warning or key message, such as "Do not squeeze milia"."""

    kind: ClassVar[str] = "callout"

    callout: CalloutBody


class TreatmentListBody(Strict):
    intro: Text
    none: Text = Field(description="Said instead when the branch offers none of them.")


class TreatmentList(Strict):
    """The leaflet's treatments that the branch offers, with their descriptions."""

    kind: ClassVar[str] = "treatments_offered"

    treatments_offered: TreatmentListBody


BLOCK_KINDS = ("p", "bullets", "callout", "treatments_offered")


def _block_kind(value: Any) -> str | None:
    if isinstance(value, dict):
        found = [k for k in BLOCK_KINDS if k in value]
        return found[0] if len(found) == 1 else None
    found = [k for k in BLOCK_KINDS if getattr(value, k, None) is not None]
    return found[0] if len(found) == 1 else None


Block = Annotated[
    Union[
        Annotated[Paragraph, Tag("p")],
        Annotated[Bullets, Tag("bullets")],
        Annotated[Callout, Tag("callout")],
        Annotated[TreatmentList, Tag("treatments_offered")],
    ],
    Discriminator(
        _block_kind,
        custom_error_type="block_kind",
        custom_error_message="each block needs exactly one of the keys p, bullets, callout, treatments_offered",
    ),
]


class Section(Strict):
    heading: ShortText
    body: list[Block] = Field(min_length=1, max_length=40)


class FaqEntry(Strict):
    question: ShortText
    answer: Text


class Approver(Strict):
    name: ShortText
    role: ShortText


class Change(Strict):
    version: Annotated[str, BeforeValidator(_check_version)]
    date: dt.date
    note: Text


class Record(Strict):
    """The governance record a health information standard expects."""

    reference: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,6}-[0-9]{2,3}$")]
    version: Annotated[str, BeforeValidator(_check_version), StringConstraints(pattern=r"^[0-9]+(\.[0-9]+)*$")]
    status: Literal["draft", "approved"]
    author: ShortText
    approver: Approver | None = None
    approved: dt.date | None = None
    next_review: dt.date | None = None
    sources: list[Text] = Field(min_length=1, max_length=60)
    changes: list[Change] = Field(min_length=1)

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
    treatments: list[Id] = Field(default_factory=list, description="Treatments the leaflet mentions.")
    sections: list[Section] = Field(min_length=1, max_length=40)
    faq: list[FaqEntry] = Field(default_factory=list, max_length=30)
    search_words: list[ShortText] = Field(
        default_factory=list, max_length=30,
        description="Words people use for it, for the staff catalogue's search (not printed), e.g. 'milk spots'.",
    )
    record: Record

    @model_validator(mode="after")
    def _bounded_length(self) -> Leaflet:
        size = len(self.model_dump_json(include={"title", "summary", "sections", "faq"}))
        if size > MAX_LEAFLET_CHARACTERS:
            raise ValueError(
                f"the leaflet holds about {size:,} characters of content; at most {MAX_LEAFLET_CHARACTERS:,} "
                "(about 40 large-print pages) are allowed: split it into several leaflets"
            )
        return self


class Treatment(Strict):
    id: Id
    name: ShortText
    summary: Text = Field(description="One plain-English paragraph.")


class TreatmentCatalogue(Strict):
    treatments: list[Treatment] = Field(min_length=1)


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

    @property
    def price_text(self) -> str | None:
        if self.price is None:
            return None
        amount = f"£{self.price:,.2f}".replace(".00", "")
        return f"from {amount}" if self.price_from else amount


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
    brand: Brand
    treatments: list[Annotated[Offer, BeforeValidator(_offer_shorthand)]] = Field(default_factory=list)

    @cached_property
    def phone_uri(self) -> str:
        return "tel:+44" + re.sub(r"\D", "", self.phone)[1:]

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
    other_formats: Text
    draft_mark: ShortText
    overdue_mark: ShortText = Field(description="Marked on every page of a leaflet past its review date; {date} is filled in.")
