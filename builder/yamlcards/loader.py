"""A card file's cards made: each ``cards:`` entry checked (its id, its keys, its front and
back or cloze, how it is asked) and made a :class:`~builder.model.Card`, or skipped with an error
at its line.
"""

from __future__ import annotations

import re
from dataclasses import replace

from yaml.nodes import MappingNode, Node, ScalarNode

from .. import keys
from ..extract.question import typed_answer_problem
from ..markdown import odd_dollar_lines, parser, plain
from ..model import Answered, Blocks, Card, Inline, Origin, Way, Written
from .nodes import TAG, TEXT_FIELDS, Field, content_line, line_of, text_of
from .team import NoteTypes, TeamCards

CARD_KEYS = ("back", "cloze", "fields", "front", "id", "note_type", "reverse", "tags", "type_in")
"""The keys a card may hold."""

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")


class Loader(TeamCards):
    """Checks a card file's nodes and makes its cards, collecting diagnostics."""

    def __init__(self, shown: str, note_types: NoteTypes | None = None) -> None:
        super().__init__(shown, note_types)
        self.ids: dict[str, int] = {}
        """Each card id met, with the line of its ``id:``."""
        self.keys: dict[str, int] = {}
        """Each card key made, with its card's line."""

    def card(self, node: Node, file_tags: tuple[str, ...]) -> list[Card]:
        """The card a ``cards:`` entry gives; [] when it has a problem."""
        line = line_of(node)
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
            return self.taken([replace(own, origin=origin, tags=all_tags)], line, errors)
        texts = self.texts(fields, ident, line)
        way = self.way(fields, ident)
        if self.errors() > errors:
            return []
        if "cloze" in texts:
            text, where = texts["cloze"]
            tokens = parser().parseInline(text.strip())[0].children or ()
            statement = Inline(tuple(tokens), Origin(self.shown, where))
            made = Card("cloze", keys.yaml_card(ident), (), "", Written(statement), origin, all_tags)
            empty = ""
        else:
            ask, form = self.front_back(texts, way, ident)
            made = Card("fact", keys.yaml_card(ident), (), ask, form, origin, all_tags)
            empty = _empty_side(ask, form)
        if made.key in self.keys:
            self.error(line, f"card key “{made.key}” is already taken at line {self.keys[made.key]}")
        elif empty:
            self.error(line, f"card “{ident}” has an empty {empty}")
        return self.taken([made], line, errors)

    def front_back(self, texts: dict[str, tuple[str, int]], way: Way, ident: str) -> tuple[str, Answered]:
        """A front/back card's prompt and form, with a warning when its back is typed but is not
        what Anki can compare."""
        (front, _), (back, back_at) = texts["front"], texts["back"]
        form = Answered((Blocks(self.blocks(back, back_at, "back", ident)),), way)
        if way == "typed" and (problem := typed_answer_problem(form.answer)):
            self.warning(
                back_at,
                f"card “{ident}”: its typed back {problem}: Anki compares what the learner types"
                " with the back's text, so keep it one short line of plain text, or drop type_in",
            )
        return _plain(front), form

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

    def ident(self, fields: dict[str, Field], line: int) -> str | None:
        """The card's id, recorded; None (and an error) when there is none to name it by."""
        if "id" not in fields:
            self.error(line, "card has no id (an id is the note's identity)")
            return None
        key, value = fields["id"]
        if not isinstance(value, ScalarNode):
            self.error(key, "card id must be text")
            return None
        ident = "" if value.tag == TAG + "null" else str(value.value).strip()
        if not ident:
            self.error(line, "card has no id (an id is the note's identity)")
            return None
        if not _ID.fullmatch(ident):
            self.error(key, f"card id “{ident}” may hold only letters, digits and . _ : -")
        elif ident in self.ids:
            self.error(key, f"duplicate card id “{ident}” (first at line {self.ids[ident]})")
        else:
            self.ids[ident] = line_of(key)
        return ident

    def texts(self, fields: dict[str, Field], ident: str, line: int) -> dict[str, tuple[str, int]]:
        """The card's front, back or cloze text with the line it starts on, checked."""
        given = [name for name in TEXT_FIELDS if name in fields]
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
            text = text_of(value)
            if text is None:
                self.error(key, f"card “{ident}”: {name} must be text")
            elif not text.strip():
                self.error(key, f"card “{ident}” has an empty {name}")
            elif name == "cloze" and not _holds_deletion(text):
                self.error(key, f"cloze card “{ident}” has no {{{{c1::…}}}} deletion")
            elif name == "cloze" and (broken := _broken_cloze(text, Origin(self.shown, line_of(key)))):
                self.error(key, f"cloze card “{ident}”: {broken}")
            else:
                texts[name] = (text, content_line(value))
                if name != "back":  # a back is read as blocks, which warn themselves
                    for n in odd_dollar_lines(text)[:1]:
                        self.warning(
                            content_line(value) + n,
                            f"card “{ident}”: unbalanced $ in its {name}: close the math with another $,"
                            " or write a dollar sign as \\$",
                        )
        return texts

    def way(self, fields: dict[str, Field], ident: str) -> Way:
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

    def flag(self, fields: dict[str, Field], name: str, ident: str) -> bool:
        """The card's ``reverse:`` or ``type_in:`` flag."""
        if name not in fields:
            return False
        key, value = fields[name]
        if not isinstance(value, ScalarNode) or value.tag != TAG + "bool":
            self.error(key, f"card “{ident}”: {name} must be true or false")
            return False
        flag = str(value.value).lower() in ("true", "yes", "on")
        if flag and "cloze" in fields:
            self.warning(line_of(key), f"card “{ident}”: {name} does nothing on a cloze card")
        return flag


def _empty_side(ask: str, form: Answered) -> str:
    """The side of a front/back card that is empty though it is asked: ``back``, ``front`` (asked
    both ways, or typed), '' when neither is."""
    if form.answer == (Blocks(()),):
        return "back"
    return "front" if form.way != "forward" and not ask else ""


def _plain(text: str) -> str:
    """Inline Markdown as the plain text a reader sees."""
    return plain(parser().parseInline(text.strip())[0].children or ())


def _holds_deletion(text: str) -> bool:
    """Whether a card's cloze text holds a ``{{c1::…}}`` deletion (read in one pass)."""
    from ..extract.clozescan import holds_whole

    return holds_whole(text)


def _broken_cloze(text: str, where: Origin) -> str:
    """What is wrong with a hand-written cloze's deletions, as Anki would read them ('' when
    nothing is): one not closed, a ``}}`` closing none, ``{{c0::``, one inside another."""
    from ..extract.clozescan import scan

    found = scan(tuple(parser().parseInline(text.strip())[0].children or ()), where)
    if found.problems:
        return found.problems[0][1]
    return "a deletion is not closed" if found.open else ""
