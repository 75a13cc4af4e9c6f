"""Retiring a deck: its sources are gone, so a final release removes every note it shipped.

A manifest in the decks folder that no deck of a build owns (by its name, or found as renamed
by :func:`.files.releases`) is a deck whose sources were deleted, or one built from other
sources than this build's. It is retired only when that is certain: the build searched whole
folders (a build naming files builds some decks and says nothing of the others), the manifest
names its sources, and none of them is in a searched folder or anywhere else in the project
around the decks folder. Its final release is a major version whose package holds only
tombstones (every note removed, tagged ``removed``), whose manifest has no current note and no
source (what marks a retired deck), and whose changelog says the deck was retired. Later builds
keep it as it is. Its files stay in the decks folder for ``deckbuilder sync`` (and imports) to
remove the notes; once learners have them, deleting the three files forgets the deck.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..model import DeckPlan
from ..notetypes import builtin
from .deck import Release, release
from .manifest import Manifest
from .report import changes
from .semver import bump_version
from .tombstones import team_note_types, tombstone_note

RETIRED = (
    "the deck is retired (its sources were removed): every note is removed, shipped tagged removed;"
    " deckbuilder sync deletes them."
)
"""The changelog's word for a deck's final release."""

MAX_FOLDERS = 10_000
"""How many folders of the project are searched for a deck's sources before giving up (and
keeping the deck): a decks folder far from its sources is never a reason to retire one."""


def is_retired(manifest: Manifest) -> bool:
    """Whether a manifest is a retired deck's: no current note, no source."""
    return not manifest.notes and not manifest.sources


def retired(rel: Release) -> bool:
    """Whether a release is a retired deck's (its final one, or kept as it is): no source
    builds it."""
    return not rel.plan.files


def unowned(manifest: Manifest, slug: str, searched: Sequence[Path], out: Path, now: int) -> Release | None:
    """The release of a deck no deck of the build owns: kept as it is when it is retired (or
    has no note to remove and its sources are gone), its final release when its sources are
    gone, else None (not this build's deck)."""
    if manifest.notes:
        return retirement(manifest, slug, now, searched) if sources_gone(manifest, searched, out) else None
    if not manifest.sources or sources_gone(manifest, searched, out):
        return kept(manifest, slug, searched)
    return None


def sources_gone(manifest: Manifest, searched: Sequence[Path], out: Path) -> bool:
    """True when none of the manifest's sources is in a searched folder, nor at its path inside
    any folder of the project: the folder holding the decks folder and the searched ones,
    without hidden folders or the decks folder. A manifest naming no source (written before
    manifests recorded them), or a project too large to search, keeps its deck."""
    names = list(manifest.sources)
    if not names or not searched:
        return False
    if any((root / name).exists() for root in searched for name in names):
        return False
    decks = out.resolve()
    try:
        top = Path(os.path.commonpath([decks, *(root.resolve() for root in searched)]))
    except ValueError:  # on two drives: no folder holds both
        return False
    for seen, (folder, subfolders, _) in enumerate(os.walk(top)):
        if seen >= MAX_FOLDERS:
            return False
        here = Path(folder)
        subfolders[:] = sorted(
            d for d in subfolders if not d.startswith(".") and (here / d).resolve() != decks
        )
        if any((here / name).exists() for name in names):
            return False
    return True


def _plan(manifest: Manifest, slug: str, searched: Sequence[Path] = ()) -> DeckPlan:
    """The deck as a build with none of its sources plans it: no note, no source; the team's
    note types its notes had, from the ``notetypes/`` folders of the ``searched`` ones."""
    teams = {n.model for n in manifest.notes} | {t.model for t in manifest.removed}
    teams -= builtin().keys()
    return DeckPlan(manifest.deck, slug, (), (), note_types=team_note_types(manifest.deck, teams, searched))


def retirement(manifest: Manifest, slug: str, now: int, searched: Sequence[Path] = ()) -> Release:
    """The final release of a deck whose sources are gone: every note removed (a tombstone),
    the next major version, the changelog's reason."""
    rel = release(_plan(manifest, slug, searched), manifest, now)  # every note gone: a minor release
    version = bump_version(manifest.version, "major")
    gone = {state.guid for state in manifest.notes}
    made = rel.manifest
    models = {
        name: {**state, "changed": version if state["changed"] == rel.version else state["changed"]}
        for name, state in made.models.items()
    }
    final = replace(
        made,
        version=version,
        models=models,
        removed=tuple(replace(t, removed=version) if t.guid in gone else t for t in made.removed),
        history=(replace(made.history[0], version=version, bump="major", why=RETIRED), *made.history[1:]),
    )
    return replace(
        rel,
        manifest=final,
        bump="major",
        removed=tuple(t for t in final.removed if t.guid in gone),
        tombstones=tuple(tombstone_note(t, manifest.deck) for t in final.removed),
    )


def kept(manifest: Manifest, slug: str, searched: Sequence[Path] = ()) -> Release:
    """A retired deck as it is: no new version, its package still the tombstones."""
    return Release(
        plan=_plan(manifest, slug, searched),
        manifest=manifest,
        previous=manifest,
        bump=None,
        tombstones=tuple(tombstone_note(t, manifest.deck) for t in manifest.removed),
    )


def said(rel: Release, target: Path, written: bool) -> str:
    """What a build says of a retired deck (the words of :func:`.report.released`)."""
    name = rel.plan.name
    if rel.bump is not None and rel.previous is not None:
        return (
            f"{name}: retired, its sources are gone -> {target}"
            f" ({rel.previous.version} -> {rel.version}, major: {len(rel.removed)} removed)"
        )
    return f"{name}: retired -> {target} ({rel.version}, unchanged{', rewritten' if written else ''})"


def pending(rel: Release, target: Path) -> tuple[list[str], bool]:
    """What the next build would do to a retired deck (the words of :func:`.report.pending`),
    and whether the decks folder is out of date."""
    name = rel.plan.name
    if rel.bump is not None and rel.previous is not None:
        head = f"{name}: {rel.previous.version} -> {rel.version} (major: retired, its sources are gone)"
        return [head, *changes(rel)], True
    if target.exists():
        return [f"{name}: {rel.version}, retired, up to date"], False
    return [f"{name}: {rel.version}, retired, {target} is missing"], True
