"""``deckbuilder sync`` and ``deckbuilder pull``: their options, and which way into Anki they
choose."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import click

from .options import decks_option
from .output import say

F = TypeVar("F", bound=Callable[..., object])

DEFAULT_URL = "http://127.0.0.1:8765"


def anki_options(f: F) -> F:
    """--collection PATH and --anki-connect [URL]: the two ways into a learner's Anki."""
    f = click.option(
        "--anki-connect",
        "anki_connect",
        is_flag=False,
        flag_value=DEFAULT_URL,
        default=None,
        metavar="[URL]",
        help=f"A running Anki desktop through AnkiConnect (default URL {DEFAULT_URL}).",
    )(f)
    return click.option(
        "--collection",
        type=click.Path(dir_okay=False, path_type=Path),
        help="A collection file (collection.anki2 in an Anki profile folder), with Anki closed.",
    )(f)


@contextmanager
def into_anki(command: str, collection: Path | None, anki_connect: str | None) -> Iterator[None]:
    """Exactly one way into Anki, and every domain error as one line with exit status 1."""
    from ..errors import DeckbuilderError, SourceError

    if (collection is None) == (anki_connect is None):
        say(f"deckbuilder: {command} needs one of --collection PATH or --anki-connect [URL]", err=True)
        raise SystemExit(2)
    try:
        yield
    except SourceError as error:
        say(error.format_message(), err=True)
        raise SystemExit(1) from None
    except DeckbuilderError as error:
        say(f"deckbuilder: {error.format_message()}", err=True)
        raise SystemExit(1) from None


@click.command()
@decks_option("Decks folder whose current releases are synced.")
@anki_options
@click.option("--dry-run", is_flag=True, help="Print what would change; change nothing.")
@click.option(
    "--suspend-removed",
    is_flag=True,
    help="Suspend the notes removed from the source instead of deleting them.",
)
@click.option(
    "--deck",
    "chosen",
    multiple=True,
    metavar="NAME",
    help="Sync this deck (a name or a glob such as 'Rust*'; repeatable). Default: the decks the"
    " collection already holds (all of them on a first sync).",
)
@click.option(
    "--overwrite-edits",
    is_flag=True,
    help="Set notes you edited in Anki back to the release (with --collection, after a backup).",
)
@click.option(
    "--reset-decks",
    is_flag=True,
    help="Put every card back in the deck the release names, undoing your own deck layout.",
)
@click.option("--no-backup", is_flag=True, help="With --collection: take no backup first.")
@click.option(
    "--backup-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="With --collection: where the backup goes (default: backups/ beside the collection).",
)
def sync(
    decks: Path,
    collection: Path | None,
    anki_connect: str | None,
    dry_run: bool,
    suspend_removed: bool,
    chosen: tuple[str, ...],
    overwrite_edits: bool,
    reset_decks: bool,
    no_backup: bool,
    backup_dir: Path | None,
) -> None:
    r"""Bring a learner's Anki up to date with the current release of each deck.

    New notes are added, what the release changed is updated in place, notes removed from the
    source are deleted (or suspended). Your edits, your own tags, fields you added, and where
    you put the decks and cards stay yours; reviews and scheduling are untouched, and only
    deckbuilder's own notes are ever changed. A second sync changes nothing.

    Example: deckbuilder sync --collection ~/.local/share/Anki2/User\ 1/collection.anki2
    """
    from ..progress import progress_reporter
    from ..sync import Options

    echo = say
    options = Options(suspend=suspend_removed, overwrite=overwrite_edits, reset=reset_decks)
    with into_anki("sync", collection, anki_connect), progress_reporter() as progress:
        if collection is not None:
            from ..sync import sync_collection

            backups = None if no_backup else (backup_dir or collection.parent / "backups")
            sync_collection(
                decks,
                collection,
                echo,
                options=options,
                dry_run=dry_run,
                chosen=chosen,
                backups=backups,
                progress=progress,
            )
        else:
            from ..sync import sync_anki_connect

            assert anki_connect is not None
            sync_anki_connect(
                decks,
                anki_connect,
                echo,
                options=options,
                dry_run=dry_run,
                chosen=chosen,
                progress=progress,
            )


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@decks_option("Decks folder whose releases the learner's notes are compared with.")
@anki_options
def pull(paths: tuple[str, ...], decks: Path, collection: Path | None, anki_connect: str | None) -> None:
    """Bring the edits you made to notes in Anki back into the sources.

    Each edited note becomes a rewrite in its source's curation file (with ``was:``), so the
    next build releases your text. Notes the file curates already are left alone: pulling
    twice adds nothing. Nothing in Anki is changed.

    Example: deckbuilder pull source/ --collection ~/.local/share/Anki2/User\\ 1/collection.anki2
    """
    from ..sync import pull_edits

    with into_anki("pull", collection, anki_connect):
        done = pull_edits(list(paths) or ["source"], decks, say, collection=collection, url=anki_connect)
    say(f"{len(done)} edit{'s' if len(done) != 1 else ''} pulled" if done else "no edits to pull")
