"""Stage 6: an ``.apkg`` file, written with genanki, atomically and deterministically.

genanki fills the collection; the zip is made here so that its entry times come from the
release time (``SOURCE_DATE_EPOCH``) and not from a temp file's mtime. Writing the bytes to
disk is :mod:`builder.atomic`'s job.

Order: genanki numbers notes and cards from one counter in deck-by-deck order (a subdeck's
notes after all of its parent's) and leaves every new card at position (``due``) 0. Anki's
importer keeps a new card's ``due`` as the package gives it, but renumbers notes and cards
whose ids are taken or lie in the future, so ties were left to ids it had changed.
:func:`_order` renumbers notes and cards in source order inside the deck's own id range
(:func:`builder.identify.first_id`) and sets each new card's position to its note's place in
the deck: after an import, ``deck:X is:new`` sorted by position is the source order, whatever
the collection held before.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import itertools
import json
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import genanki

from .errors import OutputError
from .identify import ID_SPAN, deck_id, first_id
from .model import MediaFile, Note, NoteType
from .notetypes import model, of


def build_time() -> int:
    """The release time: ``SOURCE_DATE_EPOCH`` when set, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return int(epoch)
        except ValueError:
            pass
    return int(time.time())


def genanki_decks(
    name: str, description: str, notes: Sequence[Note], note_types: Sequence[NoteType] = ()
) -> list[genanki.Deck]:
    """The deck ``name`` and its subdecks, holding ``notes`` in order, each of the note type
    its key names among the deck's own ``note_types`` and the built-in ones."""
    types = of(tuple(note_types))
    models = {
        key: model(types[key]) for key in {note.model for note in notes}
    }  # one per deck: genanki caches on it
    decks = {name: genanki.Deck(deck_id(name), name, description=description)}
    for note in notes:
        if note.deck not in decks:
            decks[note.deck] = genanki.Deck(deck_id(note.deck), note.deck, description=description)
        decks[note.deck].add_note(
            genanki.Note(
                model=models[note.model],
                fields=list(note.fields.values()),
                sort_field=note.prompt,
                tags=list(note.tags),
                guid=note.guid,
            )
        )
    return list(decks.values())


class Made(NamedTuple):
    """What a deck's ``.apkg`` is made from: the same inputs give the same bytes."""

    name: str
    description: str
    notes: Sequence[Note]
    timestamp: int
    """Every note and note type is stamped with it unless ``note_times`` (by GUID) or
    ``model_times`` (by note type key) say when it last changed: Anki's import updates a
    note, or a note type, only when the package's copy is newer than the learner's."""
    note_times: Mapping[str, int] | None = None
    model_times: Mapping[str, int] | None = None
    media: Sequence[MediaFile] = ()
    note_types: Sequence[NoteType] = ()
    """The deck's own (see :attr:`builder.model.DeckPlan.note_types`)."""


def apkg_bytes(made: Made) -> bytes:
    """The ``.apkg`` of a deck; the same input gives the same bytes."""
    try:
        return _apkg_bytes(made)
    except (sqlite3.Error, OSError) as exc:
        raise OutputError(
            f"cannot make the package of “{made.name}” (temporary folder {tempfile.gettempdir()}): {exc}"
        ) from None


def apkg_digest(made: Made) -> str | None:
    """A hash of everything :func:`apkg_bytes` makes a package from (a media file by its bytes):
    with the same deckbuilder, the same digest is the same bytes. None when a media file
    cannot be read (the package is then made to say why)."""
    h = hashlib.sha256()
    described = (made.name, str(made.description), made.timestamp, sorted((made.note_times or {}).items()))
    h.update(repr((described, sorted((made.model_times or {}).items()))).encode())
    if made.note_types:  # the built-in ones are this deckbuilder's, which the digest's users key by
        h.update(repr([dataclasses.replace(t, files=()) for t in made.note_types]).encode())
    for note in made.notes:  # what of a note the package holds, in the package's order
        h.update(repr((note.guid, note.deck, note.model, note.prompt, note.fields, note.tags)).encode())
    for file in made.media:
        try:
            data = file.path.read_bytes()
        except OSError:
            return None
        h.update(repr((file.name, str(file.path), hashlib.sha256(data).hexdigest())).encode())
    return h.hexdigest()


def _apkg_bytes(made: Made) -> bytes:
    name, description, notes, timestamp, note_times, model_times, media, note_types = made
    decks = genanki_decks(name, description, notes, note_types)
    db_fd, db_path = tempfile.mkstemp(suffix=".anki2")
    os.close(db_fd)
    try:
        conn = sqlite3.connect(db_path)
        try:
            cursor = conn.cursor()
            # A scratch file, zipped right after: no journal on disk, no waiting for the disk.
            cursor.execute("PRAGMA journal_mode = MEMORY")
            cursor.execute("PRAGMA synchronous = OFF")
            genanki.Package(decks).write_to_db(cursor, float(timestamp), itertools.count(timestamp * 1000))
            _order(cursor, name, notes)
            types = of(tuple(note_types))
            _stamp(
                cursor,
                note_times or {},
                {types[k].id: t for k, t in (model_times or {}).items() if k in types},
            )
            conn.commit()
        finally:
            conn.close()
        collection = Path(db_path).read_bytes()
    finally:
        Path(db_path).unlink(missing_ok=True)
    stamp = time.gmtime(max(timestamp, 315532800))[:6]  # zip dates start in 1980
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        _add(zf, "collection.anki2", collection, stamp)
        files = sorted(media, key=lambda f: f.name)
        index = {str(n): f.name for n, f in enumerate(files)}
        _add(zf, "media", json.dumps(index, sort_keys=True).encode(), stamp)
        for n, file in enumerate(files):
            _add(zf, str(n), file.path.read_bytes(), stamp)
    return buffer.getvalue()


def _order(cursor: sqlite3.Cursor, name: str, notes: Sequence[Note]) -> None:
    """Number notes and cards in the order of ``notes`` from the deck's first id; a note's cards
    (a cloze's deletions, a reverse card) follow each other, and share its new-card position."""
    place = {note.guid: n for n, note in enumerate(notes)}
    start = first_id(name)
    note_ids = {nid: start + place[guid] for nid, guid in cursor.execute("SELECT id, guid FROM notes")}
    cards = sorted(cursor.execute("SELECT id, nid, ord FROM cards"), key=lambda c: (note_ids[c[1]], c[2]))
    if max(len(note_ids), len(cards)) > ID_SPAN:
        raise OutputError(f"deck “{name}” has more than {ID_SPAN} cards; split it into several decks")
    # genanki's ids (release time in ms, counting up) lie far below every deck's range.
    cursor.executemany("UPDATE notes SET id = ? WHERE id = ?", [(new, old) for old, new in note_ids.items()])
    cursor.executemany(
        "UPDATE cards SET id = ?, nid = ?, due = ? WHERE id = ?",
        [(start + n, note_ids[nid], note_ids[nid] - start + 1, cid) for n, (cid, nid, _) in enumerate(cards)],
    )


def _stamp(cursor: sqlite3.Cursor, note_times: Mapping[str, int], model_times: Mapping[int, int]) -> None:
    """Set each note's and note type's (by id) modification time to when it last changed."""
    if note_times:
        # Through a keyed temporary table (outside the package's file): linear in the notes,
        # where one UPDATE per GUID would scan the whole table each time.
        cursor.execute("CREATE TEMP TABLE note_times (guid TEXT PRIMARY KEY, mod INTEGER) WITHOUT ROWID")
        cursor.executemany("INSERT INTO note_times VALUES (?, ?)", note_times.items())
        cursor.execute(
            "UPDATE notes SET mod = (SELECT mod FROM note_times WHERE note_times.guid = notes.guid)"
            " WHERE guid IN (SELECT guid FROM note_times)"
        )
        cursor.execute("DROP TABLE note_times")
        cursor.execute("UPDATE cards SET mod = (SELECT mod FROM notes WHERE notes.id = cards.nid)")
    if model_times:
        (models_json,) = cursor.execute("SELECT models FROM col").fetchone()
        models = json.loads(models_json)
        for mid, when in model_times.items():
            if str(mid) in models:
                models[str(mid)]["mod"] = when
        cursor.execute("UPDATE col SET models = ?", (json.dumps(models),))


def _add(zf: zipfile.ZipFile, name: str, data: bytes, stamp: tuple[int, ...]) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    zf.writestr(info, data)


class NoteRow(NamedTuple):
    """One row of a collection's ``notes`` table."""

    id: int
    guid: str
    mid: int
    """Its note type's id."""
    flds: str
    """Its fields, joined by U+001F."""
    tags: str
    """Its tags, space-separated."""
    mod: int
    sfld: str
    """Its sort field."""


@dataclass(frozen=True)
class Tables:
    """What a collection database holds of the notes: their note types and decks (Anki's JSON,
    by id as text) and the notes, by id."""

    models: dict[str, Any]
    decks: dict[str, Any]
    notes: tuple[NoteRow, ...]


def read_tables(db: sqlite3.Connection) -> Tables:
    """The note types, decks and notes of a collection database: a package's (built here, or a
    committed one to check) or an export of Anki's. ``sqlite3.Error``, ``ValueError`` (bad JSON)
    or ``TypeError`` when it is not one."""
    models, decks = db.execute("SELECT models, decks FROM col").fetchone()
    rows = db.execute("SELECT id, guid, mid, flds, tags, mod, sfld FROM notes ORDER BY id").fetchall()
    # A newer collection keeps note types and decks in tables of their own: the columns are empty.
    return Tables(json.loads(models or "{}"), json.loads(decks or "{}"), tuple(NoteRow(*row) for row in rows))
