"""``leaflets personalise``: one patient's leaflet, made in memory."""

from __future__ import annotations

import click

from leaflets.cli.base import Context, as_date, friendly_errors, main, today_option
from leaflets.formats import FORMATS

EPILOG_PERSONALISE = """\b
Examples:
  leaflets personalise hydrafacial --branch stoke-on-trent --format a4 \\
      --name "Sam Smith" --note "Keep the area dry for 2 days." \\
      --appointment "2026-12-03 14:30" --practitioner "Dr Jo Bloggs" -o sam.pdf
  leaflets personalise milia --branch wolverhampton --format a5 --imposed \\
      --note-file - -o - < note.txt | lp
"""


@main.command(epilog=EPILOG_PERSONALISE)
@click.argument("leaflet")
@click.option("--branch", required=True, metavar="ID", help="The branch whose details the leaflet carries.")
@click.option("--format", "format_id", required=True, type=click.Choice(list(FORMATS), case_sensitive=False),
              metavar="FORMAT", help="a4, a5 (the box in the room kept for it after the content), dl (on the "
              "fold-in flap, inside the folded leaflet) or large-print (after the content, at 18 pt).")
@click.option("--name", default=None, help="The patient's name (one line, up to 80 characters).")
@click.option("--note", default=None, help="The note, plain text up to 600 characters and 15 lines; line breaks "
              "are kept.")
@click.option("--note-file", default=None, metavar="FILE|-", help="Read the note from a UTF-8 file, or - for "
              "standard input (instead of --note).")
@click.option("--appointment", default=None, metavar="DATETIME",
              help="The next appointment, e.g. '2026-12-03 14:30' (or 2026-12-03T14:30); printed as "
              "'Thursday 3 December 2026 at 2:30pm'.")
@click.option("--practitioner", default=None, help="Who wrote the note (one line, up to 80 characters).")
@click.option("-o", "--output", required=True, metavar="FILE|-",
              help="Where to write the PDF (through a temporary file beside it, renamed), or - for standard "
              "output (refused on a terminal).")
@click.option("--lang", default=None, metavar="LANG", help="A translation of the leaflet, e.g. pl or ur (the box's "
              "words and the appointment's date in that language; the note is printed as typed). Default: English.")
@click.option("--imposed", is_flag=True, help="A5 only: the booklet imposed two-up on A4 sheets, for an office "
              "printer (duplex, flip on short edge, fold). Default: the A5 pages in reading order.")
@today_option
@click.pass_obj
@friendly_errors
def personalise(obj: Context, leaflet: str, branch: str, format_id: str, name, note, note_file, appointment,
                practitioner, output: str, lang, imposed: bool, today) -> None:
    """Print one leaflet with a "For you" box for one patient: name, note, next appointment.

    Nothing is stored: the PDF is made in memory and written only to -o (or
    standard output); no out/ folder, manifest or log holds it, and what was
    typed is never printed back. Text is printed literally (nothing in it is
    read as markup or made a link); control characters and the invisible
    characters that reorder text are refused. The box uses room the leaflet
    already has: when it does not fit, the message says how many characters
    of the note to cut (exit 2). The gate is the build's: a leaflet with a
    gate error is refused; a draft or overdue leaflet keeps its mark.
    """
    from leaflets.commands.personalise import PersonaliseRequest  # noqa: PLC0415 -- 11 ms, not for --help
    from leaflets.commands.personalise import personalise as run_personalise  # noqa: PLC0415 -- as above

    where = run_personalise(PersonaliseRequest(
        root=obj.root, leaflet=leaflet, branch=branch, format=format_id.lower(), output=output, name=name,
        note=note, note_file=note_file, appointment=appointment, practitioner=practitioner, imposed=imposed,
        today=as_date(today), lang=lang,
    ))
    click.echo(f"wrote the personalised {leaflet} leaflet ({format_id}{f', {lang}' if lang else ''}) to {where}",
               err=True)
