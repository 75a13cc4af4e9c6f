"""Stage 4: identity. GUIDs come from structural keys, namespaced by deck; ids are constants;
hashes say what a note holds and what it teaches.

A note's GUID never depends on its text, so editing an answer updates the note a learner
already has instead of making a new one. The hashes are what a release compares with the
manifest: :func:`content_hash` finds a changed note, :func:`body_hash` finds a renamed one again,
:func:`model_hashes` finds a changed note type.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection, Mapping, Sequence

import genanki

from .model import NoteType
from .notetypes import RECORDED, builtin, fields_of, templates_of

_HASHED = json.JSONEncoder(ensure_ascii=False)
"""How a note's content is written to be hashed (made once: ``json.dumps`` with options makes an
encoder a call)."""


def guid(deck: str, key: str) -> str:
    """The GUID of the note with structural ``key`` in the deck named ``deck``."""
    return str(genanki.guid_for("deckbuilder", deck, key))


def deck_id(name: str) -> int:
    """A fixed Anki deck id derived from the deck's name (positive, 63-bit, never 1)."""
    digest = hashlib.sha256(f"deckbuilder deck:{name}".encode()).digest()
    return (int.from_bytes(digest[:8], "big") >> 2) | (1 << 40)


ID_SPAN = 1 << 20
"""How many note ids (and, apart, card ids) a deck's own range holds."""
_ID_RANGES = 1 << 31
"""How many ranges there are, from ``2**51`` up to ``2**52``."""


def first_id(name: str) -> int:
    """The first note and card id of the deck named ``name``: its own range of ids.

    The range is picked by a hash of the name among 2**31 ranges of :data:`ID_SPAN` ids that lie
    between 2**51 and 2**52: below 2**53, so JavaScript (Anki's web views, AnkiWeb) holds every
    id exactly, and two decks share a range only by a hash collision (for 100 decks, a chance of
    about 2 in a million). As millisecond timestamps these ids lie in the future, and Anki's
    importer gives such notes and cards fresh ids of the import time (so their "Added" date is
    right), matching notes by GUID; the order of new cards comes from their positions
    (:func:`builder.package._order`), not from ids.
    """
    digest = hashlib.sha256(f"deckbuilder ids:{name}".encode()).digest()
    return (1 << 51) + (int.from_bytes(digest[:8], "big") % _ID_RANGES) * ID_SPAN


def content_hash(model: str, fields: dict[str, str], tags: Sequence[str], deck: str) -> str:
    """What a learner's copy would change by: the note type, fields, tags and deck."""
    data = _HASHED.encode([model, fields, sorted(tags), deck])
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def fields_hash(fields: Sequence[str]) -> str:
    """A note's fields exactly as Anki stores them: a learner's copy that differs from every
    version a release shipped (:attr:`builder.release.manifest.NoteState.shipped`) was edited."""
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()[:16]


def templates_hash(templates: Sequence[tuple[str, str, str]]) -> str:
    """A note type's card templates, as (name, front, back): what a package's copy must hold."""
    return hashlib.sha256(json.dumps([list(t) for t in templates]).encode()).hexdigest()[:16]


def css_hash(css: str) -> str:
    """A note type's CSS."""
    return hashlib.sha256(css.encode()).hexdigest()[:16]


def body_hash(kind: str, body: str) -> str:
    """What the card teaches, without breadcrumb or label: found again after a rename."""
    return hashlib.sha256(f"{kind}\0{body}".encode()).hexdigest()[:16]


def model_hashes(types: Mapping[str, NoteType], used: Collection[str]) -> dict[str, dict[str, str]]:
    """Per note type the deck records (:data:`builder.notetypes.RECORDED` and those its notes
    ``used``): the hash of its shape (fields, templates), of its CSS, and of its templates as a
    package stores them (what sync checks a package's note types against); and, when it is not
    the built-in one of its key (a style's, a team's), its id and name in Anki."""
    out = {}
    for key in sorted({*RECORDED, *used}):
        note_type = types[key]
        shape = json.dumps([note_type.name, fields_of(note_type), templates_of(note_type)], sort_keys=True)
        out[key] = {
            "shape": hashlib.sha256(shape.encode()).hexdigest()[:16],
            "css": css_hash(note_type.css),
            "templates": templates_hash([(t.name, t.front, t.back) for t in note_type.templates]),
        }
        if note_type != builtin().get(key):
            out[key] |= {"id": str(note_type.id), "name": note_type.name}
    return out
