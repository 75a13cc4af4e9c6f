"""GUID settling: each note of a new build gets the GUID learners already have for it.

A note is matched, in these passes, each keeping one promise:

1. :func:`by_key`: a note whose key the last release had keeps its GUID;
2. :func:`families_by_teaching`: among notes numbered by position (``k``, ``k~2``, …) a note
   keeps its GUID when one is inserted or removed before it;
3. :func:`returning_tombstones`: a removed note that comes back gets its old GUID again;
4. :func:`renamed_by_teaching`: a note whose heading or label was renamed, or that moved
   within its document, keeps its GUID;
5. :func:`fresh`: anything else is a new note, with a GUID no learner has had.

When a pass cannot tell which old note a new one continues (a repeated label inserted beside
an edited one, two renamed cards that teach the same thing), it matches neither: a learner's
history never moves to another fact. The new note is new, the old one a tombstone, and the
release names it (:class:`Unsure`) so that ``build`` and ``diff`` can warn.

A GUID never moves to a note of another note type (a YAML card that gains or loses
``reverse``): Anki's import skips a note whose note type differs from the learner's copy as
"conflicting", so that note would never update. It becomes a new note instead, and the old
one a tombstone; its key comes back with its old GUID if the note type does.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from typing import NamedTuple, TypeVar

from .. import keys
from ..identify import guid as key_guid
from ..model import DeckPlan, Note
from .manifest import Manifest, NoteState

T = TypeVar("T")

Guids = dict[int, str]
"""GUIDs settled so far, by the note's index in the deck."""

Family = tuple[list[int], list[NoteState]]
"""The notes of one key family (by index) and the last release's notes of that family."""

Doubts = dict[int, tuple[NoteState, ...]]
"""Notes (by index) that a pass could not match for certain, each with the old notes it might
continue."""


class Unsure(NamedTuple):
    """A new note that might continue one of the last release's notes, made new because which
    one could not be told: those old notes are tombstones, and their history stays there."""

    note: Note
    olds: tuple[NoteState, ...]


class Settled(NamedTuple):
    """The outcome of :func:`settle_guids`."""

    notes: list[Note]
    """The deck's notes, with the GUIDs learners already have."""
    gone: list[NoteState]
    """The last release's notes that no note took (removed from the source)."""
    unsure: tuple[Unsure, ...] = ()
    """New notes that might have continued one of ``gone``."""


def settle_guids(deck: DeckPlan, previous: Manifest | None) -> Settled:
    """The deck's notes with the GUIDs learners already have, the last release's notes that
    no note took, and the new notes that might have continued one of those."""
    notes = list(deck.notes)
    if previous is None:
        return Settled(notes, [])
    families = _families(notes, previous)
    guids = by_key(notes, previous, families)
    matched, doubts = families_by_teaching(notes, families)
    guids |= matched
    guids |= returning_tombstones(notes, previous, guids)
    kept = set(guids.values())
    gone = [n for n in previous.notes if n.guid not in kept]
    matched, more = renamed_by_teaching(notes, gone, guids)
    guids |= matched
    used = set(guids.values())
    taken = used | {t.guid for t in previous.removed} | {g.guid for g in gone}
    guids |= fresh(deck.name, notes, taken, guids)
    settled = [n if guids[i] == n.guid else replace(n, guid=guids[i]) for i, n in enumerate(notes)]
    unsure = []
    lost_of: dict[int, tuple[NoteState, ...]] = {}  # the doubts of a family or group share one tuple
    for index, olds in sorted((doubts | more).items()):
        if id(olds) not in lost_of:
            lost_of[id(olds)] = tuple(o for o in olds if o.guid not in used)
        lost = lost_of[id(olds)]
        if guids[index] not in used and lost:
            unsure.append(Unsure(settled[index], lost))
    return Settled(settled, [g for g in gone if g.guid not in used], tuple(unsure))


def _families(notes: Sequence[Note], previous: Manifest) -> list[Family]:
    """The notes by key family (a key and its numbered repeats), each with the old ones."""
    new: dict[str, list[int]] = {}
    for index, note in enumerate(notes):
        new.setdefault(keys.family(note.key), []).append(index)
    old: dict[str, list[NoteState]] = {}
    for state in previous.notes:
        old.setdefault(keys.family(state.key), []).append(state)
    return [(indexes, old.get(family, [])) for family, indexes in new.items()]


def _numbered(family: Family) -> bool:
    """Whether a family has repeated keys, now or in the last release."""
    indexes, olds = family
    return len(indexes) > 1 or len(olds) > 1


def by_key(notes: Sequence[Note], previous: Manifest, families: Sequence[Family]) -> Guids:
    """Promise: a note keeps its GUID while its key and note type stay (its text may change)."""
    known = {n.key: n for n in previous.notes}
    out: Guids = {}
    for family in families:
        if _numbered(family):
            continue
        index = family[0][0]
        state = known.get(notes[index].key)
        if state is not None and state.model == notes[index].model:
            out[index] = state.guid
    return out


def families_by_teaching(notes: Sequence[Note], families: Sequence[Family]) -> tuple[Guids, Doubts]:
    """Promise: inserting or removing one of several repeated cards of a section (keys numbered
    by position) does not shift the GUIDs of the others, and never gives one card's history
    to another. Within such a family a note takes the old one that teaches the same thing;
    the others are placed by those: between the same two such notes, as many new ones as old
    ones are the old ones edited, in order. Anything else (as many new as old ones is the only
    sign of which continues which) is new, and in doubt."""
    out: Guids = {}
    doubts: Doubts = {}
    for family in families:
        if _numbered(family):
            same = _same_teaching(notes, family)
            out |= {index: state.guid for index, state in same.items()}
            placed, unsure = _by_place(notes, family, same)
            out |= placed
            doubts |= unsure
    return out, doubts


def _same_teaching(notes: Sequence[Note], family: Family) -> dict[int, NoteState]:
    """The family's notes that teach what an old one taught (same kind and note type), each
    with the first such old one."""
    indexes, olds = family
    free: dict[tuple[str, str, str], deque[NoteState]] = {}
    for state in olds:
        free.setdefault((state.kind, state.model, state.teaches), deque()).append(state)
    out = {}
    for index in indexes:
        note = notes[index]
        alike = free.get((note.kind, note.model, note.teaches))
        if alike:
            out[index] = alike.popleft()
    return out


def _by_place(notes: Sequence[Note], family: Family, same: dict[int, NoteState]) -> tuple[Guids, Doubts]:
    """The family's other notes, matched by where they stand between the notes matched by
    what they teach (``same``); those whose place holds more or fewer old notes are doubts."""
    indexes, olds = family
    anchors = {s.guid for s in same.values()}
    if [same[i].guid for i in indexes if i in same] != [s.guid for s in olds if s.guid in anchors]:
        unmatched = tuple(s for s in olds if s.guid not in anchors)
        return {}, dict.fromkeys((i for i in indexes if i not in same), unmatched)
    gaps = _gaps(olds, lambda state: state.guid in anchors)
    out: Guids = {}
    doubts: Doubts = {}
    for gap, left in _gaps(indexes, same.__contains__).items():
        spare = gaps.get(gap, [])
        if len(left) == len(spare):
            out |= {i: s.guid for i, s in zip(left, spare, strict=True) if s.model == notes[i].model}
        elif spare:
            doubts |= dict.fromkeys(left, tuple(spare))
    return out, doubts


def returning_tombstones(notes: Sequence[Note], previous: Manifest, guids: Guids) -> Guids:
    """Promise: a note removed in an earlier release that comes back (same key and note type)
    is the learner's old note again, not a new one."""
    tombs = {(t.key, t.model): t for t in previous.removed}
    out: Guids = {}
    for index, note in enumerate(notes):
        tomb = tombs.get((note.key, note.model))
        if index not in guids and tomb is not None:
            out[index] = tomb.guid
    return out


def _gaps(items: Sequence[T], anchored: Callable[[T], bool]) -> dict[int, list[T]]:
    """The items that are not anchors, by how many anchors stand before them."""
    out: dict[int, list[T]] = {}
    seen = 0
    for item in items:
        if anchored(item):
            seen += 1
        else:
            out.setdefault(seen, []).append(item)
    return out


def renamed_by_teaching(
    notes: Sequence[Note], gone: Sequence[NoteState], guids: Guids
) -> tuple[Guids, Doubts]:
    """Promise: a note whose key is new takes the GUID of a note that disappeared from the same
    document and taught the same thing (same kind, note type and body): a renamed heading or
    label, a moved card. When several such notes could be it, the one whose key is closest
    (same label or row, or one part apart) is, if it is the only one and no other new note is
    as close to it; otherwise the note is new, and in doubt.

    The notes that teach one thing in one document could each be any of the old ones that did:
    they are matched group by group, in rounds (a match can leave another note the only
    closest), each note's closest found through its key's parts rather than against every
    old note of its group."""
    used = set(guids.values())
    olds: dict[tuple[str, str, str, str], _Closest] = {}
    for position, g in enumerate(gone):
        if g.guid not in used:
            olds.setdefault(_teaching(g), _Closest()).add(position, g.key)
    news: dict[tuple[str, str, str, str], _Closest] = {}
    for index, note in enumerate(notes):
        if index not in guids and _teaching(note) in olds:
            news.setdefault(_teaching(note), _Closest()).add(index, note.key)
    out: Guids = {}
    doubts: Doubts = {}
    for group, new in news.items():
        old = olds[group]
        while pairs := _closest_pairs(new, old):
            for index, position in pairs:
                out[index] = gone[position].guid
                new.remove(index)
                old.remove(position)
        if old.keys:
            doubts |= dict.fromkeys(new.keys, tuple(gone[position] for position in old.keys))
    return out, doubts


def _teaching(note: Note | NoteState) -> tuple[str, str, str, str]:
    """What a note teaches, in which document: the notes a renamed one may continue."""
    return note.kind, note.model, note.teaches, keys.document_of(note.key)


def _closest_pairs(new: _Closest, old: _Closest) -> list[tuple[int, int]]:
    """Each new note and old note (by index and position) that are each other's only closest."""
    pairs = []
    rival: dict[int, int | None] = {}
    for index, key in new.keys.items():
        best = old.closest(key)
        if best is not None and best not in rival:
            rival[best] = new.closest(old.keys[best])
        if best is not None and rival[best] == index:
            pairs.append((index, best))
    return pairs


def near_keys(key: str) -> list[tuple[int, tuple[str, ...]]]:
    """A key's family without each of its parts after the document in turn, with that part's
    place; none for a card-file key. Two keys are one part apart (:func:`keys.parts_apart`)
    only if they share one of these, and then they share only that one."""
    if keys.yaml_id(key) is not None:
        return []
    parts = keys.family(key).split("/")
    return [(i, (*parts[:i], *parts[i + 1 :])) for i in range(1, len(parts))]


class _Closest:
    """Some notes' keys, by what they end in and by :func:`near_keys`: which of them is the
    only closest to a key, without comparing it with each."""

    def __init__(self) -> None:
        self.keys: dict[int, str] = {}
        """Each note's key, by its index (or position), in the order added."""
        self._by_card: dict[str, dict[int, None]] = {}
        self._by_near: dict[tuple[int, tuple[str, ...]], dict[int, None]] = {}

    def add(self, item: int, key: str) -> None:
        self.keys[item] = key
        self._by_card.setdefault(key.rpartition("/")[2], {})[item] = None
        for near in near_keys(key):
            self._by_near.setdefault(near, {})[item] = None

    def remove(self, item: int) -> None:
        key = self.keys.pop(item)
        del self._by_card[key.rpartition("/")[2]][item]
        for near in near_keys(key):
            del self._by_near[near][item]

    def closest(self, key: str) -> int | None:
        """The note whose key is closest to ``key``, if no other is as close. Closest is the
        same card part (label, row, repeat) and one part apart; then the same card part; then
        one part apart; then any (the only note)."""
        near = {item for part in near_keys(key) for item in self._by_near.get(part, ())}
        apart = [item for item in near if keys.parts_apart(self.keys[item], key) is not None]
        card = self._by_card.get(key.rpartition("/")[2], {})
        tiers: tuple[Collection[int], ...] = (
            [item for item in apart if item in card],
            card,
            apart,
            self.keys,
        )
        for closest in tiers:
            if closest:
                return next(iter(closest)) if len(closest) == 1 else None
        return None


def fresh(deck: str, notes: Sequence[Note], taken: set[str], guids: Guids) -> Guids:
    """Promise: a new note never takes a GUID a learner has had (a current, removed or just
    removed note's): its key's GUID, or if that is taken, the GUID of its key numbered on."""
    taken = set(taken)
    out: Guids = {}
    for index, note in enumerate(notes):
        if index in guids:
            continue
        guid, n = note.guid, 1
        while guid in taken:
            n += 1
            guid = key_guid(deck, keys.numbered(note.key, n))
        out[index] = guid
        taken.add(guid)
    return out
