"""Domain errors. Library code raises them; the CLI decides how they look."""

from __future__ import annotations

from typing import IO, Any

import click

from .model import Diagnostic, Origin


class DeckbuilderError(click.ClickException):
    """Base of every error deckbuilder reports: one line, exit status 1, no traceback."""

    exit_code = 1

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True, file=file)


class SourceError(DeckbuilderError):
    """A source file cannot be read or makes no sense; names the file and line."""

    def __init__(self, where: Origin | str, message: str) -> None:
        self.origin = where if isinstance(where, Origin) else Origin.parse(where)
        """Where the problem is (line 0: the whole file)."""
        self.detail = message
        """The message without its place."""
        super().__init__(f"{self.origin}: error: {message}")

    def diagnostic(self) -> Diagnostic:
        """The error as a diagnostic, to be reported with the others."""
        return Diagnostic(self.origin, "error", self.detail)


class OutputError(DeckbuilderError):
    """A deck or state file cannot be written."""
