"""``leaflets list``: every file a build would write."""

from __future__ import annotations

import datetime as dt

import click

from leaflets.cli.base import Context, as_date, friendly_errors, main, selection_options, today_option


@main.command(name="list", epilog="\b\nExamples:\n  leaflets list\n  leaflets list milia --branch stoke-on-trent\n"
              "  leaflets list --for print-shop")
@selection_options
@today_option
@click.pass_obj
@friendly_errors
def list_variants(obj: Context, leaflet_ids, branch_ids, format_ids, langs, profile: str, today) -> None:
    """Show every file a build would write: one line per file, companions (the imposed A5 print file) included."""
    from leaflets.project.approvals import seal_state
    from leaflets.project.plan import expected_paths, left_out_formats, not_offered, plan_variants

    library = obj.library()
    day = as_date(today) or dt.date.today()
    variants = plan_variants(library, leaflet_ids, branch_ids, format_ids, profile, langs=langs)
    rows = [("LEAFLET", "BRANCH", "FORMAT", "LANG", "STATUS", "FILE")]
    for v in variants:
        record = library.leaflets[v.leaflet].record
        overdue = record.overdue_since(day)
        sealed = seal_state(library, v.leaflet).state  # approved (sealed), changed (since approval), draft, unsealed
        status = {"changed": "changed since approval", "unsealed": "draft (approval not sealed)"}.get(sealed, sealed)
        status += f", review overdue since {overdue.isoformat()}" if overdue else ""
        if v.lang != library.leaflets[v.leaflet].lang:
            status += translation_status(library, v)
        rows += [(v.leaflet, v.branch, v.format, v.lang, status, path) for path in expected_paths(v)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    files = len(rows) - 1
    click.echo(f"{len(variants)} variant{'s' if len(variants) != 1 else ''}, {files} file{'s' if files != 1 else ''}")
    for leaflet_id, treatment_id in not_offered(library):
        if not leaflet_ids or leaflet_id in leaflet_ids:
            click.echo(f"not built: {leaflet_id} (no branch offers {treatment_id})")
    for line in left_out_formats(library, leaflet_ids, format_ids, langs):
        click.echo(f"not built: {line}")


def translation_status(library, variant) -> str:
    """", draft translation" or ", translation incomplete (95%)", for list."""
    from leaflets.gate.rules.translations import failure

    translations = library.translations.for_variant(variant.lang, variant.leaflet)
    if failure(library, variant):
        done = sum(t.coverage.done for t in translations)
        total = sum(t.coverage.total for t in translations) or 1
        return f", translation incomplete ({100 * done // total}%)"
    from leaflets.project.approvals import translation_state

    state = translation_state(library, variant.lang, variant.leaflet)
    return {"approved": ", translation approved", "out of date": ", translation of an earlier version"}.get(
        state, ", draft translation")
