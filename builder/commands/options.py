"""Options shared by the commands: source paths, and the folders they read and write."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .output import say

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_SOURCES = ("source",)


def sources_argument(func: F) -> F:
    """PATHS: source files or folders (default ``source/``), each checked to exist before the
    command starts (see :func:`existing_paths`)."""
    # deckbuilder checks the paths itself, so that every problem is one line naming the file.
    return click.argument("paths", nargs=-1, type=click.Path(readable=False), callback=existing_paths)(func)


def existing_paths(ctx: click.Context, _param: click.Parameter, paths: tuple[str, ...]) -> tuple[str, ...]:
    """Stop (exit 2) with one line on standard error when a path, or the default ``source``
    when none is given, does not exist: before the command does any work."""
    for raw in paths or DEFAULT_SOURCES:
        if not Path(raw).exists():
            say(f"deckbuilder: no such file or folder: {raw}", err=True)
            ctx.exit(2)
    return paths


def folder_option(flag: str, default: str, help: str, dest: str | None = None) -> Callable[[F], F]:
    """An option naming a folder, with its default shown in --help."""
    return click.option(
        flag,
        dest or flag.lstrip("-"),
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help,
    )


out_option = folder_option(
    "--out", "decks", "Decks folder: the .apkg files and each deck's manifest and changelog."
)
"""--out: the decks folder, where the .apkg files and each deck's manifest live."""

drafts_option = folder_option(
    "--drafts", "drafts", "Drafts folder: <deck>-draft.apkg and <deck>.preview.html, never released."
)
"""--drafts: where drafts go (``build --draft``, ``watch``)."""


def decks_option(help: str) -> Callable[[F], F]:
    """--decks: the decks folder a command reads (``preview``, ``export``, ``sync``, ``pull``),
    given as ``decks``."""
    return folder_option("--decks", "decks", help, dest="decks")


def fetch_images_option(func: F) -> F:
    """--fetch-images: remote images are fetched and packed, not shown as their alt text."""
    return click.option(
        "--fetch-images",
        is_flag=True,
        help="Fetch remote (http/https) images and pack them into the deck like local ones"
        " (as fetch_images: true in decks.yaml does); one that cannot be fetched is a warning"
        " and its card shows its alt text.",
    )(func)
