"""The pipeline: find sources, read, extract, render and identify every card, then write.

Everything is collected and checked before any file is written, so a bad source stops the
build with nothing half-done.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable, Sequence
from pathlib import Path

from .atomic import Staging
from .errors import SourceError
from .extract import extract
from .extract.scope import slug
from .identify import guid
from .model import Card, DeckPlan, Diagnostic, Document, Note
from .package import apkg_bytes, build_time
from .read import read
from .render import render
from .version import Release, changelog, load_manifest, release

MARKDOWN_SUFFIXES = (".md", ".markdown")


def find_sources(paths: Iterable[str]) -> list[Path]:
    """Source files named by ``paths`` (files, or folders searched recursively), sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*")) if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file()
            )
        elif path.is_file():
            found.append(path)
        else:
            raise SourceError(raw, "no such file or folder")
    unique = dict.fromkeys(found)
    return list(unique)


def deck_name(document: Document) -> str:
    """The deck a document builds: its front matter ``deck``, else its title."""
    return str(document.meta.get("deck") or document.title).strip()


def notes_of(deck: str, cards: Iterable[Card]) -> list[Note]:
    """Render and identify cards for ``deck``."""
    notes = []
    for card in cards:
        shown = render(card)
        notes.append(
            Note(
                guid=guid(deck, card.key),
                key=card.key,
                deck=deck,
                kind=card.kind,
                model=shown.model,
                prompt=shown.prompt,
                answer=shown.answer,
                fields=shown.fields,
                tags=(f"kind::{card.kind}", *card.tags),
                source=str(card.origin),
                body=shown.body,
            )
        )
    return notes


def plan(paths: Sequence[str]) -> list[DeckPlan]:
    """Read every source and plan its deck; raises on the first unreadable source."""
    decks: dict[str, tuple[list[Note], list[str], list[Diagnostic]]] = {}
    for path in find_sources(paths):
        document = read(path, str(path))
        name = deck_name(document)
        extraction = extract(document)
        notes, sources, diagnostics = decks.setdefault(name, ([], [], []))
        notes.extend(notes_of(name, extraction.cards))
        sources.append(document.path)
        diagnostics.extend(extraction.diagnostics)
    plans = [
        DeckPlan(name, slug(name, 80), tuple(notes), tuple(srcs), tuple(sorted(diags, key=_place)))
        for name, (notes, srcs, diags) in decks.items()
    ]
    by_slug: dict[str, DeckPlan] = {}
    for deck in plans:
        other = by_slug.setdefault(deck.slug, deck)
        if other is not deck:
            raise SourceError(
                deck.sources[0],
                f"deck “{deck.name}” would share the file {deck.slug}.apkg with deck “{other.name}”"
                f" ({other.sources[0]}); give one of them another name",
            )
    return plans


def _place(diagnostic: Diagnostic) -> tuple[str, int, str]:
    return (diagnostic.origin.path, diagnostic.origin.line, diagnostic.message)


# --- Releases ------------------------------------------------------------------------------


def manifest_path(out: Path, deck: DeckPlan) -> Path:
    return out / f"{deck.slug}.manifest.json"


def changelog_path(out: Path, deck: DeckPlan) -> Path:
    return out / f"{deck.slug}.changelog.md"


def apkg_path(out: Path, deck: DeckPlan, version: str) -> Path:
    return out / f"{deck.slug}-{version}.apkg"


def releases(paths: Sequence[str], out: Path, now: int | None = None) -> list[Release]:
    """Plan every deck and compare it with its manifest in ``out``."""
    when = build_time() if now is None else now
    return [release(deck, load_manifest(manifest_path(out, deck)), when) for deck in plan(paths)]


def description(rel: Release) -> str:
    """The deck's description in Anki: its version, release date and sources."""
    day = time.strftime("%Y-%m-%d", time.gmtime(rel.released))
    sources = ", ".join(html.escape(s) for s in rel.plan.sources)
    return f"Version {rel.version}, released {day}. Built by deckbuilder from {sources}."


def package(rel: Release) -> bytes:
    """The release's ``.apkg`` bytes."""
    return apkg_bytes(
        rel.plan.name,
        description(rel),
        rel.shipped(),
        rel.released,
        rel.note_times(),
        rel.model_times(),
    )


def write(rels: Sequence[Release], out: Path) -> list[tuple[Release, Path, bool]]:
    """Write what each release needs, all or nothing: (release, .apkg path, written?).

    A release with no change rewrites nothing; its ``.apkg`` is only written when missing. A new
    version writes its ``.apkg``, manifest and changelog, and removes the deck's older ``.apkg``.
    """
    done = []
    with Staging() as staging:
        for rel in rels:
            target = apkg_path(out, rel.plan, rel.version)
            needed = rel.bump is not None or not target.exists()
            if needed:
                staging.write_bytes(target, package(rel))
            if rel.bump is not None:
                staging.write_text(manifest_path(out, rel.plan), rel.manifest.to_json())
                staging.write_text(changelog_path(out, rel.plan), changelog(rel.manifest))
                for old in out.glob(f"{rel.plan.slug}-*.apkg"):
                    if old != target and _is_version(old.name[len(rel.plan.slug) + 1 : -5]):
                        staging.remove(old)
            done.append((rel, target, needed))
    return done


def _is_version(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 3 and all(p.isdigit() for p in parts)
