"""``leaflets translate``: PO templates and files for translators."""

from __future__ import annotations

import datetime as dt

import click

from leaflets.cli.base import Context, FullHelpGroup, as_date, friendly_errors, main, today_option

EPILOG_TRANSLATE = """\b
Examples:
  leaflets translate extract              write locale/templates/*.pot
  leaflets translate update pl            merge the leaflets already in locale/pl/
  leaflets translate update ur milia      start or merge milia in Urdu (and the shared text and labels)
"""


@main.group(cls=FullHelpGroup, epilog=EPILOG_TRANSLATE)
def translate() -> None:
    """Translate leaflets with gettext PO files (Poedit, Weblate, any agency's tools).

    \b
    locale/templates/<leaflet>.pot   a leaflet's own strings (extract)
    locale/templates/shared.pot      the text several leaflets print:
                                     treatments, advice (translated once)
    locale/templates/labels.pot      the layout's words
    locale/<lang>/<leaflet>.po       a leaflet in one language (update LANG)
    locale/<lang>/shared.po          the shared text in that language
    locale/<lang>/labels.po          the labels in that language
    locale/<lang>/<leaflet>.yaml     the translation's record: translator,
                                     checked_by, status, date, made_from
    """


@translate.command(name="extract")
@click.pass_obj
@friendly_errors
def translate_extract(obj: Context) -> None:
    """Write a PO template per leaflet, one for the shared text and one for the labels into locale/templates/."""
    from leaflets.commands.translate import extract, names  # noqa: PLC0415 -- 0.17 s, not for --help

    library = obj.library()
    written = extract(library)
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(names(library))} templates, {len(written)} changed")


@translate.command(name="update")
@click.argument("lang")
@click.argument("leaflet_ids", metavar="[LEAFLET]...", nargs=-1)
@today_option
@click.pass_obj
@friendly_errors
def translate_update(obj: Context, lang: str, leaflet_ids, today) -> None:
    """Create or merge locale/LANG/<leaflet>.po from the current English (msgmerge semantics).

    Also locale/LANG/shared.po (the treatments and advice several leaflets
    print, translated once) and locale/LANG/labels.po. Unchanged strings keep
    their translation; a changed English string keeps the old translation
    marked fuzzy with the previous English (#| msgid); strings no longer in
    the leaflet become obsolete (#~); a string that moved to another PO file
    of the language takes its translation along. A new PO file gets a draft
    record beside it (locale/LANG/<leaflet>.yaml).

    With no LEAFLET named, the leaflets already translated into LANG are
    merged; name a leaflet to start its translation (from then on it is
    built in LANG, and the build fails until every entry is translated).
    """
    from leaflets.commands.translate import check_lang, update  # noqa: PLC0415 -- 0.17 s, not for --help

    check_lang(lang)
    library = obj.library()
    for merged in update(library, lang, list(leaflet_ids), as_date(today) or dt.date.today()):
        what = "created" if merged.created else "unchanged" if merged.unchanged else "updated"
        click.echo(f"{what} {merged.path}: {merged.kept} kept, {merged.fuzzy} fuzzy, {merged.new} new, "
                   f"{merged.untranslated} still untranslated, "
                   + (f"{merged.not_applicable} not applicable, " if merged.not_applicable else "")
                   + f"{merged.obsolete} obsolete")
