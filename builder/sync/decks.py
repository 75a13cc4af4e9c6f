"""Which decks a sync brings up to date (:func:`choose`), and whether it did (:func:`check`):
the same for a collection file and for AnkiConnect."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..callbacks import Echo
from .collection import SyncError
from .plan import DeckChanges, HeldNote
from .release import WantedDeck


def choose(
    wanted: Sequence[WantedDeck],
    held: Mapping[str, Mapping[str, HeldNote]],
    chosen: Sequence[str],
    echo: Echo,
) -> list[WantedDeck]:
    """The decks to sync: those ``chosen`` (already picked by name); else those the collection
    holds notes of; else, on a first sync, every deck, saying which."""
    if chosen:
        return list(wanted)
    holding = [deck for deck in wanted if held.get(deck.name)]
    if not holding:
        echo("first sync: taking every deck of the decks folder (" + ", ".join(d.name for d in wanted) + ")")
        return list(wanted)
    for deck in wanted:
        if deck not in holding:
            echo(f"{deck.name}: not in this collection, not synced (--deck “{deck.name}” adds it)")
    return holding


def check(after: Sequence[DeckChanges], dry_run: bool = False) -> None:
    """That the collection now holds every release (or, for a dry run, that the sync could
    bring it there): what could not be synced, with its reason, as a :class:`SyncError`."""
    problems = [
        f"{change.deck.name}: " + (change.conflicts[0].prompt + ": " + change.conflicts[0].reason)
        for change in after
        if change.conflicts
    ]
    problems += [
        f"{change.deck.name}: after the sync, still {change.summary()}"
        for change in after
        if not change.nothing and not dry_run
    ]
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        would = "would be" if dry_run else "could be"
        raise SyncError(f"not everything {would} synced: {problems[0]}{more}")
