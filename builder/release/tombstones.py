"""Tombstones: notes removed from the source, shipped on as notes that say so.

Anki's import never deletes a note, so a removed note stays in every learner's collection;
the release ships it on, marked and tagged, so that learners can find and delete it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from ..errors import SourceError
from ..markup import HTML
from ..model import Note, NoteType, Origin
from ..read.notetypes import read_note_type
from ..render import tombstone_fields
from ..sources import NOTE_TYPES
from .manifest import Tombstone

REMOVED_TAG = "removed"
REMOVED_MARK = "(removed) "


def tombstone_note(tomb: Tombstone, deck: str) -> Note:
    """The note shipped for a removed one: marked, tagged, and telling the learner why."""
    return Note(
        guid=tomb.guid,
        key=tomb.key,
        deck=deck,
        kind=tomb.kind,  # type: ignore[arg-type]
        model=tomb.model,
        prompt=f"{REMOVED_MARK}{tomb.prompt}",
        answer=f"Removed in version {tomb.removed}.",
        fields=_stored(tombstone_fields(tomb.model, tomb.prompt, tomb.removed, REMOVED_TAG, tomb.fields)),
        tags=(REMOVED_TAG, f"kind::{tomb.kind}"),
        origin=Origin("", 0),
    )


def team_note_types(deck: str, wanted: Iterable[str], roots: Iterable[Path]) -> tuple[NoteType, ...]:
    """The team's note types ``wanted`` by removed notes of ``deck`` that no current note
    uses any more, read from the ``notetypes/`` folders of ``roots`` (the deck's source
    folders): their tombstones ship of the note type the learner's copies have. One that
    cannot be found is a :class:`SourceError`."""
    found = []
    for key in sorted(set(wanted)):
        note_type = next(
            (t for root in sorted(set(roots)) if (t := read_note_type(root / NOTE_TYPES, key)) is not None),
            None,
        )
        if note_type is None:
            raise SourceError(
                Origin(NOTE_TYPES, 0),
                f"deck “{deck}” ships removed notes of the note type “{key}”, which is not in"
                f" {NOTE_TYPES}/ any more: put {NOTE_TYPES}/{key}.yaml back until learners have"
                " deleted them",
            )
        found.append(note_type)
    return tuple(found)


def _stored(fields: Mapping[str, HTML]) -> dict[str, str]:
    """Fields as a note keeps them: plain strings, as Anki stores them (a string method on
    :class:`HTML` would escape its argument)."""
    return {name: str(html) for name, html in fields.items()}
