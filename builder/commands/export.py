"""``deckbuilder export``: every deck of a build written in one of the outputs
(:data:`builder.outputs.OUTPUTS`), without releasing anything."""

from __future__ import annotations

from pathlib import Path

import click

from ..outputs import OUTPUTS
from .options import decks_option, fetch_images_option, folder_option, sources_argument
from .output import say


class _OutputName(click.Choice):  # type: ignore[type-arg]
    """One of the outputs registered in :data:`builder.outputs.OUTPUTS` when the command runs
    (an output added to the registry is a choice at once)."""

    def __init__(self) -> None:
        super().__init__(sorted(OUTPUTS))

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> object:
        self.choices = tuple(sorted(OUTPUTS))
        return super().convert(value, param, ctx)


@click.command()
@sources_argument
@click.option(
    "--format",
    "format_name",
    type=_OutputName(),
    default="tsv",
    show_default=True,
    help="tsv: Anki's text-import format (one line per note: GUID, note type, deck, fields, tags),"
    " its images in <deck>.media/ beside it; apkg: the package a build writes.",
)
@folder_option(
    "--out",
    "export",
    "Folder the files are written to, one per deck: <deck>.tsv or <deck>.apkg.",
    dest="target",
)
@decks_option("Decks folder whose manifests give the notes their GUIDs and versions (never written).")
@fetch_images_option
def export(paths: tuple[str, ...], format_name: str, target: Path, decks: Path, fetch_images: bool) -> None:
    """Write each deck in another format, for another tool: nothing is released.

    The decks are built as build builds them (the same notes, GUIDs and versions, checked the
    same way; an error stops before anything is written) and each is written into --out as
    <deck-slug>.tsv or <deck-slug>.apkg. A TSV holds the current notes (not removed ones) in
    Anki's text-import format: a learner who has the deck's note types (from its .apkg) imports
    it with File > Import, and each note is matched by its GUID. Anki's text import brings no
    media: the deck's images are written to <deck-slug>.media/, to be copied into the
    collection's media folder.

    Example: deckbuilder export source/ --format tsv --out export/
    """
    from ..outputs import write
    from ..release.retire import retired
    from ..usecase import Request
    from .building import built

    if target.resolve() == decks.resolve():
        # A file there that no release owns would stop the next build (see release/verify.py).
        say(f"deckbuilder: --out {target} is the decks folder; export into another folder", err=True)
        raise SystemExit(2)
    result = built(paths, decks, Request(warn_lost=False, fetch_images=fetch_images))
    output = OUTPUTS[format_name]
    rels = [rel for rel in result.releases if not retired(rel)]
    for rel, path, media in write(rels, output, target):
        files = f"{media} media file" + ("s" if media != 1 else "")
        beside = f", {files} -> {output.media_folder(target, rel)}" if media else ""
        say(f"{rel.plan.name} {rel.version}: {len(rel.notes)} notes -> {path}{beside}")
