"""MkDocs hook (mkdocs.yml `hooks:`): the generated CLI reference reads like `leaflets --help`.

mkdocs-click puts each command's help text into the page as Markdown. Our help texts are written
for a terminal: file names with placeholders (`OUT/<branch>/<leaflet>.pdf`), which Markdown would
take for HTML tags and drop, and aligned listings (click's `\\b` blocks), which Markdown would run
together into one paragraph; and mkdocs-click leaves out each command's examples (click's epilog).
Between the markers `<!-- cli-help -->` and `<!-- /cli-help -->` this turns aligned listings into
text blocks, shows `<` literally and adds each command's examples; the rest of the site is
untouched.
"""

from __future__ import annotations

import re
from typing import Any

import click
from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

START, END = "<!-- cli-help -->", "<!-- /cli-help -->"
ALIGNED = re.compile(r"\S {3,}\S")  # columns lined up with spaces: a listing, not prose


def _escape_outside_code(line: str) -> str:
    parts = line.split("`")
    return "`".join(part if i % 2 else part.replace("<", "&lt;") for i, part in enumerate(parts))


def terminal_help_to_markdown(lines: list[str]) -> list[str]:
    """The lines of mkdocs-click's output, with listings fenced and placeholders kept."""
    out: list[str] = []
    listing: list[str] = []
    in_fence = in_list = False

    def flush() -> None:
        if listing:
            out.extend(["", "```text", *listing, "```", ""])
            listing.clear()

    for line in lines:
        if line.startswith("```"):
            flush()
            in_fence = not in_fence
            out.append(line)
            continue
        if in_fence:
            out.append(line)
            continue
        if line.startswith("- "):
            in_list = True
        elif not line.strip():
            in_list = False
        if line.strip() and not line.startswith("|") and (
                ALIGNED.search(line) or (line.startswith("  ") and not in_list)):
            listing.append(line)
            continue
        flush()
        out.append(_escape_outside_code(line))
    flush()
    return out


HEADING = re.compile(r"^(#+) (\S+)$")


def _examples(command: click.Command | None) -> list[str]:
    lines = [line for line in (command.epilog or "").splitlines() if line.strip() not in ("\b", "")] if command else []
    if lines and lines[0].rstrip().endswith(":"):
        lines = lines[1:]  # "Examples:" or "Example (CI, ...):" says what the heading below says
    return ["**Examples:**", "", "```text", *lines, "```", ""] if lines else []


def with_examples(lines: list[str], group: click.Group) -> list[str]:
    """mkdocs-click's lines with each command's examples after its options, found by its heading."""
    out: list[str] = []
    path: list[str] = []
    top: int | None = None
    command: click.Command | None = None
    for line in lines:
        heading = HEADING.match(line)
        if heading:
            out.extend(_examples(command))
            level = len(heading.group(1))
            top = level if top is None else top
            path = [*path[: level - top], heading.group(2)]
            command = group
            for name in path[1:]:
                command = command.commands.get(name) if isinstance(command, click.Group) else None
        out.append(line)
    out.extend(_examples(command))
    return out


class CliHelp(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        region: list[str] | None = None
        for line in lines:
            if line.strip() == START:
                region = []
            elif line.strip() == END and region is not None:
                out.extend(terminal_help_to_markdown(with_examples(region, _cli())))
                region = None
            elif region is not None:
                region.append(line)
            else:
                out.append(line)
        if region is not None:
            out.extend(region)
        return out


def _cli() -> click.Group:
    from leaflets.cli import main  # the command line the page documents (mkdocs-click imports it too)

    return main


class CliHelpExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After mkdocs-click (priority 141) has written the help in; before anything reads it.
        md.preprocessors.register(CliHelp(md), "cli_help", 140)


def on_config(config: Any) -> Any:
    config.markdown_extensions.append(CliHelpExtension())
    return config
