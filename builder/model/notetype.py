"""A note type as a value: its fields, card templates and CSS, and the fixed ids Anki matches
it by across releases. Built-in ones live in :mod:`builder.notetypes`; a team's are read from
its ``notetypes/`` folder (:mod:`builder.read.notetypes`); a deck's plan carries the ones its
notes use (:attr:`builder.model.DeckPlan.note_types`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .document import NOWHERE, Origin

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
    files: tuple[tuple[Path, str], ...] = ()
    """The files it was read from (a team's YAML, a style's CSS), each with the content-hash
    name of what was read (as :func:`builder.depends.packed_name` names it): a build with nothing
    to do must find them unchanged (see :mod:`builder.stamp`)."""


@dataclass(frozen=True)
class Look:
    """How a source asks its deck's cards to look (its front matter's or ``decks.yaml``'s
    ``style``, ``note_types`` and ``tts``): the deck's note types are made from it when its
    sources are planned together (:func:`builder.notetypes.resolve`)."""

    style: str | None = None
    """The deck's CSS file, from the folder the build runs in; None: the default style."""
    replace: bool = False
    """The CSS file is the whole style, not added after the default one."""
    note_types: tuple[tuple[str, str], ...] = ()
    """(a built-in note type's key, the team's note type its cards use instead)."""
    tts: str | None = None
    """The language Anki's text-to-speech reads prompts in; None: not read aloud."""
    origin: Origin = NOWHERE
    """Where the look is asked for (the ``style`` line)."""

    def __bool__(self) -> bool:
        return bool(self.style or self.note_types or self.tts)


NO_LOOK = Look()
"""A source that asks nothing of how its deck's cards look."""
