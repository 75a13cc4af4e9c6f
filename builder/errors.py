"""Domain errors. Library code raises them; the CLI decides how they look."""

from __future__ import annotations

from typing import IO, Any

import click

from .model import Origin


class DeckbuilderError(click.ClickException):
    """Base of every error deckbuilder reports: one line, exit status 1, no traceback."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True, file=file)


class SourceError(DeckbuilderError):
    """A source file cannot be read or makes no sense; names the file and line."""

    def __init__(self, where: Origin | str, message: str) -> None:
        self.where = where
        super().__init__(f"{where}: error: {message}")


class OutputError(DeckbuilderError):
    """A deck or state file cannot be written."""
