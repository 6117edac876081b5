"""``leaflets review``, ``approve`` and ``history``: how a clinician signs a leaflet off (commands/approve.py)."""

from __future__ import annotations

from pathlib import Path

import click

from leaflets.cli.base import Context, friendly_errors, main
from leaflets.cli.translate import translate

DATE = click.DateTime(formats=["%Y-%m-%d"])


@main.command(epilog="\b\nExamples:\n  leaflets review milia -o milia-review.pdf\n"
              "  leaflets approve milia --by \"Dr A Person\" --role \"Consultant Dermatologist\"\n"
              "  leaflets approve milia --by \"Dr A Person\" --role \"Consultant Dermatologist\" --major")
@click.argument("leaflet_id", metavar="LEAFLET")
@click.option("--by", "by", required=True, metavar="NAME", help="The approving clinician's name, as printed.")
@click.option("--role", required=True, metavar="ROLE", help="Their role, as printed (e.g. Consultant Dermatologist).")
@click.option("--date", "date", type=DATE, default=None, metavar="YYYY-MM-DD",
              help="The day they approved it (today or earlier). Default: today.")
@click.option("--next-review", "next_review", type=DATE, default=None, metavar="YYYY-MM-DD",
              help="When it must be reviewed again. Default: two years after --date.")
@click.option("--major", is_flag=True, help="A new major version (2.0 after 1.x) rather than 1.1 after 1.0.")
@click.pass_obj
@friendly_errors
def approve(obj: Context, leaflet_id: str, by: str, role: str, date, next_review, major: bool) -> None:
    """Record a clinician's approval of LEAFLET, sealed over exactly the clinical text they read.

    Read the review copy first (leaflets review). The seal is a SHA-256 digest of what the
    leaflet says in any branch: its sections, the shared advice and treatment descriptions it
    shows and the labels that carry advice (not a branch's phone, address, logo, colours or
    prices). The approved text is kept in records/LEAFLET/VERSION.txt and the leaflet's record
    is updated. Any later change to that text unseals it: pages are marked "Changed since
    approval" and a release refuses it until it is approved again. Content with gate errors
    is refused.
    """
    from leaflets.commands.approve import approve as seal  # noqa: PLC0415 -- 0.28 s, not for --help

    done = seal(leaflet_id, by, role, root=obj.root, date=date.date() if date else None,
                next_review=next_review.date() if next_review else None, major=major)
    for line in done.lines():
        click.echo(line)


@main.command(epilog="\b\nExample:\n  leaflets history milia")
@click.argument("leaflet_id", metavar="LEAFLET")
@click.pass_obj
@friendly_errors
def history(obj: Context, leaflet_id: str) -> None:
    """List every approved version of LEAFLET: date, approver, role, seal and what changed; then its state now."""
    from leaflets.commands.history import history as read  # noqa: PLC0415 -- 0.23 s, not for --help

    for line in read(leaflet_id, obj.root).lines():
        click.echo(line)


@main.command(epilog="\b\nExamples:\n  leaflets review milia -o milia-review.pdf\n"
              "  leaflets review milia --branch wolverhampton -o milia-wolverhampton-review.pdf")
@click.argument("leaflet_id", metavar="LEAFLET")
@click.option("--branch", "branch_id", default=None, metavar="ID",
              help="Show the readability figures of this branch's variant. Default: every branch.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The review copy to write (PDF; .html for a web page).")
@click.pass_obj
@friendly_errors
def review(obj: Context, leaflet_id: str, branch_id: str | None, output: Path) -> None:
    """Write a review copy of LEAFLET for the approving clinician.

    It holds the clinical content exactly as printed (sections, shared advice, treatment
    descriptions, labels that carry advice), every source with its full reference, the points
    marked "confirm with clinician", the readability figures and, when an earlier version was
    approved, a redline of every change since: words removed struck through, words added
    marked, part by part, with a summary at the top.
    """
    from leaflets.commands.review import review as write  # noqa: PLC0415 -- 0.35 s, not for --help

    done = write(leaflet_id, output, root=obj.root, branch=branch_id)
    for line in done.lines():
        click.echo(line)



@translate.command(name="approve", epilog="\b\nExamples:\n"
                   "  leaflets translate approve pl labels --by \"A Checker\" --role \"Qualified medical translator\"\n"
                   "  leaflets translate approve pl milia --by \"A Checker\" --role \"Qualified medical translator\"")
@click.argument("lang", metavar="LANG")
@click.argument("name", metavar="LEAFLET")
@click.option("--by", "by", required=True, metavar="NAME", help="The qualified person who checked the translation.")
@click.option("--role", required=True, metavar="ROLE", help="Their role (e.g. Qualified medical translator).")
@click.option("--translator", default=None, metavar="NAME",
              help="Who translated it, when the record does not name them yet.")
@click.option("--date", "date", type=DATE, default=None, metavar="YYYY-MM-DD", help="The day it was checked.")
@click.pass_obj
@friendly_errors
def translate_approve(obj: Context, lang: str, name: str, by: str, role: str, translator: str | None, date) -> None:
    """Seal locale/LANG/LEAFLET.po as checked, with the seal of the approved English it was made from.

    LEAFLET may be "labels" (the layout's words). The translation must be complete and current and
    the English approved. When the English is approved again, the translation is "out of date": still
    built, marked "Translation of an earlier version - not for patient use" on every page, refused
    by a release until it is updated and approved again.
    """
    from leaflets.commands.approve import approve_translation  # noqa: PLC0415 -- 0.28 s, not for --help

    done = approve_translation(lang, name, by, role, root=obj.root, translator=translator,
                               date=date.date() if date else None)
    for line in done.lines():
        click.echo(line)
