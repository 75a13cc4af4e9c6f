r"""The records of rendered, identified cards: :class:`Note`, the :class:`MediaFile`\ s they show,
what one source gives (:class:`SourceResult`) and what one deck will hold (:class:`DeckPlan`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .cards import KINDS, Kind, Skipped
from .document import Diagnostic, Origin
from .notetype import NO_LOOK, Look, NoteType


@dataclass(frozen=True)
class Note:
    """A card rendered and identified: one Anki note."""

    guid: str
    """Stable across rebuilds: derived from the deck and the structural key."""
    key: str
    """The card's structural key."""
    deck: str
    """The full deck name (``Parent::Child`` for a subdeck)."""
    kind: Kind
    """The card kind."""
    model: str
    """``prompt``, ``reverse`` (prompt/answer with a reverse card) or ``cloze``."""
    prompt: str
    """Plain-text prompt; the note's sort field."""
    answer: str
    """Plain-text answer."""
    fields: dict[str, str]
    """HTML fields by name, in the note type's order."""
    tags: tuple[str, ...]
    """Anki tags."""
    origin: Origin
    """Where the card's content stands in its source."""
    teaches: str = ""
    """Hash of what the card teaches, without breadcrumb or label (see
    :class:`builder.render.Rendered`): how a renamed or moved note is found again."""
    digest: str = ""
    """Hash of the note type, fields and tags: what a learner's copy would change by."""
    sides: tuple[str, ...] = ()
    """For a cloze note with several gaps: the plain prompt of each of its cards."""
    draft: tuple[tuple[str, str], ...] | None = ()
    """The curation fields a rewrite of the note starts from: ``prompt`` and ``answer``, or
    ``cloze`` (Markdown, without the breadcrumb); ``()`` when no rewrite gives the note back.
    None when they were not asked for (see :func:`builder.build.notes_of`): only preview pages
    and ``pull`` need them."""
    generated: str = ""
    """The fingerprint of the card as the rules generated it (before any rewrite)."""

    def as_json(self) -> dict[str, Any]:
        """The record ``deckbuilder cards --json`` prints."""
        return {
            "guid": self.guid,
            "key": self.key,
            "deck": self.deck,
            "kind": self.kind,
            "model": self.model,
            "prompt": self.prompt,
            "answer": self.answer,
            "fields": dict(self.fields),
            "tags": list(self.tags),
            "source": str(self.origin),
            **({"cards": list(self.sides)} if self.sides else {}),
        }


@dataclass(frozen=True)
class MediaFile:
    """A file packed into a deck."""

    name: str
    """Its name in the deck: content hash and suffix."""
    path: Path
    """Where it is read from."""


@dataclass(frozen=True)
class SourceResult:
    """What one source file gives, ready to join its deck."""

    source: str
    """The source path as shown."""
    deck: str | None
    """The deck its notes go to; None when the source could not be read."""
    notes: tuple[Note, ...]
    """Its notes, in order."""
    media: tuple[MediaFile, ...]
    """The images its notes show."""
    problems: tuple[Diagnostic, ...]
    """Warnings and errors found in it."""
    skipped: tuple[Skipped, ...] = ()
    """The parts of it that gave no card, and why."""
    look: Look = NO_LOOK
    """How it asks its deck's cards to look."""


@dataclass(frozen=True)
class DeckPlan:
    """Everything one deck will hold, checked and ready to write."""

    name: str
    """The deck's name in Anki."""
    slug: str
    """The file-name form of the name."""
    notes: tuple[Note, ...]
    """Notes in document order."""
    sources: tuple[str, ...]
    """The source files that fed it."""
    media: tuple[MediaFile, ...] = ()
    """Images its notes show, by content-hash name."""
    files: tuple[tuple[Path, str], ...] = ()
    """Each source as (the folder it was found in, its path inside that folder)."""
    note_types: tuple[NoteType, ...] = ()
    """The deck's own note types (a style's, a team's), by key over the built-in ones (see
    :func:`builder.notetypes.of`)."""

    def counts(self) -> dict[str, int]:
        """Notes by kind, in the catalogue's order, kinds with no note left out."""
        found = {kind: sum(1 for n in self.notes if n.kind == kind) for kind in KINDS}
        return {kind: n for kind, n in found.items() if n}
