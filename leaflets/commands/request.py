"""What a build is asked for and what it gives back: ``BuildRequest``, ``BuildResult``.

Their own module, below ``commands.build`` and ``commands.steps``, which both use them: the
build's no-op check imports this and never the steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from leaflets.formats import ProfileId
from leaflets.render.workers import DEFAULT_TIMEOUT_SECONDS

if TYPE_CHECKING:
    from leaflets.gate.findings import Finding
    from leaflets.gate.gate import Verdict
    from leaflets.project.plan import Variant
    from leaflets.publish.files import Output


@dataclass(frozen=True)
class BuildRequest:
    """What to build, where, and how: everything ``leaflets build`` accepts."""

    root: Path | None = None
    out_dir: Path | None = None  # default: out/ in the project
    leaflets: tuple[str, ...] = ()  # empty: all
    branches: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    langs: tuple[str, ...] = ()  # empty: English and every translation
    profile: ProfileId = "office"
    marks: bool = False
    release: bool = False
    today: dt.date | None = None  # default: today
    jobs: int | None = None  # default: the number of CPUs
    force: bool = False
    shard: tuple[int, int] | None = None
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    @property
    def day(self) -> dt.date:
        return self.today or dt.date.today()


@dataclass
class BuildResult:
    out_dir: Path
    variants: list[Variant] = field(default_factory=list)
    built: list[Variant] = field(default_factory=list)
    unchanged: list[Variant] = field(default_factory=list)
    failed: list[tuple[Variant, str]] = field(default_factory=list)
    written: list[Output] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)  # outputs of variants that no longer exist
    catalogue: list[str] = field(default_factory=list)  # catalogue pages (re)written: index.html files
    set_aside: list[str] = field(default_factory=list)  # old outputs of failed variants, moved to .failed/
    stale: list[str] = field(default_factory=list)  # files of variants not built now, out of date: moved to .stale/
    warnings: list[str] = field(default_factory=list)
    blockers: list[Finding] = field(default_factory=list)  # what a release would refuse
    drafts: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)  # files written into the release folder
    noop: bool = False  # answered from the build stamp: no input changed
    noop_count: int = 0  # the variants of that build (the data was not even loaded)
    seconds: float = 0.0
    verdict: Verdict | None = None  # the gate's answer (statuses for leaflets serve); None for a no-op


    @property
    def count(self) -> int:
        return self.noop_count if self.noop else len(self.variants)

    @property
    def manifest(self) -> Path:
        return self.out_dir / "manifest.json"


# Called as each variant finishes: (variant, "built" | "unchanged" | "failed", outputs, message).
Progress = Callable[["Variant", str, "list[Output]", str], None]
Say = Callable[[str], None]
