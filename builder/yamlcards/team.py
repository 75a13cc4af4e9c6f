"""Cards of a team's note type: a card file's ``note_type:`` and ``fields:``, checked against
the note type (``notetypes/<key>.yaml``, see :mod:`builder.read.notetypes`) and each field's
Markdown read as a back is.
"""

from __future__ import annotations

from collections.abc import Callable

from yaml.nodes import MappingNode

from .. import keys
from ..model import Blocks, Card, NoteType, Origin, OwnFields
from ..model.cards import SOURCE_FIELD
from ..model.notetype import KEY
from ..plaintext import part_text
from .nodes import TEXT_FIELDS, Checker, Field, content_line, text_of

NoteTypes = Callable[[str], NoteType | None]
"""The team's note type of a key, None when there is none (or it cannot be read)."""


class TeamCards(Checker):
    """Makes the cards of a team's note type (the base of the card file's loader)."""

    def __init__(self, shown: str, note_types: NoteTypes | None = None) -> None:
        super().__init__(shown)
        self.note_types = note_types
        self.found: dict[str, NoteType | None] = {}
        """Each note type key asked for, with what ``note_types`` gave."""

    def own(self, fields: dict[str, Field], ident: str, line: int) -> Card | None:
        """A card of a team's note type (``note_type:`` and ``fields:``); None (and an error)
        when it has a problem."""
        if "note_type" not in fields:
            self.error(
                fields["fields"][0],
                f"card “{ident}” has fields but no note_type: name the note type they fill",
            )
            return None
        others = [name for name in (*TEXT_FIELDS, "reverse", "type_in") if name in fields]
        if others:
            self.error(
                fields[others[0]][0],
                f"card “{ident}” has a note_type and {others[0]}: a card of a team's note type gives"
                " only fields",
            )
            return None
        key_node, value = fields["note_type"]
        key = text_of(value)
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
            OwnFields(key, tuple(zip(names, parts, strict=True))),
            Origin(self.shown, line),
        )

    def field_texts(
        self, field: Field | None, ident: str, line: int, note_type: NoteType | None
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
            text = text_of(value)
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
                given[name] = (text, content_line(value))
        return given if self.errors() == errors else None
