"""What the learner's Anki holds of the releases, read through AnkiConnect: deckbuilder's note
types, and the notes with the releases' GUIDs, found in packages Anki exports (AnkiConnect never
shows a GUID; see :mod:`.ankiconnect`)."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..notetypes import ids
from ..package import read_tables
from .client import AnkiConnect
from .collection import SyncError
from .plan import HeldCard, HeldNote
from .release import FIELD_SEPARATOR, WantedDeck
from .wire import line

__all__ = ["Held", "covering", "read_export", "read_held"]


@dataclass
class Held:
    """What the learner's Anki holds of the releases: notes by GUID, deckbuilder's note types."""

    notes: dict[str, HeldNote] = field(default_factory=dict)
    models: dict[int, dict[str, Any]] = field(default_factory=dict)
    """deckbuilder's note types the collection has, by id, in the shape :func:`.plan.model_shape`
    reads."""
    names: dict[int, str] = field(default_factory=dict)
    """Their names in the collection (AnkiConnect names note types, never ids)."""
    every: dict[int, str] = field(default_factory=dict)
    """Every note type's name, by id: a note of another type holding a GUID is named by it."""

    def models_for(self, deck: WantedDeck) -> dict[int, Mapping[str, object] | None]:
        """The learner's copy of each note type a release uses (None where it has none)."""
        return {mid: self.models.get(mid) for mid in deck.models}


def read_held(client: AnkiConnect, guids: set[str], work: Path, releases: Iterable[WantedDeck] = ()) -> Held:
    """The learner's notes with these GUIDs (of deckbuilder's note types, and of other types in
    the decks read), their cards, and deckbuilder's note types: the built-in ones and those of
    the ``releases`` (a style's, a team's); ``work``: a folder Anki can write to."""
    held = Held()
    ours = {*ids().values(), *(mid for deck in releases for mid in deck.models)}
    names_ids = client.call("modelNamesAndIds")
    held.every = {int(mid): name for name, mid in names_ids.items()}
    held.names = {mid: name for mid, name in held.every.items() if mid in ours}
    if not held.names:
        return held
    held.models = _read_models(client, held.names)
    cards = client.call("findCards", query=" OR ".join(f"mid:{mid}" for mid in sorted(held.names)))
    if not cards:
        return held
    decks, deck_of, suspended_of = _places(client, cards)
    rows, cards_of = _exported(client, covering(decks), guids, work)
    live = _tags(client, [nid for nid, _, _, _ in rows.values()])
    for guid, (nid, mid, flds, tags) in rows.items():
        in_order = sorted(cards_of[nid].items(), key=lambda item: (item[1][0], item[0]))
        held.notes[guid] = HeldNote(
            nid,
            guid,
            mid,
            tuple(flds.split(FIELD_SEPARATOR)),
            live.get(nid, tuple(tags.split())),
            tuple(
                HeldCard(cid, deck_of.get(cid, exported), suspended_of.get(cid, False), ord_)
                for cid, (ord_, exported) in in_order
            ),
        )
    return held


def _read_models(client: AnkiConnect, names: dict[int, str]) -> dict[int, dict[str, Any]]:
    """The note types ``names`` (id -> name) as the collection has them: fields, templates, CSS."""
    asks: list[tuple[str, Mapping[str, Any]]] = []
    for name in names.values():
        asks += [
            ("modelFieldNames", {"modelName": name}),
            ("modelTemplates", {"modelName": name}),
            ("modelStyling", {"modelName": name}),
        ]
    answers = client.multi(asks)
    models: dict[int, dict[str, Any]] = {}
    for index, mid in enumerate(names):
        field_names, templates, styling = answers[3 * index : 3 * index + 3]
        models[mid] = {
            "name": names[mid],
            "flds": [{"name": name} for name in field_names],
            "tmpls": [{"name": n, "qfmt": t["Front"], "afmt": t["Back"]} for n, t in templates.items()],
            "css": styling["css"],
        }
    return models


def _places(
    client: AnkiConnect, cards: list[int]
) -> tuple[dict[str, list[int]], dict[int, str], dict[int, bool]]:
    """The decks of ``cards`` (deck name -> card ids), and each card's deck and whether it is
    suspended, by card id."""
    decks, suspended = client.multi([("getDecks", {"cards": cards}), ("areSuspended", {"cards": cards})])
    if len(suspended) != len(cards):
        raise SyncError(
            f"{client.url} does not answer as AnkiConnect does (areSuspended gave {len(suspended)}"
            f" answers for {len(cards)} cards)"
        )
    deck_of = {int(cid): name for name, cids in decks.items() for cid in cids}
    suspended_of = {int(cid): bool(s) for cid, s in zip(cards, suspended, strict=True)}
    return decks, deck_of, suspended_of


def _exported(
    client: AnkiConnect, decks: list[str], guids: set[str], work: Path
) -> tuple[dict[str, tuple[int, int, str, str]], dict[int, dict[int, tuple[int, str]]]]:
    """The notes with these GUIDs in exports of ``decks`` (written in ``work``): each one's
    (note id, note type id, fields, tags) by GUID, and each note's cards (card id -> (ord, deck
    name)) by note id."""
    rows: dict[str, tuple[int, int, str, str]] = {}
    cards_of: dict[int, dict[int, tuple[int, str]]] = {}
    for number, deck in enumerate(decks):
        path = work / f"held-{number}.apkg"
        if client.call("exportPackage", deck=deck, path=str(path), includeSched=False) is False:
            raise SyncError(f"AnkiConnect exportPackage failed: Anki found no deck “{deck}”")
        if not path.is_file():
            raise SyncError(
                f"Anki wrote no export at {path}: sync needs Anki on this machine, seeing this"
                " folder (TMPDIR picks another)"
            )
        for guid, row, note_cards in read_export(path, guids):
            rows[guid] = row
            cards_of.setdefault(row[0], {}).update(note_cards)
        path.unlink()
    return rows, cards_of


def _tags(client: AnkiConnect, notes: list[int]) -> dict[int, tuple[str, ...]]:
    """Each note's tags as Anki holds them (``notesInfo``): an export without scheduling drops
    the learner's ``marked`` and ``leech``."""
    if not notes:
        return {}
    infos = client.call("notesInfo", notes=notes)
    return {info["noteId"]: tuple(info["tags"]) for info in infos if info}


def covering(decks: Iterable[str]) -> list[str]:
    """The decks to export so that every one of ``decks`` is exported once: those not inside
    another of them (an export takes a deck's subdecks along)."""
    names = set(decks)
    return sorted(
        name for name in names if not any(name.startswith(other + "::") for other in names if other != name)
    )


def read_export(
    package: Path, guids: set[str]
) -> Iterable[tuple[str, tuple[int, int, str, str], dict[int, tuple[int, str]]]]:
    """The notes with these GUIDs in a package Anki exported: GUID, (note id, note type id,
    fields, tags) and its cards there (card id -> (ord, deck name))."""
    try:
        with zipfile.ZipFile(package) as archive:
            members = set(archive.namelist())
            if "collection.anki21b" in members:
                # Anki's current format, zstd-compressed; AnkiConnect exports the legacy one.
                raise SyncError(
                    f"Anki exported {package.name} in its zstd-compressed format, which sync cannot"
                    " read; use --collection with Anki closed"
                )
            member = next((m for m in ("collection.anki21", "collection.anki2") if m in members), None)
            if member is None:
                raise SyncError(f"Anki's export {package} holds no collection")
            database = package.with_suffix(".anki2")
            with archive.open(member) as source, database.open("wb") as target:
                shutil.copyfileobj(source, target)  # a piece at a time, however large
    except (OSError, zipfile.BadZipFile) as exc:
        raise SyncError(f"cannot read Anki's export {package}: {exc}") from None
    db = sqlite3.connect(database)
    try:
        tables = read_tables(db)
        deck_names = {int(did): str(deck["name"]) for did, deck in tables.decks.items()}
        found = [
            (row.guid, (int(row.id), int(row.mid), _text(row.flds), _text(row.tags)))
            for row in tables.notes
            if row.guid in guids
        ]
        wanted = {row[0] for _, row in found}
        cards: dict[int, dict[int, tuple[int, str]]] = {}
        for cid, nid, ord_, did in db.execute("select id, nid, ord, did from cards"):
            if nid in wanted:
                cards.setdefault(int(nid), {})[int(cid)] = (int(ord_), deck_names.get(int(did), ""))
    except (sqlite3.Error, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        raise SyncError(
            f"cannot read Anki's export {package}: {line(str(exc) or type(exc).__name__)}"
        ) from None
    finally:
        db.close()
        database.unlink()
    return [(guid, row, cards.get(row[0], {})) for guid, row in found]


def _text(value: object) -> str:
    """A text column of Anki's export (a TypeError when it holds something else)."""
    if not isinstance(value, str):
        raise TypeError(f"text expected, found {type(value).__name__}")
    return value
