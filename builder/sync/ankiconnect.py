"""Sync into a running Anki desktop through AnkiConnect (``--anki-connect [URL]``).

AnkiConnect (API version 6) is spoken over HTTP with the standard library alone (``urllib``,
``json``), so the build-only install does not grow. Anki and deckbuilder must share a file
system: the package to import and the exports sync reads are files in a temporary folder
(``TMPDIR`` chooses it, for an Anki that sees only part of the disk).

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

import http.client
import json
import sqlite3
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..notetypes import MODEL_IDS
from .collection import SyncError
from .plan import DeckChanges, HeldNote, plan
from .release import FIELD_SEPARATOR, WantedDeck, read_releases, without_removed

DEFAULT_URL = "http://127.0.0.1:8765"
API_VERSION = 6
TIMEOUT = 600.0
"""Seconds to wait for one answer: importing or exporting a large deck takes a while."""
CHECK_TIMEOUT = 30.0
"""Seconds to wait for the first answer, which AnkiConnect gives at once."""

Echo = Callable[[str], None]
Progress = Callable[[int, int, str], None]


class AnkiConnect:
    """A client of AnkiConnect's API version 6 at ``url``; every failure is a :class:`SyncError`
    of one line naming the action."""

    def __init__(self, url: str, timeout: float = TIMEOUT) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SyncError(f"not an AnkiConnect URL: {url} (it looks like {DEFAULT_URL})")
        self.url = url
        self.timeout = timeout

    def call(self, action: str, **params: Any) -> Any:
        """The result of one action."""
        return self._result(action, self._post(action, _request(action, params)))

    def multi(self, actions: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Any]:
        """The results of several actions, sent as one ``multi`` request."""
        if not actions:
            return []
        replies = self.call("multi", actions=[_request(name, params) for name, params in actions])
        if not isinstance(replies, list) or len(replies) != len(actions):
            raise SyncError(f"{self.url} does not answer as AnkiConnect does (multi gave {replies!r:.80})")
        return [self._result(name, reply) for (name, _), reply in zip(actions, replies, strict=True)]

    def check(self) -> None:
        """That AnkiConnect answers at the URL and speaks API version 6 or later."""
        version = self._result("version", self._post("version", _request("version", {}), CHECK_TIMEOUT))
        if not isinstance(version, int) or version < API_VERSION:
            raise SyncError(
                f"AnkiConnect at {self.url} speaks API version {version}; sync needs {API_VERSION}"
                " (update the add-on)"
            )

    def _post(self, action: str, body: Mapping[str, Any], timeout: float | None = None) -> object:
        wait = self.timeout if timeout is None else timeout
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=wait) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            # AnkiConnect answers errors with 200; servers like it answer some with 500 and the
            # same JSON body.
            raw = error.read()
            if not raw.lstrip().startswith(b"{"):
                raise SyncError(f"AnkiConnect {action} failed: HTTP {error.code} from {self.url}") from None
        except TimeoutError:
            raise SyncError(f"{self.url} did not answer {action} within {wait:g} s") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise SyncError(f"{self.url} did not answer {action} within {wait:g} s") from None
            raise SyncError(self._nothing()) from None
        except ConnectionError:
            raise SyncError(self._nothing()) from None
        except http.client.HTTPException:
            raise SyncError(f"{self.url} does not answer as AnkiConnect does (to {action})") from None
        try:
            return json.loads(raw)
        except ValueError:
            raise SyncError(f"{self.url} does not answer as AnkiConnect does (to {action})") from None

    def _nothing(self) -> str:
        return f"nothing answers at {self.url} (is Anki running with AnkiConnect?)"

    def _result(self, action: str, reply: object) -> Any:
        if not isinstance(reply, dict) or "result" not in reply or "error" not in reply:
            raise SyncError(f"{self.url} does not answer as AnkiConnect does (to {action})")
        if reply["error"] is not None:
            raise SyncError(f"AnkiConnect {action} failed: {reply['error']}")
        return reply["result"]


def _request(action: str, params: Mapping[str, Any]) -> dict[str, Any]:
    return {"action": action, "version": API_VERSION, "params": dict(params)}


# --- What the learner holds ----------------------------------------------------------------


@dataclass
class Held:
    """What the learner's Anki holds of the releases: notes by GUID, deckbuilder's note types."""

    notes: dict[str, HeldNote] = field(default_factory=dict)
    models: dict[int, dict[str, Any]] = field(default_factory=dict)
    """deckbuilder's note types the collection has, by id, in the shape :func:`.plan.model_shape`
    reads."""
    names: dict[int, str] = field(default_factory=dict)
    """Their names in the collection (AnkiConnect names note types, never ids)."""

    def models_for(self, deck: WantedDeck) -> dict[int, Mapping[str, object] | None]:
        return {mid: self.models.get(mid) for mid in deck.models}


def read_held(client: AnkiConnect, guids: set[str], work: Path) -> Held:
    """The learner's notes with these GUIDs (of deckbuilder's note types, and of other types in
    the decks read), their cards, and deckbuilder's note types; ``work``: a folder Anki can
    write to."""
    held = Held()
    ours = set(MODEL_IDS.values())
    names_ids = client.call("modelNamesAndIds")
    held.names = {int(mid): name for name, mid in names_ids.items() if int(mid) in ours}
    if not held.names:
        return held
    asks: list[tuple[str, Mapping[str, Any]]] = []
    for name in held.names.values():
        asks += [
            ("modelFieldNames", {"modelName": name}),
            ("modelTemplates", {"modelName": name}),
            ("modelStyling", {"modelName": name}),
        ]
    answers = client.multi(asks)
    for index, mid in enumerate(held.names):
        field_names, templates, styling = answers[3 * index : 3 * index + 3]
        held.models[mid] = {
            "flds": [{"name": name} for name in field_names],
            "tmpls": [{"name": n, "qfmt": t["Front"], "afmt": t["Back"]} for n, t in templates.items()],
            "css": styling["css"],
        }
    cards = client.call("findCards", query=" OR ".join(f"mid:{mid}" for mid in sorted(held.names)))
    if not cards:
        return held
    decks, suspended = client.multi([("getDecks", {"cards": cards}), ("areSuspended", {"cards": cards})])
    deck_of = {int(cid): name for name, cids in decks.items() for cid in cids}
    suspended_of = {int(cid): bool(s) for cid, s in zip(cards, suspended, strict=True)}
    rows: dict[str, tuple[int, int, str, str]] = {}
    cards_of: dict[int, dict[int, tuple[int, str]]] = {}
    for number, deck in enumerate(covering(decks)):
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
    for guid, (nid, mid, flds, tags) in rows.items():
        in_order = sorted(cards_of[nid].items(), key=lambda item: (item[1][0], item[0]))
        held.notes[guid] = HeldNote(
            nid,
            guid,
            mid,
            tuple(flds.split(FIELD_SEPARATOR)),
            tuple(tags.split()),
            tuple(
                (cid, deck_of.get(cid, exported), suspended_of.get(cid, False))
                for cid, (_, exported) in in_order
            ),
        )
    return held


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
            database.write_bytes(archive.read(member))
    except (OSError, zipfile.BadZipFile) as exc:
        raise SyncError(f"cannot read Anki's export {package}: {exc}") from None
    db = sqlite3.connect(database)
    try:
        (decks_json,) = db.execute("select decks from col").fetchone()
        deck_names = {int(did): deck["name"] for did, deck in json.loads(decks_json).items()}
        found = [
            (guid, (int(nid), int(mid), flds, tags))
            for nid, guid, mid, flds, tags in db.execute("select id, guid, mid, flds, tags from notes")
            if guid in guids
        ]
        wanted = {row[0] for _, row in found}
        cards: dict[int, dict[int, tuple[int, str]]] = {}
        for cid, nid, ord_, did in db.execute("select id, nid, ord, did from cards"):
            if nid in wanted:
                cards.setdefault(int(nid), {})[int(cid)] = (int(ord_), deck_names.get(int(did), ""))
    except (sqlite3.Error, ValueError, TypeError) as exc:
        raise SyncError(f"cannot read Anki's export {package}: {exc}") from None
    finally:
        db.close()
        database.unlink()
    return [(guid, row, cards.get(row[0], {})) for guid, row in found]


# --- Sync ----------------------------------------------------------------------------------


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
    client.check()
    guids = {n.guid for deck in wanted for n in deck.notes} | {g for deck in wanted for g in deck.removed}
    with tempfile.TemporaryDirectory(prefix="deckbuilder-sync-") as folder:
        work = Path(folder)
        held = read_held(client, guids, work)
        found = [plan(deck, held.notes, held.models_for(deck), suspend) for deck in wanted]
        for change in found:
            head = f"{change.deck.name} {change.deck.version}: "
            echo(head + ("up to date" if change.empty else change.summary(suspend)))
            for line in change.lines(suspend) if dry_run else ():
                echo(line)
        if dry_run:
            echo("dry run: nothing was changed")
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
