"""Writing releases into the decks folder, all or nothing: each new version's package, manifest
and changelog, the packages it supersedes removed."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path

from ..atomic import Staging
from ..keys import slug
from .changelog import changelog
from .deck import Release
from .packaging import packages_of, remember
from .paths import Listing, apkg_path, changelog_path, listing, manifest_path


def write(
    rels: Sequence[Release],
    out: Path,
    rewrite: Collection[Path] = frozenset(),
    listed: Listing | None = None,
) -> list[tuple[Release, Path, bool]]:
    """Write what each release needs, all or nothing: (release, .apkg path, written?).

    A release with no change rewrites nothing; its ``.apkg`` is only written when missing or in
    ``rewrite`` (not the bytes its sources build, see :mod:`.verify`). A new version writes its
    ``.apkg``, manifest and changelog, and removes the deck's older ``.apkg``. ``listed``: the
    folder's files, when the caller listed them already (nothing was written since).
    """
    done = []
    present = listing(out, listed)
    for rel in rels:
        # Temporary files left by a build that was killed: never read, safe to drop.
        for stale in present.temporary(rel.plan.slug):
            stale.unlink(missing_ok=True)
    needed = [
        rel.bump is not None
        or (target := apkg_path(out, rel.plan, rel.version)) in rewrite
        or target not in present
        for rel in rels
    ]
    making = [rel for rel, need in zip(rels, needed, strict=True) if need]
    made = packages_of(making)
    packages = iter(made)
    with Staging() as staging:
        for rel, need in zip(rels, needed, strict=True):
            target = apkg_path(out, rel.plan, rel.version)
            if need:
                staging.write_bytes(target, next(packages).data)
            if rel.bump is not None:
                # Renamed in this order: the manifest, which records the release, comes last.
                staging.write_text(changelog_path(out, rel.plan), changelog(rel.manifest))
                staging.write_text(manifest_path(out, rel.plan), rel.manifest.to_json())
            elif rel.rekeyed:
                staging.write_text(manifest_path(out, rel.plan), rel.manifest.to_json())
            # Older versions of the deck go, also those a killed build left behind, and the
            # files of its old name when its title changed.
            for old in _superseded(rel, present, out):
                if old != target:
                    staging.remove(old)
            done.append((rel, target, need))
    remember(made)
    return done


def leftovers(rel: Release, out: Path, listed: Listing | None = None) -> list[Path]:
    """The other ``.apkg`` versions of a deck with no new version lying in ``out`` (a release
    would attach them with the others): the next build deletes them. ``listed``: the folder's
    files, when the caller listed them already (asking for every deck, list it once)."""
    if rel.bump is not None or not out.is_dir():
        return []
    target = apkg_path(out, rel.plan, rel.version)
    return [p for p in _superseded(rel, listing(out, listed), out) if p != target]


def _superseded(rel: Release, present: Listing, out: Path) -> list[Path]:
    """The files a release makes obsolete: the deck's other ``.apkg`` versions and, when the
    deck was renamed, every file of its old name."""
    found = list(present.versions(rel.plan.slug))
    if rel.previous is not None and rel.bump is not None:
        old = slug(rel.previous.deck, 80)
        if old != rel.plan.slug:
            found += present.versions(old)
            found += (p for p in (out / f"{old}.manifest.json", out / f"{old}.changelog.md") if p in present)
    return sorted(set(found))
