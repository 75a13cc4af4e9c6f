"""Hand-written cards: a YAML file (``.yaml``/``.yml``) becomes :class:`Card` records.

For cards no Markdown source holds, or that read better written out by hand::

    deck: Rust Web3 Interview::Extras     # optional; else the caller names it from the file name
    tags: [rust]                          # optional; added to every card
    cards:
      - id: tokio-runtime                 # required, unique in the file: the note's identity
        front: Which async runtime do most Rust Web3 crates assume?
        back: "**Tokio**"                 # Markdown, rendered like a Markdown source's answers
        tags: [async]                     # optional; this card's own tags
      - id: sealevel-locks
        cloze: Sealevel schedules transactions by {{c1::account}} locks
      - id: mpt-vs-verkle
        front: Proof size, Merkle Patricia Trie vs Verkle?
        back: about 3 KB against about 200 B
        reverse: true                     # also asks back -> front
      - id: postgres-port
        front: Default port of PostgreSQL?
        back: "5432"
        type_in: true                     # the learner types the back
      - id: gato
        note_type: vocab                  # the team's notetypes/vocab.yaml
        fields:                           # its fields, each Markdown rendered like a back
          Word: gato
          Meaning: "**cat**"

A card is either ``front`` and ``back`` (a ``fact`` card, keyed ``card:<id>``) or ``cloze`` (a
``cloze`` card with Anki's ``{{c1::…}}`` marks). ``reverse: true`` does not make a second note: the
card's note uses the ``prompt/answer+reverse`` note type, whose second card asks back -> front, so
Anki buries the sibling (see :mod:`builder.notetypes`). ``type_in: true`` makes the card's note
of the ``type-in`` note type: the learner types the back, and Anki shows what differs, so a back
longer than a short line of plain text gets a warning. A card is asked one way or the other:
both flags together are an error; on a cloze card either does nothing (a warning).

``note_type: <key>`` makes the card's note of a team's note type, ``notetypes/<key>.yaml`` in its
source folder (see :mod:`builder.read.notetypes`), and ``fields:`` gives its fields by name, each
Markdown rendered as a back is. A field the card leaves out is empty; ``Source`` is filled with
the card's file, as on every note. The first field is the card's prompt (and the note's sort
field), the second its answer. Such a card has no ``front``, ``back``, ``cloze``, ``reverse`` or
``type_in``; a field the note type does not have is an error at its line. A note type that
cannot be found is reported when the deck's note types are gathered (:mod:`builder.build`).

The file is read as a YAML node tree (never constructed into Python objects), so every problem
names its line. Anchors and aliases are refused before anything else: they are how a small file
expands into a huge one. A problem in one card is an error diagnostic and skips that card only;
a file that is not YAML, or not a mapping, is a :class:`SourceError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from . import keys
from .errors import SourceError
from .extract.question import typed_answer_problem
from .markdown import odd_dollar_lines, parser, plain
from .model import Block, Blocks, Card, Diagnostic, Inline, NoteType, Origin, Way
from .model.cards import SOURCE_FIELD
from .model.notetype import KEY
from .plaintext import part_text
from .read import snippet_blocks
from .text import read_text
from .yamlload import CARD_FILE, compose

FILE_KEYS = ("cards", "deck", "tags")
"""The keys a card file may hold."""
CARD_KEYS = ("back", "cloze", "fields", "front", "id", "note_type", "reverse", "tags", "type_in")
"""The keys a card may hold."""

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
_TAG = "tag:yaml.org,2002:"
_TEXT_TAGS = (_TAG + "str", _TAG + "int", _TAG + "float")
_TEXT_FIELDS = ("front", "back", "cloze")
_TAGS_MESSAGE = "tags must be a list of words without spaces"

NoteTypes = Callable[[str], NoteType | None]
"""The team's note type of a key, None when there is none (or it cannot be read)."""


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
    loader = _Loader(shown, note_types)
    fields = loader.fields(root)
    for name, (key, _) in fields.items():
        if name not in FILE_KEYS:
            loader.error(key, f"unknown key “{name}” (known: {', '.join(FILE_KEYS)})")
    deck = None
    if "deck" in fields:
        key, value = fields["deck"]
        given = _text(value)
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


# --- Nodes --------------------------------------------------------------------------------


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _name(node: Node) -> str:
    """A mapping key as the author wrote it."""
    if isinstance(node, ScalarNode):
        return str(node.value)
    return "[…]" if isinstance(node, SequenceNode) else "{…}"


def _text(node: Node) -> str | None:
    """A string or number scalar's text as written ('' for null); None when it is not text."""
    if isinstance(node, ScalarNode):
        if node.tag == _TAG + "null":
            return ""
        if node.tag in _TEXT_TAGS:
            return str(node.value)
    return None


def _content_line(node: Node) -> int:
    """The line a scalar's text starts on (a ``|`` or ``>`` block starts below its key)."""
    block = isinstance(node, ScalarNode) and node.style in ("|", ">")
    return _line(node) + (1 if block else 0)


# --- Cards --------------------------------------------------------------------------------


_Field = tuple[Node, Node]
"""A mapping entry: the key's node and the value's."""


class _Loader:
    """Checks a card file's nodes and makes its cards, collecting diagnostics."""

    def __init__(self, shown: str, note_types: NoteTypes | None = None) -> None:
        self.shown = shown
        self.note_types = note_types
        self.found: dict[str, NoteType | None] = {}
        """Each note type key asked for, with what ``note_types`` gave."""
        self.problems: list[Diagnostic] = []
        self.ids: dict[str, int] = {}
        """Each card id met, with the line of its ``id:``."""
        self.keys: dict[str, int] = {}
        """Each card key made, with its card's line."""

    def error(self, where: Node | int | None, message: str) -> None:
        line = where if isinstance(where, int) else _line(where) if where is not None else 1
        self.problems.append(Diagnostic(Origin(self.shown, line), "error", message))

    def warning(self, line: int, message: str) -> None:
        self.problems.append(Diagnostic(Origin(self.shown, line), "warning", message))

    def fields(self, node: MappingNode) -> dict[str, _Field]:
        """A mapping's entries by key name; a repeated key is an error and the first one counts."""
        found: dict[str, _Field] = {}
        for key, value in node.value:
            name = _name(key)
            if name in found:
                self.error(key, f"duplicate key “{name}”")
            else:
                found[name] = (key, value)
        return found

    def tags(self, field: _Field | None) -> tuple[str, ...] | None:
        """A ``tags:`` list of words; None (and an error) when it is something else."""
        if field is None:
            return ()
        key, value = field
        if isinstance(value, ScalarNode) and value.tag == _TAG + "null":
            return ()
        items = value.value if isinstance(value, SequenceNode) else [None]
        words = [_text(item) if item is not None else None for item in items]
        if not all(word and not any(char.isspace() for char in word) for word in words):
            self.error(key, _TAGS_MESSAGE)
            return None
        return tuple(word for word in words if word)

    def card(self, node: Node, file_tags: tuple[str, ...]) -> list[Card]:
        """The card a ``cards:`` entry gives; [] when it has a problem."""
        line = _line(node)
        if not isinstance(node, MappingNode):
            self.error(line, "a card must be a mapping with an id")
            return []
        errors = self.errors()
        fields = self.fields(node)
        ident = self.ident(fields, line)
        if ident is None:
            return []
        for name, (key, _) in fields.items():
            if name not in CARD_KEYS:
                self.error(key, f"unknown key “{name}” in card “{ident}” (known: {', '.join(CARD_KEYS)})")
        tags = self.tags(fields.get("tags"))
        origin = Origin(self.shown, line)
        all_tags = tuple(dict.fromkeys((*file_tags, *(tags or ()))))
        if "note_type" in fields or "fields" in fields:
            own = self.own(fields, ident, line)
            if own is None or self.errors() > errors:
                return []
            made = [replace(own, origin=origin, tags=all_tags)]
            return self.taken(made, line, errors)
        texts = self.texts(fields, ident, line)
        way = self.way(fields, ident)
        if self.errors() > errors:
            return []
        if "cloze" in texts:
            text, where = texts["cloze"]
            tokens = parser().parseInline(text.strip())[0].children or ()
            statement = Inline(tuple(tokens), Origin(self.shown, where))
            made = [Card("cloze", keys.yaml_card(ident), (), "", (), origin, all_tags, statement=statement)]
        else:
            (front, _), (back, back_at) = texts["front"], texts["back"]
            answer = self.blocks(back, back_at, "back", ident)
            made = [
                Card(
                    "fact",
                    keys.yaml_card(ident),
                    (),
                    _plain(front),
                    (Blocks(answer),),
                    origin,
                    all_tags,
                    way=way,
                )
            ]
            if way == "typed" and (problem := typed_answer_problem(made[0].answer)):
                self.warning(
                    back_at,
                    f"card “{ident}”: its typed back {problem}: Anki compares what the learner types"
                    " with the back's text, so keep it one short line of plain text, or drop type_in",
                )
        for card in made:
            if card.key in self.keys:
                self.error(line, f"card key “{card.key}” is already taken at line {self.keys[card.key]}")
            elif card.answer == (Blocks(()),):
                self.error(line, f"card “{ident}” has an empty back")
            elif card.way != "forward" and not card.ask:
                self.error(line, f"card “{ident}” has an empty front")
        return self.taken(made, line, errors)

    def taken(self, made: list[Card], line: int, errors: int) -> list[Card]:
        """The cards of one entry, their keys recorded; [] when their key is taken or an
        error was found since the entry's first (``errors``)."""
        for card in made:
            if card.key in self.keys and self.errors() == errors:
                self.error(line, f"card key “{card.key}” is already taken at line {self.keys[card.key]}")
        if self.errors() > errors:
            return []
        self.keys.update((card.key, line) for card in made)
        return made

    def own(self, fields: dict[str, _Field], ident: str, line: int) -> Card | None:
        """A card of a team's note type (``note_type:`` and ``fields:``); None (and an error)
        when it has a problem."""
        if "note_type" not in fields:
            self.error(
                fields["fields"][0],
                f"card “{ident}” has fields but no note_type: name the note type they fill",
            )
            return None
        others = [name for name in (*_TEXT_FIELDS, "reverse", "type_in") if name in fields]
        if others:
            self.error(
                fields[others[0]][0],
                f"card “{ident}” has a note_type and {others[0]}: a card of a team's note type gives"
                " only fields",
            )
            return None
        key_node, value = fields["note_type"]
        key = _text(value)
        if not key or not KEY.fullmatch(key.strip()):
            self.error(
                key_node,
                f"card “{ident}”: note_type must be a note type's key (a file name of notetypes/:"
                " a-z, 0-9, - and _)",
            )
            return None
        key = key.strip()
        if key not in self.found:
            self.found[key] = self.note_types(key) if self.note_types is not None else None
        note_type = self.found[key]
        given = self.field_texts(fields.get("fields"), ident, line, note_type)
        if given is None:
            return None
        names = note_type.fields if note_type is not None else tuple(given)
        parts = []
        for name in names:
            text, at = given.get(name, ("", line))
            blocks = self.blocks(text, at, name, ident) if text.strip() else ()
            parts.append(Blocks(blocks))
        if note_type is not None and not parts[0].blocks:
            self.error(
                line,
                f"card “{ident}” gives no {names[0]}: the first field of note type “{key}” is the"
                " note's prompt and sort field",
            )
            return None
        ask = " ".join(" ".join(part_text(parts[0])).split()) if parts else ""
        return Card(
            "fact",
            keys.yaml_card(ident),
            (),
            ask,
            tuple(parts),
            Origin(self.shown, line),
            note_type=key,
            fields=tuple(names),
        )

    def field_texts(
        self, field: _Field | None, ident: str, line: int, note_type: NoteType | None
    ) -> dict[str, tuple[str, int]] | None:
        """A card's ``fields:`` mapping: each field's Markdown and the line it starts on, by
        name; None (and an error) when it has a problem."""
        if field is None or not isinstance(field[1], MappingNode):
            self.error(
                field[0] if field else line,
                f"card “{ident}”: fields must be a mapping of field names to text",
            )
            return None
        errors = self.errors()
        given: dict[str, tuple[str, int]] = {}
        for name, (key, value) in self.fields(field[1]).items():
            text = _text(value)
            if note_type is not None and name not in note_type.fields:
                self.error(
                    key,
                    f"card “{ident}”: note type “{note_type.key}” has no field “{name}”"
                    f" (its fields: {', '.join(note_type.fields)})",
                )
            elif name == SOURCE_FIELD:
                self.error(key, f"card “{ident}”: the {SOURCE_FIELD} field is filled with the card's file")
            elif text is None:
                self.error(key, f"card “{ident}”: field {name} must be text")
            else:
                given[name] = (text, _content_line(value))
        return given if self.errors() == errors else None

    def errors(self) -> int:
        """How many errors were found so far."""
        return sum(1 for problem in self.problems if problem.level == "error")

    def ident(self, fields: dict[str, _Field], line: int) -> str | None:
        """The card's id, recorded; None (and an error) when there is none to name it by."""
        if "id" not in fields:
            self.error(line, "card has no id (an id is the note's identity)")
            return None
        key, value = fields["id"]
        if not isinstance(value, ScalarNode):
            self.error(key, "card id must be text")
            return None
        ident = "" if value.tag == _TAG + "null" else str(value.value).strip()
        if not ident:
            self.error(line, "card has no id (an id is the note's identity)")
            return None
        if not _ID.fullmatch(ident):
            self.error(key, f"card id “{ident}” may hold only letters, digits and . _ : -")
        elif ident in self.ids:
            self.error(key, f"duplicate card id “{ident}” (first at line {self.ids[ident]})")
        else:
            self.ids[ident] = _line(key)
        return ident

    def texts(self, fields: dict[str, _Field], ident: str, line: int) -> dict[str, tuple[str, int]]:
        """The card's front, back or cloze text with the line it starts on, checked."""
        given = [name for name in _TEXT_FIELDS if name in fields]
        if "cloze" in given and len(given) > 1:
            self.error(line, f"card “{ident}” has both cloze and front/back")
        elif given == ["front"]:
            self.error(line, f"card “{ident}” has a front but no back")
        elif given == ["back"]:
            self.error(line, f"card “{ident}” has a back but no front")
        elif not given:
            self.error(line, f"card “{ident}” needs front and back, or cloze")
        texts: dict[str, tuple[str, int]] = {}
        for name in given:
            key, value = fields[name]
            text = _text(value)
            if text is None:
                self.error(key, f"card “{ident}”: {name} must be text")
            elif not text.strip():
                self.error(key, f"card “{ident}” has an empty {name}")
            elif name == "cloze" and not _holds_deletion(text):
                self.error(key, f"cloze card “{ident}” has no {{{{c1::…}}}} deletion")
            elif name == "cloze" and (broken := _broken_cloze(text, Origin(self.shown, _line(key)))):
                self.error(key, f"cloze card “{ident}”: {broken}")
            else:
                texts[name] = (text, _content_line(value))
                if name != "back":  # a back is read as blocks, which warn themselves
                    for n in odd_dollar_lines(text)[:1]:
                        self.warning(
                            _content_line(value) + n,
                            f"card “{ident}”: unbalanced $ in its {name}: close the math with another $,"
                            " or write a dollar sign as \\$",
                        )
        return texts

    def way(self, fields: dict[str, _Field], ident: str) -> Way:
        """How the card is asked, by its ``reverse:`` and ``type_in:`` flags."""
        reverse = self.flag(fields, "reverse", ident)
        typed = self.flag(fields, "type_in", ident)
        if reverse and typed:
            self.error(
                fields["type_in"][0],
                f"card “{ident}” has both reverse and type_in: a typed answer is asked one way only"
                " (keep one of them)",
            )
        if "cloze" in fields:
            return "forward"
        return "both" if reverse else "typed" if typed else "forward"

    def flag(self, fields: dict[str, _Field], name: str, ident: str) -> bool:
        """The card's ``reverse:`` or ``type_in:`` flag."""
        if name not in fields:
            return False
        key, value = fields[name]
        if not isinstance(value, ScalarNode) or value.tag != _TAG + "bool":
            self.error(key, f"card “{ident}”: {name} must be true or false")
            return False
        flag = str(value.value).lower() in ("true", "yes", "on")
        if flag and "cloze" in fields:
            self.warning(_line(key), f"card “{ident}”: {name} does nothing on a cloze card")
        return flag

    def blocks(self, text: str, line: int, name: str, ident: str) -> tuple[Block, ...]:
        """Markdown text as blocks whose origins are lines of the YAML file (``line``: its first).

        The text is read with a blank line in front, so a leading ``---`` stays a rule and never
        becomes front matter; token lines are then moved onto the YAML file's. A heading has no
        place in an answer: it is kept as a paragraph of its text, with a warning.
        """
        blocks, headings, problems = snippet_blocks(text, self.shown, line)
        self.problems.extend(problems)
        if headings:
            self.warning(line, f"{name} of card “{ident}” has headings; they are shown as text")
        return tuple(blocks)


def _plain(text: str) -> str:
    """Inline Markdown as the plain text a reader sees."""
    return plain(parser().parseInline(text.strip())[0].children or ())


def _holds_deletion(text: str) -> bool:
    """Whether a card's cloze text holds a ``{{c1::…}}`` deletion (read in one pass)."""
    from .extract.clozescan import holds_whole

    return holds_whole(text)


def _broken_cloze(text: str, where: Origin) -> str:
    """What is wrong with a hand-written cloze's deletions, as Anki would read them ('' when
    nothing is): one not closed, a ``}}`` closing none, ``{{c0::``, one inside another."""
    from .extract.clozescan import scan

    found = scan(tuple(parser().parseInline(text.strip())[0].children or ()), where)
    if found.problems:
        return found.problems[0][1]
    return "a deletion is not closed" if found.open else ""
