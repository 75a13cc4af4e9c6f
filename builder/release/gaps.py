"""A cloze note's gaps keep their cards from release to release.

In Anki the number of a deletion ``{{cN::…}}`` is the note's card ``N`` (``ord`` ``N - 1``), with
its own review history: the card is whatever ``cN`` hides. The card rules number a note's gaps
1, 2, 3 … in the order of its text, so removing the first item of a list would have ``c1`` hide
the second item (its history moving onto the first item's card) and leave the last card empty.
A release therefore numbers each cloze note's gaps against what its manifest recorded
(:attr:`~.manifest.NoteState.gaps`):

- a gap that hides what a gap of the last release hid keeps that number, wherever it moved
  (gaps that hide the same text keep theirs in order, when as many hid it before; otherwise
  which continues which cannot be told, and none does);
- a gap whose text was edited keeps its number: it and a gap of the last release that no gap
  hides any more are each other's most alike, with no rival as alike, and at least
  :data:`~.replaced.SIMILAR` alike; or, when the gaps kept so far stand in the order they had,
  it stands where as many old gaps stood, between the same two kept ones (as notes between
  fixed points do, :mod:`.guids`): an answer edited in place (``{{c1::three}}`` to
  ``{{c1::3}}``, a figure changed) keeps its card;
- any other gap is new: it takes the next number above every number the note ever used;
- a gap of the last release that no gap took is removed: its number is never given again, and
  its card (empty in Anki now) is the learner's to delete (``deckbuilder sync`` deletes it).

The numbers of a hand-written cloze group several deletions (``{{c1::a}} … {{c1::b}}``): a
group is one card, and moves as one. A note the manifest recorded no gaps for (a new note, or
a release before gaps were recorded) keeps the numbers its rules gave it.

Deletions are read with :mod:`builder.extract.clozescan`, as Anki reads them.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import pairwise
from typing import NamedTuple

from markdown_it.token import Token

from ..extract.clozescan import scan
from ..identify import content_hash
from ..markup import shown_text
from ..model import Gap, Note, Origin
from .manifest import GapState, Manifest, NoteState, Tombstone
from .replaced import SIMILAR

CLOZE_FIELD = "Text"
"""The field of the cloze note type whose deletions make its cards."""
SHOWN = 60
"""How many characters of what a gap hides the manifest keeps."""


@dataclass(frozen=True)
class GapChange:
    """The gaps (cards) a release adds to and removes from one cloze note, by what they hide."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed)

    def said(self) -> str:
        """The change in words, after the note's prompt: `` (gap removed: “…”)``; '' when none."""
        parts = [
            f"{what}{'s' if len(texts) > 1 else ''} {how}: " + ", ".join(f"“{t}”" for t in texts)
            for what, how, texts in (("gap", "removed", self.removed), ("gap", "added", self.added))
            if texts
        ]
        return f" ({'; '.join(parts)})" if parts else ""


@dataclass(frozen=True)
class Gapped:
    """A deck's notes with their cloze gaps numbered against the last release."""

    notes: tuple[Note, ...]
    """The notes, each cloze note's Text field (and digest) under its gaps' numbers."""
    states: Mapping[str, tuple[tuple[GapState, ...], int]]
    """By GUID, for each cloze note whose deletions could be read: its gaps in the order of its
    text, and the highest number it ever used when that is above them (else 0)."""
    changes: Mapping[str, GapChange]
    """By GUID: the gaps each note gained or lost since the last release (only notes whose
    gaps the last release recorded, and that changed)."""


def number_gaps(notes: Sequence[Note], previous: Manifest | None) -> Gapped:
    """Number every cloze note's gaps against the gaps ``previous`` recorded for its GUID."""
    before: dict[str, NoteState | Tombstone] = {}
    if previous is not None:
        before = {t.guid: t for t in previous.removed}
        before |= {s.guid: s for s in previous.notes}
    out: list[Note] = []
    states: dict[str, tuple[tuple[GapState, ...], int]] = {}
    changes: dict[str, GapChange] = {}
    for note in notes:
        numbered = _numbered(note, before.get(note.guid))
        if numbered is None:
            out.append(note)
            continue
        note, gaps, top, change = numbered
        out.append(note)
        states[note.guid] = (gaps, top)
        if change:
            changes[note.guid] = change
    return Gapped(tuple(out), states, changes)


class _Group(NamedTuple):
    """The deletions of one number in a note's text: one card."""

    number: int
    """The number the rules gave it."""
    hides: str
    """:func:`hidden_hash` of what it hides."""
    text: str
    """What it hides, shortened (:data:`SHOWN`)."""


def _numbered(
    note: Note, before: NoteState | Tombstone | None
) -> tuple[Note, tuple[GapState, ...], int, GapChange] | None:
    """A cloze note under its gaps' numbers, its gaps, its top number and what changed; None
    for another note, or when its deletions cannot be read."""
    if note.model != "cloze":
        return None
    if isinstance(before, NoteState) and before.gaps and note.digest == before.digest:
        # The fields as the rules number them are what the last release shipped: nothing moved.
        return note, before.gaps, before.top, GapChange()
    text = note.fields.get(CLOZE_FIELD)
    found = deletions(text) if text is not None else None
    if not found:
        return None
    groups = _groups(found)
    olds = before.gaps if before is not None else ()
    if not olds:
        gaps = tuple(GapState(g.number, g.hides, g.text) for g in groups)
        return note, gaps, 0, GapChange()
    assert before is not None
    kept = _kept(groups, olds)
    numbers, last = _numbers(groups, kept, max(before.top, *(o.number for o in olds)))
    gaps = tuple(GapState(numbers[g.number], g.hides, g.text) for g in groups)
    change = _change(groups, olds, kept)
    if not isinstance(before, NoteState):
        change = GapChange()  # a removed note come back is added as a whole
    top = last if last > max(numbers.values()) else 0
    return _renumbered(note, text or "", found, numbers), gaps, top, change


def _numbers(groups: Sequence[_Group], kept: Mapping[int, GapState], last: int) -> tuple[dict[int, int], int]:
    """The number each group takes, by the number its rules gave it: a kept group its old gap's,
    any other the next above ``last`` (the highest number the note ever used); and the highest
    number used after them."""
    numbers: dict[int, int] = {}
    for i, group in enumerate(groups):
        if i in kept:
            numbers[group.number] = kept[i].number
        else:
            last += 1
            numbers[group.number] = last
    return numbers, last


def _change(groups: Sequence[_Group], olds: Sequence[GapState], kept: Mapping[int, GapState]) -> GapChange:
    """The gaps added (groups that continue no old gap) and removed (old gaps no group
    continues), by what they hide."""
    taken = {g.number for g in kept.values()}
    return GapChange(
        added=tuple(g.text for i, g in enumerate(groups) if i not in kept),
        removed=tuple(o.text for o in olds if o.number not in taken),
    )


def _kept(groups: Sequence[_Group], olds: Sequence[GapState]) -> dict[int, GapState]:
    """The old gap each group continues, by the group's index: first those that hide the same
    text, then edited ones (:func:`_edited`, :func:`_in_place`). Several gaps that hide the same
    text continue as many old ones in order; when their number changed, which continues which
    cannot be told, and none does."""
    new_of: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        new_of.setdefault(group.hides, []).append(i)
    old_of: dict[str, list[GapState]] = {}
    for old in olds:
        old_of.setdefault(old.hides, []).append(old)
    kept: dict[int, GapState] = {}
    for hides, indexes in new_of.items():
        same = old_of.get(hides, [])
        if len(same) == len(indexes):
            kept.update(zip(indexes, same, strict=True))
    taken = {o.number for o in kept.values()}
    rest = {i: g.text for i, g in enumerate(groups) if i not in kept}
    kept |= _edited(rest, [o for o in olds if o.number not in taken])
    return kept | _in_place(len(groups), olds, kept)


def _in_place(count: int, olds: Sequence[GapState], kept: Mapping[int, GapState]) -> dict[int, GapState]:
    """Gaps edited where they stand: when the ``count`` gaps' kept ones stand in the order they
    had, the other gaps between two kept ones (or before the first, or after the last)
    continue as many old ones there, in order; where the numbers differ, none is guessed."""
    at = {old.number: j for j, old in enumerate(olds)}
    anchors = sorted((i, at[old.number]) for i, old in kept.items())
    if any(j0 >= j1 for (_, j0), (_, j1) in pairwise(anchors)):
        return {}  # reordered: what stands where cannot be told
    out: dict[int, GapState] = {}
    bounds = [(-1, -1), *anchors, (count, len(olds))]
    for (i0, j0), (i1, j1) in pairwise(bounds):
        if i1 - i0 == j1 - j0 > 1:
            out.update(zip(range(i0 + 1, i1), olds[j0 + 1 : j1], strict=True))
    return out


def _edited(new: Mapping[int, str], olds: Sequence[GapState]) -> dict[int, GapState]:
    """Edited gaps: a new gap and an old one that are each other's only most alike, and alike
    enough (:data:`SIMILAR`); pairs are taken round by round, the others' rivals gone."""
    score: dict[tuple[int, int], float] = {}
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    for j, old in enumerate(olds):
        matcher.set_seq2(old.text)  # difflib reads the second text once for every first
        for i, text in new.items():
            matcher.set_seq1(text)
            if matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR:
                alike = matcher.ratio()
                if alike >= SIMILAR:
                    score[i, j] = alike
    out: dict[int, GapState] = {}
    while pairs := _mutual_best(score):
        for i, j in pairs:
            out[i] = olds[j]
        taken_new, taken_old = {i for i, _ in pairs}, {j for _, j in pairs}
        score = {(i, j): s for (i, j), s in score.items() if i not in taken_new and j not in taken_old}
    return out


def _mutual_best(score: Mapping[tuple[int, int], float]) -> list[tuple[int, int]]:
    """The pairs that are the only most alike of both their new and their old gap."""
    rows: dict[int, list[float]] = {}
    cols: dict[int, list[float]] = {}
    for (i, j), alike in score.items():
        rows.setdefault(i, []).append(alike)
        cols.setdefault(j, []).append(alike)
    best_row = {i: (max(v), v.count(max(v))) for i, v in rows.items()}
    best_col = {j: (max(v), v.count(max(v))) for j, v in cols.items()}
    return [(i, j) for (i, j), alike in score.items() if best_row[i] == best_col[j] == (alike, 1)]


# --- Reading and writing the deletions of a field ------------------------------------------


class Deletion(NamedTuple):
    """One ``{{cN::…}}`` of a field, as Anki reads it."""

    number: int
    start: int
    """Where its number's digits start in the field."""
    end: int
    """Where they end."""
    hides: str
    """What it hides, as plain text (its hint left out)."""


_NOWHERE = Origin("", 0)


def deletions(html: str) -> tuple[Deletion, ...] | None:
    """The cloze deletions of a note's field, in order; None when it holds a broken one, or
    one written in a way the scanner takes but this cannot place (``{{c01::…}}``)."""
    found = scan([Token("text", "", 0, content=html)], _NOWHERE)
    if found.segments is None:
        return None
    out = []
    pos = 0
    for segment in found.segments:
        if isinstance(segment, Gap):
            opener = f"{{{{c{segment.number}::"
            close = html.find("}}", pos + len(opener))
            if not html.startswith(opener, pos) or close < 0:
                return None
            digits = pos + len("{{c")
            hidden = shown_text("".join(t.content for t in segment.inline.tokens))
            out.append(Deletion(segment.number, digits, digits + len(str(segment.number)), hidden))
            pos = close + len("}}")
        else:
            shown = "".join(t.content for t in segment.tokens)
            if not html.startswith(shown, pos):
                return None
            pos += len(shown)
    return tuple(out) if pos == len(html) else None


def hidden_hash(texts: Sequence[str]) -> str:
    """What a gap hides (the plain text of each of its deletions): how it is found again."""
    return hashlib.sha256("\x1f".join(texts).encode()).hexdigest()[:16]


def _groups(found: Sequence[Deletion]) -> list[_Group]:
    """The note's cards: its deletions grouped by number, in the order of their first one."""
    texts: dict[int, list[str]] = {}
    for deletion in found:
        texts.setdefault(deletion.number, []).append(deletion.hides)
    return [_Group(n, hidden_hash(hides), _shorten(" … ".join(hides))) for n, hides in texts.items()]


def _renumbered(note: Note, html: str, found: Sequence[Deletion], numbers: Mapping[int, int]) -> Note:
    """The note with each deletion's number replaced by ``numbers``; itself when none moves."""
    if all(old == new for old, new in numbers.items()):
        return note
    parts, pos = [], 0
    for deletion in found:
        parts += [html[pos : deletion.start], str(numbers[deletion.number])]
        pos = deletion.end
    fields = {**note.fields, CLOZE_FIELD: "".join([*parts, html[pos:]])}
    order = sorted(numbers, key=numbers.__getitem__)
    sides = note.sides
    if sorted(numbers) == list(range(1, len(sides) + 1)):
        sides = tuple(sides[n - 1] for n in order)  # one prompt per card, in the cards' order
    return replace(
        note,
        fields=fields,
        digest=content_hash(note.model, fields, note.tags, note.deck),
        sides=sides,
    )


def _shorten(text: str) -> str:
    return text if len(text) <= SHOWN else text[: SHOWN - 1].rstrip() + "…"
