"""A cache of what each source gave, so that a rebuild reads only what changed.

One entry per source file, in the user's cache folder (``$DECKBUILDER_CACHE``, else
``$XDG_CACHE_HOME/deckbuilder``, else ``~/.cache/deckbuilder``: never in the decks folder), keyed by the file's content, the context it
was read in (its folder, its ``decks.yaml`` group) and a fingerprint of deckbuilder itself (its
version and the text of its code), so a new deckbuilder never trusts an old entry. An entry is
used only if the images it shows still have the content their names were made from. The cache
is best-effort: an entry that cannot be read or written is simply not used. Entries are
pickles, written and read only by deckbuilder in the user's own cache folder.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from functools import cache
from importlib import metadata
from pathlib import Path

from . import __version__
from .model import MediaFile, SourceResult

CACHE_FORMAT = 1


def default_folder() -> Path:
    """Where the cache lives unless told otherwise."""
    if os.environ.get("DECKBUILDER_CACHE"):
        return Path(os.environ["DECKBUILDER_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "deckbuilder"


_DEPENDENCIES = ("genanki", "markdown-it-py", "mdit-py-plugins", "pygments", "pyyaml")


@cache
def fingerprint() -> str:
    """deckbuilder's version, the text of its code and the versions of the libraries it uses."""
    digest = hashlib.sha256(f"{__version__}:{CACHE_FORMAT}".encode())
    for dependency in _DEPENDENCIES:  # their output (HTML, CSS, packages) is part of ours
        try:
            digest.update(f"{dependency}={metadata.version(dependency)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dependency}=?".encode())
    package = Path(__file__).resolve().parent
    for file in sorted(package.rglob("*.py")):
        digest.update(file.relative_to(package).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


class Cache:
    """Source results kept in a folder, one pickle per source."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or default_folder()
        self._keys: dict[str, str] = {}

    def _entry(self, shown: str) -> Path:
        where = f"{Path(shown).resolve()}\0{shown}"
        return self.folder / f"{hashlib.sha256(where.encode()).hexdigest()[:32]}.pickle"

    def _key(self, path: Path, context: str) -> str | None:
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return hashlib.sha256(f"{fingerprint()}\0{context}\0".encode() + data).hexdigest()

    def get(self, path: Path, shown: str, context: str) -> SourceResult | None:
        """The cached result of a source that has not changed since, else None."""
        key = self._key(path, context)
        if key is None:
            return None
        self._keys[shown] = key
        try:
            with self._entry(shown).open("rb") as handle:
                stored_key, result = pickle.load(handle)
        except Exception:  # a missing, truncated or foreign entry is simply not used
            return None
        if stored_key != key or not isinstance(result, SourceResult):
            return None
        if not all(_unchanged(file) for file in result.media):
            return None
        return result

    def put(self, shown: str, result: SourceResult) -> None:
        """Keep a result under the key :meth:`get` saw for its source."""
        key = self._keys.get(shown)
        if key is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                pickle.dump((key, result), handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._entry(shown))
        except OSError:
            return


def _unchanged(file: MediaFile) -> bool:
    try:
        digest = hashlib.sha256(file.path.read_bytes()).hexdigest()[:20]
    except OSError:
        return False
    return file.name == f"{digest}{file.path.suffix.lower()}"
