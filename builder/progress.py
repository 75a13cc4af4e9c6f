"""Progress while several sources are read: a bar on a terminal, plain lines elsewhere."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from .callbacks import Progress
from .model.document import one_line

QUIET_SECONDS = 1.0
"""Off a terminal, a build quicker than this prints no progress lines at all."""


@contextmanager
def progress_reporter(force: bool = False) -> Iterator[Progress]:
    """A :data:`builder.build.Progress` callback writing to standard error.

    Nothing is shown for a single source. On a terminal a bar fills as sources are read. Off a
    terminal (CI logs, pipes) one line per source, ``[2/5] path``, once the build has taken
    :data:`QUIET_SECONDS` (``force``: from the first source), so that quick runs stay quiet.
    """
    bar: Any = None
    start = time.monotonic()

    def report(done: int, total: int, name: str) -> None:
        nonlocal bar
        if total < 2:
            return
        if not sys.stderr.isatty():
            if force or time.monotonic() - start >= QUIET_SECONDS:
                click.echo(f"[{done + 1}/{total}] {one_line(name)}", err=True)
            return
        if bar is None:
            bar = click.progressbar(length=total, label="reading sources", file=sys.stderr)
            bar.__enter__()
        bar.update(1 if done else 0, name)

    try:
        yield report
    finally:
        if bar is not None:
            bar.update(bar.length - bar.pos)
            bar.__exit__(None, None, None)
