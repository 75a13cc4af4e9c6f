"""A cache of what each source gave, so that a rebuild reads only what changed.

One entry per source file, in the user's cache folder (``$DECKBUILDER_CACHE``, else
``$XDG_CACHE_HOME/deckbuilder``, else ``~/.cache/deckbuilder``: never in the decks folder), keyed
by the file's content, the context it was read in (its folder, its ``decks.yaml`` group) and a
fingerprint of deckbuilder itself (its version and the text of its code), so a new deckbuilder
never trusts an old entry. An entry is used only if the images it shows still have the content
their names were made from.

Entries are JSON, plain data written and read field by field (:func:`result_data`,
:func:`result_from`), never pickles: whoever can write into the cache folder could otherwise
run code on the next build. The cache is best-effort: an entry that is missing, stale, of
another format, or not what deckbuilder writes is a miss (with a debug note), and one that
cannot be written is simply not kept. With ``strict`` (``DECKBUILDER_CACHE_STRICT=1``, which
the tests set) an entry that is not what deckbuilder writes is an error instead, so that a
bug in the format cannot hide as a miss.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import zlib
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from . import __version__
from .atomic import replace_file
from .cachedir import default_folder
from .depends import includes_files, packed_name_of
from .limits import read_bounded
from .model import SourceResult
from .sourceresults import BadEntry as BadEntry  # what an entry not of deckbuilder's making raises
from .sourceresults import result_data, result_from

CACHE_FORMAT = 3
"""The version of the entries' layout; an entry of another is a miss."""

STRICT_VARIABLE = "DECKBUILDER_CACHE_STRICT"
"""Set to ``1``: an entry that is not what deckbuilder writes is an error, not a miss."""

log = logging.getLogger(__name__)
T = TypeVar("T")


def strict_default() -> bool:
    """Whether bad entries are errors unless told otherwise (``$DECKBUILDER_CACHE_STRICT``)."""
    return os.environ.get(STRICT_VARIABLE) == "1"


_DEPENDENCIES = ("genanki", "markdown-it-py", "mdit-py-plugins", "pygments", "pyyaml")


@cache
def fingerprint() -> str:
    """deckbuilder's version, the text of its code and the versions of the libraries it uses
    (SQLite's and zlib's too, which write its packages)."""
    digest = hashlib.sha256(f"{__version__}:{CACHE_FORMAT}".encode())
    for dependency in _DEPENDENCIES:  # their output (HTML, CSS, packages) is part of ours
        try:
            digest.update(f"{dependency}={metadata.version(dependency)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{dependency}=?".encode())
    # A package is an SQLite database (its header names the SQLite version) in a zip archive.
    digest.update(f"sqlite={sqlite3.sqlite_version}\0zlib={zlib.ZLIB_RUNTIME_VERSION}".encode())
    package = Path(__file__).resolve().parent
    # Its code and the data that shapes its output (the words prompts are written with).
    for file in sorted([*package.rglob("*.py"), *package.rglob("locale/*.yaml")]):
        digest.update(file.relative_to(package).as_posix().encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


# --- Entries: versioned JSON ---------------------------------------------------------------


def write_entry(target: Path, data: dict[str, Any]) -> None:
    """Keep ``data`` at ``target`` with the format's version, at once (best-effort: not waited
    for on disk; an entry a power cut emptied is a miss)."""
    text = json.dumps({"format": CACHE_FORMAT, **data}, separators=(",", ":"))
    try:
        replace_file(target, text.encode("ascii"), sync=False)
    except OSError as exc:
        log.debug("cache: cannot write %s: %s", target, exc)


def read_entry(target: Path, strict: bool) -> dict[str, Any] | None:
    """The data kept at ``target``; None when there is none or it has another format.

    Raises :class:`BadEntry` when it is not what deckbuilder writes (unless it can be
    treated as a miss: then None, with a debug note); never runs anything it holds.
    """
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        _bad(target, exc, strict)
        return None
    return parse_entry(target, raw, strict)


def parse_entry(target: Path, raw: bytes, strict: bool) -> dict[str, Any] | None:
    """The data of an entry read from ``target`` (see :func:`read_entry`)."""
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise BadEntry("not a JSON object")
    except (ValueError, RecursionError) as exc:  # bad JSON or UTF-8, too deep, BadEntry
        _bad(target, exc, strict)
        return None
    if data.get("format") != CACHE_FORMAT:
        log.debug("cache: %s has another format: a miss", target)
        return None
    return data


def _bad(target: Path, problem: Exception, strict: bool) -> None:
    if strict and not isinstance(problem, OSError):
        raise BadEntry(f"cache entry {target}: {problem}") from problem
    log.debug("cache: %s cannot be used (%s): a miss", target, problem)


@dataclass(frozen=True)
class Entry:
    """A source's entry found under its key: where it is kept, the key, and its bytes."""

    target: Path
    key: str
    raw: bytes


# --- The cache ------------------------------------------------------------------------------


class Cache:
    """Source results kept in a folder, one JSON entry per source."""

    def __init__(self, folder: Path | None = None, strict: bool | None = None) -> None:
        self.folder = folder or default_folder()
        self.strict = strict_default() if strict is None else strict

    def _entry(self, shown: str) -> Path:
        where = f"{Path(shown).resolve()}\0{shown}"
        return self.folder / f"{hashlib.sha256(where.encode()).hexdigest()[:32]}.json"

    def key(self, path: Path, context: str) -> str | None:
        """What a source's entry is kept under: its content, context and deckbuilder's
        fingerprint; None if it cannot be read. Take it before reading the source, so that
        an edit saved meanwhile is never kept as read."""
        try:
            data = read_bounded(path)
        except OSError:
            return None
        if data is None or includes_files(data):  # too large (reading says so), or its cards
            return None  # depend on included files this key does not hash: read it again
        return hashlib.sha256(f"{fingerprint()}\0{context}\0".encode() + data).hexdigest()

    def get(self, shown: str, key: str | None, rewrite_drafts: bool = True) -> SourceResult | None:
        """The result kept for the source shown as ``shown`` under ``key``, else None (also
        when ``rewrite_drafts`` are asked for and its notes were kept without them)."""
        entry = self.entry(shown, key)
        return None if entry is None else self.result(entry, rewrite_drafts)

    def entry(self, shown: str, key: str | None) -> Entry | None:
        """The entry kept for the source shown as ``shown`` under ``key``, not yet taken
        apart (:meth:`result` does that); None when there is none under that key. An entry
        starts with its format and key (:meth:`put` writes them first): one under this key is
        known without parsing the rest, which waits for :meth:`result`."""
        if key is None:
            return None
        target = self._entry(shown)
        try:
            raw = target.read_bytes()
        except OSError:  # none yet, or unreadable: a miss
            return None
        if not raw.startswith(b'{"format":%d,"key":"%s"' % (CACHE_FORMAT, key.encode("ascii"))):
            data = parse_entry(target, raw, self.strict)  # written otherwise, or broken: told here
            if data is None or data.get("key") != key:
                return None
        return Entry(target, key, raw)

    def result(self, entry: Entry, rewrite_drafts: bool = True) -> SourceResult | None:
        """The result an entry holds, checked member by member; None when it cannot be used
        (also when ``rewrite_drafts`` are asked for and its notes were kept without them)."""
        data = parse_entry(entry.target, entry.raw, self.strict)
        if data is None or data.get("key") != entry.key:
            return None
        try:
            result = result_from(data.get("result"))
        except BadEntry as exc:
            _bad(entry.target, exc, self.strict)
            return None
        if not all(packed_name_of(file.path) == file.name for file in result.media):
            return None
        if rewrite_drafts and any(note.draft is None for note in result.notes):
            return None
        return result

    def put(self, shown: str, key: str | None, result: SourceResult) -> None:
        """Keep a result under ``key`` (from :meth:`key`, taken before the source was read)."""
        if key is not None:
            write_entry(self._entry(shown), {"key": key, "result": result_data(result)})
