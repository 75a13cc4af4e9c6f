"""Notes a release replaces by new ones: a card whose key and answer both changed in one
release is no longer recognised, so learners lose its review history."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from .. import keys
from ..model import Note
from .manifest import NoteState

SIMILAR = 0.6
"""How alike two prompts' questions must be (difflib's ratio) to read as one card renamed."""


def replacements(added: Sequence[Note], gone: Sequence[NoteState]) -> tuple[tuple[Note, NoteState], ...]:
    """Pairs of an added note and a removed one that read as one card whose key and answer
    both changed: the same kind and note type, keys one part apart in the same document (a
    renamed heading, label or row), and asking the same question (or, under a renamed
    heading, the same card). Each note is paired once, the most alike first."""
    pairs = []
    for note in added:
        for old in gone:
            if (old.kind, old.model) != (note.kind, note.model):
                continue
            apart = keys.parts_apart(old.key, note.key)
            if apart is None:
                continue
            alike = difflib.SequenceMatcher(None, _question(old.prompt), _question(note.prompt)).ratio()
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


def _question(prompt: str) -> str:
    """What a prompt asks, without its breadcrumb."""
    return prompt.rpartition(" — ")[2].lower()
