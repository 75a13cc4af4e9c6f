"""Where an extractor stands: breadcrumb, structural key and tags, plus the card sink."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from ..model import Block, Card, Diagnostic, Document, Origin, Paragraph


def slug(text: str, limit: int = 60) -> str:
    """A lower-case, dash-separated key part; keeps letters of any script."""
    norm = unicodedata.normalize("NFKC", text).lower()
    out = re.sub(r"[^\w]+", "-", norm, flags=re.UNICODE).strip("-_")
    return out[:limit].rstrip("-_") or "x"


@dataclass(frozen=True)
class Scope:
    """The context of the blocks being read."""

    crumbs: tuple[str, ...]
    """Section titles (and captions) that make a prompt's breadcrumb."""
    key: str
    """The structural key prefix: document, then section path."""
    tags: tuple[str, ...] = ()
    """Tags every card under this scope carries."""
    success: bool = False
    """True under a heading about targets, metrics or success criteria."""

    def sub(self, title: str, key: str | None = None) -> Scope:
        """A scope one level down, titled ``title``."""
        return replace(self, crumbs=(*self.crumbs, title), key=f"{self.key}/{key or slug(title)}")


@dataclass
class Sink:
    """Collects cards and diagnostics from the extractors of one document."""

    document: Document
    walk: Callable[[Sequence[Block], Scope], list[Paragraph]]
    """Reads nested blocks (an item's code, a nested list) and returns their loose prose."""
    cards: list[Card] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def add(self, card: Card) -> None:
        self.cards.append(card)

    def warn(self, origin: Origin, message: str) -> None:
        self.diagnostics.append(Diagnostic(origin, "warning", message))
