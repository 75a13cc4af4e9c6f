"""``deckbuilder watch``: draft the decks on every save and say what a release would change.

Each save rebuilds the drafts (``build --draft``: an ``.apkg`` and a preview per deck in the
drafts folder); nothing in the decks folder changes, so a writing session of many saves ends in
one release, made by ``deckbuilder build``. A bad edit prints its problems and the watch goes on.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import watchfiles

from .cache import Cache
from .config import DECKS_FILE
from .errors import DeckbuilderError
from .media import IMAGE_SUFFIXES
from .release.files import DRAFTS
from .release.report import draft
from .sources import CARD_SUFFIXES, MARKDOWN_SUFFIXES
from .usecase import run

Echo = Callable[[str], None]


def rebuild(paths: Sequence[str], out: Path, echo: Echo, drafts: Path = DRAFTS) -> bool:
    """One draft of every deck; reports problems, or what releasing it would change. True when
    it succeeded."""
    try:
        result = run(paths, out, goal="drafts", drafts=drafts, cache=Cache(), warn=lambda d: echo(str(d)))
        if result.failed:
            echo("build stopped: fix the errors above; watching for the next change")
            return False
        for rel, target in result.drafts:
            for line in draft(rel, target):
                echo(line)
    except DeckbuilderError as error:
        echo(error.format_message())
        echo("build stopped; watching for the next change")
        return False
    except Exception as error:  # a bug must not end the watch; say what it was
        echo(f"internal error: {type(error).__name__}: {error}")
        echo("build stopped; watching for the next change")
        return False
    return True


def _watched(out: Path, drafts: Path) -> Callable[[watchfiles.Change, str], bool]:
    decks, drafted = out.resolve(), drafts.resolve()

    def keep(change: watchfiles.Change, path: str) -> bool:
        file = Path(path)
        if (
            file.name.startswith(".")
            or file.resolve().is_relative_to(decks)
            or file.resolve().is_relative_to(drafted)
        ):
            return False
        return (
            file.suffix.lower() in (*MARKDOWN_SUFFIXES, *CARD_SUFFIXES)
            or file.name == DECKS_FILE
            or file.suffix.lower() in IMAGE_SUFFIXES
        )

    return keep


def watch(
    paths: Sequence[str],
    out: Path,
    echo: Echo,
    stop: threading.Event | None = None,
    drafts: Path = DRAFTS,
) -> None:
    """Draft once, then again after every change to a source, until ``stop`` is set."""
    rebuild(paths, out, echo, drafts)
    echo(f"watching {', '.join(paths)}; drafts in {drafts}, nothing released (Ctrl-C to stop)")
    for changes in watchfiles.watch(
        *paths, watch_filter=_watched(out, drafts), stop_event=stop, rust_timeout=500, yield_on_timeout=False
    ):
        names = sorted({Path(p).name for _, p in changes})
        echo(f"changed: {', '.join(names)}")
        rebuild(paths, out, echo, drafts)
