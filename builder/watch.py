"""``deckbuilder watch``: draft the decks on every save and say what a release would change.

Each save rebuilds the drafts (``build --draft``: an ``.apkg`` and a preview per deck in the
drafts folder); nothing in the decks folder changes, so a writing session of many saves ends in
one release, made by ``deckbuilder build``. A bad edit prints its problems and the watch goes on.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import watchfiles

from .cache import Cache
from .callbacks import Echo
from .config import DECKS_FILE
from .errors import DeckbuilderError
from .media import MEDIA_SUFFIXES
from .release.paths import DRAFTS
from .release.report import draft, dropped
from .sources import CARD_SUFFIXES, MARKDOWN_SUFFIXES
from .usecase import Request, run

STYLE_SUFFIX = ".css"
"""A deck's style, or a team note type's CSS: a save redrafts the decks as a source's does."""


def rebuild(paths: Sequence[str], out: Path, echo: Echo, drafts: Path = DRAFTS) -> bool:
    """One draft of every deck; reports problems, or what releasing it would change. True when
    it succeeded."""
    try:
        request = Request(goal="drafts", drafts=drafts)
        result = run(paths, out, request, cache=Cache(), warn=lambda d: echo(str(d)))
        if result.failed:
            echo("build stopped: fix the errors above; watching for the next change")
            return False
        for rel, target in result.drafts:
            for line in draft(rel, target):
                echo(line)
        for gone in result.dropped:
            echo(dropped(gone))
    except DeckbuilderError as error:
        echo(error.format_message())
        echo("build stopped; watching for the next change")
        return False
    except Exception as error:  # a bug must not end the watch; say what it was
        echo(f"internal error: {type(error).__name__}: {error}")
        echo("build stopped; watching for the next change")
        return False
    return True


def _watched(out: Path, drafts: Path, echo: Echo) -> Callable[[watchfiles.Change, str], bool]:
    """Which changes start a draft: sources, card files, ``decks.yaml`` and images, outside the
    decks and drafts folders. A path that is a loop of symbolic links is skipped, and said once."""
    decks, drafted = _resolved(out) or out.absolute(), _resolved(drafts) or drafts.absolute()
    said: set[str] = set()

    def keep(change: watchfiles.Change, path: str) -> bool:
        file = Path(path)
        if file.name.startswith("."):
            return False
        resolved = _resolved(file)
        if resolved is None:
            if path not in said:
                said.add(path)
                echo(_skipped(path))
            return False
        if resolved.is_relative_to(decks) or resolved.is_relative_to(drafted):
            return False
        return (
            file.suffix.lower() in (*MARKDOWN_SUFFIXES, *CARD_SUFFIXES)
            or file.name == DECKS_FILE
            or file.suffix.lower() in (*MEDIA_SUFFIXES, STYLE_SUFFIX)
        )

    return keep


def _resolved(path: Path) -> Path | None:
    """``path`` with its symbolic links followed; None when they loop."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # a loop: RuntimeError before Python 3.13, OSError after
        return None


def _skipped(path: str) -> str:
    return f"skipped {path}: a loop of symbolic links"


def loops(paths: Sequence[str]) -> list[str]:
    """Every symbolic link under ``paths`` that loops (to itself, or through others), sorted;
    the scan follows no link, so a link back to a parent folder does not make it go round."""
    found = []
    for given in paths:
        for folder, dirs, files in os.walk(given, followlinks=False):
            for name in (*dirs, *files):
                entry = os.path.join(folder, name)
                if os.path.islink(entry) and _loops(entry):
                    found.append(entry)
    return sorted(found)


def _loops(entry: str) -> bool:
    try:
        os.stat(entry)
    except OSError as error:
        return error.errno == errno.ELOOP
    return False


def watch(
    paths: Sequence[str],
    out: Path,
    echo: Echo,
    stop: threading.Event | None = None,
    drafts: Path = DRAFTS,
) -> None:
    """Draft once, then again after every change to a source, until ``stop`` is set. A loop of
    symbolic links in a watched folder is skipped, and said."""
    rebuild(paths, out, echo, drafts)
    keep = _watched(out, drafts, echo)
    for loop in loops(paths):
        keep(watchfiles.Change.added, loop)
    echo(f"watching {', '.join(paths)}; drafts in {drafts}, nothing released (Ctrl-C to stop)")
    for changes in watchfiles.watch(
        *paths, watch_filter=keep, stop_event=stop, rust_timeout=500, yield_on_timeout=False
    ):
        names = sorted({Path(p).name for _, p in changes})
        echo(f"changed: {', '.join(names)}")
        rebuild(paths, out, echo, drafts)
