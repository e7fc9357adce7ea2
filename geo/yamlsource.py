"""Read YAML while remembering the line of every mapping and value.

PyYAML forgets where values came from once it builds Python objects.  The
validator needs those lines for ``FILE:LINE: field: problem`` messages, so
this module composes the node tree and builds plain Python values from it,
recording lines on :class:`LocatedDict` and :class:`LocatedList`.  Duplicate
keys, which PyYAML silently overwrites, are reported instead.

This is the careful way, for a file with a problem to report;
:mod:`posturemap.geo.yamlfast` reads a file the fast way first, into the same
values, knowing only each mapping's own line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .errors import Problem

#: More values than this reached again through aliases is treated as a hostile
#: file (the "billion laughs" pattern) rather than expanded.  Values written
#: out in the file don't count: the file size already bounds them.
MAX_ALIAS_NODES = 200_000
_STR_TAG = "tag:yaml.org,2002:str"


class LocatedDict(dict):
    """A dict that knows its own line and the line of each value.

    Read by :func:`~posturemap.geo.yamlfast.load_fast`, a mapping knows its own line only: every value
    is then said to be on that line (``value_lines`` is empty).
    """

    line: int = 0
    value_lines: Mapping[str, int] = MappingProxyType({})

    def line_of(self, key: str) -> int:
        return self.value_lines.get(key, self.line)


class LocatedList(list):
    """A list that knows its own line and the line of each item (none read the fast way)."""

    line: int = 0
    item_lines: Sequence[int] = ()

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class WrittenInt(int):
    """An integer from the file that remembers how it was written (``1_500``, ``0x10``)."""

    written: str


class WrittenFloat(float):
    """A float from the file that remembers how it was written: ``5.000`` is not ``5.0``
    to a reader who writes a point between thousands."""

    written: str


def _written(value: Any, text: str) -> Any:
    """Wrap a number with the text it was written as; leave other values alone."""
    if type(value) is int:
        number = WrittenInt(value)
    elif type(value) is float:
        number = WrittenFloat(value)
    else:
        return value
    number.written = text
    return number


class TooManyAliasesError(yaml.YAMLError):
    """Aliases would expand the file past :data:`MAX_ALIAS_NODES` values."""

    def __init__(self, line: int):
        self.line = line
        super().__init__(
            f"aliases repeat more than {MAX_ALIAS_NODES:,} values by this line; "
            "a scenario needs few aliases, if any: write the values out"
        )


def load_yaml(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Parse YAML text into located values.

    Returns
    -------
    value, problems
        ``value`` is ``None`` for an empty document.  ``problems`` lists
        duplicate keys and unhashable keys; a syntax error raises
        :class:`yaml.YAMLError` with its mark.
    """
    # libyaml's parser when PyYAML has it: the same nodes and marks, many times faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    problems: list[Problem] = []
    if node is None:
        return None, problems
    builder = _Builder(path, problems)
    return builder.build(node, ""), problems


class _Builder:
    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        self.constructor = SafeConstructor()
        self.seen: set[int] = set()
        self.expanded = 0

    def build(self, node: yaml.Node, field: str, written: int = 1) -> Any:
        """``written``: the line of the innermost container written out in the file,
        where an alias to this node would stand."""
        line = node.start_mark.line + 1
        if id(node) in self.seen:  # reached again through an alias
            self.expanded += 1
            if self.expanded > MAX_ALIAS_NODES:
                raise TooManyAliasesError(written)
        else:
            self.seen.add(id(node))
            written = line
        if isinstance(node, MappingNode):
            self.constructor.flatten_mapping(node)
            result = LocatedDict()
            result.line = line
            result.value_lines = {}
            for key_node, value_node in node.value:
                key = self.build(key_node, field, written)
                if not isinstance(key, str):
                    key = str(key)
                child = f"{field}.{key}" if field else key
                if key in result:
                    self.problems.append(
                        Problem(
                            self.path, key_node.start_mark.line + 1, child, "duplicate key; keep one of them"
                        )
                    )
                result[key] = self.build(value_node, child, written)
                result.value_lines[key] = key_node.start_mark.line + 1
            return result
        if isinstance(node, SequenceNode):
            items = LocatedList()
            items.line = line
            items.item_lines = []
            for index, item in enumerate(node.value):
                items.append(self.build(item, f"{field}[{index}]", written))
                items.item_lines.append(item.start_mark.line + 1)
            return items
        assert isinstance(node, ScalarNode)
        if node.tag == _STR_TAG:  # most values: skip the constructor's bookkeeping
            return node.value
        try:
            return _written(self.constructor.construct_object(node, deep=True), node.value)
        except (ValueError, yaml.constructor.ConstructorError):
            # A scalar that looks like a date but is not one (2024-13-01): keep the
            # text so the validator reports it against its field.
            return node.value


def kind_of(value: Any) -> str:
    """What a value from the file is, in a message's words: mapping, list, text, null ..."""
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    return type(value).__name__
