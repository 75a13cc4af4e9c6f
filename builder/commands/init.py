"""``deckbuilder init``: a team's deck repository, and its first release."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("folder", metavar="[DIR]", default=".", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    """Start a team's deck repository in DIR (default: the current folder).

    Writes an example source into source/, a GitHub Actions workflow that checks every pull
    request and attaches the decks to every tag's release, a .gitignore and a README for the
    team, then builds the first release into decks/. FOLDER is created if missing; it must be
    empty otherwise (a .git folder aside): nothing is ever overwritten.

    Example: deckbuilder init study-decks
    """
    from .. import scaffold
    from ..cli import built
    from ..release.files import changelog_path, manifest_path
    from ..release.report import released

    refusal = "init writes only into an empty folder or a new one"
    if folder.exists() and not folder.is_dir():
        click.echo(f"deckbuilder: {folder} is a file; {refusal}", err=True)
        raise SystemExit(2)
    taken = scaffold.occupant(folder)
    if taken is not None:
        click.echo(f"deckbuilder: {folder} already has {taken}; {refusal}", err=True)
        raise SystemExit(2)
    for path in scaffold.write(folder):
        click.echo(f"wrote {path}")
    out = folder / scaffold.DECKS
    for rel, target, written in built((str(folder / scaffold.SOURCES),), out, goal="release").written:
        click.echo(released(rel, target, written))
        click.echo(f"wrote {manifest_path(out, rel.plan)}\nwrote {changelog_path(out, rel.plan)}")
    workflow = folder / scaffold.FILES[1][0]
    click.echo(
        f"next: set DECKBUILDER in {workflow} to where CI installs deckbuilder from, then commit it all"
    )
