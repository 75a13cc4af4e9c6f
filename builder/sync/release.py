"""What a learner should have: the current release of each deck in a decks folder, checked.

Sync reads the released ``.apkg`` files themselves (and the manifests beside them), never the
sources: a learner or a teammate may hold only the decks folder. From each package it takes
the notes (GUID, note type, fields, tags, deck), the note types and the media; from the
manifest, the version, the GUIDs of removed notes (shipped in the package as tombstones, which
sync deletes or suspends instead) and what earlier releases shipped (so that a learner's own
edits and tags are told from the release's).

A package is checked against its manifest before anything is synced: every note's hash, every
tombstone's text, every note type's templates and CSS. A package changed after it was built (a
script put into a template, an attribute into a field) is refused, naming the file.
"""

from __future__ import annotations

import fnmatch
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..identify import content_hash, css_hash, fields_hash, guid, templates_hash
from ..model import Origin
from ..names import deck_name, tag_key
from ..notetypes import recorded_ids
from ..package import read_tables
from ..release.manifest import Manifest, Tombstone, load_manifest
from ..release.paths import package_name
from ..release.tombstones import REMOVED_TAG, tombstone_note
from ..sources import MANIFEST_SUFFIX

FIELD_SEPARATOR = "\x1f"
CHANGED_PREFIX = "changed::"
"""The tag a release puts on each note: the version it last changed in."""
SUSPENDED_TAG = "deckbuilder::suspended"
"""The tag ``--suspend-removed`` puts on a note it suspends, so that a later sync can unsuspend
it when the note comes back (and never a note the learner suspended)."""
LEARNERS_TAGS = frozenset({"marked", "leech"})
"""Anki's own tags: the learner's, whatever a release says."""


@dataclass(frozen=True)
class WantedNote:
    """A note as the release ships it."""

    guid: str
    model_id: int
    fields: tuple[str, ...]
    field_names: tuple[str, ...]
    tags: tuple[str, ...]
    deck: str
    """The deck its cards belong in."""
    prompt: str
    """Its plain prompt (the manifest's), for reports."""
    shipped: frozenset[str]
    """The hashes of every version of its fields a release shipped: a learner's copy equal to
    one of them is not their edit."""
    cloze: bool = False
    """Of a cloze note type: each card is one gap's number."""


@dataclass(frozen=True)
class Removal:
    """A note removed from the deck (a tombstone of the manifest)."""

    guid: str
    key: str
    minted: str
    """The key its GUID was made from, when not ``key``."""
    prompt: str
    shipped: frozenset[str]
    tombstone: str = ""
    """The hash of the fields of the tombstone the package ships for it."""


@dataclass(frozen=True)
class WantedDeck:
    """The current release of one deck."""

    name: str
    version: str
    package: Path
    notes: tuple[WantedNote, ...]
    """Current notes, in deck order."""
    removed: tuple[Removal, ...]
    """Every note removed from the deck so far."""
    models: dict[int, dict[str, object]]
    """The note types the package holds, by id, as Anki stores them (fields, templates, css)."""
    names: tuple[str, ...] = ()
    """The deck's titles: its own, then its former ones."""
    owned: frozenset[str] = frozenset()
    """Every tag a release of the deck shipped (as :func:`.names.tag_key`): sync may take
    these off a note; every other tag is the learner's."""

    def made(self, removal: Removal, former: bool = True) -> bool:
        """Whether this deck made the removed note's GUID from its key and the deck's title
        (or, with ``former``, one of its former titles, which its manifest lists): a removal
        that names another deck's note is never this deck's to delete."""
        names = self.names if former else self.names[:1]
        return any(
            guid(name, key) == removal.guid for name in names for key in (removal.key, removal.minted) if key
        )

    def owns(self, tag: str) -> bool:
        """Whether ``tag`` on one of the deck's notes is the release's, not the learner's."""
        key = tag_key(tag)
        if key in LEARNERS_TAGS:
            return False
        return (
            key in self.owned
            or key.startswith(CHANGED_PREFIX)
            or key in (REMOVED_TAG, tag_key(SUSPENDED_TAG))
        )


def read_releases(out: Path) -> list[WantedDeck]:
    """Every released deck in the decks folder ``out``, by manifest name."""
    if not out.is_dir():
        raise SourceError(Origin(str(out), 0), "no decks folder here; build the decks first")
    decks = []
    for manifest_path in sorted(out.glob(f"*{MANIFEST_SUFFIX}")):
        manifest = load_manifest(manifest_path)
        if manifest is None:
            continue
        slug = manifest_path.name[: -len(MANIFEST_SUFFIX)]
        package = out / package_name(slug, manifest.version)
        if not package.is_file():
            raise SourceError(
                Origin(str(package), 0),
                f"release {manifest.version} of “{manifest.deck}” is missing; run deckbuilder build",
            )
        decks.append(_read_package(package, manifest))
    if not decks:
        raise SourceError(
            Origin(str(out), 0), "no released deck here (no *.manifest.json); build the decks first"
        )
    return decks


def pick(decks: Sequence[WantedDeck], chosen: Sequence[str], out: Path) -> list[WantedDeck]:
    """The decks whose names match one of the patterns ``chosen`` (``fnmatch`` globs, any
    case); all of them when none is given."""
    if not chosen:
        return list(decks)
    found = [d for d in decks if any(fnmatch.fnmatch(d.name.casefold(), p.casefold()) for p in chosen)]
    if not found:
        raise SourceError(
            Origin(str(out), 0), f"no released deck here is named {' or '.join(map(repr, chosen))}"
        )
    return found


def owners(decks: Sequence[WantedDeck]) -> dict[str, str]:
    """Each current note's GUID -> the deck that ships it: a removal naming one of them in
    another deck's manifest is never made."""
    return {note.guid: deck.name for deck in decks for note in deck.notes}


def _read_package(package: Path, manifest: Manifest) -> WantedDeck:
    contents = _open_package(package)
    tampered = _Tampered(package)
    ids = recorded_ids(manifest.models)
    for mid, model in contents.models.items():
        _check_model(tampered, mid, model, ids, manifest)
    notes, tomb_hashes = _read_notes(tampered, contents, ids, manifest)
    missing = [s for s in manifest.notes if s.guid not in notes]
    if missing:
        tampered(f"note “{missing[0].prompt[:60]}” of its manifest is missing")
    removed = tuple(
        Removal(t.guid, t.key, t.minted, t.prompt, frozenset(t.shipped), tomb_hashes.get(t.guid, ""))
        for t in manifest.removed
    )
    return WantedDeck(
        name=deck_name(manifest.deck),
        version=manifest.version,
        package=package,
        notes=tuple(notes[s.guid] for s in manifest.notes),
        removed=removed,
        models={mid: model for mid, model in contents.models.items() if mid in ids},
        names=(manifest.deck, *manifest.names),
        owned=frozenset(tag_key(t) for t in manifest.tags),
    )


@dataclass(frozen=True)
class _Contents:
    """What a package holds, as sync reads it."""

    deck_names: dict[int, str]
    models: dict[int, dict[str, Any]]
    decks_of: dict[int, int]
    """Each note's deck id (the deck of one of its cards), by note id."""
    rows: list[tuple[int, str, int, str, str]]
    """Each note: id, GUID, note type id, fields, tags."""


def _open_package(package: Path) -> _Contents:
    """The decks, note types and notes of a package, or the error that it cannot be read."""
    try:
        with zipfile.ZipFile(package) as archive, tempfile.TemporaryDirectory() as work:
            database = Path(work) / "collection.anki2"
            database.write_bytes(archive.read("collection.anki2"))
            db = sqlite3.connect(database)
            try:
                tables = read_tables(db)
                return _Contents(
                    deck_names={int(k): v["name"] for k, v in tables.decks.items()},
                    models={int(k): v for k, v in tables.models.items()},
                    decks_of=dict(db.execute("select nid, did from cards group by nid").fetchall()),
                    rows=[(row.id, row.guid, row.mid, row.flds, row.tags) for row in tables.notes],
                )
            finally:
                db.close()
    except (OSError, KeyError, zipfile.BadZipFile, sqlite3.Error, ValueError, TypeError) as exc:
        raise SourceError(Origin(str(package), 0), f"cannot read the release: {exc}") from None


def _read_notes(
    tampered: _Tampered, contents: _Contents, ids: dict[int, str], manifest: Manifest
) -> tuple[dict[str, WantedNote], dict[str, str]]:
    """The package's notes, each checked against its manifest, by GUID; and the hash of each
    tombstone's fields, by GUID."""
    states = {n.guid: n for n in manifest.notes}
    tombs = {t.guid: t for t in manifest.removed}
    notes: dict[str, WantedNote] = {}
    tomb_hashes: dict[str, str] = {}
    for nid, note_guid, mid, flds, tags in contents.rows:
        fields = tuple(str(flds).split(FIELD_SEPARATOR))
        model = _model_of(tampered, note_guid, mid, contents.models, ids)
        names = tuple(str(f["name"]) for f in model["flds"])
        deck = contents.deck_names.get(contents.decks_of.get(nid, -1), "")
        if note_guid in tombs:
            _check_tombstone(tampered, note_guid, fields, tombs[note_guid], manifest)
            tomb_hashes[note_guid] = fields_hash(fields)
            continue
        state = states.get(note_guid)
        if state is None:
            tampered(f"note {note_guid!r} is not in its manifest")
        assert state is not None
        own_tags = [t for t in str(tags).split() if not t.startswith(CHANGED_PREFIX)]
        if content_hash(state.model, dict(zip(names, fields, strict=False)), own_tags, deck) != state.digest:
            tampered(f"note “{state.prompt[:60]}” differs from its manifest")
        notes[note_guid] = WantedNote(
            guid=note_guid,
            model_id=int(mid),
            fields=fields,
            field_names=names,
            tags=tuple(str(tags).split()),
            deck=deck,
            prompt=state.prompt,
            shipped=frozenset(state.shipped),
            cloze=model.get("type") == 1,
        )
    return notes, tomb_hashes


def _model_of(
    tampered: _Tampered, note_guid: str, mid: int, models: dict[int, dict[str, Any]], ids: dict[int, str]
) -> dict[str, Any]:
    """The note type of a note of the package, which must be one of deckbuilder's."""
    model = models.get(int(mid))
    if model is None or int(mid) not in ids:
        tampered(f"note {note_guid!r} is of a note type that is not deckbuilder's")
    assert model is not None
    return model


def _check_tombstone(
    tampered: _Tampered, note_guid: str, fields: tuple[str, ...], tomb: Tombstone, manifest: Manifest
) -> None:
    """A tombstone of the package: the text its manifest's removal makes."""
    expected = tuple(str(v) for v in tombstone_note(tomb, manifest.deck).fields.values())
    if fields != expected:
        tampered(f"removed note {note_guid!r} does not say what its manifest does")


class _Tampered:
    """Raises the one-line error of a package that is not what its manifest says."""

    def __init__(self, package: Path) -> None:
        self.package = package

    def __call__(self, what: str) -> None:
        raise SourceError(
            Origin(str(self.package), 0),
            f"{what}: the package was changed after it was built; sync refuses it"
            " (rebuild it from the sources, or fetch the decks folder again)",
        )


def _check_model(
    tampered: _Tampered, mid: int, model: dict[str, object], ids: dict[int, str], manifest: Manifest
) -> None:
    """A note type of the package: deckbuilder's, with the templates and CSS its manifest records."""
    if mid not in ids:
        return  # a note of it is refused; the note type itself is never synced
    state = manifest.models.get(ids[mid], {})
    templates = model.get("tmpls") or []
    assert isinstance(templates, list)
    shown = [(str(t["name"]), str(t["qfmt"]), str(t["afmt"])) for t in templates]
    if "templates" in state and templates_hash(shown) != state["templates"]:
        tampered(f"the card templates of note type “{model.get('name')}” differ from its manifest")
    if "css" in state and css_hash(str(model.get("css", ""))) != state["css"]:
        tampered(f"the CSS of note type “{model.get('name')}” differs from its manifest")


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
