"""A deck's files in the decks folder and the drafts folder: reading the manifests a build is
compared with, and writing packages, manifests and changelogs, all or nothing."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

from ..atomic import Staging
from ..build import PARALLEL_FROM, Plan, worker_pool
from ..errors import SourceError
from ..keys import slug
from ..markup import HTML
from ..model import DeckPlan, MediaFile, Note, NoteType, Origin
from ..package import apkg_bytes, apkg_digest, build_time
from ..stamp import remember_packages
from .changelog import changelog
from .deck import Release, release
from .manifest import Manifest, load_manifest
from .retire import unowned

DRAFTS = Path("drafts")
"""Where drafts go unless told otherwise."""

MANIFEST_SUFFIX = ".manifest.json"


class Listing:
    """The files of a decks folder, listed once: a build looks each deck's files up here
    rather than listing the folder again for every deck (which costs decks × files)."""

    def __init__(self, out: Path) -> None:
        self.folder = out
        self.paths: tuple[Path, ...] = tuple(sorted(out.iterdir())) if out.is_dir() else ()
        """Every entry of the folder, sorted."""
        self.names = frozenset(p.name for p in self.paths)
        self.manifests = tuple(p for p in self.paths if p.name.endswith(MANIFEST_SUFFIX))
        """The manifests, sorted (as ``out.glob("*.manifest.json")`` finds them)."""
        self.packages = tuple(p for p in self.paths if p.name.endswith(".apkg"))
        """Every ``.apkg``, sorted."""
        self._versions: dict[str, list[Path]] = {}
        self._temporary: dict[str, list[Path]] = {}
        for path in self.paths:
            name = path.name
            if name.endswith(".apkg"):
                deck, _, version = name[: -len(".apkg")].rpartition("-")
                if _is_version(version):
                    self._versions.setdefault(deck, []).append(path)
            if name.startswith(".") and name.endswith(".tmp"):
                # ``.<slug>-…tmp`` or ``.<slug>.…tmp``: filed under every slug it may start with.
                for end, char in enumerate(name):
                    if end > 1 and char in "-.":
                        self._temporary.setdefault(name[1:end], []).append(path)

    def __contains__(self, path: Path) -> bool:
        """Whether ``path`` (a file of this folder) was there when it was listed."""
        return path.parent == self.folder and path.name in self.names

    def versions(self, deck: str) -> list[Path]:
        """The deck's versioned packages, ``<slug>-<x.y.z>.apkg``, sorted."""
        return self._versions.get(deck, [])

    def temporary(self, deck: str) -> list[Path]:
        """Temporary files of the deck a killed build left, ``.<slug>-…tmp`` or ``.<slug>.…tmp``."""
        return self._temporary.get(deck, [])


def listing(out: Path, listed: Listing | None = None) -> Listing:
    """``listed`` when it lists ``out``, else ``out`` listed now."""
    return listed if listed is not None and listed.folder == out else Listing(out)


def manifest_path(out: Path, deck: DeckPlan) -> Path:
    return out / f"{deck.slug}.manifest.json"


def changelog_path(out: Path, deck: DeckPlan) -> Path:
    return out / f"{deck.slug}.changelog.md"


def apkg_path(out: Path, deck: DeckPlan, version: str) -> Path:
    return out / f"{deck.slug}-{version}.apkg"


def draft_path(folder: Path, deck: DeckPlan) -> Path:
    return folder / f"{deck.slug}-draft.apkg"


def preview_path(folder: Path, deck: DeckPlan) -> Path:
    """A deck's preview page, in the drafts folder or (``build --preview``) the decks folder."""
    return folder / f"{deck.slug}.preview.html"


def releases(
    plan: Plan,
    out: Path,
    now: int | None = None,
    searched: Sequence[Path] | None = None,
    listed: Listing | None = None,
) -> list[Release]:
    """Compare every planned deck with its manifest in ``out``.

    A deck built from several sources must be built from all of them: a source its manifest
    names that still exists but was not read would otherwise have its notes removed.

    ``searched``: the folders the build searched, when it was given folders only. Then the
    decks of ``out`` that no planned deck owns are part of the build too: a retired deck as it
    is, and the final release of a deck whose sources are gone (see :mod:`.retire`).

    ``listed``: the folder's files, when the caller listed them already.
    """
    when = build_time() if now is None else now
    rels = []
    planned = {deck.slug for deck in plan.decks}
    claimed: set[Path] = set()
    files = listing(out, listed)
    others = _Others(files, planned)
    for deck in plan.decks:
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


def description(rel: Release) -> HTML:
    """The deck's description in Anki (HTML): its version, release date and sources."""
    day = time.strftime("%Y-%m-%d", time.gmtime(rel.released))
    if not rel.plan.sources:
        return HTML(
            "Version {}, released {}. Retired: every note of this deck is removed (tagged removed)."
        ).format(rel.version, day)
    sources = HTML(", ").join(Path(s).name for s in rel.plan.sources)
    return HTML("Version {}, released {}. Built by deckbuilder from {}.").format(rel.version, day, sources)


class _MadeOf(NamedTuple):
    """What a release's ``.apkg`` is made from, as :func:`builder.package.apkg_bytes` and
    :func:`builder.package.apkg_digest` take it."""

    name: str
    description: str
    notes: Sequence[Note]
    timestamp: int
    note_times: Mapping[str, int]
    model_times: Mapping[str, int]
    media: Sequence[MediaFile]
    note_types: Sequence[NoteType]


def _made_of(rel: Release) -> _MadeOf:
    return _MadeOf(
        rel.plan.name,
        description(rel),
        rel.shipped(),
        rel.released,
        rel.note_times(),
        rel.model_times(),
        rel.plan.media,
        rel.plan.note_types,
    )


def package(rel: Release) -> bytes:
    """The release's ``.apkg`` bytes."""
    return apkg_bytes(*_made_of(rel))


def package_digest(rel: Release) -> str | None:
    """The hash of what the release's ``.apkg`` is made from (see
    :func:`builder.package.apkg_digest`)."""
    return apkg_digest(*_made_of(rel))


def remember(rels: Sequence[Release], made: Sequence[bytes]) -> None:
    """Keep the hash of each release's package bytes just made under the digest of what it was
    made from (:func:`builder.stamp.known_packages`): the next build need not make it again to
    check the committed one."""
    known = {}
    for rel, data in zip(rels, made, strict=True):
        digest = package_digest(rel)
        if digest is not None:
            known[digest] = hashlib.sha256(data).hexdigest()
    remember_packages(known)


def draft_package(rel: Release) -> bytes:
    """A draft's ``.apkg`` bytes: the release it would be, described as a draft."""
    base = rel.previous.version if rel.previous else "none"
    return apkg_bytes(
        rel.plan.name,
        HTML(
            "Draft of version {} (not released; last release {}). Built by deckbuilder."
            " Import it into a test profile, not the one you study in."
        ).format(rel.version, base),
        rel.shipped(),
        rel.released,
        rel.note_times(),
        rel.model_times(),
        rel.plan.media,
        rel.plan.note_types,
    )


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
                staging.write_bytes(target, next(packages))
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
    remember(making, made)
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


def write_drafts(rels: Sequence[Release], folder: Path) -> list[tuple[Release, Path]]:
    """Write each release as a draft into ``folder``: its ``.apkg`` (what the next release
    would ship, same GUIDs) and its preview. Nothing in the decks folder is touched: no
    version is taken, no manifest or changelog written."""
    from ..preview import preview_page

    done = []
    with Staging() as staging:
        for rel, data in zip(rels, packages_of(rels, draft=True), strict=True):
            target = draft_path(folder, rel.plan)
            staging.write_bytes(target, data)
            title = f"{rel.plan.name} {rel.version} (draft)" if rel.bump else f"{rel.plan.name} {rel.version}"
            staging.write_text(preview_path(folder, rel.plan), preview_page([rel], title))
            done.append((rel, target))
    return done


def write_previews(rels: Sequence[Release], out: Path) -> list[tuple[Release, Path]]:
    """Write each release's preview page beside its deck in ``out``."""
    from ..preview import preview_page

    done = []
    with Staging() as staging:
        for rel in rels:
            page = preview_path(out, rel.plan)
            staging.write_text(page, preview_page([rel], f"{rel.plan.name} {rel.version}"))
            done.append((rel, page))
    return done


def packages_of(rels: Sequence[Release], draft: bool = False) -> list[bytes]:
    """The ``.apkg`` bytes of each release, made in parallel when there are several."""
    make = draft_package if draft else package
    jobs = min(os.cpu_count() or 1, len(rels))
    if len(rels) < PARALLEL_FROM or jobs < 2:
        return [make(rel) for rel in rels]
    with worker_pool(jobs) as pool:
        return list(pool.map(make, rels, chunksize=1))


def _is_version(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 3 and all(p.isdigit() for p in parts)
