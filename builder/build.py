"""The pipeline: find sources, read, extract, render and identify every card, then write.

Everything is collected and checked before any file is written, so a bad source stops the
build with nothing half-done.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import SourceError
from .extract import extract
from .extract.scope import slug
from .identify import guid
from .model import Card, DeckPlan, Diagnostic, Document, Note
from .read import read
from .render import render

MARKDOWN_SUFFIXES = (".md", ".markdown")


def find_sources(paths: Iterable[str]) -> list[Path]:
    """Source files named by ``paths`` (files, or folders searched recursively), sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.suffix.lower() in MARKDOWN_SUFFIXES and p.is_file()
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
