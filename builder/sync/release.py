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

The release as read (its notes, its removals, the tags it owns) is :mod:`.wanted`'s; the copy
of its package that a sync imports, :mod:`.importable`'s.
"""

from __future__ import annotations

import fnmatch
import sqlite3
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SourceError
from ..identify import content_hash, css_hash, fields_hash, templates_hash
from ..model import Origin
from ..names import deck_name, tag_key
from ..notetypes import recorded_ids
from ..package import read_tables
from ..release.manifest import Manifest, Tombstone, load_manifest
from ..release.paths import package_name
from ..release.tombstones import tombstone_note
from ..sources import MANIFEST_SUFFIX
from .importable import for_import
from .wanted import (
    CHANGED_PREFIX,
    FIELD_SEPARATOR,
    LEARNERS_TAGS,
    SUSPENDED_TAG,
    Removal,
    WantedDeck,
    WantedNote,
)

__all__ = [
    "CHANGED_PREFIX",
    "FIELD_SEPARATOR",
    "LEARNERS_TAGS",
    "SUSPENDED_TAG",
    "Removal",
    "WantedDeck",
    "WantedNote",
    "for_import",
    "owners",
    "pick",
    "read_releases",
]


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
