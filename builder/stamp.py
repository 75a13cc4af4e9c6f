"""The shortcut for a build with nothing to do.

After a build that succeeded, a stamp records a hash of everything the build depended on: the
sources found (their paths, text and context), the images they show, every ``decks.yaml``
around them, the decks folder's file names and manifests, and deckbuilder's own fingerprint;
with it, the report a build of that state prints. When the next build finds the same hash, it
prints that report and stops: nothing is parsed, compared or written again.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import cache
from .config import DECKS_FILE


@dataclass(frozen=True)
class Stamp:
    """What a finished build left for the next one to compare with."""

    digest: str
    """The hash of the build's inputs and of the decks folder it left."""
    media: tuple[Path, ...]
    """The images the sources showed (their content is part of the digest)."""
    errors: tuple[str, ...]
    """Lines the build printed on standard error (warnings)."""
    output: tuple[str, ...]
    """Lines a build of this state prints on standard output."""


def digest(sources: Sequence[tuple[Path, str]], media: Sequence[Path], out: Path) -> str | None:
    """The hash of a build's inputs and of the decks folder; None if anything cannot be read.

    ``sources``: each source file with the context it is read in.
    """
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
        for image in media:
            h.update(f"\0media\0{image}\0".encode() + image.read_bytes())
        for entry in sorted(out.iterdir()) if out.is_dir() else ():
            h.update(f"\0out\0{entry.name}\0".encode())
            if entry.name.endswith(".manifest.json"):
                h.update(entry.read_bytes())
    except OSError:
        return None
    return h.hexdigest()


def _place(paths: Sequence[str], out: Path) -> Path:
    key = f"{Path.cwd()}\0{out.resolve()}\0" + "\0".join(paths)
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
        tmp = target.with_suffix(".tmp")
        with tmp.open("wb") as handle:
            pickle.dump(stamp, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(target)
    except OSError:
        return
