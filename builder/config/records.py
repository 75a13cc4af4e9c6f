"""What a deck's configuration says, once read: :class:`DeckConfig` (a source's, or one deck's
of ``decks.yaml``), its :class:`Style`, and a ``decks.yaml`` :class:`Group`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..model import Origin
from ..model.document import NOWHERE


@dataclass(frozen=True)
class Style:
    """A deck's CSS file (``style:``)."""

    path: str
    """The file, as the configuration names it, from the folder of the file that names it."""
    replace: bool = False
    """The file is the whole style; else it is added after the default one."""


@dataclass(frozen=True)
class DeckConfig:
    """How a source's cards are gathered into a deck."""

    deck: str | None = None
    """The deck's name; None: the source's title or file name."""
    tags: tuple[str, ...] = ()
    """Tags every card gets."""
    subdecks: bool = False
    """Top sections become subdecks."""
    skip: tuple[str, ...] = ()
    """Section titles that give no card."""
    exclude: tuple[str, ...] = ()
    """Card kinds left out."""
    language: str | None = None
    """The source's language as its front matter gives it (``lang``/``language``: ``en``,
    ``pt-BR``); None when it gives none."""
    fetch_images: bool = False
    """Remote images are fetched and packed (see :mod:`builder.media`), not shown as their alt
    text."""
    style: Style | None = None
    """The deck's own CSS (``style:``), None: the default style."""
    note_types: tuple[tuple[str, str], ...] = ()
    """(a built-in note type's key, the team's note type its cards use instead), sorted."""
    tts: str | None = None
    """The language Anki's text-to-speech reads prompts in (``en_US``); None: not read aloud."""
    folders: tuple[str, ...] = ()
    """What the source's folders inside its source folder become: ``subdecks``, ``tags``."""
    looks_at: Origin = NOWHERE
    """Where it first asks for a look (``style``, ``note_types`` or ``tts``), for messages."""
    source_link: str | None = None
    """A link template (``{path}``, ``{name}``, ``{line}``) the Source field opens; None: the
    plain path."""

    def under(self, group: DeckConfig | None) -> DeckConfig:
        """This source's configuration inside a ``decks.yaml`` group (the group's name wins)."""
        if group is None:
            return self
        return DeckConfig(
            deck=group.deck or self.deck,
            tags=(*group.tags, *(t for t in self.tags if t not in group.tags)),
            subdecks=group.subdecks or self.subdecks,
            skip=self.skip,
            exclude=(*group.exclude, *(k for k in self.exclude if k not in group.exclude)),
            language=self.language,
            fetch_images=group.fetch_images or self.fetch_images,
            style=group.style or self.style,
            note_types=tuple(sorted({**dict(self.note_types), **dict(group.note_types)}.items())),
            tts=group.tts or self.tts,
            folders=group.folders or self.folders,
            source_link=group.source_link or self.source_link,
            looks_at=group.looks_at if group.looks_at.path else self.looks_at,
        )


@dataclass(frozen=True)
class Group:
    """One deck of ``decks.yaml``."""

    config: DeckConfig
    sources: tuple[Path, ...]
    """Resolved source files (a deck's notes follow the sorted order of its files)."""
    origin: Origin
    """Where the group starts in decks.yaml."""
