"""Reading YAML safely while remembering where each value came from.

PyYAML's ``safe_load`` forgets positions, so we compose the node tree with the
safe loader and build plain Python values ourselves, recording the line and
column of every key and value. That lets a validation error such as
``sections.0.body.2.p`` be reported at the exact place in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import Problem
from .files import UnsafeFile, read_regular_file

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
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
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
    def __init__(self, loader: yaml.SafeLoader, source: Source) -> None:
        self.loader = loader
        self.source = source
        self.count = 0
        self.problems: list[Problem] = []

    def mark(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig
        self.source.values.setdefault(path, self.mark(node))
        if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in PLAIN_TAGS:
            line, col = self.mark(node)
            self.problems.append(
                Problem(self.source.display, line, col, _dotted(path), f"the tag {node.tag} is not allowed; write plain YAML")
            )
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
                    line, col = self.mark(key_node)
                    self.problems.append(
                        Problem(self.source.display, line, col, _dotted(path), "keys must be plain words")
                    )
                    continue
                if key in result:
                    line, col = self.mark(key_node)
                    self.problems.append(
                        Problem(
                            self.source.display, line, col, _dotted(path + (key,)),
                            f"duplicate key {key!r}: each key may appear once in a mapping",
                        )
                    )
                    continue
                self.source.keys[path + (key,)] = self.mark(key_node)
                result[key] = self.build(value_node, path + (key,))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        self.source.raw[path] = node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            line, col = self.mark(node)
            self.problems.append(
                Problem(self.source.display, line, col, _dotted(path), f"the tag {node.tag} is not allowed; write plain YAML")
            )
            return None
        except (ValueError, OverflowError) as error:  # e.g. a date such as 2026-02-30
            line, col = self.mark(node)
            self.problems.append(
                Problem(self.source.display, line, col, _dotted(path), f"{node.value!r} is not a valid value ({error})")
            )
            return None


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
        return fail(*_describe(error))
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        return fail(f"the file holds the character U+{error.character:04X}, which YAML does not allow; remove it", line, 1)
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


def _describe(error: yaml.MarkedYAMLError) -> tuple[str, int, int]:
    """A message and position for a YAML syntax error, pointing where the mistake is."""
    mark = error.problem_mark or error.context_mark
    reason = error.problem or error.context or "malformed YAML"
    context = error.context or ""
    # An unclosed bracket or quote, or a missing space after a colon, is found only on a
    # later line; the parser's context mark says where it started.
    if error.context_mark and context.startswith(("while scanning", "while parsing a flow")):
        mark = error.context_mark
        reason = f"{reason} ({context} that starts here)"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return f"malformed YAML: {reason}; check indentation, colons, brackets and quotes here", line, col
