"""After installing from a lock: does it hold everything pyproject.toml asks for?

Run with the virtual environment's Python once the project is installed (--no-deps).
Checks every requirement of the project (and, with --extras, of its test, lint, docs
and dev extras, from requirements-dev.lock) against what is installed, so a dependency
added to pyproject.toml without `make lock` stops the install with one clear line
instead of an ImportError in some test later.
"""

from __future__ import annotations

import sys
from importlib.metadata import PackageNotFoundError, requires, version

from packaging.requirements import Requirement

EXTRAS = ("test", "lint", "docs", "dev")


def missing(extras: tuple[str, ...] = ()) -> list[str]:
    problems = []
    for line in requires("leaflets") or []:
        requirement = Requirement(line)
        wanted = f"{requirement.name}{requirement.specifier}"
        if requirement.marker and not any(requirement.marker.evaluate({"extra": e}) for e in ("", *extras)):
            continue
        try:
            installed = version(requirement.name)
        except PackageNotFoundError:
            problems.append(f"{wanted} is not in the lock")
            continue
        if not requirement.specifier.contains(installed, prereleases=True):
            problems.append(f"{wanted} is required but the lock pins {requirement.name}=={installed}")
    return problems


if __name__ == "__main__":
    with_extras = "--extras" in sys.argv[1:]
    found = missing(EXTRAS if with_extras else ())
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    if found:
        lock = "requirements-dev.lock" if with_extras else "requirements.lock"
        sys.exit(f"{lock} does not match pyproject.toml; run 'make lock' and commit both lock files")
