"""Finding the leaflet project: the folder holding data/, templates/ and styles/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leaflets.errors import UserError

REQUIRED_FOLDERS = ("data", "templates", "styles")


@dataclass(frozen=True)
class Project:
    root: Path

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def styles(self) -> Path:
        return self.root / "styles"

    def inside(self, relative: str) -> Path | None:
        """The project file a data value names, or None if it would leave the project."""
        candidate = (self.root / relative).resolve()
        return candidate if candidate.is_relative_to(self.root) else None


def find_project(root: Path | None = None) -> Project:
    """The project at ``root`` (default: the current folder), or a clear error."""
    folder = (root or Path.cwd()).resolve()
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder; pass --root with a leaflet project folder")
    missing = [name for name in REQUIRED_FOLDERS if not (folder / name).is_dir()]
    if missing:
        listed = ", ".join(f"{name}/" for name in missing)
        raise UserError(
            f"{folder} is not a leaflet project (no {listed} here); "
            "run leaflets inside a project folder or pass --root DIR"
        )
    return Project(folder)
