"""One of the learner's notes and note types compared with the release: the fields to set and
whether the learner edited them, the tags after a sync, a note type lacking the release's fields
or templates, the cards of removed gaps, and why a removed note is not deleted."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from ..identify import fields_hash
from ..names import deck_key, tag_key
from .changes import Conflict, HeldNote
from .wanted import SUSPENDED_TAG, Removal, WantedDeck, WantedNote


def model_shape(
    deck: WantedDeck, mid: int, theirs: Mapping[str, object] | None, out: list[Conflict]
) -> tuple[str, ...] | None:
    """The learner's field names of a note type of the release (the release's when they have
    none yet); None, with a conflict, when it lacks a field or card type of the release."""
    wanted = release_names(deck, mid)
    if theirs is None:
        return wanted
    names = tuple(str(f["name"]) for f in _items(theirs, "flds"))
    name = str(theirs.get("name") or deck.models[mid].get("name"))
    missing = [n for n in wanted if n not in names]
    if missing:
        out.append(
            Conflict(f"note type “{name}”", f"it has no field “{missing[0]}”, so its notes cannot be updated")
        )
        return None
    cards = {str(t["name"]) for t in _items(theirs, "tmpls")}
    absent = [str(t["name"]) for t in _items(deck.models[mid], "tmpls") if str(t["name"]) not in cards]
    if absent:
        out.append(Conflict(f"note type “{name}”", f"it has no card type “{absent[0]}”"))
        return None
    return names


def release_names(deck: WantedDeck, mid: int) -> tuple[str, ...]:
    return tuple(str(f["name"]) for f in _items(deck.models[mid], "flds"))


def _items(model: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    items = model.get(key) or []
    assert isinstance(items, list)
    return items


def merged_fields(
    note: WantedNote, mine: HeldNote, names: Sequence[str], overwrite: bool
) -> tuple[tuple[tuple[str, str], ...], bool]:
    """The fields to set (name, value) on the learner's note, and whether the learner edited
    it (then nothing is set, unless ``overwrite``)."""
    theirs = dict(zip(names, mine.fields, strict=False))
    current = tuple(theirs.get(name, "") for name in note.field_names)
    if current == note.fields:
        return (), False
    if fields_hash(current) not in note.shipped and not overwrite:
        return (), True
    changed = tuple(
        (name, value)
        for name, value, now in zip(note.field_names, note.fields, current, strict=False)
        if value != now
    )
    return changed, False


def merged_tags(deck: WantedDeck, note: WantedNote, mine: HeldNote) -> tuple[str, ...] | None:
    """The note's tags after the sync: the learner's own, then the release's; None when the
    learner's note has them already."""
    own = [t for t in mine.tags if not deck.owns(t)]
    keys = {tag_key(t) for t in own}
    after = (*own, *(t for t in note.tags if tag_key(t) not in keys))
    if {tag_key(t) for t in after} == {tag_key(t) for t in mine.tags}:
        return None
    return after


def is_marked(mine: HeldNote) -> bool:
    """Whether a sync suspended the note (and tagged it so)."""
    return tag_key(SUSPENDED_TAG) in {tag_key(t) for t in mine.tags}


def suspended_by_us(mine: HeldNote) -> bool:
    return is_marked(mine) and all(c.suspended for c in mine.cards)


def refusal(
    deck: WantedDeck,
    removal: Removal,
    mine: HeldNote,
    names: tuple[str, ...] | None,
    ours: set[str],
    foreign: Callable[[str], bool],
    others: Mapping[str, str],
    overwrite: bool,
) -> str:
    """Why a removed note is not deleted ("" when it is; "edited" when the learner edited it).

    It must be this deck's: not a note another deck of the decks folder ships, and made by this
    deck, under one of its titles when it is in the deck's place, under its title now when the
    learner moved it elsewhere (a former title is only the manifest's word), and never among
    another deck's notes."""
    owner = others.get(removal.guid)
    if owner is not None and owner != deck.name:
        return f"not deleted: it is a note of “{owner}”, though {deck.name}'s manifest lists it as removed"
    inside = any(deck_key(c.deck) in ours for c in mine.cards) or not mine.cards
    if not deck.made(removal, former=inside):
        return f"not deleted: {deck.name} did not make this note, though its manifest lists it as removed"
    outside = [c.deck for c in mine.cards if deck_key(c.deck) not in ours]
    if not inside and any(foreign(name) for name in outside):
        return f"not deleted: it is in “{outside[0]}”, with notes of other decks"
    if names is not None and not overwrite:
        theirs = dict(zip(names, mine.fields, strict=False))
        current = tuple(theirs.get(n, "") for n in release_names(deck, mine.model_id))
        if fields_hash(current) not in removal.shipped | {removal.tombstone}:
            return "edited"
    return ""


def model_differs(release: Mapping[str, object], theirs: Mapping[str, object] | None) -> bool:
    """Whether the learner's copy of a note type lacks the release's templates or CSS."""
    if theirs is None:
        return True
    mine = {str(t["name"]): (t.get("qfmt"), t.get("afmt")) for t in _items(theirs, "tmpls")}
    return release.get("css") != theirs.get("css") or any(
        mine.get(str(t["name"])) != (t.get("qfmt"), t.get("afmt")) for t in _items(release, "tmpls")
    )


_CLOZE = re.compile(r"\{\{c(\d+)::")


def empty_cards(note: WantedNote, mine: HeldNote) -> tuple[int, ...]:
    """The learner's cards of a cloze note whose number the release's text no longer has (a
    suspended one is left: AnkiConnect, which cannot delete a card, suspends it)."""
    if not note.cloze:
        return ()
    numbers = {int(n) for value in note.fields for n in _CLOZE.findall(value)}
    return tuple(c.card_id for c in mine.cards if c.ord + 1 not in numbers and not c.suspended)
