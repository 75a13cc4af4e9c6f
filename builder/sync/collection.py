"""Sync into a collection file (``--collection``), through the real ``anki`` library.

Anki must be closed: Anki desktop holds its collection locked, and a locked collection is a
one-line error with nothing written. A backup is taken first with Anki's own backup (a
``.colpkg`` in the profile's ``backups`` folder, where Anki keeps its own), unless told not
to. Every change of one sync is one undo step of Anki's: when any change fails, the step is
undone and the collection is as it was.

New and changed notes and the note types come in through Anki's own package import (with
updates always taken and no scheduling), which matches notes by GUID and leaves reviews and
scheduling alone; cards are then moved to their deck, and notes removed from the source
deleted (or suspended).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import DeckbuilderError
from .plan import DeckChanges, HeldNote, plan
from .release import FIELD_SEPARATOR, WantedDeck, without_removed

UNDO_NAME = "deckbuilder sync"
Progress = Callable[[int, int, str], None]


class SyncError(DeckbuilderError):
    """A sync that could not be made; the collection is as it was."""


def open_collection(path: Path) -> Any:
    """The collection at ``path``, or a :class:`SyncError` saying why not."""
    try:
        from anki.collection import Collection
    except ImportError:
        raise SyncError(
            "syncing into a collection file needs the anki library: pip install 'deckbuilder[sync]'"
            " (or use --anki-connect with Anki running)"
        ) from None
    if not path.is_file():
        raise SyncError(f"no collection at {path}")
    try:
        return Collection(str(path))
    except Exception as exc:  # the backend raises its own DBError for a locked file
        text = str(exc).lower()
        if "locked" in text or "busy" in text or "already open" in text:
            raise SyncError(
                f"{path} is open in another program (close Anki first, or use --anki-connect)"
            ) from None
        raise SyncError(f"cannot open {path}: {exc}") from None


def backup(col: Any, folder: Path) -> Path:
    """A backup of the collection into ``folder`` with Anki's own backup; the file made."""
    folder.mkdir(parents=True, exist_ok=True)
    before = {p: p.stat().st_mtime_ns for p in folder.iterdir()}
    col.create_backup(backup_folder=str(folder), force=True, wait_for_completion=True)
    made = [p for p in folder.iterdir() if before.get(p) != p.stat().st_mtime_ns]
    if not made:
        raise SyncError(f"no backup was written to {folder}; nothing was synced")
    return max(made, key=lambda p: p.stat().st_mtime_ns)


def held_notes(col: Any, guids: Sequence[str]) -> dict[str, HeldNote]:
    """The collection's notes with these GUIDs, with their cards."""
    out: dict[str, HeldNote] = {}
    names = {int(d.id): d.name for d in col.decks.all_names_and_ids()}
    for start in range(0, len(guids), 500):
        chunk = list(guids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        rows = col.db.all(f"select id, guid, mid, flds, tags from notes where guid in ({marks})", *chunk)
        for nid, guid, mid, flds, tags in rows:
            cards = tuple(
                (int(cid), names.get(int(did), ""), int(queue) == -1)
                for cid, did, queue in col.db.all(
                    "select id, did, queue from cards where nid = ? order by ord", nid
                )
            )
            out[guid] = HeldNote(
                int(nid), guid, int(mid), tuple(flds.split(FIELD_SEPARATOR)), tuple(tags.split()), cards
            )
    return out


def changes(col: Any, deck: WantedDeck, suspend: bool) -> DeckChanges:
    """What syncing ``deck`` into ``col`` would change."""
    guids = [n.guid for n in deck.notes] + list(deck.removed)
    held_models = {mid: col.models.get(mid) for mid in deck.models}
    return plan(deck, held_notes(col, guids), held_models, suspend)


def apply(col: Any, found: Sequence[DeckChanges], suspend: bool, progress: Progress | None = None) -> None:
    """Make the changes, as one undo step; on any failure, undo it and raise :class:`SyncError`."""
    todo = [c for c in found if not c.empty]
    if not todo:
        return
    step = col.add_custom_undo_entry(UNDO_NAME)
    try:
        for done, change in enumerate(todo):
            if progress is not None:
                progress(done, len(todo), change.deck.name)
            if change.add or change.change or change.models:
                _import(col, change.deck)
                col.merge_undo_entries(step)
            after = changes(col, change.deck, suspend)
            _move(col, after)
            col.merge_undo_entries(step)
            _remove(col, after, suspend)
            col.merge_undo_entries(step)
    except Exception as exc:
        if col.undo_status().undo == UNDO_NAME:
            col.undo()
        raise SyncError(f"sync failed, the collection is as it was: {type(exc).__name__}: {exc}") from None


def _import(col: Any, deck: WantedDeck) -> None:
    """New and changed notes and the note types, through Anki's import of the release without
    its tombstones: every update taken, no scheduling."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition

    always = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_ALWAYS
    options = ImportAnkiPackageOptions(
        merge_notetypes=False,
        update_notes=always,
        update_notetypes=always,
        with_scheduling=False,
        with_deck_configs=False,
    )
    with tempfile.TemporaryDirectory() as work:
        package = without_removed(deck, Path(work))
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))


def _move(col: Any, after: DeckChanges) -> None:
    """Cards to their deck, the new ones too (the import puts them where the package does)."""
    for note, mine in after.move:
        target = col.decks.id(note.deck, create=True)
        col.set_deck([cid for cid, name, _ in mine.cards if name != note.deck], target)


def _remove(col: Any, after: DeckChanges, suspend: bool) -> None:
    """Notes removed from the source: the learner's copies go (or are suspended)."""
    held = [mine for _, mine in after.remove]
    if suspend:
        cards = [cid for mine in held for cid, _, suspended in mine.cards if not suspended]
        if cards:
            col.sched.suspend_cards(cards)
    elif held:
        col.remove_notes([mine.note_id for mine in held])
