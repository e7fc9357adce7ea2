"""Read YAML fast into the values :mod:`posturemap.geo.yamlsource` makes, knowing fewer lines.

:func:`~posturemap.geo.yamlsource.load_yaml` records the line of every value,
for the messages.  :func:`load_fast` records only each mapping's own line
(what a valid scenario keeps: a place's or a deployment's line), and gives
up, with :class:`NeedsMarks`, on anything it would need a line to report (a
duplicate key) or that it leaves to the careful reader (anchors, aliases,
merge keys).  A scenario is read the fast way first, and again the careful way
only when it has a problem to report.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .yamlsource import _STR_TAG, LocatedDict, LocatedList, _written


class NeedsMarks(Exception):
    """:func:`load_fast` met something it leaves to the careful reader (``load_yaml``)."""


#: An anchor (``&name``) where a node's properties may start; ``&`` anywhere else
#: (``AT&T``, ``?a=1&b=2``) is text.  A file with none has no aliases either.
_ANCHOR = re.compile(r"(?:^|[\s,\[{:])&\S")
#: Scalar tags whose constructor is a plain function of the node.
_PLAIN_SCALARS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("bool", "float", "int", "null", "timestamp")
)
#: Keys :meth:`SafeConstructor.flatten_mapping` rewrites: ``<<`` merges, ``=`` values.
_FLATTENED = frozenset(("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"))


def load_fast(text: str) -> Any:
    """Parse YAML text into the values the careful reader makes, knowing fewer lines.

    Each mapping knows its own line, so a valid scenario's records keep
    theirs; no other value does.  Each record's nodes are dropped once it is
    built, so the node tree and the values are not held whole at once.

    Raises
    ------
    NeedsMarks
        The text has a duplicate key, whose problem needs its line, an anchor
        or a merge key (``<<``).
    yaml.YAMLError
        A syntax error, as the careful reader raises it.
    """
    if "&" in text and _ANCHOR.search(text):
        raise NeedsMarks
    sections = _sections(text) if len(text) >= _PIECES_FROM else None
    if sections is not None:
        try:
            return _load_sections(text, sections)
        except yaml.YAMLError:
            pass  # a piece cut inside a quoted text or a bracket: read the whole file at once
    node = _compose(text)
    return None if node is None else _FastBuilder().build(node)


def _compose(text: str) -> yaml.Node | None:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


#: A top-level key as scenarios write it, at the start of a line.
_TOP_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*:(?: |$)")
#: A key with nothing after it but a comment: its value is on the lines below.
_KEY_ALONE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*: *(?:#.*)?$")
_ITEM = re.compile(r"( *)-(?: |$)")
#: Items composed at once: the node tree of these only is held.
_ITEMS_A_PIECE = 2000
#: Files from this many characters (some 15,000 records) are composed in pieces;
#: below it, a node tree is small, and composing it whole a little faster.
_PIECES_FROM = 4_000_000


def _sections(text: str) -> list[tuple[int, int]] | None:
    """The lines of each top-level key (first, last + 1), or ``None`` when the file
    is not laid out plainly enough to cut there: a block mapping of plain keys,
    every other line indented, a list item, a comment or blank.

    Composing a file a section, and a long list a few thousand items, at a time
    holds only that piece's node tree.  Where a cut falls inside a quoted text or
    a bracket, that piece ends open, is a syntax error, and the whole file is
    composed at once instead.
    """
    if any(mark in text for mark in ("\r", "\x85", "\u2028", "\u2029", "\t")):
        return None
    starts = []
    for number, line in enumerate(text.split("\n")):
        if _TOP_KEY.match(line):
            starts.append(number)
        elif line and line[0] not in " #" and not _ITEM.match(line):
            return None  # a document marker, a directive, a quoted or complex key ...
        elif not starts and line.strip() and not line.startswith("#"):
            return None
    if not starts:
        return None
    starts[0] = 0  # comments above the first key go with it
    return list(pairwise([*starts, text.count("\n") + 1]))


def _text(lines: list[str], first: int, end: int) -> str:
    """Lines ``first`` to ``end`` as the file has them, with the line break after them."""
    return "\n".join(lines[first:end]) + ("\n" if end < len(lines) else "")


def _pieces(lines: list[str], first: int, end: int) -> list[tuple[int, int]] | None:
    """A list section's items in pieces of :data:`_ITEMS_A_PIECE` (lines), or ``None``
    when the section is not a key alone above a block list."""
    key = next(number for number in range(first, end) if _TOP_KEY.match(lines[number]))
    if not _KEY_ALONE.match(lines[key]):
        return None
    indent = None
    cuts = []
    for number in range(key + 1, end):
        line = lines[number]
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        width = len(line) - len(stripped)
        item = _ITEM.match(line)
        if indent is None:
            if not item:
                return None
            indent = width
        if width < indent or (width == indent and not item):
            return None
        if width == indent:
            cuts.append(number)
    if not cuts:
        return None
    return list(pairwise([first, *cuts[::_ITEMS_A_PIECE], end]))


def _load_sections(text: str, sections: list[tuple[int, int]]) -> LocatedDict:
    lines = text.split("\n")
    builder = _FastBuilder()
    document: LocatedDict | None = None
    for first, end in sections:
        pieces = _pieces(lines, first, end)
        head_end = end if pieces is None else pieces[0][1]
        builder.offset = first
        part = builder.build(_compose(_text(lines, first, head_end)))
        if not isinstance(part, LocatedDict) or len(part) != 1:
            raise yaml.YAMLError("not one key")  # the whole file, composed at once, says what
        (key,) = part
        if document is None:
            document = part
        elif key in document:
            raise NeedsMarks  # a duplicate key: its problem needs its line
        else:
            document.update(part)
        if pieces is not None:
            items = LocatedList()
            for piece_first, piece_end in pieces[1:]:
                builder.offset = piece_first
                node = _compose(_text(lines, piece_first, piece_end))
                if not isinstance(node, SequenceNode):
                    raise yaml.YAMLError("not a list")
                items.extend(builder.build(node))
            document[key] = items
    assert document is not None
    return document


class _FastBuilder:
    """The values of a node tree with no aliases, built with as few calls as can be."""

    def __init__(self):
        #: Lines before the piece of text being built: its nodes' lines start from it.
        self.offset = 0
        self.constructor = SafeConstructor()
        self.scalar_constructors = {tag: SafeConstructor.yaml_constructors[tag] for tag in _PLAIN_SCALARS}

    def build(self, node: yaml.Node) -> Any:
        kind = type(node)
        if kind is ScalarNode:
            return node.value if node.tag == _STR_TAG else self.scalar(node)
        if kind is SequenceNode:
            items = LocatedList()
            children = node.value
            for index, child in enumerate(children):
                children[index] = None  # this item's nodes go once it is built
                if type(child) is ScalarNode and child.tag == _STR_TAG:
                    items.append(child.value)
                else:
                    items.append(self.build(child))
            return items
        return self.mapping(node)

    def mapping(self, node: MappingNode) -> LocatedDict:
        result = LocatedDict()
        result.line = node.start_mark.line + 1 + self.offset
        for key_node, value_node in node.value:
            if key_node.tag == _STR_TAG and type(key_node) is ScalarNode:
                key = key_node.value
            elif key_node.tag in _FLATTENED:  # merges are rare: left to the careful way
                raise NeedsMarks
            else:
                key = self.build(key_node)
                if not isinstance(key, str):
                    key = str(key)
            if key in result:
                raise NeedsMarks
            if type(value_node) is ScalarNode and value_node.tag == _STR_TAG:
                result[key] = value_node.value
            else:
                result[key] = self.build(value_node)
        return result

    def scalar(self, node: ScalarNode) -> Any:
        """A scalar that is not plain text, as :meth:`_Builder.build` reads it."""
        construct = self.scalar_constructors.get(node.tag)
        try:
            if construct is not None:
                value = construct(self.constructor, node)
            else:
                value = self.constructor.construct_object(node, deep=True)
                self.constructor.constructed_objects.pop(node, None)
            return _written(value, node.value)
        except (ValueError, yaml.constructor.ConstructorError):
            return node.value
