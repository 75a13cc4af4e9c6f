"""A note type as a value: its fields, card templates and CSS, and the fixed ids Anki matches
it by across releases. Built-in ones live in :mod:`builder.notetypes`; a team's are read from
its ``notetypes/`` folder (:mod:`builder.read.notetypes`); a deck's plan carries the ones its
notes use (:attr:`builder.model.DeckPlan.note_types`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
"""What a note type's key may be: a team's is its file's name, which manifests record."""


@dataclass(frozen=True)
class Template:
    """One card a note of the type makes."""

    name: str
    front: str
    """The question side (Anki's ``qfmt``)."""
    back: str
    """The answer side (Anki's ``afmt``)."""
    id: int | None = None
    """Fixed, so that Anki matches the template across releases."""


@dataclass(frozen=True)
class NoteType:
    """A note type, as notes, manifests and packages know it."""

    key: str
    """How notes and manifests name it (``prompt``, ``cloze``, ``reverse``, ``typein``, or a
    team's note type by its file name)."""
    name: str
    """Its name in Anki."""
    id: int
    """Its id in Anki: the same id in a later release updates the learner's copy in place."""
    fields: tuple[str, ...]
    templates: tuple[Template, ...]
    css: str
    cloze: bool = False
    """A cloze note type: one card per deletion number of its first field."""
    field_ids: tuple[int, ...] = ()
    """Fixed field ids, one per field (none: Anki's own)."""
    files: tuple[Path, ...] = ()
    """The files it was read from (a team's YAML, a style's CSS): a build with nothing to do
    must see them unchanged (see :mod:`builder.stamp`)."""
