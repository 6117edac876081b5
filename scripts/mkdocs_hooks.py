"""MkDocs hook (mkdocs.yml `hooks:`): the generated CLI reference reads like `leaflets --help`.

mkdocs-click puts each command's help text into the page as Markdown. Our help texts are written
for a terminal: file names with placeholders (`OUT/<branch>/<leaflet>.pdf`), which Markdown would
take for HTML tags and drop, and aligned listings (click's `\\b` blocks), which Markdown would run
together into one paragraph. Between the markers `<!-- cli-help -->` and `<!-- /cli-help -->` this
turns aligned listings into text blocks and shows `<` literally; the rest of the site is untouched.
"""

from __future__ import annotations

import re
from typing import Any

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


class CliHelp(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        region: list[str] | None = None
        for line in lines:
            if line.strip() == START:
                region = []
            elif line.strip() == END and region is not None:
                out.extend(terminal_help_to_markdown(region))
                region = None
            elif region is not None:
                region.append(line)
            else:
                out.append(line)
        if region is not None:
            out.extend(region)
        return out


class CliHelpExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After mkdocs-click (priority 141) has written the help in; before anything reads it.
        md.preprocessors.register(CliHelp(md), "cli_help", 140)


def on_config(config: Any) -> Any:
    config.markdown_extensions.append(CliHelpExtension())
    return config
