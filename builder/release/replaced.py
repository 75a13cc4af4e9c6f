"""Notes a release replaces by new ones: a card whose key and answer both changed in one
release is no longer recognised, so learners lose its review history."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from .. import keys
from ..model import Note
from .guids import near_keys
from .manifest import NoteState

SIMILAR = 0.6
"""How alike two prompts' questions must be (difflib's ratio) to read as one card renamed."""


def replacements(added: Sequence[Note], gone: Sequence[NoteState]) -> tuple[tuple[Note, NoteState], ...]:
    """Pairs of an added note and a removed one that read as one card whose key and answer
    both changed: the same kind and note type, keys one part apart in the same document (a
    renamed heading, label or row), and asking the same question (or, under a renamed
    heading, the same card). Each note is paired once, the most alike first."""
    pairs = []
    for n, o in _one_part_apart(added, gone):
        note, old = added[n], gone[o]
        apart = keys.parts_apart(old.key, note.key)
        if apart is None:
            continue
        matcher = difflib.SequenceMatcher(None, _question(old.prompt), _question(note.prompt))
        # The quick ratios bound the ratio from above: when one is below SIMILAR, so is it.
        if apart.endswith("card") and min(matcher.real_quick_ratio(), matcher.quick_ratio()) < SIMILAR:
            continue
        alike = matcher.ratio()
        if alike >= SIMILAR or not apart.endswith("card"):
            pairs.append((alike, note, old))
    pairs.sort(key=lambda p: -p[0])
    taken: set[str] = set()
    out = []
    for _, note, old in pairs:
        if note.key not in taken and old.guid not in taken:
            taken |= {note.key, old.guid}
            out.append((note, old))
    order = {note.key: i for i, note in enumerate(added)}
    return tuple(sorted(out, key=lambda p: order[p[0].key]))


def _one_part_apart(added: Sequence[Note], gone: Sequence[NoteState]) -> list[tuple[int, int]]:
    """The pairs (by index, in the order of ``added`` then ``gone``) of an added and a removed
    note of the same kind and note type whose keys might be one part apart, found through a
    table of the removed notes' :func:`~.guids.near_keys`: the cost follows the pairs found,
    not every added note times every removed one."""
    table: dict[tuple[str, str, int, tuple[str, ...]], list[int]] = {}
    for o, old in enumerate(gone):
        for part, without in near_keys(old.key):
            table.setdefault((old.kind, old.model, part, without), []).append(o)
    found: set[tuple[int, int]] = set()
    for n, note in enumerate(added):
        for part, without in near_keys(note.key):
            found.update((n, o) for o in table.get((note.kind, note.model, part, without), ()))
    return sorted(found)


def _question(prompt: str) -> str:
    """What a prompt asks, without its breadcrumb."""
    return prompt.rpartition(" — ")[2].lower()
