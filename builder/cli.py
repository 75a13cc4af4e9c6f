"""The command line: a thin layer over :mod:`builder.build`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from . import __version__
from .atomic import Staging
from .build import plan
from .model import DeckPlan
from .package import apkg_bytes, build_time

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_SOURCES = ("source",)


def sources_argument(func: F) -> F:
    """PATHS: source files or folders (default ``source/``)."""
    return click.argument("paths", nargs=-1, type=click.Path())(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="deckbuilder")
def main() -> None:
    """Turn structured Markdown study material into Anki decks of atomic cards."""


@main.command()
@sources_argument
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False),
    default="decks",
    show_default=True,
    help="Folder the .apkg files are written to.",
)
def build(paths: tuple[str, ...], out: str) -> None:
    """Build one .apkg deck per source document.

    Example: deckbuilder build source/ --out decks/
    """
    decks = plan(paths or DEFAULT_SOURCES)
    timestamp = build_time()
    for deck in decks:
        for diagnostic in deck.diagnostics:
            click.echo(str(diagnostic), err=True)
    written = []
    with Staging() as staging:
        for deck in decks:
            target = Path(out) / f"{deck.slug}.apkg"
            staging.write_bytes(
                target, apkg_bytes(deck.name, _description(deck), deck.notes, timestamp)
            )
            written.append((deck, target))
    for deck, target in written:
        click.echo(f"{deck.name}: {_summary(deck)} -> {target}")


@main.command()
@sources_argument
@click.option("--json", "as_json", is_flag=True, help="One JSON object per note, one per line.")
def cards(paths: tuple[str, ...], as_json: bool) -> None:
    """Show the cards the sources give, in deck order.

    Example: deckbuilder cards source/rust-web3-interview.md --json
    """
    for deck in plan(paths or DEFAULT_SOURCES):
        for note in deck.notes:
            if as_json:
                click.echo(json.dumps(note.as_json(), ensure_ascii=False))
            else:
                answer = note.answer.replace("\n", "\n    ")
                click.echo(f"[{note.kind}] {note.prompt}\n    {answer}")


def _summary(deck: DeckPlan) -> str:
    counts = ", ".join(f"{kind} {n}" for kind, n in deck.counts().items())
    return f"{len(deck.notes)} notes ({counts})"


def _description(deck: DeckPlan) -> str:
    return f"Built by deckbuilder from {', '.join(deck.sources)}."
