"""The shortcut for a build with nothing to do.

After a build that succeeded, a stamp records what the build depended on: a hash of the
sources (paths, text, context), the ``decks.yaml`` around them and deckbuilder's fingerprint,
taken before the build read them (so an edit saved during the build is never taken for
built); the images, with the content-hash names they were packed under; and a hash of the
decks folder it left (every file's name and bytes: a package or manifest changed in place after
the build is never taken for the one it wrote). With it goes the report a build of that
state prints. When the next build finds all of it unchanged, it prints that report and stops:
nothing is parsed, compared or written again.

Stamps are kept beside the cache's entries and like them as versioned JSON, never pickles (see
:mod:`builder.cache`); a stamp that cannot be used means no shortcut.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import cache, shapes
from .cache import BadEntry
from .cachedir import default_folder
from .config import DECKS_FILE
from .depends import includes_files, packed_name_of
from .limits import read_bounded
from .model import Diagnostic, Origin


@dataclass(frozen=True)
class Unchanged:
    """A released deck as a build of the same sources finds it: unchanged. What the no-change
    shortcut keeps, to say it again the way a build does
    (:func:`builder.release.report.unchanged_line`)."""

    deck: str
    version: str
    target: str
    """Its ``.apkg``."""
    counts: tuple[tuple[str, int], ...] = ()
    """Its notes by kind, in the catalogue's order."""
    retired: bool = False
    """Its sources are gone: every note removed."""


@dataclass(frozen=True)
class Stamp:
    """What a finished build left for the next one to compare with."""

    inputs: str
    """:func:`inputs` as they were before the build read them."""
    media: tuple[tuple[Path, str], ...]
    """The images the sources showed, with the content-hash name they were packed under, and
    the files the decks' note types were read from (styles, a team's note types), with the
    content-hash name of what was read."""
    decks: str
    """:func:`decks` as the build left the folder."""
    warnings: tuple[Diagnostic, ...]
    """What the build warned of (its sources' warnings and lint's), printed again."""
    unchanged: tuple[Unchanged, ...]
    """Each deck as a build of this state finds it, said again."""

    def holds(self, sources: Sequence[tuple[Path, str]], out: Path) -> bool:
        """True when nothing the build depended on has changed since."""
        return (
            inputs(sources) == self.inputs
            and all(packed_name_of(path) == name for path, name in self.media)
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
            data = read_bounded(path)
            if data is None or includes_files(data):  # too large (a build says so), or it
                return None  # includes files this hash does not cover: build it again
            h.update(data)
            folders.update(path.resolve().parents)
        for folder in sorted(folders):
            config = folder / DECKS_FILE
            if config.is_file():
                data = read_bounded(config)
                if data is None:
                    return None
                h.update(f"\0config\0{config}\0".encode() + data)
    except OSError:
        return None
    return h.hexdigest()


def decks(out: Path) -> str | None:
    """The hash of the decks folder: every file's name and bytes. A file edited in place (a
    script put into a package's templates) changes it, so the shortcut never keeps a package
    that is not the one the build left; the next build then checks it against its sources."""
    h = hashlib.sha256()
    try:
        for entry in sorted(out.iterdir()) if out.is_dir() else ():
            h.update(f"\0{entry.name}\0".encode())
            if entry.is_file():
                h.update(_file_hash(entry))
    except OSError:
        return None
    return h.hexdigest()


MEMO_SIZE = 50_000
"""How many entries each memo of :class:`_Memo` keeps; the oldest are forgotten first."""


class _Memo:
    """A mapping of strings this deckbuilder remembers in the cache folder, at most
    :data:`MEMO_SIZE` entries, the oldest forgotten first (best-effort, like the cache).

    Like the cache (:func:`builder.cache.read_entry`), plain data read field by field: a file
    that is not what deckbuilder writes is ignored, or raises :class:`BadEntry` when strict."""

    def __init__(self, name: str, member: str) -> None:
        self.name, self.member = name, member

    def _place(self) -> Path:
        return default_folder() / f"{self.name}-{cache.fingerprint()}.json"

    def read(self) -> dict[str, str]:
        strict = cache.strict_default()
        data = cache.read_entry(self._place(), strict)
        if data is None:
            return {}
        found = data.get(self.member)
        if isinstance(found, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in found.items()
        ):
            return found
        if strict:
            raise BadEntry(f"“{self.member}” is not a mapping of strings")
        cache.log.debug("%s cannot be used: nothing is taken from it", self._place())
        return {}

    def add(self, found: dict[str, str]) -> None:
        if not found:
            return
        try:
            known = self.read()
        except BadEntry:
            known = {}
        older = [(k, v) for k, v in known.items() if k not in found]
        room = MEMO_SIZE - len(found)
        kept = dict(older[-room:]) if room > 0 else {}
        cache.write_entry(self._place(), {self.member: {**kept, **found}})


_PACKAGES = _Memo("packages", "packages")
_VERIFIED = _Memo("verified", "decks")
_KEPT = _Memo("kept", "decks")


def known_packages() -> dict[str, str]:
    """The packages this deckbuilder made: by :func:`builder.package.apkg_digest` of what each
    was made from, the SHA-256 of its bytes. A committed package whose bytes have the hash its
    inputs made is what its sources build, without making it again (see
    :mod:`builder.release.verify`); anything this file cannot vouch for is made again."""
    return _PACKAGES.read()


def remember_packages(made: dict[str, str]) -> None:
    """Add packages just made (digest of their inputs: SHA-256 of their bytes) to
    :func:`known_packages`."""
    _PACKAGES.add(made)


def verified_decks() -> set[str]:
    """The decks this deckbuilder checked and found to be what their sources build, each by a
    digest of everything the check compared (see :func:`builder.release.verify.check`): the
    same digest, the same outcome, without making the deck's manifest and package again."""
    return set(_VERIFIED.read())


def remember_verified(digests: Sequence[str]) -> None:
    """Add decks just checked and found right to :func:`verified_decks`."""
    _VERIFIED.add(dict.fromkeys(digests, ""))


def kept_decks() -> set[str]:
    """The decks this deckbuilder released, or compared and found unchanged, each by a digest of
    all its release depends on (see :mod:`builder.release.kept`): the same digest, the same
    deck, unchanged, without comparing it again."""
    return set(_KEPT.read())


def remember_kept(digests: Sequence[str]) -> None:
    """Add decks just released or found unchanged to :func:`kept_decks`."""
    _KEPT.add(dict.fromkeys(digests, ""))


def file_hash(path: Path) -> str:
    """The SHA-256 of a file, in hex."""
    return _file_hash(path).hex()


def _file_hash(path: Path) -> bytes:
    """The SHA-256 of a file, read in blocks (a package with images may be large)."""
    h = hashlib.sha256()
    with path.open("rb") as file:
        while block := file.read(1 << 20):
            h.update(block)
    return h.digest()


def _place(paths: Sequence[str], out: Path) -> Path:
    """Where the stamp of a build with these arguments, by this deckbuilder, is kept."""
    key = f"{cache.fingerprint()}\0{Path.cwd()}\0{out.resolve()}\0" + "\0".join(paths)
    return default_folder() / f"stamp-{hashlib.sha256(key.encode()).hexdigest()[:32]}.json"


def load(paths: Sequence[str], out: Path, strict: bool | None = None) -> Stamp | None:
    """The stamp the last successful build with these arguments left, if any.

    ``strict`` (default: :func:`builder.cache.strict_default`): a stamp that is not what
    deckbuilder writes raises :class:`builder.cache.BadEntry` instead of being ignored.
    """
    strict = cache.strict_default() if strict is None else strict
    data = cache.read_entry(_place(paths, out), strict)
    if data is None:
        return None
    try:
        return stamp_from(data)
    except BadEntry as exc:
        if strict:
            raise
        cache.log.debug("stamp cannot be used (%s): no shortcut", exc)
        return None


def save(paths: Sequence[str], out: Path, stamp: Stamp) -> None:
    """Keep the stamp of a successful build (best-effort, like the cache)."""
    cache.write_entry(_place(paths, out), stamp_data(stamp))


def stamp_data(stamp: Stamp) -> dict[str, Any]:
    """A stamp as plain data (:func:`stamp_from` reads it back)."""
    return {
        "inputs": stamp.inputs,
        "media": [[str(path), name] for path, name in stamp.media],
        "decks": stamp.decks,
        "warnings": [[d.origin.path, d.origin.line, d.message] for d in stamp.warnings],
        "unchanged": [
            {
                "deck": u.deck,
                "version": u.version,
                "target": u.target,
                "counts": [[kind, n] for kind, n in u.counts],
                "retired": u.retired,
            }
            for u in stamp.unchanged
        ],
    }


def stamp_from(data: dict[str, Any]) -> Stamp:
    """The stamp :func:`stamp_data` gave; :class:`builder.cache.BadEntry` if it is not one."""
    media = shapes.members(data, "media", shapes.pair)
    warnings = shapes.members(data, "warnings", _warning)
    unchanged = shapes.members(data, "unchanged", _unchanged)
    inputs, decks = shapes.member(data, "inputs", str), shapes.member(data, "decks", str)
    return Stamp(inputs, tuple((Path(p), n) for p, n in media), decks, warnings, unchanged)


def _warning(value: Any) -> Diagnostic:
    path, line, message = shapes.row(value, 3, "a warning [path, line, message]")
    return Diagnostic(
        Origin(shapes.text(path), shapes.number(line, "a warning's line")), "warning", shapes.text(message)
    )


def _unchanged(value: Any) -> Unchanged:
    counts = shapes.members(value, "counts", _count)
    return Unchanged(
        shapes.member(value, "deck", str),
        shapes.member(value, "version", str),
        shapes.member(value, "target", str),
        counts,
        shapes.member(value, "retired", bool),
    )


def _count(value: Any) -> tuple[str, int]:
    kind, count = shapes.row(value, 2, "a count [kind, number]")
    return shapes.text(kind), shapes.number(count, "a count")
