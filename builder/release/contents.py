"""What a package holds, as far as a learner's collection can tell (its note types, its deck's
options, its notes, cards and media, the dates of its files), read from its bytes; and how a
committed package differs from the one its sources build, in what learners get and in what
they do not. The decks folder's check (:mod:`.verify`) judges the differences."""

from __future__ import annotations

import io
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..model.document import one_line
from ..package import read_tables


@dataclass(frozen=True)
class Contents:
    """What an ``.apkg`` holds, as far as a learner's collection can tell."""

    models: dict[str, Any]
    """The note types, by id."""
    decks: Any
    """The decks and their options and descriptions."""
    notes: dict[str, tuple[Any, ...]]
    """By GUID: note type, fields, tags and modification time."""
    sorts: dict[str, str] = field(default_factory=dict)
    """By GUID: the note's sort field (its prompt)."""
    cards: tuple[tuple[Any, ...], ...] = ()
    """Every card, by its note's GUID."""
    media: dict[str, bytes] = field(default_factory=dict)
    """Every other file of the zip."""
    dates: tuple[tuple[int, ...], ...] = ()
    """The time of each file of the zip: the release time."""

    def prompt(self, guid: str) -> str:
        text = one_line(self.sorts.get(guid, guid))
        return text if len(text) <= 60 else text[:59].rstrip() + "…"


def read_contents(path: Path, budget: int) -> Contents | None:
    """The contents of a committed package, unless it unpacks to more than ``budget`` bytes
    (then it is no package deckbuilder makes, and is not unpacked)."""
    try:
        with zipfile.ZipFile(path) as archive:
            if sum(i.file_size for i in archive.infolist()) > budget:
                return None
    except (OSError, zipfile.BadZipFile, ValueError):
        return None
    return contents_of(path.read_bytes())


def contents_of(data: bytes) -> Contents | None:
    """What the package ``data`` holds; None when it is no package (not a zip, no collection)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            collection = archive.read("collection.anki2")
            media = {name: archive.read(name) for name in archive.namelist() if name != "collection.anki2"}
            dates = tuple(info.date_time for info in archive.infolist())
        with tempfile.TemporaryDirectory() as work:
            database = Path(work) / "collection.anki2"
            database.write_bytes(collection)
            db = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
            try:
                tables = read_tables(db)
                cards = db.execute("SELECT nid, ord, did, due, type, queue, mod FROM cards").fetchall()
            finally:
                db.close()
        guids = {row.id: row.guid for row in tables.notes}
        return Contents(
            models=tables.models,
            decks=tables.decks,
            notes={row.guid: (row.mid, row.flds, row.tags, row.mod) for row in tables.notes},
            sorts={row.guid: str(row.sfld) for row in tables.notes},
            cards=tuple(sorted((str(guids.get(nid)), *rest) for nid, *rest in cards)),
            media=media,
            dates=dates,
        )
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile, sqlite3.Error):
        return None


def package_differences(committed: Contents, made: Contents) -> tuple[list[str], list[str]]:
    """How the committed package differs from the one built: in what learners get (note
    types, the deck's options, notes, their fields, tags, times and cards, media), and else in
    what they do not (the order of the cards, of the sources the description names, the zip)."""
    found, order = _model_differences(committed, made), []
    if _described(committed.decks) != _described(made.decks):
        found.append("the deck's description or options")
    elif committed.decks != made.decks:
        order.append("the order of the sources its description names")
    found += _note_differences(committed, made)
    if _unordered(committed.cards) != _unordered(made.cards):
        found.append("its cards")
    elif committed.cards != made.cards:
        order.append("the order of its cards")
    if committed.media != made.media:
        found.append("its media")
    if committed.dates != made.dates:
        order.append("the dates of its files")
    return found, order or ["its bytes"]


def _model_differences(committed: Contents, made: Contents) -> list[str]:
    """How the committed package's note types differ from those built: a note type added or
    missing, or its templates, its styling or else the rest of it changed."""
    found = []
    for mid in sorted(set(committed.models) | set(made.models)):
        ours, theirs = made.models.get(mid), committed.models.get(mid)
        name = one_line(str((ours or theirs or {}).get("name", mid)))
        if ours is None or theirs is None:
            found.append(f"note type “{name}” {'added' if ours is None else 'missing'}")
        elif ours.get("tmpls") != theirs.get("tmpls"):
            found.append(f"the templates of note type “{name}”")
        elif ours.get("css") != theirs.get("css"):
            found.append(f"the styling of note type “{name}”")
        elif ours != theirs:
            found.append(f"note type “{name}”")
    return found


def _note_differences(committed: Contents, made: Contents) -> list[str]:
    """How the committed package's notes differ from those built: notes no source gives,
    notes missing, and notes whose fields, tags, note type or time changed."""
    found = []
    for guid in sorted(set(committed.notes) - set(made.notes)):
        found.append(f"a note no source gives: “{committed.prompt(guid)}”")
    for guid in sorted(set(made.notes) - set(committed.notes)):
        found.append(f"no note “{made.prompt(guid)}”")
    for guid in sorted(set(made.notes) & set(committed.notes)):
        (mid, flds, tags, mod), (mid2, flds2, tags2, mod2) = made.notes[guid], committed.notes[guid]
        if flds != flds2:
            found.append(f"the fields of “{made.prompt(guid)}”")
        elif tags != tags2:
            found.append(f"the tags of “{made.prompt(guid)}”")
        elif mid != mid2:
            found.append(f"the note type of “{made.prompt(guid)}”")
        elif mod != mod2:
            found.append(f"the time of “{made.prompt(guid)}”")
    return found


def _described(decks: Any) -> Any:
    """The decks with the list of sources in their descriptions sorted: a deck from several
    sources names them in the order they are built in."""
    if not isinstance(decks, dict):
        return decks
    out = {}
    for key, deck in decks.items():
        desc = deck.get("desc") if isinstance(deck, dict) else None
        head, sep, names = desc.partition(" from ") if isinstance(desc, str) else ("", "", "")
        if sep and names.endswith("."):
            deck = {**deck, "desc": head + sep + ", ".join(sorted(names[:-1].split(", "))) + "."}
        out[key] = deck
    return out


def _unordered(cards: tuple[tuple[Any, ...], ...]) -> tuple[tuple[Any, ...], ...]:
    """The cards without their new-card position (``due``): the order of the notes."""
    return tuple(
        sorted((guid, ord_, did, kind, queue, mod) for guid, ord_, did, _, kind, queue, mod in cards)
    )
