"""``deckbuilder init``: a team's deck repository, and its first release."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import click

from .output import say

REFUSAL = "init writes only into an empty folder or a new one"


@click.command()
@click.argument("folder", metavar="[DIR]", default=".", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    """Start a team's deck repository in DIR (default: the current folder).

    Writes an example source into source/, a GitHub Actions workflow (it checks every pull
    request, releases main into decks/ and attaches the decks to every tag's release), a
    .gitignore and a README for the team, then builds the first release into decks/. FOLDER is created if missing; it must be
    empty otherwise (a .git folder aside): nothing is ever overwritten.

    Example: deckbuilder init study-decks
    """
    from .. import scaffold
    from ..release.paths import changelog_path, manifest_path
    from ..release.report import released
    from ..usecase import Request
    from .building import built

    odd = refused(folder)
    if odd is None:
        taken = scaffold.occupant(folder)
        odd = None if taken is None else f"{folder} already has {taken}"
    if odd is not None:
        say(f"deckbuilder: {odd}; {REFUSAL}", err=True)
        raise SystemExit(2)
    try:
        written = scaffold.write(folder)
    except OSError as error:
        where = error.filename or folder
        say(f"deckbuilder: cannot write {where}: {error.strerror or error}; init stopped there", err=True)
        raise SystemExit(1) from None
    for path in written:
        say(f"wrote {path}")
    out = folder / scaffold.DECKS
    for rel, target, written_now in built(
        (str(folder / scaffold.SOURCES),), out, Request(goal="release")
    ).written:
        say(released(rel, target, written_now))
        say(f"wrote {manifest_path(out, rel.plan)}")
        say(f"wrote {changelog_path(out, rel.plan)}")
    workflow = folder / scaffold.FILES[1][0]
    say(f"next: set DECKBUILDER in {workflow} to where CI installs deckbuilder from, then commit it all")


def refused(folder: Path) -> str | None:
    """Why ``folder`` cannot be made a repository, from what stands at its nearest existing
    part: a file, a symbolic link to nothing or a loop of links (in ``folder`` or above it), a
    folder init may not write into; None when init may go on."""
    nearest = next((p for p in (folder, *folder.parents) if os.path.lexists(p)), None)
    if nearest is None:
        return None
    named = f"{folder}" if nearest == folder else f"{folder} is under {nearest}, which"
    if nearest.is_symlink() and not nearest.exists():
        try:
            os.stat(nearest)
        except OSError as error:
            if error.errno == errno.ELOOP:
                return f"{named} is a loop of symbolic links"
        return f"{named} is a symbolic link to {os.readlink(nearest)}, which does not exist"
    if not nearest.is_dir():
        return f"{named} is a file"
    if not os.access(nearest, os.W_OK | os.X_OK):
        return f"{named} is a folder deckbuilder may not write into"
    return None
