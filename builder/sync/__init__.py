"""``deckbuilder sync``: bring a learner's Anki up to date with the current release of each deck.

Two ways in: a collection file through the ``anki`` library (:mod:`.collection`, Anki closed),
or a running Anki desktop through AnkiConnect (:mod:`.ankiconnect`). Both read the releases in
the decks folder (:mod:`.release`), work out what changes (:mod:`.plan`) and then change it:
new notes added, changed ones updated in place, cards moved to their deck, note types updated,
notes removed from the source deleted (or suspended); reviews and scheduling untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .ankiconnect import sync_anki_connect
from .collection import SyncError, apply, backup, changes, open_collection
from .plan import DeckChanges, tell
from .release import read_releases

__all__ = ["SyncError", "sync_anki_connect", "sync_collection"]

Echo = Callable[[str], None]


def sync_collection(
    decks: Path,
    collection: Path,
    echo: Echo,
    *,
    dry_run: bool = False,
    suspend: bool = False,
    backups: Path | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[DeckChanges]:
    """Sync every release in ``decks`` into the collection file; ``backups``: where the backup
    goes (None: no backup). Returns what changed (or would, with ``dry_run``)."""
    wanted = read_releases(decks)
    col = open_collection(collection)
    try:
        found = [changes(col, deck, suspend) for deck in wanted]
        tell(found, echo, suspend, dry_run)
        if dry_run or all(c.empty for c in found):
            return found
        if backups is not None:
            echo(f"backup: {backup(col, backups)}")
        apply(col, found, suspend, progress)
        return found
    finally:
        col.close()
