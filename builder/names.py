"""Deck names and tags as Anki stores them.

Anki normalises both when it saves them: Unicode to NFC, ASCII control characters (tabs
included) removed, an empty part of a ``::`` path made ``blank``, spaces around a deck name's
parts trimmed, and a tag cut at whitespace (a tag holds none). It compares both without regard
to case. A name deckbuilder writes or compares goes through here first, so that what a release
ships is what Anki keeps and a second sync finds nothing to change.
"""

from __future__ import annotations

import unicodedata

from .controls import IN_NAME

_CONTROL = IN_NAME
BLANK = "blank"
"""What Anki calls an empty part of a deck or tag path."""


def deck_name(text: str) -> str:
    """``text`` as Anki stores a deck name: ``A::B::::C`` is ``A::B::blank::C``."""
    parts = (_CONTROL.sub("", unicodedata.normalize("NFC", part)).strip() for part in text.split("::"))
    return "::".join(part or BLANK for part in parts)


def tags(text: str) -> list[str]:
    """The tags Anki keeps of ``text``: one, or several where it holds whitespace (none when it
    is blank)."""
    clean = _CONTROL.sub("", unicodedata.normalize("NFC", text))
    return ["::".join(part or BLANK for part in word.split("::")) for word in clean.split()]


def nested_tag(tag: str) -> str:
    """An Obsidian nested tag ``area/topic`` as Anki's hierarchical tag ``area::topic``; a tag
    with an empty part (``/a``, ``a//b``) is kept as it is."""
    parts = tag.split("/")
    return "::".join(parts) if len(parts) > 1 and all(parts) else tag


def tag_key(tag: str) -> str:
    """What Anki compares a tag by: its normal form, without regard to case."""
    return "::".join(
        part or BLANK for part in _CONTROL.sub("", unicodedata.normalize("NFC", tag)).split("::")
    ).casefold()


def deck_key(name: str) -> str:
    """What Anki compares a deck name by: its normal form, without regard to case."""
    return deck_name(name).casefold()
