"""``deckbuilder sync``: bring a learner's Anki up to date with the current release of each deck.

Two ways in: a collection file through the ``anki`` library (:mod:`.collection`, Anki closed),
or a running Anki desktop through AnkiConnect (:mod:`.ankiconnect`). Both read the releases in
the decks folder, each checked against its manifest (:mod:`.release`; a release as sync wants
it in :mod:`.wanted`, the copy it imports in :mod:`.importable`), work out what changes
(:mod:`.plan`: each note compared in :mod:`.compare`, the deck's place in :mod:`.layout`, the
changes and their wording in :mod:`.changes`) and then change it: new notes added, what the
release changed updated in place, notes removed from the source deleted (or suspended); the
learner's edits, tags, added fields and deck layout kept; reviews and scheduling untouched. Afterwards every note is checked again
against the release: what could not be synced is reported with its reason, and the sync fails.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from ..callbacks import Echo
from .ankiconnect import sync_anki_connect
from .collection import SyncError, apply, backup, changes, guids_of, held_notes, open_collection, writable
from .decks import check, choose
from .plan import DEFAULTS, DeckChanges, Options, tell
from .pull import Pulled
from .release import owners, pick, read_releases

__all__ = [
    "Options",
    "Pulled",
    "SyncError",
    "check",
    "choose",
    "pull_edits",
    "sync_anki_connect",
    "sync_collection",
]


def sync_collection(
    decks: Path,
    collection: Path,
    echo: Echo,
    *,
    options: Options = DEFAULTS,
    dry_run: bool = False,
    chosen: Sequence[str] = (),
    backups: Path | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[DeckChanges]:
    """Sync the releases in ``decks`` (those ``chosen``, or those the collection holds) into the
    collection file; ``backups``: where the backup goes (None: no backup). Returns what changed
    (or would, with ``dry_run``); raises :class:`SyncError` when something could not be synced."""
    every = read_releases(decks)
    wanted, others = pick(every, chosen, decks), owners(every)
    with tempfile.TemporaryDirectory(prefix="deckbuilder-sync-") as work:
        read_only = dry_run and collection.is_file() and not writable(collection)
        col = open_collection(collection, Path(work) if read_only else None)
        try:
            held = {deck.name: held_notes(col, guids_of(deck)) for deck in wanted}
            wanted = choose(wanted, held, chosen, echo)

            def now() -> list[DeckChanges]:
                return [changes(col, d, others, options) for d in wanted]

            found = now()
            tell(found, echo, dry_run)
            if dry_run:
                check(found, dry_run=True)
                return found
            if any(not c.nothing for c in found):
                if backups is not None:
                    echo(f"backup: {backup(col, backups)}")
                apply(col, found, progress)
                found = now()
            check(found)
            return found
        finally:
            col.close()


def pull_edits(
    paths: Sequence[str], decks: Path, echo: Echo, *, collection: Path | None = None, url: str | None = None
) -> list[Pulled]:
    """The learner's edits (from the collection file or the Anki at ``url``) written into the
    curation files of the sources ``paths``; the entries written."""
    from ..usecase import Request, run
    from .client import AnkiConnect
    from .held import read_held
    from .pull import pull

    result = run(paths, decks, Request(rewrite_drafts=True))
    if result.failed or result.plan is None:
        raise SyncError("the sources have errors (deckbuilder lint shows them); nothing was pulled")
    built = {n.guid: n for rel in result.releases for n in rel.plan.notes}
    wanted = read_releases(decks)
    guids = [g for deck in wanted for g in guids_of(deck)]
    if collection is not None:
        col = open_collection(collection)
        try:
            held = held_notes(col, guids)
            names = {
                mid: tuple(f["name"] for f in col.models.get(mid)["flds"])
                for mid in {h.model_id for h in held.values()}
                if col.models.get(mid)
            }
        finally:
            col.close()
    else:
        assert url is not None
        client = AnkiConnect(url)
        with tempfile.TemporaryDirectory(prefix="deckbuilder-pull-") as work:
            found = read_held(client, set(guids), Path(work), wanted)
        held = found.notes
        names = {mid: tuple(str(f["name"]) for f in model["flds"]) for mid, model in found.models.items()}
    return pull(wanted, built, held, names, echo)
