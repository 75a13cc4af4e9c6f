"""The pipeline: find sources, read, extract, render and identify every card, then write.

Everything is collected and checked before any file is written, so a bad source stops the
build with nothing half-done.

This module plans: every source read (:mod:`builder.reading`, through the cache and a worker
:mod:`builder.pool`), its notes, media and look gathered by deck into a
:class:`~builder.model.DeckPlan` (the deck's note types: :mod:`builder.looks`), with every problem
found on the way (:func:`plan_decks`). A source's cards come from :mod:`builder.sourcecards`, its
notes from :mod:`builder.notemaking`. Import :func:`notes_of`, :func:`read_source` and the
worker pool from here, as before they moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .cache import Cache
from .callbacks import Progress
from .curation import orphaned
from .keys import slug, yaml_id
from .looks import Looks
from .media import Fetch, forget_fetched
from .model import DeckPlan, Diagnostic, MediaFile, Note, Origin, Skipped
from .notemaking import notes_of, source_field
from .pool import pool_context, worker_pool
from .reading import PARALLEL_FROM, read_all, read_source
from .sources import Found, find_all

__all__ = [
    "PARALLEL_FROM",
    "Plan",
    "Progress",
    "notes_of",
    "plan_decks",
    "pool_context",
    "read_source",
    "source_field",
    "worker_pool",
]


@dataclass(frozen=True)
class Plan:
    """Every deck the sources make, and every problem found on the way."""

    decks: tuple[DeckPlan, ...]
    diagnostics: tuple[Diagnostic, ...]
    """Sorted by file and line."""
    skipped: tuple[Skipped, ...] = ()
    """What gave no card, by file and line."""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]


def plan_decks(
    paths: Sequence[str],
    progress: Progress | None = None,
    cache: Cache | None = None,
    out: Path | None = None,
    fetch: Fetch | None = None,
    found: Found | None = None,
    rewrite_drafts: bool = True,
) -> Plan:
    """Read every source and plan its deck; problems are collected, not raised. Files in the
    decks folder ``out`` are never sources. ``fetch`` (``--fetch-images``): every source's
    remote images are fetched, each once. ``found``: the sources of ``paths`` when the caller
    has already looked for them (they are not looked for twice). ``rewrite_drafts``: the notes get
    their rewrite drafts (what preview pages and ``pull`` need; see :func:`notes_of`)."""
    found = find_all(paths, out) if found is None else found
    sources, problems = found.sources, list(found.problems)
    forget_fetched()
    read = list(zip(sources, read_all(sources, cache, progress, fetch, rewrite_drafts), strict=True))
    # A curation file its source was renamed or moved away from: an error naming the source.
    problems.extend(orphaned(found.orphans, read))
    skipped: list[Skipped] = []
    decks: dict[str, tuple[list[Note], list[str], dict[str, MediaFile]]] = {}
    files: dict[str, list[tuple[Path, str]]] = {}
    looks = Looks()
    for source, result in read:
        problems.extend(result.problems)
        skipped.extend(result.skipped)
        if result.deck is None:
            continue
        looks.add(result.deck, source, result)
        notes, names, media = decks.setdefault(result.deck, ([], [], {}))
        notes.extend(result.notes)
        names.append(result.source)
        media.update((f.name, f) for f in result.media)
        files.setdefault(result.deck, []).append(
            (source.root, source.path.relative_to(source.root).as_posix())
        )
    plans = [
        DeckPlan(
            name,
            slug(name, 80),
            tuple(notes),
            tuple(names),
            tuple(media[k] for k in sorted(media)),
            tuple(files[name]),
            looks.note_types(name, notes, problems),
        )
        for name, (notes, names, media) in decks.items()
    ]
    problems.extend(_clashes(plans))
    return Plan(tuple(plans), tuple(sorted(problems, key=_place)), tuple(skipped))


def _clashes(plans: Sequence[DeckPlan]) -> list[Diagnostic]:
    """Two notes of a deck with one key, or two decks with one file name."""
    problems = []
    for deck in plans:
        seen: dict[str, Note] = {}
        for note in deck.notes:
            first = seen.setdefault(note.key, note)
            if first is not note:
                what = (
                    f"card id “{yaml_id(note.key)}” is already used at {first.origin}"
                    if yaml_id(note.key) is not None
                    else f"card key “{note.key}” is already used at {first.origin}; rename one of the files"
                )
                problems.append(Diagnostic(note.origin, "error", what))
    by_slug: dict[str, DeckPlan] = {}
    for deck in plans:
        other = by_slug.setdefault(deck.slug, deck)
        if other is not deck:
            problems.append(
                Diagnostic(
                    Origin(deck.sources[0], 0),
                    "error",
                    f"deck “{deck.name}” would share the file {deck.slug}.apkg with deck “{other.name}”"
                    f" ({other.sources[0]}); give one of them another name",
                )
            )
    return problems


def _place(diagnostic: Diagnostic) -> tuple[str, int, str]:
    return (diagnostic.origin.path, diagnostic.origin.line, diagnostic.message)
