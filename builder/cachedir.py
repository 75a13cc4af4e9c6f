"""Where deckbuilder keeps what it can make again: the build cache, its stamps and the remote
images ``--fetch-images`` fetched (its own module, so the cache and the media it names both
reach it)."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["default_folder"]


def default_folder() -> Path:
    """Where the cache lives unless told otherwise."""
    if os.environ.get("DECKBUILDER_CACHE"):
        return Path(os.environ["DECKBUILDER_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "deckbuilder"
