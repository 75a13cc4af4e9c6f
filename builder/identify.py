"""Stage 4: identity. GUIDs come from structural keys, namespaced by deck; ids are constants.

A note's GUID never depends on its text, so editing an answer updates the note a learner
already has instead of making a new one.
"""

from __future__ import annotations

import hashlib

import genanki


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
