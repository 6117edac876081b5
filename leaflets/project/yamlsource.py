"""Reading YAML safely while remembering where each value came from.

PyYAML's ``safe_load`` forgets positions, so we compose the node tree with the
safe loader and build plain Python values ourselves, recording the line and
column of every key and value. That lets a validation error such as
``sections.0.body.2.p`` be reported at the exact place in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from leaflets.errors import Problem
from leaflets.project.files import UnsafeFile, read_regular_file

MAX_BYTES = 1_000_000  # a leaflet is a few KB; anything this big is a mistake
MAX_NODES = 50_000  # stops alias bombs ("billion laughs") before they use up memory

Path_ = tuple[Any, ...]
PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


@dataclass
class Source:
    """One YAML file's data with the position of every key and value in it."""

    display: str
    data: Any
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    raw: dict[Path_, str] = field(default_factory=dict)  # scalars as written, e.g. "1.10"
    # Problems already put right in ``data`` so that checking can go on and report the
    # rest of the file in the same run (a value in curly quotes is read without them).
    repaired: list[Problem] = field(default_factory=list)

    def located(self, loc: Path_) -> Path_:
        """The path in the data that a pydantic-style location points at."""
        return self._walk(loc)[0]

    def problem(self, loc: Path_, message: str, at_key: bool = False) -> Problem:
        """A problem at ``loc`` (pydantic-style location; tag segments are skipped)."""
        where, shown = self._walk(loc)
        line, col = (self.keys.get(where) if at_key else None) or self.values.get(where) or (0, 0)
        return Problem(self.display, line, col, ".".join(shown), message)

    def _walk(self, loc: Path_) -> tuple[Path_, list[str]]:
        found: list[Any] = []
        shown: list[str] = []
        node = self.data
        # A tagged union puts its tag before the field of the same name: ("p", "p") is one step.
        loc = tuple(part for i, part in enumerate(loc) if i == 0 or part != loc[i - 1] or isinstance(part, int))
        for i, part in enumerate(loc):
            if (isinstance(node, dict) and part in node) or (
                isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            ):
                node = node[part]
            elif i == len(loc) - 1:
                shown.append(str(part))  # a missing key: point at its parent
                break
            else:
                continue  # a union tag that pydantic adds to the location
            found.append(part)
            shown.append(str(part))
        return tuple(found), shown


class _Builder:
    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, source: Source) -> None:
        self.loader = loader
        self.source = source
        self.count = 0
        self.problems: list[Problem] = []

    def mark(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def problem(self, node: yaml.Node, path: Path_, message: str) -> None:
        """Record a problem at ``node``, for the field at ``path``."""
        line, col = self.mark(node)
        self.problems.append(Problem(self.source.display, line, col, _dotted(path), message))

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        self.source.values.setdefault(path, self.mark(node))
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in PLAIN_TAGS:
            self.problem(node, path, f"the tag {node.tag} is not allowed; write plain YAML")
            return None
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)  # resolves "<<" merge keys
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                try:
                    key = self.loader.construct_object(key_node, deep=True)
                except (ValueError, OverflowError, yaml.constructor.ConstructorError):  # e.g. 2026-02-30:
                    key = None
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    self.problem(key_node, path, "keys must be plain words")
                    continue
                if key in result:
                    self.problem(key_node, path + (key,),
                                 f"duplicate key {key!r}: each key may appear once in a mapping")
                    continue
                self.source.keys[path + (key,)] = self.mark(key_node)
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        self.source.raw[path] = node.value
        if isinstance(node, yaml.ScalarNode) and not node.style and _in_curly_quotes(node.value):
            line, col = self.mark(node)
            self.source.repaired.append(Problem(self.source.display, line, col, _dotted(path), CURLY_QUOTES))
            return node.value[1:-1]
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            self.problem(node, path, f"the tag {node.tag} is not allowed; write plain YAML")
            return None
        except (ValueError, OverflowError) as error:  # e.g. a date such as 2026-02-30
            line, col = self.mark(node)
            self.problems.append(
                Problem(self.source.display, line, col, _dotted(path), f"{node.value!r} is not a valid value ({error})")
            )
            return None


def read_with_libyaml(text: str, display: str) -> tuple[Source, list[Problem]] | None:
    """The file read with libyaml's parser (PyYAML's public ``CSafeLoader``; 0.006 s instead of
    0.105 s for the default project's 19 files, and the test suite loads them hundreds of times), or None
    when libyaml is missing or the file is not plainly good YAML: then PyYAML's own parser
    reads it again and its errors are described as before. For a file both accept the nodes are the same (same
    values, tags, styles and positions), and they are built into values by the same code
    with the same safe constructor; characters PyYAML refuses are left to PyYAML."""
    loader_class = getattr(yaml, "CSafeLoader", None)
    if loader_class is None or yaml.reader.Reader.NON_PRINTABLE.search(text):
        return None
    source = Source(display, None)
    loader = None
    try:
        loader = loader_class(text)
        builder = _Builder(loader, source)
        node = loader.get_single_node()
        if node is None:
            return None
        source.data = builder.build(node, ())
    except (yaml.YAMLError, _TooBig, RecursionError):
        return None
    finally:
        if loader is not None:
            loader.dispose()
    return source, builder.problems


OPENING_QUOTES = "\u201c\u201e\u201f\u2018\u201a\u201b"  # “ „ ‟ ‘ ‚ ‛
CLOSING_QUOTES = "\u201d\u201c\u2019\u2018"  # ” “ ’ ‘
CURLY_QUOTES = (
    "the value is in curly quotes (\u201c \u201d), which YAML keeps as part of the text: "
    'type straight quotes ("...") or none; to print curly quotes, put the whole text in straight quotes'
)


def _in_curly_quotes(value: str) -> bool:
    """A plain value wrapped in typographic quotes, as a word processor or phone types them."""
    return len(value) >= 2 and value[0] in OPENING_QUOTES and value[-1] in CLOSING_QUOTES


class _TooBig(Exception):
    pass


def _dotted(path: Path_) -> str:
    return ".".join(str(p) for p in path)


def read_yaml(path: Path, display: str) -> tuple[Source | None, list[Problem]]:
    """Parse one YAML file safely; return its source (or None) and its problems."""

    def fail(message: str, line: int = 1, col: int = 1) -> tuple[None, list[Problem]]:
        return None, [Problem(display, line, col, "", message)]

    try:  # a regular file only (a FIFO would hang), and never more than MAX_BYTES of it
        raw = read_regular_file(path, MAX_BYTES)
    except UnsafeFile as error:
        return fail(f"the file {error}", 0, 0)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return fail("the file is not UTF-8 text; save it with UTF-8 encoding", line, 1)

    fast = read_with_libyaml(text, display)
    if fast is not None:
        return fast
    source = Source(display, None)
    loader = None
    try:
        loader = yaml.SafeLoader(text)
        builder = _Builder(loader, source)
        node = loader.get_single_node()
        if node is None:
            return fail("the file is empty; see docs/data-format.md for what it should hold", 1, 1)
        source.data = builder.build(node, ())
    except yaml.MarkedYAMLError as error:
        return fail(*_describe(error, text))
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        return fail(
            f"the file holds the character U+{error.character:04X}, which YAML does not allow; remove it", line, 1
        )
    except yaml.YAMLError as error:
        return fail(f"malformed YAML: {error}")
    except _TooBig:
        return fail(
            f"the file expands to more than {MAX_NODES:,} values (too many aliases?); "
            "write the data out plainly"
        )
    except RecursionError:
        return fail("the file nests too deeply; write the data out plainly")
    finally:
        if loader is not None:
            loader.dispose()
    return source, builder.problems


def _describe(error: yaml.MarkedYAMLError, text: str) -> tuple[str, int, int]:
    """A message and position for a YAML syntax error, pointing where the mistake is.

    The commonest slips get plain words instead of the parser's: a tab, a colon
    inside text, a line indented too far or not far enough, a list item out of line.
    """
    mark = error.problem_mark or error.context_mark
    reason = error.problem or error.context or "malformed YAML"
    context = error.context or ""
    lines = text.splitlines()
    line_text = lines[mark.line] if mark and mark.line < len(lines) else ""
    unclosed = _unclosed_quote(lines[: mark.line + 1] if mark else lines)
    if unclosed:
        line, col, quote = unclosed
        return f"the quote ({quote}) that starts here is never closed: end the text with the same quote", line, col
    plain = _plain_words(reason, line_text, mark.column if mark else 0)
    if plain:
        message, column = plain
        if any(q in line_text for q in OPENING_QUOTES + CLOSING_QUOTES):
            message += '; and the curly quotes (\u201c \u201d) on this line are not quotes to YAML: type straight ones'
        return message, mark.line + 1 if mark else 1, column + 1
    # An unclosed bracket or quote, or a missing space after a colon, is found only on a
    # later line; the parser's context mark says where it started.
    if error.context_mark and context.startswith(("while scanning", "while parsing a flow")):
        mark = error.context_mark
        reason = f"{reason} ({context} that starts here)"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return f"malformed YAML: {reason}; check indentation, colons, brackets and quotes here", line, col


_KEY_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_KEY_THEN_TEXT = re.compile(r"\s*(?:-\s+)?([A-Za-z_][A-Za-z0-9_-]*):\s+(\S.*)")


_QUOTED_VALUE = re.compile(r"""\s*(?:-\s+)?(?:[A-Za-z_][A-Za-z0-9_-]*:\s+)?(["'])(.*)""")


def _unclosed_quote(lines: list[str]) -> tuple[int, int, str] | None:
    """(line, column, quote) of the first value whose opening quote is not closed on its line.

    YAML lets a quoted text run on over several lines, but in these files that is always
    a forgotten closing quote, which the parser notices only much later, if at all.
    """
    for number, line in enumerate(lines, 1):
        found = _QUOTED_VALUE.match(line)
        if not found:
            continue
        quote, rest = found.groups()
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else rest.count("'") % 2 == 1
        if not closed:
            return number, found.start(1) + 1, quote
    return None


def _plain_words(reason: str, line: str, column: int) -> tuple[str, int] | None:
    """(message, 0-based column) for a slip a non-programmer makes, or None."""
    indent = len(line) - len(line.lstrip(" \t"))
    if "'\\t'" in reason or "\t" in line[:indent]:
        tab = line.find("\t")
        return "a tab is used here: use spaces, not tabs (YAML does not allow tabs for indenting)", max(tab, 0)
    if reason.startswith("mapping values are not allowed"):
        before = line[indent:column].lstrip("- ")
        if _KEY_WORD.fullmatch(before):  # a key on a line of its own, but indented too far
            return (
                "this line is indented further than the line above it: start it at the same column "
                "as the other keys of its group (use spaces, 2 per level)",
                indent,
            )
        found = _KEY_THEN_TEXT.fullmatch(line)
        if found:
            key, value = found.groups()
            value = value[1:-1] if _in_curly_quotes(value) else value
            value = value if len(value) <= 50 else value[:45].rstrip() + " ..."
            quote = "'" if '"' in value else '"'
            example = f"e.g. {key}: {quote}{value}{quote}"
        else:
            example = "or write it as a paragraph with > (see docs/data-format.md)"
        return (
            "the text holds a colon followed by a space, which YAML reads as a new key: "
            f"put the text in quotes, {example}",
            column,
        )
    if reason.startswith(("expected <block end>", "did not find expected key", "did not find expected '-'")):
        if reason.endswith(("'-'", "'<block sequence start>'")) or "'-'" in reason:
            return (
                "this list item ('- ') is not lined up with the items before it: start every item of one list "
                "at the same column (use spaces)",
                indent,
            )
        return (
            "the indentation of this line does not match the lines above it: keys of the same group must "
            "start at the same column (use spaces, 2 per level)",
            indent,
        )
    return None
