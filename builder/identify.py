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
