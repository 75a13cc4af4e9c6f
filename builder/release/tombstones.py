"""Tombstones: notes removed from the source, shipped on as notes that say so.

Anki's import never deletes a note, so a removed note stays in every learner's collection;
the release ships it on, marked and tagged, so that learners can find and delete it.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..markup import HTML
from ..model import Note, Origin
from ..render import tombstone_fields
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
        fields=_stored(tombstone_fields(tomb.model, tomb.prompt, tomb.removed, REMOVED_TAG)),
        tags=(REMOVED_TAG, f"kind::{tomb.kind}"),
        origin=Origin("", 0),
    )


def _stored(fields: Mapping[str, HTML]) -> dict[str, str]:
    """Fields as a note keeps them: plain strings, as Anki stores them (a string method on
    :class:`HTML` would escape its argument)."""
    return {name: str(html) for name, html in fields.items()}
