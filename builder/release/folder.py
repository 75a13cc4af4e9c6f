"""A build's decks against the decks folder: each planned deck compared with its manifest (or,
when its title changed, the manifest of its old name), and the decks the folder holds that no
source gives any more."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from ..build import Plan
from ..errors import SourceError
from ..model import DeckPlan, Origin
from ..package import build_time
from ..sources import MANIFEST_SUFFIX
from .deck import Release, release
from .manifest import Manifest, load_manifest
from .paths import Listing, listing, manifest_path
from .retire import unowned


def releases(
    plan: Plan,
    out: Path,
    now: int | None = None,
    searched: Sequence[Path] | None = None,
    listed: Listing | None = None,
    kept: Collection[str] = (),
) -> list[Release]:
    """Compare every planned deck with its manifest in ``out``.

    A deck built from several sources must be built from all of them: a source its manifest
    names that still exists but was not read would otherwise have its notes removed.

    ``searched``: the folders the build searched, when it was given folders only. Then the
    decks of ``out`` that no planned deck owns are part of the build too: a retired deck as it
    is, and the final release of a deck whose sources are gone (see :mod:`.retire`).

    ``listed``: the folder's files, when the caller listed them already. ``kept``: the slugs of
    planned decks not to compare (see :mod:`.kept`); they still own their files.
    """
    when = build_time() if now is None else now
    rels = []
    planned = {deck.slug for deck in plan.decks}
    claimed: set[Path] = set()
    files = listing(out, listed)
    others = _Others(files, planned)
    for deck in plan.decks:
        if deck.slug in kept:
            continue
        path = manifest_path(out, deck)
        owned = load_manifest(path) if path in files else None
        previous = owned or _renamed(deck, others, claimed)
        read = {name for _, name in deck.files}
        roots = {root for root, _ in deck.files}
        for name in previous.sources if previous else ():
            unread = next((root / name for root in sorted(roots) if (root / name).is_file()), None)
            if name not in read and unread is not None:
                raise SourceError(
                    Origin(str(unread), 0),
                    f"deck “{deck.name}” is also built from this file, which this build did not read;"
                    " build all the deck's sources together",
                )
        rels.append(release(deck, previous, when))
    if searched is not None:
        rels += _unowned(out, others, claimed, searched, when)
    return rels


class _Others:
    """The manifests of the folder that no planned deck owns by name, each read at most once
    however many decks look for their old name among them."""

    def __init__(self, files: Listing, planned: set[str]) -> None:
        self.paths = [p for p in files.manifests if p.name[: -len(MANIFEST_SUFFIX)] not in planned]
        self._read: dict[Path, Manifest | None] = {}

    def manifest(self, path: Path) -> Manifest | None:
        if path not in self._read:
            self._read[path] = load_manifest(path)
        return self._read[path]


def _unowned(
    out: Path, others: _Others, claimed: set[Path], searched: Sequence[Path], now: int
) -> list[Release]:
    """The releases of the decks in ``out`` that no planned deck owns, by name or as renamed:
    retired ones as they are, and the final release of those whose sources are gone."""
    found = []
    for path in others.paths:
        if path in claimed:
            continue
        manifest = others.manifest(path)
        slug_ = path.name[: -len(MANIFEST_SUFFIX)]
        rel = unowned(manifest, slug_, searched, out, now) if manifest is not None else None
        if rel is not None:
            found.append(rel)
    return found


def _renamed(deck: DeckPlan, others: _Others, claimed: set[Path]) -> Manifest | None:
    """The manifest of this deck under its old name, when its title changed: a manifest no
    planned deck owns that names one of the deck's source files, or whose notes the deck
    mostly still teaches (a file renamed as well)."""
    files = {name for _, name in deck.files}
    teaches = {note.teaches for note in deck.notes}
    for path in others.paths:
        if path in claimed:
            continue
        other = others.manifest(path)
        if other is None:
            continue
        kept = sum(1 for state in other.notes if state.teaches in teaches)
        if files & set(other.sources) or (other.notes and kept * 2 >= len(other.notes)):
            claimed.add(path)
            return other
    return None
