"""The one kind of problem the gate reports: a Finding, with one severity scale.

An error blocks every build; a warning blocks a release (and ``check --strict``) and is printed by
a normal build; information blocks nothing. Each finding names the leaflet, branch, format and
language it concerns (None: all of them), so the gate can tell which variants it blocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warning", "info"]
LEVELS: tuple[Level, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    level: Level  # "error" blocks every build; "warning" blocks a release; "info" blocks nothing
    file: str
    subject: str
    message: str
    leaflet: str | None = None  # the leaflet it concerns; None: every leaflet
    branch: str | None = None  # the branch it concerns; None: every branch
    format: str | None = None  # the format it concerns; None: every format
    lang: str | None = None  # the language it concerns (a translation); None: every language

    def __str__(self) -> str:
        return f"{self.level}: {self.file}: {self.subject}: {self.message}"

    def concerns(self, leaflet: str, branch: str, format: str, lang: str | None = None) -> bool:
        return all(mine is None or mine == theirs for mine, theirs in (
            (self.leaflet, leaflet), (self.branch, branch), (self.format, format), (self.lang, lang)))
