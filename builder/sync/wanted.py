"""A deck's current release as a sync wants it in the learner's collection: its notes (fields,
tags, deck, the versions of their fields releases shipped), the notes removed from it, and
which tags on a note are the release's and which the learner's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..identify import guid
from ..names import tag_key
from ..release.tombstones import REMOVED_TAG

FIELD_SEPARATOR = "\x1f"
CHANGED_PREFIX = "changed::"
"""The tag a release puts on each note: the version it last changed in."""
SUSPENDED_TAG = "deckbuilder::suspended"
"""The tag ``--suspend-removed`` puts on a note it suspends, so that a later sync can unsuspend
it when the note comes back (and never a note the learner suspended)."""
LEARNERS_TAGS = frozenset({"marked", "leech"})
"""Anki's own tags: the learner's, whatever a release says."""


@dataclass(frozen=True)
class WantedNote:
    """A note as the release ships it."""

    guid: str
    model_id: int
    fields: tuple[str, ...]
    field_names: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str
    """The deck its cards belong in."""
    prompt: str
    """Its plain prompt (the manifest's), for reports."""
    shipped: frozenset[str]
    """The hashes of every version of its fields a release shipped: a learner's copy equal to
    one of them is not their edit."""
    cloze: bool = False
    """Of a cloze note type: each card is one gap's number."""


@dataclass(frozen=True)
class Removal:
    """A note removed from the deck (a tombstone of the manifest)."""

    guid: str
    key: str
    minted: str
    """The key its GUID was made from, when not ``key``."""
    prompt: str
    shipped: frozenset[str]
    tombstone: str = ""
    """The hash of the fields of the tombstone the package ships for it."""


@dataclass(frozen=True)
class WantedDeck:
    """The current release of one deck."""

    name: str
    version: str
    package: Path
    notes: tuple[WantedNote, ...]
    """Current notes, in deck order."""
    removed: tuple[Removal, ...]
    """Every note removed from the deck so far."""
    models: dict[int, dict[str, object]]
    """The note types the package holds, by id, as Anki stores them (fields, templates, css)."""
    names: tuple[str, ...] = ()
    """The deck's titles: its own, then its former ones."""
    owned: frozenset[str] = frozenset()
    """Every tag a release of the deck shipped (as :func:`.names.tag_key`): sync may take
    these off a note; every other tag is the learner's."""

    def made(self, removal: Removal, former: bool = True) -> bool:
        """Whether this deck made the removed note's GUID from its key and the deck's title
        (or, with ``former``, one of its former titles, which its manifest lists): a removal
        that names another deck's note is never this deck's to delete."""
        names = self.names if former else self.names[:1]
        return any(
            guid(name, key) == removal.guid for name in names for key in (removal.key, removal.minted) if key
        )

    def owns(self, tag: str) -> bool:
        """Whether ``tag`` on one of the deck's notes is the release's, not the learner's."""
        key = tag_key(tag)
        if key in LEARNERS_TAGS:
            return False
        return (
            key in self.owned
            or key.startswith(CHANGED_PREFIX)
            or key in (REMOVED_TAG, tag_key(SUSPENDED_TAG))
        )
