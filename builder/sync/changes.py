"""What a sync changes, as its plan (:mod:`.plan`) finds it: the learner's notes as their
collection holds them, the changes of one deck (notes added, updated, moved, removed, kept as
the learner edited them, and conflicts), and those changes told in words."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..markup import shown_text
from .wanted import Removal, WantedDeck, WantedNote

Models = Mapping[int, Mapping[str, object] | None]
"""The learner's copy of each note type, by id (None where they have none)."""


@dataclass(frozen=True)
class Options:
    """How a sync treats the learner's collection, as the command line asks."""

    suspend: bool = False
    """Suspend (and tag) the notes removed from the source instead of deleting them."""
    overwrite: bool = False
    """Set the notes the learner edited back to the release."""
    reset: bool = False
    """Put every card back in the deck the release names."""


DEFAULTS = Options()
"""Removed notes deleted, the learner's edits and layout kept."""


@dataclass(frozen=True)
class HeldCard:
    """A card of a learner's note."""

    card_id: int
    deck: str
    suspended: bool
    ord: int = 0


@dataclass(frozen=True)
class HeldNote:
    """A note as the learner's collection holds it."""

    note_id: int
    guid: str
    model_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    cards: tuple[HeldCard, ...]

    @property
    def text(self) -> str:
        """The learner's own text of the note (its first field, plain), for reports."""
        return plain(self.fields[0] if self.fields else "")


@dataclass(frozen=True)
class Update:
    """A note brought to the release: the fields to set (by name) and the tags it gets."""

    note: WantedNote
    mine: HeldNote
    fields: tuple[tuple[str, str], ...]
    tags: tuple[str, ...] | None
    """The note's tags after the sync; None when they stay."""


@dataclass(frozen=True)
class Move:
    """Cards of a note going to the deck's place."""

    note: WantedNote
    mine: HeldNote
    cards: tuple[int, ...]
    target: str


@dataclass(frozen=True)
class Conflict:
    """What a sync cannot do, and why."""

    prompt: str
    reason: str


@dataclass(frozen=True)
class DeckChanges:
    """What syncing one deck changes."""

    deck: WantedDeck
    options: Options = DEFAULTS
    add: tuple[WantedNote, ...] = ()
    update: tuple[Update, ...] = ()
    """Notes whose fields or tags the release changed: updated in place."""
    move: tuple[Move, ...] = ()
    remove: tuple[tuple[Removal, HeldNote], ...] = ()
    """Removed from the source: deleted or suspended."""
    unsuspend: tuple[tuple[WantedNote, HeldNote], ...] = ()
    """Notes a sync suspended when they were removed, back in the deck."""
    empty: tuple[tuple[WantedNote, HeldNote, tuple[int, ...]], ...] = ()
    """Cards of a cloze note whose gap the release removed: deleted (never left empty)."""
    models: tuple[int, ...] = ()
    """Note types the collection lacks or holds with other templates or CSS."""
    kept: tuple[tuple[str, HeldNote], ...] = ()
    """The learner's edits kept: (what the release has, their note)."""
    conflicts: tuple[Conflict, ...] = ()
    places: Mapping[str, str] = field(default_factory=dict)
    """Each deck of the release -> the learner's name for it (where new cards go)."""
    extra_fields: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    """Fields the learner added to deckbuilder's note types, by note type id: kept."""

    @property
    def nothing(self) -> bool:
        """No change to make."""
        return not (
            self.add or self.update or self.move or self.remove or self.unsuspend or self.empty or self.models
        )

    def summary(self) -> str:
        suspend = self.options.suspend
        parts = [
            f"{len(self.add)} added",
            f"{len(self.update)} changed",
            f"{len(self.move)} moved",
            f"{len(self.remove)} {'suspended' if suspend else 'deleted'}",
        ]
        if self.unsuspend:
            parts.append(f"{len(self.unsuspend)} unsuspended")
        if self.empty:
            count = sum(len(cards) for _, _, cards in self.empty)
            parts.append(f"{count} card{'s' if count > 1 else ''} of removed gaps gone")
        if self.models:
            parts.append(f"{len(self.models)} note type{'s' if len(self.models) > 1 else ''} updated")
        return ", ".join(parts)

    def lines(self) -> list[str]:
        """One line per change, as ``diff`` prints them."""
        out = [f"  + {n.prompt}" for n in self.add]
        out += [f"  ~ {u.mine.text}" for u in self.update]
        out += [f"  > {m.mine.text} (to {m.target})" for m in self.move]
        mark = "suspended" if self.options.suspend else "deleted"
        out += [f"  - {mine.text} ({mark})" for _, mine in self.remove]
        out += [f"  ^ {mine.text} (back in the deck: unsuspended)" for _, mine in self.unsuspend]
        out += [
            f"  - {mine.text} ({len(cards)} empty card{'s' if len(cards) > 1 else ''}: its gap was removed)"
            for _, mine, cards in self.empty
        ]
        return out

    def notices(self) -> list[str]:
        """What the learner must know whatever the run: kept edits and conflicts."""
        out = [f"  kept your edit: {mine.text}" for _, mine in self.kept]
        out += [f"  ! {c.prompt}: {c.reason}" for c in self.conflicts]
        return out


def tell(found: Sequence[DeckChanges], echo: Callable[[str], None], dry_run: bool) -> None:
    """Print what a sync changes (or, with ``dry_run``, would): a line per deck, every kept edit
    and conflict, and for a dry run every change, then that nothing was changed."""
    for change in found:
        head = f"{change.deck.name} {change.deck.version}: "
        if change.nothing and not change.conflicts:
            status = "up to date"
        elif change.nothing:
            status = "not up to date"
        else:
            status = change.summary()
        if change.kept:
            many = len(change.kept) > 1
            status += f"; {len(change.kept)} note{'s' if many else ''} kept as you edited {'them' if many else 'it'}"
        if change.conflicts:
            status += f"; {len(change.conflicts)} could not be synced"
        echo(head + status)
        for line in change.lines() if dry_run else ():
            echo(line)
        for line in change.notices():
            echo(line)
    if dry_run:
        echo("dry run: nothing was changed")


def plain(html: str, limit: int = 100) -> str:
    """A field's text without markup, on one line, shortened to ``limit`` characters."""
    text = "".join(c if c.isprintable() else " " for c in shown_text(html, between=" "))
    return text if len(text) <= limit else text[: limit - 1] + "…"
