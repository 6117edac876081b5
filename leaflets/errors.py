"""The errors a user can fix, as distinct from bugs.

Anything raised as a ``UserError`` is printed as a short message with exit
status 2 (bad data or usage) or 1 (a build that failed); anything else is a
bug and shows a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, pointing into the file that holds it."""

    file: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where} {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class UserError(Exception):
    """Something the user can put right; ``exit_code`` 2 for input, 1 for a failed build."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class DataProblems(UserError):
    """Every problem found in the data in one run, reported together."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        count = len(self.problems)
        super().__init__(
            "\n".join(str(p) for p in self.problems)
            + f"\n{count} problem{'s' if count != 1 else ''} found; fix the data and run again."
        )


def error_message(error: UserError) -> str:
    """A user's mistake as the command line prints it: ``error: `` then one problem a line
    (``FILE:LINE:COL field: message``); ``leaflets serve`` shows the same lines."""
    return f"error: {error}"


class BuildFailed(UserError):
    exit_code = 1


def display_path(path: Path, root: Path) -> str:
    """A path as the user should see it: relative to the project where possible."""
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
