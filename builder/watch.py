"""``deckbuilder watch``: rebuild on every save and say what changed.

A bad edit prints its problems and the watch goes on; the decks on disk stay as the last good
build left them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import watchfiles

from . import deep
from .build import plan, releases, write
from .cache import Cache
from .config import DECKS_FILE
from .errors import DeckbuilderError
from .media import IMAGE_SUFFIXES
from .sources import CARD_SUFFIXES, MARKDOWN_SUFFIXES
from .version import Release

Echo = Callable[[str], None]


def rebuild(paths: Sequence[str], out: Path, echo: Echo) -> bool:
    """One build; reports problems or what changed. True when it succeeded."""
    try:
        planned = deep.run(lambda: plan(paths, cache=Cache(), out=out))
        for diagnostic in planned.diagnostics:
            echo(str(diagnostic))
        if planned.errors:
            echo("build stopped: fix the errors above; watching for the next change")
            return False
        rels = releases(planned, out)
        for rel, target, _ in write(rels, out):
            echo(describe(rel, target))
    except DeckbuilderError as error:
        echo(error.format_message())
        echo("build stopped; watching for the next change")
        return False
    except Exception as error:  # a bug must not end the watch; say what it was
        echo(f"internal error: {type(error).__name__}: {error}")
        echo("build stopped; watching for the next change")
        return False
    return True


def describe(rel: Release, target: Path) -> str:
    """What a build did to one deck, with the prompts added (+), changed (~), removed (-)."""
    if rel.bump is None:
        return f"{rel.plan.name}: {rel.version}, no change"
    if rel.previous is None:
        return f"{rel.plan.name}: {rel.version}, first release, {len(rel.plan.notes)} notes -> {target}"
    lines = [f"{rel.plan.name}: {rel.previous.version} -> {rel.version} ({rel.bump}) -> {target}"]
    lines += [f"  + {n.prompt}" for n in rel.added]
    lines += [f"  ~ {n.prompt}" for n in rel.changed]
    lines += [f"  - {t.prompt}" for t in rel.removed]
    return "\n".join(lines)


def _watched(out: Path) -> Callable[[watchfiles.Change, str], bool]:
    decks = out.resolve()

    def keep(change: watchfiles.Change, path: str) -> bool:
        file = Path(path)
        if file.name.startswith(".") or file.resolve().is_relative_to(decks):
            return False
        return (
            file.suffix.lower() in (*MARKDOWN_SUFFIXES, *CARD_SUFFIXES)
            or file.name == DECKS_FILE
            or file.suffix.lower() in IMAGE_SUFFIXES
        )

    return keep


def watch(paths: Sequence[str], out: Path, echo: Echo, stop: threading.Event | None = None) -> None:
    """Build once, then again after every change to a source, until ``stop`` is set."""
    rebuild(paths, out, echo)
    echo(f"watching {', '.join(paths)} (Ctrl-C to stop)")
    for changes in watchfiles.watch(
        *paths, watch_filter=_watched(out), stop_event=stop, rust_timeout=500, yield_on_timeout=False
    ):
        names = sorted({Path(p).name for _, p in changes})
        echo(f"changed: {', '.join(names)}")
        rebuild(paths, out, echo)
