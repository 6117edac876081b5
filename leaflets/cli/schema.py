"""``leaflets schema``: JSON Schema files for editors."""

from __future__ import annotations

from pathlib import Path

import click

from leaflets.cli.base import Context, friendly_errors, main


@main.command(epilog="\b\nExamples:\n  leaflets schema\n  leaflets schema --out /tmp/schema")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the schema files. Default: schema/ in the project folder.")
@click.pass_obj
@friendly_errors
def schema(obj: Context, out_dir: Path | None) -> None:
    """Write JSON Schema files for the data, so editors can check YAML as you type.

    Data files point at them with a first line such as
    `# yaml-language-server: $schema=../../schema/leaflet.schema.json`.
    """
    from leaflets.project.folder import find_project  # noqa: PLC0415 -- 1.2 ms, not for --help
    from leaflets.project.schema import schema_files  # noqa: PLC0415 -- 0.28 s (the data model), not for --help
    from leaflets.publish.files import write_atomic  # noqa: PLC0415 -- 16 ms, not for --help

    folder = out_dir if out_dir is not None else find_project(obj.root).root / "schema"
    for name, text in schema_files().items():
        write_atomic(folder / name, text.encode("utf-8"))
        click.echo(f"wrote {folder / name}")
