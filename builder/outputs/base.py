"""What every output is: a file format a release's deck is written in."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from ..model import MediaFile
    from ..release.deck import Release


class Output(ABC):
    """One file format a deck is written in."""

    name: ClassVar[str]
    """How ``export --format`` names it."""
    suffix: ClassVar[str]
    """The end of its file's name, after the deck's slug (``.apkg``)."""

    @abstractmethod
    def data(self, rel: Release) -> bytes:
        """The file's bytes: the same release gives the same bytes."""

    def beside(self, rel: Release) -> tuple[MediaFile, ...]:
        """The media files the format cannot hold, written into ``<slug>.media/`` beside the
        file (none: the file holds them, or the deck has none)."""
        return ()

    def path(self, folder: Path, rel: Release) -> Path:
        """Where the deck's file goes in ``folder``: ``<slug><suffix>``."""
        return folder / f"{rel.plan.slug}{self.suffix}"

    def media_folder(self, folder: Path, rel: Release) -> Path:
        """Where the media files the format cannot hold go: ``<slug>.media/`` beside the file."""
        return folder / f"{rel.plan.slug}.media"
