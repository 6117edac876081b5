"""The README and the documentation site say only what the command line does (issue 24).

Every `leaflets ...` command written in README.md and docs/*.md (in code blocks, and in inline
code such as `leaflets check --strict`) and every one the GitHub workflows run must name a real
command with real options and arguments: each is parsed by the click group itself, the way the
command line would parse it, without running anything. And the README stays short.
"""

from __future__ import annotations

import ast
import importlib
import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from leaflets.cli import main

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
PROGRAMS = ("leaflets", ".venv/bin/leaflets")
FENCE = re.compile(r"^```.*?$(.*?)^```", re.MULTILINE | re.DOTALL)
INLINE = re.compile(r"(?<!`)`((?:\.venv/bin/)?leaflets [^`]+)`(?!`)")


def _joined_lines(block: str) -> list[str]:
    """The lines of a code block, a trailing backslash joining a line to the next."""
    lines: list[str] = []
    pending = ""
    for line in block.splitlines():
        if line.rstrip().endswith("\\"):
            pending += (line.lstrip() if pending else line).rstrip()[:-1].rstrip() + " "
            continue
        lines.append(pending + (line.lstrip() if pending else line))
        pending = ""
    if pending:
        lines.append(pending)
    return lines


def command_words(line: str) -> list[str] | None:
    """The arguments of a `leaflets` command line, up to a pipe, redirection or comment; else None."""
    line = line.strip().removeprefix("$ ").strip()
    if not line.startswith(tuple(p + " " for p in PROGRAMS)):
        return None
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    words: list[str] = []
    for word in lexer:
        if word and set(word) <= set("|&;<>()"):
            break  # what follows belongs to the shell: a pipe, a redirection, another command
        words.append(word)
    return words[1:]


def commands_in_markdown(text: str) -> list[str]:
    found = [line for block in FENCE.findall(text) for line in _joined_lines(block)]
    prose = FENCE.sub("", text)
    # In running text, `leaflets serve` may just name a command; with anything more it is an example.
    found += [span for span in INLINE.findall(prose) if len(command_words(span) or []) > 1
              or not set(command_words(span) or []) <= set(main.commands)]
    return [line for line in found if command_words(line) is not None]


def commands_in_workflow(path: Path) -> list[str]:
    runs: list[str] = []
    for job in yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"].values():
        for step in job.get("steps", []):
            runs += _joined_lines(step.get("run", ""))
    # ${{ matrix.shard }} stands for a number in every run of the matrix.
    runs = [re.sub(r"\$\{\{\s*matrix\.shard\s*\}\}", "1", line) for line in runs]
    return [line for line in runs if command_words(line) is not None]


def resolve(words: list[str]) -> click.Context:
    """Parse the words as the command line would (options, arguments, choices, types), running nothing.

    Raises click's UsageError (a wrong command, option, choice or a missing argument) for a line the
    command line would refuse. An example may name folders an earlier step makes (merge-manifests'
    shard folders): a path that must exist is the only thing not required to exist here.
    """
    command: click.Command = main
    name, words, parent = "leaflets", list(words), None
    while isinstance(command, click.Group):
        # The group's own options come before its command's name (`leaflets --root DIR build ...`);
        # the group parses them and that name (without a name, it would print its help).
        at = next((i for i, word in enumerate(words) if word in command.commands), None)
        parent = command.make_context(name, words if at is None else words[:at + 1], parent=parent)
        if at is None:
            raise click.UsageError(f"no command of {parent.command_path!r} in {words!r}", parent)
        name, command, words = words[at], command.commands[words[at]], words[at + 1:]
    try:
        return command.make_context(name, words, parent=parent)
    except click.BadParameter as error:
        if isinstance(error.param and error.param.type, click.Path) and "does not exist" in str(error):
            return parent
        raise


def commands_in_help(group: click.Group) -> list[tuple[str, str]]:
    """The example lines of every command's help (its docstring and epilog), which cli.md shows."""
    found: list[tuple[str, str]] = []
    for command in [group, *group.commands.values()]:
        text = "\n".join(filter(None, [command.help, command.epilog]))
        # An example's description follows two or more spaces: `leaflets check   validate all data`.
        examples = [re.split(r"\s{2,}", line.strip())[0] for line in _joined_lines(text)]
        found += [(f"leaflets {command.name} --help", line) for line in examples if command_words(line) is not None]
        if isinstance(command, click.Group) and command is not group:
            found += commands_in_help(command)
    return found


def all_commands() -> list[tuple[str, str]]:
    found = commands_in_help(main)
    found += [(path.relative_to(REPO).as_posix(), line) for path in PAGES
             for line in commands_in_markdown(path.read_text(encoding="utf-8"))]
    found += [(path.relative_to(REPO).as_posix(), line) for path in WORKFLOWS for line in commands_in_workflow(path)]
    return found


COMMANDS = all_commands()


def test_the_docs_hold_commands_to_check():
    places = {place for place, _ in COMMANDS}
    assert len(COMMANDS) >= 40, COMMANDS
    assert "README.md" in places
    for guide in ("reception", "writers", "clinicians", "marketing", "translators", "ci"):
        assert (REPO / "docs" / f"{guide}.md").is_file()
    for page in ("writers", "clinicians", "marketing", "translators", "ci"):
        assert f"docs/{page}.md" in places, f"docs/{page}.md has no command example"
    assert ".github/workflows/release.yml" in places
    assert "leaflets build --help" in places  # the examples of the CLI reference
    # Every sub-command is shown somewhere.
    named = {command_words(line)[0] for _, line in COMMANDS if command_words(line)}
    assert set(main.commands) <= named, set(main.commands) - named


@pytest.mark.parametrize(("place", "line"), COMMANDS, ids=[f"{p}: {line.strip()[:60]}" for p, line in COMMANDS])
def test_every_command_in_the_docs_is_one_the_command_line_accepts(place, line):
    words = command_words(line)
    assert words is not None
    try:
        resolve(words)
    except click.exceptions.Exit:
        assert {"--help", "-h", "--version"} & set(words), f"{place}: {line!r} only prints and exits"
    except click.UsageError as error:
        pytest.fail(f"{place}: {line.strip()!r}: {error.format_message()}")


def test_examples_use_one_form_of_the_command():
    # In code blocks, always the path `make leaflets` makes, so each line runs as written.
    for path in PAGES:
        for block in FENCE.findall(path.read_text(encoding="utf-8")):
            for line in _joined_lines(block):
                assert not line.strip().removeprefix("$ ").startswith("leaflets "), (
                    f"{path.relative_to(REPO)}: {line.strip()!r}: write .venv/bin/leaflets")


@pytest.mark.parametrize("line", [
    "leaflets build --colour red",               # no such option
    "leaflets bild",                             # no such command
    "leaflets build --format a3",                # not a format
    "leaflets personalise milia --branch x",     # --format and -o are required
    "leaflets translate",                        # a group needs its command
    "leaflets check --today yesterday",          # not a date
])
def test_a_wrong_command_is_caught(line):
    with pytest.raises(click.UsageError):
        resolve(command_words(line) or [])


def test_a_pipe_redirection_and_comment_are_not_arguments():
    assert command_words(".venv/bin/leaflets check --json > report.json  # for a script") == ["check", "--json"]
    assert command_words("leaflets personalise milia -o - < note.txt | lp") == ["personalise", "milia", "-o", "-"]
    assert command_words("make leaflets") is None
    assert commands_in_markdown("```sh\n.venv/bin/leaflets build \\\n    --force\n```\n") == [
        ".venv/bin/leaflets build --force"]
    # Naming a command in running text is not an example; naming one that does not exist is wrong.
    assert commands_in_markdown("the `leaflets personalise` command") == []
    assert commands_in_markdown("the `leaflets personalize` command") == ["leaflets personalize"]
    assert commands_in_markdown("run `leaflets personalise milia`") == ["leaflets personalise milia"]


def test_readme_is_under_200_lines():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert 20 < len(lines) < 200, len(lines)


def test_the_site_has_the_cli_reference_generated_from_the_commands():
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "mkdocs-click" in config
    reference = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert ":module: leaflets.cli" in reference and ":command: main" in reference


def test_the_readme_links_to_files_that_exist():
    # mkdocs build --strict checks the links of the site; the README is outside it.
    text = (REPO / "README.md").read_text(encoding="utf-8")
    targets = [target.split("#")[0] for target in re.findall(r"\]\(([^)\s]+)\)", text)]
    local = [target for target in targets if target and "://" not in target]
    assert len(local) >= 10, local
    missing = [target for target in local if not (REPO / target).exists()]
    assert not missing, missing


def test_python_examples_import_what_exists():
    # The library examples (docs/architecture.md) name modules that move as the package is reshaped.
    blocks = [(path, block) for path in PAGES
              for block in re.findall(r"^```python$(.*?)^```", path.read_text(encoding="utf-8"), re.M | re.S)]
    assert blocks
    for path, block in blocks:
        for node in ast.walk(ast.parse(block, filename=str(path))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("leaflets"):
                module = importlib.import_module(node.module or "")
                for alias in node.names:
                    assert hasattr(module, alias.name), f"{path.name}: {node.module} has no {alias.name}"
