"""The shortcut for a build with nothing to do.

After a build that succeeded, a stamp records what the build depended on: a hash of the
sources (paths, text, context), the ``decks.yaml`` around them and deckbuilder's fingerprint,
taken before the build read them (so an edit saved during the build is never taken for
built); the images, with the content-hash names they were packed under; and a hash of the
decks folder it left (file names and manifests). With it goes the report a build of that
state prints. When the next build finds all of it unchanged, it prints that report and stops:
nothing is parsed, compared or written again.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .config import DECKS_FILE


@dataclass(frozen=True)
class Stamp:
    """What a finished build left for the next one to compare with."""

    inputs: str
    """:func:`inputs` as they were before the build read them."""
    media: tuple[tuple[Path, str], ...]
    """The images the sources showed, with the content-hash name they were packed under."""
    decks: str
    """:func:`decks` as the build left the folder."""
    errors: tuple[str, ...]
    """Lines the build printed on standard error (warnings)."""
    output: tuple[str, ...]
    """Lines a build of this state prints on standard output."""

    def holds(self, sources: Sequence[tuple[Path, str]], out: Path) -> bool:
        """True when nothing the build depended on has changed since."""
        return (
            inputs(sources) == self.inputs
            and all(_packed_name(path) == name for path, name in self.media)
            and decks(out) == self.decks
        )


def inputs(sources: Sequence[tuple[Path, str]]) -> str | None:
    """The hash of the sources (paths, contexts, text), the ``decks.yaml`` around them and
    deckbuilder's fingerprint; None if a file cannot be read."""
    h = hashlib.sha256(cache.fingerprint().encode())
    try:
        folders: set[Path] = set()
        for path, context in sources:
            h.update(f"\0source\0{path}\0{context}\0".encode())
            h.update(path.read_bytes())
            folders.update(path.resolve().parents)
        for folder in sorted(folders):
            config = folder / DECKS_FILE
            if config.is_file():
                h.update(f"\0config\0{config}\0".encode() + config.read_bytes())
    except OSError:
        return None
    return h.hexdigest()


def decks(out: Path) -> str | None:
    """The hash of the decks folder: its file names and manifests."""
    h = hashlib.sha256()
    try:
        for entry in sorted(out.iterdir()) if out.is_dir() else ():
            h.update(f"\0{entry.name}\0".encode())
            if entry.name.endswith(".manifest.json"):
                h.update(entry.read_bytes())
    except OSError:
        return None
    return h.hexdigest()


def _packed_name(path: Path) -> str | None:
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
    except OSError:
        return None
    return f"{digest}{path.suffix.lower()}"


def _place(paths: Sequence[str], out: Path) -> Path:
    """Where the stamp of a build with these arguments, by this deckbuilder, is kept."""
    key = f"{cache.fingerprint()}\0{Path.cwd()}\0{out.resolve()}\0" + "\0".join(paths)
    return cache.default_folder() / f"stamp-{hashlib.sha256(key.encode()).hexdigest()[:32]}.pickle"


def load(paths: Sequence[str], out: Path) -> Stamp | None:
    """The stamp the last successful build with these arguments left, if any."""
    try:
        with _place(paths, out).open("rb") as handle:
            stamp = pickle.load(handle)
    except Exception:  # none yet, or unreadable: no shortcut
        return None
    return stamp if isinstance(stamp, Stamp) else None


def save(paths: Sequence[str], out: Path, stamp: Stamp) -> None:
    """Keep the stamp of a successful build (best-effort, like the cache)."""
    target = _place(paths, out)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(stamp, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, target)
    except OSError:
        return
