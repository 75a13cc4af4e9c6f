"""The ``.apkg`` output: the package a release ships, byte for byte as ``build`` writes it
(media files inside)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Output

if TYPE_CHECKING:
    from ..release.deck import Release


class Apkg(Output):
    """An Anki package: note types, notes (removed ones too, tagged ``removed``), media."""

    name = "apkg"
    suffix = ".apkg"

    def data(self, rel: Release) -> bytes:
        from ..release.packaging import package

        return package(rel).data
