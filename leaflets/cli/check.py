"""``leaflets check``: the gate's report, readable or as JSON."""

from __future__ import annotations

import sys

import click

from leaflets.cli.base import Context, as_date, friendly_errors, main, today_option

EPILOG_CHECK = """\b
Examples:
  leaflets check                     readable report
  leaflets check milia --branch wolverhampton
  leaflets check --strict            what a release would refuse fails too (for CI)
  leaflets check --json > report.json
"""


@main.command(epilog=EPILOG_CHECK)
@click.argument("leaflet_ids", metavar="[LEAFLET]...", nargs=-1)
@click.option("--branch", "branch_ids", multiple=True, metavar="ID",
              help="Only this branch (repeat for more). Default: every branch.")
@click.option("--strict", is_flag=True, help="Fail (exit 2) on warnings too, as build --release does: for CI.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@today_option
@click.pass_obj
@friendly_errors
def check(obj: Context, leaflet_ids, branch_ids, strict: bool, as_json: bool, today) -> None:
    """Validate the data and check the content, per leaflet and branch, as the build's gate does.

    \b
    - every data file against the model (file, line, field for each problem)
    - readability of the body text: Flesch Reading Ease, Flesch-Kincaid
      grade, SMOG; warns below Flesch 60 or above grade 8, and lists
      sentences over 20 words
    - review dates: past the review date is a warning (marked on every
      page; a release refuses it); due within 60 days is a note
    - drafts and placeholder clinic names: warnings (a release refuses them)
    - a laser leaflet for a branch whose laser type is not yet known
      (laser: confirm): a warning (a release refuses it)
    - approvals (docs/approval.md): content changed since a clinician
      approved it, or approved by hand without a seal: warnings; which
      approved leaflets an edit to shared advice, a treatment description
      or a label unseals: a note
    - brand colours: below 3:1 an error, below 4.5:1 (WCAG AA) a warning,
      with the nearest colour of the same hue that passes
    - images without alt text (error)
    - translations (locale/<lang>/*.po): a table per leaflet and language of
      translated %, fuzzy, untranslated, not applicable, status and the
      English version each was made from; incomplete, draft or outdated
      translations are warnings (a release refuses them); a translation
      whose numbers, units or web addresses differ from the English is an
      error; one that drops the explanation of 999, NHS 111, GP or health
      visitor its note asks for is a warning

    \b
    One scale, the same as build's: an error blocks every build; a warning
    blocks a release (build prints it); a note blocks nothing. Exits 2 when
    there are errors (with --strict: errors or warnings), else 0.
    """
    import json  # noqa: PLC0415 -- 1.5 ms, not for --help or list

    from leaflets.commands.check import CheckRequest, check  # noqa: PLC0415 -- 0.24 s, not for --help
    from leaflets.gate.checks import MAX_GRADE, MIN_FLESCH  # noqa: PLC0415 -- loaded by the line above

    result = check(CheckRequest(root=obj.root, leaflets=tuple(leaflet_ids), branches=tuple(branch_ids),
                                strict=strict, today=as_date(today)))
    library, report, errors, warnings = result.library, result.report, result.errors, result.warnings
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2))
    else:
        rows = [("LEAFLET", "BRANCH", "LANG", "WORDS", "SENTENCES", "WORDS/SENT", "FLESCH", "GRADE", "SMOG",
                 "LONG")] + [
            (r.leaflet, r.branch, r.lang, str(r.scores.words), str(r.scores.sentences),
             f"{r.scores.words / max(r.scores.sentences, 1):.1f}",
             *((f"{r.scores.flesch:.1f}", f"{r.scores.grade:.1f}", f"{r.scores.smog:.1f}") if r.measured
               else ("not measured", "-", "-")),
             str(len(r.scores.long_sentences)))
            for r in report.readability
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        click.echo(f"Readability of body text (targets: Flesch {MIN_FLESCH:g} or more, grade {MAX_GRADE:g} or less; "
                   "the formulas are for English: other languages get sentence lengths only)")
        for row in rows:
            cells = enumerate(zip(row, widths, strict=True))
            click.echo("  ".join(cell.ljust(w) if i < 3 else cell.rjust(w) for i, (cell, w) in cells))
        if report.translations:
            click.echo("\nTranslations (a language is built only when 100% translated and nothing fuzzy)")
            table = [("LEAFLET", "LANG", "TRANSLATED", "FUZZY", "UNTRANSLATED", "N/A", "STATUS", "MADE FROM")] + [
                (t.name, t.lang, f"{t.percent:.0f}%", str(t.fuzzy), str(t.untranslated), str(len(t.not_applicable)),
                 t.status, "-" if t.current is None else
                 f"English {t.made_from or '?'} (current: {t.current})")
                for t in report.translations
            ]
            widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
            for line in table:
                click.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
        if report.findings:
            click.echo("")
        for finding in sorted(report.findings, key=lambda f: ("error", "warning", "info").index(f.level)):
            click.echo(str(finding))
        click.echo(
            f"\n{len(library.leaflets)} leaflets, {len(library.treatments)} treatments, "
            f"{len(library.branches)} branches: "
            f"{errors} errors, {warnings} warnings (a release refuses them), {report.count('info')} notes"
        )
    if result.failed:
        sys.exit(2)
