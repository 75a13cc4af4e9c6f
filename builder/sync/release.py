"""What a learner should have: the current release of each deck in a decks folder.

Sync reads the released ``.apkg`` files themselves (and the manifests beside them), never the
sources: a learner or a teammate may hold only the decks folder. From each package it takes
the notes (GUID, note type, fields, tags, deck), the note types and the media; from the
manifest, the version and the GUIDs of removed notes (shipped in the package as tombstones,
which sync deletes or suspends instead).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from ..model import Origin
from ..notetypes import MODEL_IDS
from ..release.manifest import load_manifest

FIELD_SEPARATOR = "\x1f"


@dataclass(frozen=True)
class WantedNote:
    """A note as the release ships it."""

    guid: str
    model_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str
    """The deck its cards belong in."""
    prompt: str
    """Its plain prompt (the manifest's), for reports."""


@dataclass(frozen=True)
class WantedDeck:
    """The current release of one deck."""

    name: str
    version: str
    package: Path
    notes: tuple[WantedNote, ...]
    """Current notes, in deck order."""
    removed: dict[str, str]
    """GUID -> prompt of every note removed from the deck so far."""
    models: dict[int, dict[str, object]]
    """The note types the package holds, by id, as Anki stores them (fields, templates, css)."""


def read_releases(out: Path) -> list[WantedDeck]:
    """Every released deck in the decks folder ``out``, by manifest name."""
    if not out.is_dir():
        raise SourceError(Origin(str(out), 0), "no decks folder here; build the decks first")
    decks = []
    for manifest_path in sorted(out.glob("*.manifest.json")):
        manifest = load_manifest(manifest_path)
        if manifest is None:
            continue
        slug = manifest_path.name[: -len(".manifest.json")]
        package = out / f"{slug}-{manifest.version}.apkg"
        if not package.is_file():
            raise SourceError(
                Origin(str(package), 0),
                f"release {manifest.version} of “{manifest.deck}” is missing; run deckbuilder build",
            )
        decks.append(_read_package(package, manifest.deck, manifest.version, manifest))
    if not decks:
        raise SourceError(
            Origin(str(out), 0), "no released deck here (no *.manifest.json); build the decks first"
        )
    return decks


def _read_package(package: Path, name: str, version: str, manifest: object) -> WantedDeck:
    from ..release.manifest import Manifest

    assert isinstance(manifest, Manifest)
    prompts = {n.guid: n.prompt for n in manifest.notes}
    removed = {t.guid: t.prompt for t in manifest.removed}
    try:
        with zipfile.ZipFile(package) as archive, tempfile.TemporaryDirectory() as work:
            database = Path(work) / "collection.anki2"
            database.write_bytes(archive.read("collection.anki2"))
            db = sqlite3.connect(database)
            try:
                models_json, decks_json = db.execute("select models, decks from col").fetchone()
                deck_names = {int(k): v["name"] for k, v in json.loads(decks_json).items()}
                models = {int(k): v for k, v in json.loads(models_json).items()}
                decks_of = dict(db.execute("select nid, did from cards group by nid").fetchall())
                rows = db.execute("select id, guid, mid, flds, tags from notes order by id").fetchall()
            finally:
                db.close()
    except (OSError, KeyError, zipfile.BadZipFile, sqlite3.Error, ValueError) as exc:
        raise SourceError(Origin(str(package), 0), f"cannot read the release: {exc}") from None
    notes = []
    for nid, guid, mid, flds, tags in rows:
        if guid in removed or guid not in prompts:
            continue
        notes.append(
            WantedNote(
                guid=guid,
                model_id=int(mid),
                fields=tuple(flds.split(FIELD_SEPARATOR)),
                tags=tuple(tags.split()),
                deck=deck_names[decks_of[nid]],
                prompt=prompts[guid],
            )
        )
    ours = {mid: model for mid, model in models.items() if mid in set(MODEL_IDS.values())}
    return WantedDeck(name, version, package, tuple(notes), removed, ours)


def without_removed(deck: WantedDeck, folder: Path) -> Path:
    """A copy of the deck's package without its tombstones, in ``folder``: what a sync
    imports (removed notes are deleted or suspended instead, never added)."""
    target = folder / deck.package.name
    with zipfile.ZipFile(deck.package) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "collection.anki2":
                database = folder / "collection.anki2"
                database.write_bytes(data)
                db = sqlite3.connect(database)
                try:
                    gone = list(deck.removed)
                    for start in range(0, len(gone), 500):
                        chunk = gone[start : start + 500]
                        marks = ",".join("?" * len(chunk))
                        ids = f"select id from notes where guid in ({marks})"
                        db.execute(f"delete from cards where nid in ({ids})", chunk)
                        db.execute(f"delete from notes where guid in ({marks})", chunk)
                    db.commit()
                finally:
                    db.close()
                data = database.read_bytes()
                database.unlink()
            out.writestr(item, data)
    return target
