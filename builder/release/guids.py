"""GUID settling: each note of a new build gets the GUID learners already have for it.

A note is matched, in these passes, each keeping one promise:

1. :func:`by_key`: a note whose key the last release had keeps its GUID;
2. :func:`families_by_teaching`: among notes numbered by position (``k``, ``k~2``, …) a note
   keeps its GUID when one is inserted or removed before it;
3. :func:`returning_tombstones`: a removed note that comes back gets its old GUID again;
4. :func:`renamed_by_teaching`: a note whose heading or label was renamed, or that moved
   within its document, keeps its GUID;
5. :func:`fresh`: anything else is a new note, with a GUID no learner has had.

A GUID never moves to a note of another note type (a YAML card that gains or loses
``reverse``): Anki's import skips a note whose note type differs from the learner's copy as
"conflicting", so that note would never update. It becomes a new note instead, and the old
one a tombstone; its key comes back with its old GUID if the note type does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .. import keys
from ..identify import guid as key_guid
from ..model import DeckPlan, Note
from .manifest import Manifest, NoteState

Guids = dict[int, str]
"""GUIDs settled so far, by the note's index in the deck."""

Family = tuple[list[int], list[NoteState]]
"""The notes of one key family (by index) and the last release's notes of that family."""


def settle_guids(deck: DeckPlan, previous: Manifest | None) -> tuple[list[Note], list[NoteState]]:
    """The deck's notes with the GUIDs learners already have, and the last release's notes
    that no note took (removed from the source)."""
    notes = list(deck.notes)
    if previous is None:
        return notes, []
    families = _families(notes, previous)
    guids = by_key(notes, previous, families)
    guids |= families_by_teaching(notes, families)
    guids |= returning_tombstones(notes, previous, guids)
    gone = [n for n in previous.notes if n.guid not in set(guids.values())]
    guids |= renamed_by_teaching(notes, gone, guids)
    used = set(guids.values())
    taken = used | {t.guid for t in previous.removed} | {g.guid for g in gone}
    guids |= fresh(deck.name, notes, taken, guids)
    settled = [n if guids[i] == n.guid else replace(n, guid=guids[i]) for i, n in enumerate(notes)]
    return settled, [g for g in gone if g.guid not in used]


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


def families_by_teaching(notes: Sequence[Note], families: Sequence[Family]) -> Guids:
    """Promise: inserting or removing one of several repeated cards of a section (keys numbered
    by position) does not shift the GUIDs of the others. Within such a family a note takes
    the old one that teaches the same thing first, then the next old one of its note type."""
    out: Guids = {}
    for family in families:
        if not _numbered(family):
            continue
        indexes, olds = family
        free = list(olds)
        for index in indexes:
            note = notes[index]
            same = next(
                (s for s in free if (s.kind, s.model, s.teaches) == (note.kind, note.model, note.teaches)),
                None,
            )
            if same is not None:
                out[index] = same.guid
                free.remove(same)
        for index in indexes:
            spare = next((s for s in free if s.model == notes[index].model), None)
            if index not in out and spare is not None:
                out[index] = spare.guid
                free.remove(spare)
    return out


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


def renamed_by_teaching(notes: Sequence[Note], gone: Sequence[NoteState], guids: Guids) -> Guids:
    """Promise: a note whose key is new takes the GUID of a note that disappeared from the same
    document and taught the same thing (same kind, note type and body): a renamed heading or
    label, a moved card."""
    used = set(guids.values())
    out: Guids = {}
    for index, note in enumerate(notes):
        if index in guids:
            continue
        match = next(
            (
                g
                for g in gone
                if (g.kind, g.model, g.teaches) == (note.kind, note.model, note.teaches)
                and g.guid not in used
                and keys.document_of(g.key) == keys.document_of(note.key)
            ),
            None,
        )
        if match is not None:
            out[index] = match.guid
            used.add(match.guid)
    return out


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
