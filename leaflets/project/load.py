"""Loading a project: the English data (``english``), then the translations (``translations``),
each validated; every problem of a run reported together.

``load_library`` is what every command calls. ``Library`` (the loaded data) and ``DataProblems``
are importable from here too.
"""

from __future__ import annotations

import dataclasses

from leaflets.errors import DataProblems
from leaflets.project.english import Library, load_english
from leaflets.project.folder import Project
from leaflets.project.translations import load_translations

__all__ = ["DataProblems", "Library", "load_library"]


def load_library(project: Project) -> Library:
    """The project's data: the English, then (once it is known to be valid) its translations."""
    library = load_english(project)
    translations, problems = load_translations(library)
    if problems:
        raise DataProblems(problems)
    return dataclasses.replace(library, translations=translations)
