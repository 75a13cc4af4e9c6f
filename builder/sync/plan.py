"""What a sync changes, worked out before anything is changed (and all ``--dry-run`` does).

The plan compares a release (:mod:`.release`) with what the learner's collection holds of it,
by GUID, and touches only notes of deckbuilder's own note types whose GUIDs the release
names: a learner's other notes, decks and note types are never part of it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from .release import WantedDeck, WantedNote


@dataclass(frozen=True)
class HeldNote:
    """A note as the learner's collection holds it."""

    note_id: int
    guid: str
    model_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    cards: tuple[tuple[int, str, bool], ...]
    """Its cards: (card id, deck name, suspended)."""


def model_shape(model: Mapping[str, object]) -> tuple[object, ...]:
    """What of a note type a sync keeps up to date: field names, templates and CSS."""
    fields = model.get("flds") or []
    templates = model.get("tmpls") or []
    assert isinstance(fields, list) and isinstance(templates, list)
    return (
        tuple(f["name"] for f in fields),
        tuple((t["name"], t["qfmt"], t["afmt"]) for t in templates),
        model.get("css"),
    )


@dataclass(frozen=True)
class DeckChanges:
    """What syncing one deck changes."""

    deck: WantedDeck
    add: tuple[WantedNote, ...] = ()
    change: tuple[tuple[WantedNote, HeldNote], ...] = ()
    """Notes whose fields or tags differ from the release: updated in place."""
    move: tuple[tuple[WantedNote, HeldNote], ...] = ()
    """Notes with cards outside the deck the release puts them in."""
    remove: tuple[tuple[str, HeldNote], ...] = ()
    """Removed from the source: (prompt, the learner's note), deleted or suspended."""
    models: tuple[int, ...] = ()
    """Note types the collection lacks or holds in another shape."""
    conflicts: tuple[WantedNote, ...] = field(default=())
    """GUIDs the collection holds under a note type of its own: left alone."""

    @property
    def empty(self) -> bool:
        return not (self.add or self.change or self.move or self.remove or self.models)

    def summary(self, suspend: bool) -> str:
        parts = [
            f"{len(self.add)} added",
            f"{len(self.change)} changed",
            f"{len(self.move)} moved",
            f"{len(self.remove)} {'suspended' if suspend else 'deleted'}",
        ]
        if self.models:
            parts.append(f"{len(self.models)} note type{'s' if len(self.models) > 1 else ''} updated")
        return ", ".join(parts)

    def lines(self, suspend: bool) -> list[str]:
        """One line per change, as ``diff`` prints them."""
        out = [f"  + {n.prompt}" for n in self.add]
        out += [f"  ~ {n.prompt}" for n, _ in self.change]
        out += [f"  > {n.prompt} (to {n.deck})" for n, _ in self.move]
        mark = "suspended" if suspend else "deleted"
        out += [f"  - {prompt} ({mark})" for prompt, _ in self.remove]
        out += [
            f"  ! {n.prompt}: a note of another note type has its GUID; left alone" for n in self.conflicts
        ]
        return out


def tell(found: Sequence[DeckChanges], echo: Callable[[str], None], suspend: bool, dry_run: bool) -> None:
    """Print what a sync changes (or, with ``dry_run``, would): a line per deck, and for a dry
    run every change, then that nothing was changed."""
    for change in found:
        head = f"{change.deck.name} {change.deck.version}: "
        echo(head + ("up to date" if change.empty else change.summary(suspend)))
        # Every change is listed for a dry run; a real one prints its counts.
        for line in change.lines(suspend) if dry_run else ():
            echo(line)
    if dry_run:
        echo("dry run: nothing was changed")


def plan(
    deck: WantedDeck,
    held: Mapping[str, HeldNote],
    held_models: Mapping[int, Mapping[str, object] | None],
    suspend: bool = False,
) -> DeckChanges:
    """What syncing ``deck`` into a collection holding ``held`` (by GUID) and ``held_models``
    (by id; None when missing) changes."""
    add, change, move, conflicts = [], [], [], []
    for note in deck.notes:
        mine = held.get(note.guid)
        if mine is None:
            add.append(note)
            continue
        if mine.model_id != note.model_id:
            conflicts.append(note)
            continue
        if mine.fields != note.fields or sorted(mine.tags) != sorted(note.tags):
            change.append((note, mine))
        if any(deck_name != note.deck for _, deck_name, _ in mine.cards):
            move.append((note, mine))
    ours = set(deck.models)
    remove = [
        (prompt, mine)
        for guid, prompt in deck.removed.items()
        if (mine := held.get(guid)) is not None
        and mine.model_id in ours
        and not (suspend and mine.cards and all(s for _, _, s in mine.cards))
    ]
    models = tuple(
        mid
        for mid, model in deck.models.items()
        if (theirs := held_models.get(mid)) is None or model_shape(theirs) != model_shape(model)
    )
    return DeckChanges(deck, tuple(add), tuple(change), tuple(move), tuple(remove), models, tuple(conflicts))
