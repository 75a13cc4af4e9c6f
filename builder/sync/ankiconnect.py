"""Sync into a running Anki desktop through AnkiConnect (``--anki-connect [URL]``).

AnkiConnect (API version 6) is spoken over HTTP with the standard library alone (``urllib``,
``json``), so the build-only install does not grow. Anki and deckbuilder must share a file
system: the package to import and the exports sync reads are files in a temporary folder
(``TMPDIR`` chooses it, for an Anki that sees only part of the disk).

The HTTP client is :mod:`.client`, the reading of what the learner holds :mod:`.held`; this
module plans and makes the changes.

**Identity.** Notes are matched by GUID, as Anki's import and the ``--collection`` path match
them, but AnkiConnect never shows a GUID: ``notesInfo`` and ``cardsInfo`` give ids, fields,
tags and decks, and Anki's search has no GUID filter. Matching by content cannot stand in for
it: a note removed from the source holds text no release ships any more, and a note the learner
edited differs from every release. Anki writes GUIDs in one place, a package: so sync finds the
cards of deckbuilder's note types (``findCards "mid:…"``), asks Anki to export each deck that
holds one of them (``exportPackage`` without scheduling; subdecks come along, a deck already
inside another is not exported twice) and reads GUID, note id, note type, fields, tags and card
ids from the exported collection (AnkiConnect writes Anki's legacy ``collection.anki21``, plain
SQLite); each card's deck and suspension come live from ``getDecks`` and ``areSuspended``. That
is the by-GUID view ``--collection`` reads with SQL, so the plan (:func:`.plan.plan`) and the
dry run are the same, exactly. Only notes of deckbuilder's note types can be found this way; a
note of another type holding one of the releases' GUIDs is reported only when it sits in a deck
that was exported, and is never touched either way.

**Changes.** New and changed notes and the note types come in through ``importPackage`` of the
release without its tombstones: Anki's own import, which matches by GUID, takes a note or a
note type when the package's copy is newer (each carries the time of the release that last
changed it) and leaves the scheduling of existing cards alone. The learner's notes are then
read again, and whatever the import kept (a note or note type edited in Anki after its release:
"newer wins") is set to the release with ``updateNoteFields``/``updateNoteTags`` and
``updateModelTemplates``/``updateModelStyling``, so that the result is the release, as with
``--collection`` (whose import always takes updates). Cards go to their deck with ``changeDeck``;
notes removed from the source are deleted with ``deleteNotes`` (or their cards suspended with
``suspend``). Requests are batched with ``multi``.

Each change is one of Anki's own actions: there is no single undo step and no backup (Anki
takes its own). A sync stopped half way leaves nothing wrong, only undone, and the next sync
finishes it. A sync with nothing to change makes no change at all: it only reads and exports.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .client import CHECK_TIMEOUT, DEFAULT_URL, AnkiConnect
from .collection import SyncError
from .held import Held, covering, read_export, read_held
from .plan import DeckChanges, plan, tell
from .release import read_releases, without_removed

__all__ = [
    "CHECK_TIMEOUT",
    "DEFAULT_URL",
    "Held",
    "apply",
    "covering",
    "read_export",
    "read_held",
    "sync_anki_connect",
]

Echo = Callable[[str], None]
Progress = Callable[[int, int, str], None]


def sync_anki_connect(
    decks: Path,
    url: str,
    echo: Echo,
    *,
    dry_run: bool = False,
    suspend: bool = False,
    progress: Progress | None = None,
) -> list[DeckChanges]:
    """Sync every release in ``decks`` into the Anki answering at ``url``. Returns what changed
    (or would, with ``dry_run``)."""
    wanted = read_releases(decks)
    client = AnkiConnect(url)
    client.check(CHECK_TIMEOUT)
    guids = {n.guid for deck in wanted for n in deck.notes} | {g for deck in wanted for g in deck.removed}
    with tempfile.TemporaryDirectory(prefix="deckbuilder-sync-") as folder:
        work = Path(folder)
        held = read_held(client, guids, work)
        found = [plan(deck, held.notes, held.models_for(deck), suspend) for deck in wanted]
        tell(found, echo, suspend, dry_run)
        if dry_run:
            return found
        if any(not c.empty for c in found):
            apply(client, found, held, suspend, guids, work, progress)
    return found


def apply(
    client: AnkiConnect,
    found: Sequence[DeckChanges],
    held: Held,
    suspend: bool,
    guids: set[str],
    work: Path,
    progress: Progress | None = None,
) -> None:
    """Make the changes: import, then set what the import kept, move, delete or suspend."""
    todo = [c for c in found if not c.empty]
    imported = False
    for done, change in enumerate(todo):
        if progress is not None:
            progress(done, len(todo), change.deck.name)
        if change.add or change.change or change.models:
            folder = work / f"import-{done}"
            folder.mkdir()
            client.call("importPackage", path=str(without_removed(change.deck, folder)))
            imported = True
    if imported:
        # What the import added, and what it left as it was: read again, by GUID.
        held = read_held(client, guids, work)
        todo = [plan(change.deck, held.notes, held.models_for(change.deck), suspend) for change in todo]
    _set_note_types(client, todo, held)
    asks: list[tuple[str, Mapping[str, Any]]] = []
    for change in todo:
        asks += _set_notes(change)
        asks += _moves(change)
        asks += _removals(change, suspend)
    client.multi(asks)
    missed = [(c.deck.name, len(c.add)) for c in todo if c.add]
    if missed:
        raise SyncError(
            "Anki's import did not add "
            + ", ".join(f"{count} note{'s' if count > 1 else ''} of {name}" for name, count in missed)
        )


def _set_note_types(client: AnkiConnect, after: Sequence[DeckChanges], held: Held) -> None:
    """deckbuilder's note types the import left different from the release: their templates and
    CSS set (their fields and card types must match: AnkiConnect cannot change those)."""
    asks: list[tuple[str, Mapping[str, Any]]] = []
    done: set[int] = set()
    for change in after:
        for mid in change.models:
            if mid in done:
                continue
            done.add(mid)
            release = change.deck.models[mid]
            theirs = held.models.get(mid)
            if theirs is None:
                raise SyncError(
                    f"Anki's import did not add the note type {release['name']} of {change.deck.name}"
                )
            if _names(theirs, "flds") != _names(release, "flds") or _names(theirs, "tmpls") != _names(
                release, "tmpls"
            ):
                raise SyncError(
                    f"the note type “{held.names[mid]}” has other fields or card types than"
                    f" {change.deck.name} {change.deck.version}, and Anki's import kept it;"
                    " sync with --collection (Anki closed) to update it"
                )
            templates = release["tmpls"]
            assert isinstance(templates, list)
            name = held.names[mid]
            asks += [
                (
                    "updateModelTemplates",
                    {
                        "model": {
                            "name": name,
                            "templates": {
                                t["name"]: {"Front": t["qfmt"], "Back": t["afmt"]} for t in templates
                            },
                        }
                    },
                ),
                ("updateModelStyling", {"model": {"name": name, "css": release["css"]}}),
            ]
    client.multi(asks)


def _names(model: Mapping[str, object], key: str) -> list[object]:
    items = model.get(key) or []
    assert isinstance(items, list)
    return [item["name"] for item in items]


def _set_notes(change: DeckChanges) -> list[tuple[str, Mapping[str, Any]]]:
    """Notes the import left different from the release (edited in Anki after it): set."""
    asks: list[tuple[str, Mapping[str, Any]]] = []
    for note, mine in change.change:
        names = _names(change.deck.models[note.model_id], "flds")
        if mine.fields != note.fields:
            fields = dict(zip(names, note.fields, strict=True))
            asks.append(("updateNoteFields", {"note": {"id": mine.note_id, "fields": fields}}))
        if sorted(mine.tags) != sorted(note.tags):
            asks.append(("updateNoteTags", {"note": mine.note_id, "tags": list(note.tags)}))
    return asks


def _moves(change: DeckChanges) -> list[tuple[str, Mapping[str, Any]]]:
    """Cards to the deck the release puts them in, one ``changeDeck`` per deck."""
    targets: dict[str, list[int]] = {}
    for note, mine in change.move:
        targets.setdefault(note.deck, []).extend(cid for cid, name, _ in mine.cards if name != note.deck)
    return [("changeDeck", {"cards": cards, "deck": deck}) for deck, cards in targets.items()]


def _removals(change: DeckChanges, suspend: bool) -> list[tuple[str, Mapping[str, Any]]]:
    """Notes removed from the source: deleted, or their cards suspended."""
    held = [mine for _, mine in change.remove]
    if suspend:
        cards = [cid for mine in held for cid, _, suspended in mine.cards if not suspended]
        return [("suspend", {"cards": cards})] if cards else []
    return [("deleteNotes", {"notes": [mine.note_id for mine in held]})] if held else []
