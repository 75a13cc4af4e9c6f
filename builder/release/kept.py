"""Decks kept as they are: a planned deck whose inputs are those of a deck a build released, or
compared and found unchanged, is not compared with its release again.

A deck's release is a function of the deck as its sources plan it and of its committed
manifest (:func:`builder.release.deck.release`); the decks folder check is a function of those
and of its package's bytes (:mod:`.verify`). So once a build has released a deck, or found it
unchanged and what its sources build, the digest of those inputs (:func:`inputs_digest`: of the
files it wrote, or of the files as it found and checked them) is remembered in the cache
folder, for this deckbuilder; the next build that finds the same
digest says the deck is unchanged, its version and package as they are, without reading its
manifest or comparing anything (one edited source among many decks compares one deck).

A deck is remembered only when its outcome holds whatever else changes: it has sources (it is
not retired), its release read no other file (no note type only its removed notes use, read
from a team's files), and its manifest names no source the deck was not built from (whose
existence could change).
A manifest, a package or a note changed by one byte, another package version or a temporary
file beside it, and the deck is compared in full. Like the other memos of the cache folder,
whoever can write that folder can make an edited deck pass.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..cache import fingerprint as cache_fingerprint
from ..model import DeckPlan
from ..stamp import Unchanged, file_hash, kept_decks, remember_kept
from .deck import Release
from .paths import Listing, manifest_path, versioned
from .retire import retired

if TYPE_CHECKING:
    from ..build import Plan


def plan_digest(prefix: str, deck: DeckPlan) -> str:
    """A digest of ``prefix`` and the deck as a release reads it: its name, sources, media and
    note types, and every note by its GUID, key, kind, note type, prompt, the hash of its
    fields, tags and deck, what it teaches and its cloze prompts."""
    h = hashlib.sha256(prefix.encode())
    h.update(repr((deck.name, deck.sources, deck.files, deck.media, deck.note_types)).encode())
    for n in deck.notes:
        h.update(
            "\0".join((n.guid, n.key, n.kind, n.model, n.prompt, n.digest, n.teaches, *n.sides)).encode()
        )
    return h.hexdigest()


def inputs_digest(deck: DeckPlan, out: Path, files: Listing) -> tuple[str, Path] | None:
    """A digest of all a deck's release and check depend on (the deck as planned, the bytes of
    its committed manifest, the name and bytes of its one package), with that package; None
    when the folder lacks either file, holds several versions or a killed build's leftovers."""
    manifest = manifest_path(out, deck)
    packages = files.versions(deck.slug)
    if manifest not in files or len(packages) != 1 or files.temporary(deck.slug):
        return None
    [package] = packages
    try:
        held = f"{file_hash(manifest)}\0{package.name}\0{file_hash(package)}"
    except OSError:
        return None
    return plan_digest(f"{cache_fingerprint()}\0kept\0{held}\0", deck), package


@dataclass(frozen=True)
class Inputs:
    """The planned decks' inputs as a build found them, before it compared or wrote anything."""

    digests: dict[str, str]
    """Each planned deck's :func:`inputs_digest`, by slug (a deck the folder lacks files of: none)."""
    kept: dict[str, Unchanged]
    """The decks the build need not compare, by slug: each as a build finds it, unchanged."""


def inputs(plan: Plan, out: Path, files: Listing) -> Inputs:
    """The inputs of each planned deck, and the decks among them a build need not compare."""
    known = kept_decks()
    digests: dict[str, str] = {}
    kept: dict[str, Unchanged] = {}
    for deck in plan.decks:
        digest = inputs_digest(deck, out, files)
        if digest is None:
            continue
        digests[deck.slug] = digest[0]
        package = versioned(digest[1].name)
        if digest[0] in known and package is not None:
            kept[deck.slug] = Unchanged(deck.name, package[1], str(digest[1]), tuple(deck.counts().items()))
    return Inputs(digests, kept)


def remember(
    planned: Sequence[DeckPlan], written: Iterable[tuple[Release, Path, bool]], before: Inputs, out: Path
) -> None:
    """After a build wrote what each release needs (``written``: each release checked, or just
    released, with its package and whether that was written): remember each whose outcome holds
    (see the module's description) as a deck the next build with the same inputs need not
    compare. A deck the build wrote is remembered by its files as written; one it left as it
    was, by its files as the build found them and checked them (a file changed meanwhile is not
    vouched for); the decks it kept again, the newest of the memo (the oldest are forgotten)."""
    by_name = {deck.name: deck for deck in planned}
    files = Listing(out)
    digests = [before.digests[slug] for slug in before.kept]
    for rel, _, wrote in written:
        deck = by_name.get(rel.plan.name)
        if deck is None or not _holds(rel, deck):
            continue
        if wrote or rel.bump is not None or rel.rekeyed:
            now = inputs_digest(deck, out, files)
            digest = None if now is None else now[0]
        else:
            digest = before.digests.get(deck.slug)
        if digest is not None:
            digests.append(digest)
    remember_kept(digests)


def _holds(rel: Release, deck: DeckPlan) -> bool:
    """Whether a release's outcome depends on nothing but the deck as planned and its files."""
    return (
        not retired(rel)
        and rel.plan.note_types == deck.note_types
        and set(rel.manifest.sources) <= {name for _, name in deck.files}
    )
