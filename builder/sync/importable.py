"""The copy of a release's package that a sync imports: only the notes the learner lacks, their
cards in the learner's places of the decks, and each note type with the fields the learner
added to it."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

from .wanted import FIELD_SEPARATOR, WantedDeck


def for_import(
    deck: WantedDeck,
    folder: Path,
    guids: set[str],
    places: dict[str, str],
    extra_fields: dict[int, tuple[str, ...]],
) -> Path:
    """A copy of the deck's package, in ``folder``, holding only the notes ``guids`` (those the
    learner does not have), their cards in the learner's places of the decks (``places``:
    release deck name -> the learner's name for it), and each note type with the fields the
    learner added to it (``extra_fields``, by note type id), left empty: what a sync imports."""
    target = folder / deck.package.name
    with zipfile.ZipFile(deck.package) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "collection.anki2":
                data = _only(data, folder, guids, places, extra_fields)
            out.writestr(item, data)
    return target


def _only(
    data: bytes,
    folder: Path,
    guids: set[str],
    places: dict[str, str],
    extra_fields: dict[int, tuple[str, ...]],
) -> bytes:
    database = folder / "collection.anki2"
    database.write_bytes(data)
    db = sqlite3.connect(database)
    try:
        db.execute("create temp table keep (guid text primary key)")
        db.executemany("insert into keep values (?)", [(g,) for g in guids])
        db.execute(
            "delete from cards where nid not in (select id from notes where guid in (select guid from keep))"
        )
        db.execute("delete from notes where guid not in (select guid from keep)")
        (models_json, decks_json) = db.execute("select models, decks from col").fetchone()
        decks = json.loads(decks_json)
        for stored in decks.values():
            stored["name"] = places.get(stored["name"], stored["name"])
        models = json.loads(models_json)
        for mid, added in extra_fields.items():
            model = models.get(str(mid))
            if model is None or not added:
                continue
            template = model["flds"][-1]
            for name in added:
                model["flds"].append({**template, "name": name, "ord": len(model["flds"]), "id": None})
            for nid, flds in db.execute("select id, flds from notes where mid = ?", (mid,)).fetchall():
                db.execute(
                    "update notes set flds = ? where id = ?",
                    (flds + FIELD_SEPARATOR * len(added), nid),
                )
        db.execute("update col set models = ?, decks = ?", (json.dumps(models), json.dumps(decks)))
        db.commit()
    finally:
        db.close()
    out = database.read_bytes()
    database.unlink()
    return out
