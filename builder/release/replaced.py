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
    near = _Near(gone)
    for note in added:
        for old in near.olds(note):
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


class _Near:
    """The removed notes by kind, note type and :func:`~.guids.near_keys`: those whose keys an
    added note's might be one part apart from, found without comparing it with every one."""

    def __init__(self, gone: Sequence[NoteState]) -> None:
        self._gone = gone
        self._table: dict[tuple[str, str, int, tuple[str, ...]], list[int]] = {}
        for position, old in enumerate(gone):
            for part, without in near_keys(old.key):
                self._table.setdefault((old.kind, old.model, part, without), []).append(position)

    def olds(self, note: Note) -> list[NoteState]:
        """The removed notes ``note`` might be one part apart from, in their order."""
        found = {
            o
            for part, without in near_keys(note.key)
            for o in self._table.get((note.kind, note.model, part, without), ())
        }
        return [self._gone[o] for o in sorted(found)]


def _question(prompt: str) -> str:
    """What a prompt asks, without its breadcrumb."""
    return prompt.rpartition(" — ")[2].lower()
