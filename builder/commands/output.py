"""Where every message leaves deckbuilder: one line each, escaped for the terminal.

Keys, paths, deck names and any text from sources, manifests or curation files reach messages
as they were written. A control character in them (an escape sequence that retitles a terminal,
a carriage return that overwrites a CI log line, a newline that forges a second message, a bidi
override) is written here as its visible escape (:func:`builder.model.one_line`), so no message
can rewrite another. Producers need not escape: every line goes out through :func:`say`, and
every error through :class:`Escaping`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import click

from ..controls import C1, DEL, REORDERING
from ..model import one_line

T = TypeVar("T")

_JSON_UNSAFE = re.compile(f"[{DEL}{C1}{REORDERING}]")
"""What ``json.dumps`` leaves raw that a terminal would act on (it escapes the C0 controls)."""


def say(message: str, err: bool = False) -> None:
    """Print ``message`` as one line that cannot be rewritten (on standard error with ``err``)."""
    click.echo(one_line(message), err=err)


def say_lines(lines: Iterable[str], err: bool = False) -> None:
    """Print each of ``lines`` as :func:`say` does."""
    for line in lines:
        say(line, err)


def json_line(data: Any) -> str:
    """``data`` as one line of JSON, with every character a terminal would act on written as a
    ``\\uXXXX`` escape (``json.dumps`` leaves C1 controls and bidi overrides as they are): the
    line reads back as the same data."""
    text = json.dumps(data, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def escaped(error: click.ClickException) -> click.ClickException:
    """``error`` with its message on one line that cannot be rewritten."""
    # click types ``message`` Final; it is read only when the error is shown, just after this.
    setattr(error, "message", one_line(error.message))  # noqa: B010
    return error


class Escaping(click.Group):
    """A command group whose errors (a deckbuilder error, a bad option or argument) are shown
    with their message escaped as :func:`say` escapes a line."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        return _escaping(lambda: super(Escaping, self).make_context(info_name, args, parent, **extra))

    def invoke(self, ctx: click.Context) -> Any:
        return _escaping(lambda: super(Escaping, self).invoke(ctx))


def _escaping(call: Callable[[], T]) -> T:
    try:
        return call()
    except click.ClickException as error:
        escaped(error)
        raise
