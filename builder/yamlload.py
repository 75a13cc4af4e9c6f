"""Every YAML file deckbuilder reads, read one way: front matter, ``decks.yaml``, card files and
curation files.

The text's events are checked first, in one pass, before anything is composed or constructed:
aliases and anchors are refused (they are how a tiny file expands into a huge one), and, where
the kind of file asks for it, runaway nesting and a second document. A problem is a
:class:`SourceError` at its file line: an event's line, or a syntax error's line and hint from
:func:`builder.yamlerrors.explain`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentStartEvent,
    NodeEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode

from .errors import SourceError
from .model import Origin
from .yamlerrors import explain

_T = TypeVar("_T")

MAX_DEPTH = 32
"""Deepest nesting of lists and mappings any YAML deckbuilder reads may have (a card needs 3,
a deck in decks.yaml 4): checked on the parser's events, before anything is built, so a file
nested thousands deep is refused at once instead of parsed for minutes."""


@dataclass(frozen=True)
class YamlFile:
    """A kind of YAML file: how its messages name it, and which checks its events get."""

    aliases: str
    """The message for an alias or an anchor."""
    invalid: str = "invalid YAML: "
    """What the message of a syntax error starts with."""
    max_depth: int | None = None
    """The deepest nesting of lists and mappings accepted; None: as deep as the parser goes."""
    one: str | None = None
    """The file's name in the message that refuses a second document (``a card file``); None:
    the composer's own message."""


CARD_FILE = YamlFile("YAML aliases are not allowed in card files", max_depth=MAX_DEPTH, one="a card file")
CURATION_FILE = YamlFile(
    "YAML aliases are not allowed in curation files", max_depth=MAX_DEPTH, one="a curation file"
)
FRONT_MATTER = YamlFile(
    "YAML aliases and anchors are not allowed here",
    invalid="front matter: invalid YAML: ",
    max_depth=MAX_DEPTH,
)
DECKS_YAML = YamlFile("YAML aliases and anchors are not allowed here", max_depth=MAX_DEPTH)


class TextLoader(yaml.SafeLoader):
    """PyYAML's safe loader, with dates left as the text they are written as: a title such as
    ``2024-02-30`` is text to deckbuilder, never a date that may not exist."""


TextLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def compose(text: str, shown: str, kind: YamlFile, first_line: int = 1) -> Node | None:
    """The text's node tree, once its events pass ``kind``'s checks. ``shown``: the file in
    messages; ``first_line``: the file line the text starts on (2 for front matter)."""
    return _parsed(lambda: yaml.compose(text, Loader=yaml.SafeLoader), text, shown, kind, first_line)


def load(text: str, shown: str, kind: YamlFile, first_line: int = 1) -> tuple[Node | None, Any]:
    """The text's node tree (for the lines of its keys) and its data, dates kept as text."""
    return _parsed(
        lambda: (yaml.compose(text, Loader=yaml.SafeLoader), yaml.load(text, Loader=TextLoader)),
        text,
        shown,
        kind,
        first_line,
    )


def _parsed(read: Callable[[], _T], text: str, shown: str, kind: YamlFile, first_line: int) -> _T:
    try:
        _check_events(text, shown, kind, first_line)
        return read()
    except yaml.YAMLError as exc:
        line, message = explain(exc, text, first_line)
        raise SourceError(Origin(shown, line), kind.invalid + message) from None


def _check_events(text: str, shown: str, kind: YamlFile, first_line: int) -> None:
    """Refuse an alias or anchor, nesting deeper than ``kind`` allows, or a second document."""
    depth, documents = 0, 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        where = Origin(shown, event.start_mark.line + first_line if event.start_mark else first_line)
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            raise SourceError(where, kind.aliases)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if kind.max_depth is not None and depth > kind.max_depth:
                raise SourceError(where, f"YAML nested more than {kind.max_depth} levels deep")
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
        elif isinstance(event, DocumentStartEvent):
            documents += 1
            if kind.one is not None and documents > 1:
                raise SourceError(where, f"{kind.invalid}{kind.one} is one document, not several")


def key_lines(node: Node | None, first_line: int) -> dict[str, int]:
    """The line of each key of a YAML mapping node (``first_line``: the line of the text's start)."""
    if not isinstance(node, MappingNode):
        return {}
    return {
        str(key.value): first_line + key.start_mark.line
        for key, _ in node.value
        if isinstance(key, ScalarNode)
    }
