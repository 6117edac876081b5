"""A translation's governance record: ``locale/<lang>/<leaflet>.yaml`` beside its PO file.

The PO file holds the words; the record says who translated them, which
qualified person checked them, whether they are approved, and which version
of the English leaflet they were made from. A release needs ``status:
approved``, a translator, a checker and ``made_from`` equal to the English
version being released.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, field_validator, model_validator

from leaflets.project.model import Approver, Date, Lang, ShortText, Strict, Text, Version, known_formats

NOT_APPLICABLE = "not-applicable"  # a PO translator comment "# not-applicable: why"


class TranslationRecord(Strict):
    """Who made and checked one translation, and from which English version."""

    lang: Lang = Field(description="The language of the translation, e.g. pl; the same as its folder's name.")
    status: Literal["draft", "approved"]
    translator: ShortText | None = Field(
        default=None, description="Who translated it; null until known (never invent a name).")
    checked_by: Approver | None = Field(
        default=None, description="The qualified translator or clinician who checked it: {name, role}.")
    date: Date = Field(description="The date of this translation (or of its last check).")
    made_from: Version | None = Field(
        default=None,
        description='The English leaflet\'s record.version it was translated from, e.g. "0.3" (null for labels).',
    )
    notes: Text | None = None
    seal: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")] | None = Field(
        default=None, description="Written by leaflets translate approve: the SHA-256 of the translation approved.")
    english_seal: Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")] | None = Field(
        default=None, description="Written by leaflets translate approve: the seal of the English it was made from.")
    formats: list[str] | None = Field(
        default=None,
        description="The formats this translation is built in, e.g. [a5, large-print, web]; null: every format. "
                    "A translation often runs longer than the English: list the formats whose page budget it fits.",
    )

    @field_validator("formats")
    @classmethod
    def _known_formats(cls, value: list[str] | None) -> list[str] | None:
        return known_formats(value)

    @model_validator(mode="after")
    def _approval_is_complete(self) -> TranslationRecord:
        if self.status == "approved" and (self.translator is None or self.checked_by is None):
            raise ValueError(
                "an approved translation needs translator and checked_by (name and role of the qualified "
                "person who checked it); leave status: draft until then"
            )
        return self
