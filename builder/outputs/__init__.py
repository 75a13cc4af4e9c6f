"""Outputs: the file formats a release's deck can be written in, in one registry.

An :class:`Output` (:mod:`.base`) turns a :class:`~builder.release.deck.Release` into the
bytes of one file, the same release giving the same bytes, and names the media files the
format cannot hold, which go into a folder beside it. :data:`OUTPUTS` holds every output by
the name ``export --format`` takes; :func:`write` writes a build's decks in one of them, all or
nothing (:mod:`builder.atomic`). Importing the registry is cheap (the command line lists it in
``export --help``): an output imports what makes its bytes when it makes them.

A new format is one module here with one :class:`Output` subclass, and one entry in
:data:`OUTPUTS`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import Staging
from ..errors import OutputError
from .apkg import Apkg
from .base import Output
from .tsv import Tsv

if TYPE_CHECKING:
    from ..model import MediaFile
    from ..release.deck import Release

__all__ = ["OUTPUTS", "Output", "write"]

OUTPUTS: dict[str, Output] = {output.name: output for output in (Apkg(), Tsv())}
"""Every output, by its name."""


def write(rels: Sequence[Release], output: Output, folder: Path) -> list[tuple[Release, Path, int]]:
    """Write each release into ``folder`` as ``output`` gives it, all or nothing: (release, its
    file, how many media files went beside it)."""
    done = []
    with Staging() as staging:
        for rel in rels:
            target = output.path(folder, rel)
            staging.write_bytes(target, output.data(rel))
            media = output.beside(rel)
            for file in media:
                staging.write_bytes(output.media_folder(folder, rel) / file.name, _read(file))
            done.append((rel, target, len(media)))
    return done


def _read(file: MediaFile) -> bytes:
    try:
        return file.path.read_bytes()
    except OSError as exc:
        raise OutputError(f"{file.path}: error: cannot read: {exc.strerror or exc}") from None
