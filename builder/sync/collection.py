"""Sync into a collection file (``--collection``), through the real ``anki`` library.

Anki must be closed: Anki desktop holds its collection locked, and a locked collection is a
one-line error with nothing written. A file that is not an Anki collection is refused before
anything is written to it; a read-only one too (a ``--dry-run`` reads a copy of it). A backup
is taken first with Anki's own backup (a ``.colpkg``), written under a temporary name, checked,
then renamed into the backups folder (``backups`` beside the collection, where Anki keeps its
own); a backup that cannot be written stops the sync. Every change of one sync is one undo step
of Anki's: when any change fails, the step is undone and the collection is as it was.

New notes come in through Anki's own package import (a copy of the release holding only them,
its decks named as the learner's, its note types with the learner's added fields); existing
notes are updated field by field and tag by tag, so that a learner's added field, their own
tags and edits stay (:mod:`.plan` decides what changes).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..callbacks import Progress
from ..errors import DeckbuilderError
from ..notetypes import ids
from .plan import DeckChanges, HeldCard, HeldNote, Options, plan
from .release import FIELD_SEPARATOR, SUSPENDED_TAG, WantedDeck, for_import

UNDO_NAME = "deckbuilder sync"
_BACKING_UP = ".deckbuilder-backup-"
"""The prefix of the folder a backup is written in before it is checked and renamed."""


class SyncError(DeckbuilderError):
    """A sync that could not be made; the collection is as it was."""


def check_collection(path: Path) -> None:
    """That ``path`` is an Anki collection (read, never written): a :class:`SyncError` if not."""
    if not path.is_file():
        raise SyncError(f"no collection at {path}")
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except OSError as exc:
        raise SyncError(f"cannot read {path}: {exc.strerror or exc}") from None
    if head != b"SQLite format 3\x00":
        raise SyncError(f"{path} is not an Anki collection (not an SQLite database)")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            tables = {name for (name,) in db.execute("select name from sqlite_master where type = 'table'")}
        finally:
            db.close()
    except sqlite3.Error as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            raise SyncError(
                f"{path} is open in another program (close Anki first, or use --anki-connect)"
            ) from None
        raise SyncError(f"{path} is not an Anki collection ({exc})") from None
    if not {"col", "notes", "cards", "revlog"} <= tables:
        raise SyncError(f"{path} is not an Anki collection (it has no notes and cards tables)")


def open_collection(path: Path, work: Path | None = None) -> Any:
    """The collection at ``path``, or a :class:`SyncError` saying why not. With ``work`` (a
    folder), a copy of it made there: what a dry run of a read-only collection reads."""
    try:
        from anki.collection import Collection
    except ImportError:
        raise SyncError(
            "syncing into a collection file needs the anki library: pip install 'deckbuilder[sync]'"
            " (or use --anki-connect with Anki running)"
        ) from None
    check_collection(path)
    if work is not None:
        copy = work / "collection.anki2"
        shutil.copyfile(path, copy)
        path = copy
    elif not writable(path):
        raise SyncError(f"{path} is read-only: sync cannot change it (--dry-run can read it)")
    try:
        return Collection(str(path))
    except Exception as exc:  # the backend raises its own DBError for a locked file
        text = str(exc).lower()
        if "locked" in text or "busy" in text or "already open" in text:
            raise SyncError(
                f"{path} is open in another program (close Anki first, or use --anki-connect)"
            ) from None
        raise SyncError(f"cannot open {path}: {exc}") from None


def writable(path: Path) -> bool:
    """Whether the collection at ``path`` can be changed (Anki writes a journal beside it)."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def backup(col: Any, folder: Path) -> Path:
    """A backup of the collection into ``folder`` with Anki's own backup: written under a
    temporary name, checked to be a whole package, then renamed. The file made."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # What a sync killed while backing up left: never a backup, safe to drop (two syncs of
        # one collection never run at once: the second finds it locked).
        for stale in folder.glob(f"{_BACKING_UP}*"):
            shutil.rmtree(stale, ignore_errors=True)
        work = Path(tempfile.mkdtemp(prefix=_BACKING_UP, dir=folder))
    except OSError as exc:
        raise SyncError(
            f"cannot write a backup to {folder}: {exc.strerror or exc}; nothing was synced"
        ) from None
    try:
        try:
            col.create_backup(backup_folder=str(work), force=True, wait_for_completion=True)
        except Exception as exc:  # the backend's own errors: a full disk, a folder it cannot write
            raise SyncError(f"cannot write a backup to {folder}: {exc}; nothing was synced") from None
        made = sorted(work.glob("*.colpkg"))
        if len(made) != 1 or not _whole(made[0]):
            raise SyncError(f"the backup written to {folder} is incomplete; nothing was synced")
        target = folder / made[0].name
        try:
            made[0].replace(target)
        except OSError as exc:
            raise SyncError(
                f"cannot write a backup to {folder}: {exc.strerror or exc}; nothing was synced"
            ) from None
        return target
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _whole(package: Path) -> bool:
    """Whether a backup is a readable package holding a collection."""
    try:
        with zipfile.ZipFile(package) as archive:
            names = set(archive.namelist())
            return bool(names & {"collection.anki21b", "collection.anki21", "collection.anki2"}) and (
                archive.testzip() is None
            )
    except (OSError, zipfile.BadZipFile):
        return False


def held_notes(col: Any, guids: Sequence[str]) -> dict[str, HeldNote]:
    """The collection's notes with these GUIDs, with their cards."""
    out: dict[str, HeldNote] = {}
    names = {int(d.id): d.name for d in col.decks.all_names_and_ids()}
    for start in range(0, len(guids), 500):
        chunk = list(guids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        rows = col.db.all(f"select id, guid, mid, flds, tags from notes where guid in ({marks})", *chunk)
        cards: dict[int, list[HeldCard]] = {}
        ids = [row[0] for row in rows]
        if ids:
            found = col.db.all(
                f"select nid, id, did, queue, ord from cards where nid in ({','.join('?' * len(ids))})"
                " order by nid, ord",
                *ids,
            )
            for nid, cid, did, queue, ord_ in found:
                cards.setdefault(int(nid), []).append(
                    HeldCard(int(cid), names.get(int(did), ""), int(queue) == -1, int(ord_))
                )
        for nid, guid, mid, flds, tags in rows:
            out[guid] = HeldNote(
                int(nid),
                guid,
                int(mid),
                tuple(flds.split(FIELD_SEPARATOR)),
                tuple(tags.split()),
                tuple(cards.get(int(nid), ())),
            )
    return out


def guids_of(deck: WantedDeck) -> list[str]:
    return [n.guid for n in deck.notes] + [r.guid for r in deck.removed]


def changes(col: Any, deck: WantedDeck, others: Mapping[str, str], options: Options) -> DeckChanges:
    """What syncing ``deck`` into ``col`` would change; ``others``: the other decks' current
    notes (GUID -> deck). See :func:`.plan.plan` for the options."""
    held_models = {mid: col.models.get(mid) for mid in deck.models}
    mine = set(guids_of(deck))
    ours = tuple(sorted({*ids().values(), *deck.models}))

    def foreign(name: str) -> bool:
        did = col.decks.id_for_name(name)
        if did is None:
            return False
        rows = col.db.list(
            f"select distinct n.guid from cards c join notes n on n.id = c.nid where c.did = ?"
            f" and n.mid in ({','.join('?' * len(ours))})",
            did,
            *ours,
        )
        return any(guid not in mine for guid in rows)

    names = {int(m.id): m.name for m in col.models.all_names_and_ids()}
    return plan(
        deck,
        held_notes(col, guids_of(deck)),
        held_models,
        options,
        foreign=foreign,
        others=others,
        model_names=names,
    )


def apply(
    col: Any,
    found: Sequence[DeckChanges],
    progress: Progress | None = None,
) -> None:
    """Make the changes, as one undo step; on any failure, undo it and raise :class:`SyncError`."""
    todo = [c for c in found if not c.nothing]
    if not todo:
        return
    step = col.add_custom_undo_entry(UNDO_NAME)
    try:
        for done, change in enumerate(todo):
            if progress is not None:
                progress(done, len(todo), change.deck.name)
            for make in (_models, _import, _update, _move):
                make(col, change)
                # Each of Anki's operations is an undo step of its own: merged into the sync's.
                col.merge_undo_entries(step)
            _remove(col, change)
            col.merge_undo_entries(step)
    except Exception as exc:
        if col.undo_status().undo == UNDO_NAME:
            col.undo()
        raise SyncError(f"sync failed, the collection is as it was: {type(exc).__name__}: {exc}") from None


def _models(col: Any, change: DeckChanges) -> None:
    """The learner's copies of the release's note types given its templates and CSS (their
    added fields stay); a note type they lack comes with the import."""
    for mid in change.models:
        theirs = col.models.get(mid)
        if theirs is None:
            continue
        release = change.deck.models[mid]
        templates = {t["name"]: t for t in release["tmpls"]}  # type: ignore[attr-defined]
        for template in theirs["tmpls"]:
            if template["name"] in templates:
                template["qfmt"] = templates[template["name"]]["qfmt"]
                template["afmt"] = templates[template["name"]]["afmt"]
        theirs["css"] = release["css"]
        col.models.update_dict(theirs)


def _import(col: Any, change: DeckChanges) -> None:
    """New notes, through Anki's import of a copy of the release holding only them, in the
    learner's decks; no scheduling, nothing existing updated."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest
    from anki.import_export_pb2 import ImportAnkiPackageUpdateCondition

    if not change.add:
        return
    never = ImportAnkiPackageUpdateCondition.IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_NEVER
    options = ImportAnkiPackageOptions(
        merge_notetypes=True,
        update_notes=never,
        update_notetypes=never,
        with_scheduling=False,
        with_deck_configs=False,
    )
    with tempfile.TemporaryDirectory() as work:
        guids = {n.guid for n in change.add}
        package = for_import(change.deck, Path(work), guids, dict(change.places), dict(change.extra_fields))
        col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))


def _update(col: Any, change: DeckChanges) -> None:
    """Fields and tags the release changed; notes it suspended back in; empty gap cards gone."""
    for update in change.update:
        note = col.get_note(update.mine.note_id)
        for name, value in update.fields:
            note[name] = value
        if update.tags is not None:
            note.tags = list(update.tags)
        col.update_note(note)
    back = [c.card_id for _, mine in change.unsuspend for c in mine.cards if c.suspended]
    if back:
        col.sched.unsuspend_cards(back)
    empty = [cid for _, _, cards in change.empty for cid in cards]
    if empty:
        col.remove_cards_and_orphaned_notes(empty)


def _move(col: Any, change: DeckChanges) -> None:
    """Cards the release moved between the deck's own decks."""
    for move in change.move:
        col.set_deck(list(move.cards), col.decks.id(move.target, create=True))


def _remove(col: Any, change: DeckChanges) -> None:
    """Notes removed from the source: deleted, or suspended and marked."""
    held = [mine for _, mine in change.remove]
    if not held:
        return
    if change.options.suspend:
        cards = [c.card_id for mine in held for c in mine.cards if not c.suspended]
        if cards:
            col.sched.suspend_cards(cards)
        col.tags.bulk_add([mine.note_id for mine in held], SUSPENDED_TAG)
    else:
        col.remove_notes([mine.note_id for mine in held])
