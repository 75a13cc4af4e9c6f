"""A card file read and loaded: its ``deck:``, its ``tags:`` and the cards that are sound
(:class:`CardFile`), with a diagnostic for each problem; a file that is not YAML, or not a
mapping, is a :class:`~builder.errors.SourceError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from yaml.nodes import MappingNode, SequenceNode

from ..errors import SourceError
from ..model import Card, Diagnostic, Origin
from ..text import read_text
from ..yamlload import CARD_FILE, compose
from .loader import Loader
from .nodes import text_of
from .team import NoteTypes

FILE_KEYS = ("cards", "deck", "tags")
"""The keys a card file may hold."""


@dataclass(frozen=True)
class CardFile:
    """A loaded card file."""

    path: str
    """The file's path as shown in messages."""
    deck: str | None
    """The file's ``deck:`` value; None: the caller names the deck (from the file name)."""
    tags: tuple[str, ...]
    """The file's ``tags:`` (already on every card)."""
    cards: tuple[Card, ...]
    """The cards that loaded, in file order."""


def load_cards(
    path: Path, shown: str, note_types: NoteTypes | None = None
) -> tuple[CardFile, list[Diagnostic]]:
    """Read and load one card file; ``shown`` is its path in messages, ``note_types`` finds
    the team's note types its cards name (none: their fields are taken as given, unchecked)."""
    return parse_cards(read_text(path, shown), shown, note_types)


def parse_cards(
    text: str, shown: str, note_types: NoteTypes | None = None
) -> tuple[CardFile, list[Diagnostic]]:
    """Load card-file text: the cards that are sound, and a diagnostic for each problem."""
    root = compose(text, shown, CARD_FILE)
    if not isinstance(root, MappingNode):
        raise SourceError(Origin(shown, 1), "a card file is a mapping with a “cards” list")
    loader = Loader(shown, note_types)
    fields = loader.fields(root)
    for name, (key, _) in fields.items():
        if name not in FILE_KEYS:
            loader.error(key, f"unknown key “{name}” (known: {', '.join(FILE_KEYS)})")
    deck = None
    if "deck" in fields:
        key, value = fields["deck"]
        given = text_of(value)
        if given is None:
            loader.error(key, "“deck” must be text")
        deck = given.strip() if given and given.strip() else None
    tags = loader.tags(fields.get("tags")) or ()
    cards: list[Card] = []
    if "cards" not in fields or not isinstance(fields["cards"][1], SequenceNode):
        where = fields["cards"][0] if "cards" in fields else None
        loader.error(where, "“cards” must be a list of cards")
    else:
        for node in fields["cards"][1].value:
            cards.extend(loader.card(node, tags))
    problems = sorted(loader.problems, key=lambda d: d.origin.line)
    return CardFile(shown, deck, tags, tuple(cards)), problems
