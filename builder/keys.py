"""The key grammar: how a card's structural identity is written and read back.

A key names where a card stands, never what it says, so that editing an answer keeps the
note a learner already has. Every extractor builds its keys here and the release stage reads
them here; nothing else writes or parses them.

Grammar (``/`` separates parts; parts are :func:`slug` forms)::

    key      = document "/" path "/" card [ "~" n ]      a card from a Markdown source
             | "card:" id                                a card from a YAML card file
    document = the source file's stem
    path     = section slugs (or a pinned ``{#id}`` right after the document)
    card     = kind [ ":" name ]                         e.g. ``fact:root-cause``,
                                                         ``cell:unbounded-mempool:fix``
    n        = 2, 3, …  numbers repeats of one key inside a document, in order
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

GRAMMAR = 2
"""The version of the card rules and this grammar; a manifest records the one its notes were
made by, and a release that changes it says why in the changelog."""

CHANGES = {
    2: "the card rules changed: one card per table cell instead of one per row, no column-list or"
    " “key points?” cards, lists and marked prose become clozes (one gap per item or marked part),"
    " a scenario's bookkeeping and own targets are no longer carded, code steps are cut at every"
    " comment and capped at 15 lines, and breadcrumbs are the top section and the nearest heading."
    " Notes that survive keep their history.",
}
"""What each grammar changed, for the changelog of the release that first uses it."""

YAML_PREFIX = "card:"
_REPEAT = "~"


_NOT_WORD = re.compile(r"[^\w]+")
"""A run of what is not a letter, digit or underscore, in any script."""


@lru_cache(maxsize=4096)  # a section's title is a part of every key under it
def slug(text: str, limit: int = 60) -> str:
    """A lower-case, dash-separated key part; keeps letters of any script."""
    norm = unicodedata.normalize("NFKC", text).lower()
    out = _NOT_WORD.sub("-", norm).strip("-_")
    return out[:limit].rstrip("-_") or "x"


def document(stem: str) -> str:
    """The key of a source document: every key of its cards starts with it."""
    return slug(stem)


def section(parent: str, title: str) -> str:
    """The key of a section titled ``title`` under ``parent``."""
    return f"{parent}/{slug(title)}"


def pinned(parent: str, anchor: str) -> str:
    """The key of a section pinned by ``{#anchor}``: the document, then the anchor, wherever
    the section moves."""
    return f"{document_of(parent)}/{anchor}"


def card(scope: str, kind: str, *names: str) -> str:
    """The key of a card of ``kind`` in the section ``scope``, told apart by ``names``."""
    named = ":".join(slug(name) for name in names if name)
    return f"{scope}/{kind}:{named}" if named else f"{scope}/{kind}"


def yaml_card(ident: str) -> str:
    """The key of the YAML card with ``id: ident``."""
    return f"{YAML_PREFIX}{ident}"


def yaml_id(key: str) -> str | None:
    """The id of a YAML card's key, or None for a Markdown card."""
    return key[len(YAML_PREFIX) :] if key.startswith(YAML_PREFIX) else None


def numbered(key: str, n: int) -> str:
    """The key of the ``n``-th card with ``key`` in one document (the first keeps ``key``)."""
    return key if n <= 1 else f"{key}{_REPEAT}{n}"


def family(key: str) -> str:
    """A key without the number of its repeat: the cards that share it."""
    base, _, number = key.rpartition(_REPEAT)
    return base if base and number.isdigit() else key


def document_of(key: str) -> str:
    """The document a key belongs to (its first part)."""
    return key.split("/", 1)[0]


def parts_apart(old: str, new: str) -> str | None:
    """Which part tells two keys of one document apart when exactly one does: ``"section"``
    (a renamed heading) or ``"card"`` (a renamed label or row); None otherwise."""
    a, b = family(old).split("/"), family(new).split("/")
    if len(a) != len(b) or len(a) < 2 or a[0] != b[0] or yaml_id(old) or yaml_id(new):
        return None
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) != 1:
        return None
    return "card" if differ[0] == len(a) - 1 else "section"


def moved(key: str, renamed: dict[str, str]) -> str:
    """A Markdown key under its document's new name (``renamed``: old document -> new one)."""
    if yaml_id(key) is not None:
        return key
    head, sep, rest = key.partition("/")
    return f"{renamed.get(head, head)}{sep}{rest}"
