"""Approving a copy of the project as a clinician would, and what a release needs."""

from __future__ import annotations

from pathlib import Path

TODAY = "2026-11-22"


def approve(project: Path, leaflet: str, approved: str = "2026-11-01", next_review: str | None = None) -> None:
    """Approve a copy of a leaflet as a clinician does: ``leaflets approve`` (sealed), on a given day."""
    import datetime as dt

    from leaflets.commands.approve import approve as seal

    assert "status: draft" in (project / f"data/leaflets/{leaflet}.yaml").read_text()
    seal(leaflet, "Dr Test Person", "Consultant Dermatologist", root=project, date=dt.date.fromisoformat(approved),
         next_review=dt.date.fromisoformat(next_review) if next_review else None)


def confirm_laser_type(project: Path, laser: str = "non-ablative") -> None:
    """Name the type of Stoke-on-Trent's laser, as the clinic will (a release refuses "confirm")."""
    path = project / "data/treatments.yaml"
    content = path.read_text()
    assert "        laser: confirm " in content
    path.write_text(content.replace("        laser: confirm ", f"        laser: {laser} "))


def confirm_clinic_names(project: Path) -> None:
    """Replace the placeholder clinic name, as the Wolverhampton clinic will (a release refuses a placeholder)."""
    path = project / "data/branches/wolverhampton.yaml"
    content = path.read_text()
    assert "clinic_placeholder: true" in content
    path.write_text(content.replace("clinic_placeholder: true", "clinic_placeholder: false"))


def release_ready(project: Path, *leaflets: str, approved: str = "2026-11-01") -> None:
    """Approve ``leaflets`` and confirm the clinic names: what a release needs."""
    for leaflet in leaflets:
        approve(project, leaflet, approved=approved)
    confirm_clinic_names(project)
    if "fractional-resurfacing" in leaflets:
        confirm_laser_type(project)
