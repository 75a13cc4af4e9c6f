"""Sync into a running Anki desktop through AnkiConnect (``--anki-connect [URL]``).

AnkiConnect (API version 6) is spoken over HTTP with the standard library alone (``http.client``,
``json``), so the build-only install does not grow. It is a peer sync does not trust: a total
deadline per request, no redirects, a capped answer, no proxy to this machine, and every result
checked against the shape its action answers (:mod:`.client`). Anki and deckbuilder must share a file
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

**Changes.** The note types' templates and CSS are set with ``updateModelTemplates`` and
``updateModelStyling`` (a field the learner added stays). New notes come in through
``importPackage`` of a copy of the release holding only them, in the learner's places of the
decks and with the learner's added fields (:func:`.release.for_import`): Anki's own import, by
GUID, leaving scheduling alone. What the release changed on existing notes is set field by
field with ``updateNoteFields`` and ``updateNoteTags`` (their own tags kept); cards the release
moved go with ``changeDeck``; removed notes are deleted with ``deleteNotes`` (or suspended and
tagged). AnkiConnect cannot delete one card: the card of a removed cloze gap is suspended, and
reported. Requests are batched with ``multi``.

Each change is one of Anki's own actions: there is no single undo step and no backup (Anki
takes its own). A sync stopped half way leaves nothing wrong, only undone, and the next sync
finishes it. A sync with nothing to change makes no change at all: it only reads and exports.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..callbacks import Echo, Progress
from .client import CHECK_TIMEOUT, DEFAULT_URL, AnkiConnect
from .decks import check, choose
from .held import Held, covering, read_export, read_held
from .plan import DEFAULTS, DeckChanges, Options, plan, tell
from .release import SUSPENDED_TAG, WantedDeck, for_import, owners, pick, read_releases

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


def sync_anki_connect(
    decks: Path,
    url: str,
    echo: Echo,
    *,
    options: Options = DEFAULTS,
    dry_run: bool = False,
    chosen: Sequence[str] = (),
    progress: Progress | None = None,
) -> list[DeckChanges]:
    """Sync the releases in ``decks`` (those ``chosen``, or those the collection holds) into
    the Anki answering at ``url``. Returns what changed (or would, with ``dry_run``); raises
    :class:`SyncError` when something could not be synced."""

    every = read_releases(decks)
    wanted, others = pick(every, chosen, decks), owners(every)
    client = AnkiConnect(url)
    client.check(CHECK_TIMEOUT)
    guids = {g for deck in wanted for g in _guids(deck)}
    with tempfile.TemporaryDirectory(prefix="deckbuilder-sync-") as folder:
        work = Path(folder)
        held = read_held(client, guids, work, wanted)
        holding = {deck.name: {g: held.notes[g] for g in _guids(deck) if g in held.notes} for deck in wanted}
        wanted = choose(wanted, holding, chosen, echo)
        found = [_plan(client, deck, held, others, options) for deck in wanted]
        tell(found, echo, dry_run)
        if dry_run:
            check(found, dry_run=True)
            return found
        if any(not c.nothing for c in found):
            apply(client, found, held, work, echo, progress)
            held = read_held(client, guids, work, wanted)
            found = [_plan(client, deck, held, others, options) for deck in wanted]
        check(found)
    return found


def _guids(deck: WantedDeck) -> list[str]:
    return [n.guid for n in deck.notes] + [r.guid for r in deck.removed]


def _plan(
    client: AnkiConnect, deck: WantedDeck, held: Held, others: Mapping[str, str], options: Options
) -> DeckChanges:
    mine = {held.notes[g].note_id for g in _guids(deck) if g in held.notes}

    def foreign(name: str) -> bool:
        query = (
            f'"deck:{_quoted(name)}" -"deck:{_quoted(name)}::*" ('
            + " OR ".join(f"mid:{mid}" for mid in sorted(held.names))
            + ")"
        )
        return any(nid not in mine for nid in client.call("findNotes", query=query))

    return plan(
        deck,
        held.notes,
        held.models_for(deck),
        options,
        foreign=foreign,
        others=others,
        model_names=held.every,
    )


def _quoted(name: str) -> str:
    """A deck name inside a quoted search term: Anki's special characters escaped."""
    out = name.replace("\\", "\\\\").replace('"', '\\"')
    for special in "*_":
        out = out.replace(special, "\\" + special)
    return out


def apply(
    client: AnkiConnect,
    found: Sequence[DeckChanges],
    held: Held,
    work: Path,
    echo: Echo,
    progress: Progress | None = None,
) -> None:
    """Make the changes: note types, new notes, then the release's edits, moves and removals."""
    todo = [c for c in found if not c.nothing]
    for done, change in enumerate(todo):
        if progress is not None:
            progress(done, len(todo), change.deck.name)
        client.multi(_set_note_types(change, held))
        if change.add:
            folder = work / f"import-{done}"
            folder.mkdir()
            guids = {n.guid for n in change.add}
            package = for_import(change.deck, folder, guids, dict(change.places), dict(change.extra_fields))
            client.call("importPackage", path=str(package))
        client.multi([*_set_notes(change), *_moves(change), *_removals(change)])
        empty = sum(len(cards) for _, _, cards in change.empty)
        if empty:
            echo(
                f"{change.deck.name}: {empty} card{'s' if empty > 1 else ''} of removed gaps suspended"
                " (AnkiConnect cannot delete a card; Anki's Tools › Empty Cards deletes them)"
            )


def _set_note_types(change: DeckChanges, held: Held) -> list[tuple[str, Mapping[str, Any]]]:
    """The templates and CSS of the learner's copies of the release's note types."""
    asks: list[tuple[str, Mapping[str, Any]]] = []
    for mid in change.models:
        name = held.names.get(mid)
        if name is None:
            continue  # comes with the import
        release = change.deck.models[mid]
        templates = release["tmpls"]
        assert isinstance(templates, list)
        asks += [
            (
                "updateModelTemplates",
                {
                    "model": {
                        "name": name,
                        "templates": {t["name"]: {"Front": t["qfmt"], "Back": t["afmt"]} for t in templates},
                    }
                },
            ),
            ("updateModelStyling", {"model": {"name": name, "css": release["css"]}}),
        ]
    return asks


def _set_notes(change: DeckChanges) -> list[tuple[str, Mapping[str, Any]]]:
    """The release's changes to fields and tags; notes back in the deck unsuspended; the cards of
    removed gaps suspended (AnkiConnect deletes no single card)."""
    asks: list[tuple[str, Mapping[str, Any]]] = []
    for update in change.update:
        if update.fields:
            fields = dict(update.fields)
            asks.append(("updateNoteFields", {"note": {"id": update.mine.note_id, "fields": fields}}))
        if update.tags is not None:
            asks.append(("updateNoteTags", {"note": update.mine.note_id, "tags": list(update.tags)}))
    back = [c.card_id for _, mine in change.unsuspend for c in mine.cards if c.suspended]
    if back:
        asks.append(("unsuspend", {"cards": back}))
    empty = [cid for _, _, cards in change.empty for cid in cards]
    if empty:
        asks.append(("suspend", {"cards": empty}))
    return asks


def _moves(change: DeckChanges) -> list[tuple[str, Mapping[str, Any]]]:
    """Cards the release moved, one ``changeDeck`` per deck."""
    targets: dict[str, list[int]] = {}
    for move in change.move:
        targets.setdefault(move.target, []).extend(move.cards)
    return [("changeDeck", {"cards": cards, "deck": deck}) for deck, cards in targets.items()]


def _removals(change: DeckChanges) -> list[tuple[str, Mapping[str, Any]]]:
    """Notes removed from the source: deleted, or their cards suspended and the note tagged."""
    held = [mine for _, mine in change.remove]
    if not held:
        return []
    if change.options.suspend:
        cards = [c.card_id for mine in held for c in mine.cards if not c.suspended]
        notes = [mine.note_id for mine in held]
        return [
            *([("suspend", {"cards": cards})] if cards else []),
            ("addTags", {"notes": notes, "tags": SUSPENDED_TAG}),
        ]
    return [("deleteNotes", {"notes": [mine.note_id for mine in held]})]
