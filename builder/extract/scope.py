"""Where an extractor stands: breadcrumb, structural key and tags, plus the card sink."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from .. import keys
from ..locale import Words, words_for
from ..markdown import plain
from ..model import (
    Block,
    Card,
    Clozed,
    ClozeText,
    Diagnostic,
    Document,
    Inline,
    Kind,
    Origin,
    Paragraph,
    Part,
    Skipped,
    inline_runs,
)
from .cues import clean_title

slug = keys.slug

CAPTION_LIMIT = 60
"""Characters a caption may have to stand in a breadcrumb."""


@dataclass(frozen=True)
class Scope:
    """The context of the blocks being read."""

    top: str
    """The top section's title as a breadcrumb shows it ('' above every section)."""
    key: str
    """The structural key prefix: document, then section path."""
    trail: tuple[str, ...] = ()
    """Titles below the top section (sub-headings, captions), outermost first."""
    tags: tuple[str, ...] = ()
    """Tags every card under this scope carries."""
    scenario: bool = False
    """Inside a question's answer: a scenario with givens and targets of its own."""
    targets: bool = False
    """Under a heading about the scenario's targets or givens (success criteria, requirements)."""

    @property
    def crumbs(self) -> tuple[str, ...]:
        """The breadcrumb: the top section and the nearest heading or caption, no more."""
        near = self.trail[-1] if self.trail else ""
        return tuple(c for c in dict.fromkeys((self.top, near)) if c)

    @property
    def nearest(self) -> str:
        """The nearest title (a caption, a heading, else the top section)."""
        return self.trail[-1] if self.trail else self.top

    def sub(self, title: str, key: str | None = None) -> Scope:
        """A scope one level down, titled ``title``."""
        shown = clean_title(title)
        if len(shown) > CAPTION_LIMIT:
            shown = self.trail[-1] if self.trail else ""
        return replace(
            self,
            trail=(*self.trail, shown) if shown else self.trail,
            key=keys.section(self.key, key or title),
        )

    def card(self, kind: str, *names: str) -> str:
        """The key of a card of ``kind`` here."""
        return keys.card(self.key, kind, *names)

    def cloze(
        self, kind: Kind, key: str, origin: Origin, text: ClozeText, extra: tuple[Part, ...] = ()
    ) -> Card:
        """A generated cloze card standing here (``kind`` ``cloze`` or ``metric``)."""
        return Card(
            kind=kind,
            key=key,
            crumbs=self.crumbs,
            ask="",
            form=Clozed(text, extra),
            origin=origin,
            tags=self.tags,
        )


TOPIC_MENTIONS = 5
"""Times a page writes a name in code for the name to be what the page is about."""


def _runs(document: Document) -> Iterator[Inline]:
    """Every inline run of a document's blocks, its sections' included."""
    yield from inline_runs(document.preamble)
    stack = list(document.sections)
    while stack:
        section = stack.pop()
        yield from inline_runs(section.blocks)
        stack.extend(section.children)


@dataclass
class Sink:
    """Collects cards, skipped parts and diagnostics from the extractors of one document."""

    document: Document
    walk: Callable[[Sequence[Block], Scope], list[Paragraph]]
    """Reads nested blocks (an item's code, a nested list) and returns their loose prose."""
    cards: list[Card] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    consumed: dict[Origin, str] = field(default_factory=dict)
    """Lines already carded elsewhere (a decision in a question's answer), and where."""
    restorable: list[Card] = field(default_factory=list)
    """Cards the rules skipped that a curation file may restore."""
    hidden: set[str] = field(default_factory=set)
    """What the rules' own gaps (a term, a name in code) already hide on this page, lower-cased:
    the same name is not asked for again (``kubectl`` in every sentence that uses it)."""

    @cached_property
    def topic(self) -> frozenset[str]:
        """What the page is about, which no gap of a rule's own hides: the words of its title and
        every name it writes in code :data:`TOPIC_MENTIONS` times or more (``<dialog>`` on the
        dialog element's page, ``String`` in a chapter on strings), lower-cased."""
        counts = Counter(
            tok.content.strip().lower()
            for run in _runs(self.document)
            for tok in run.tokens
            if tok.type == "code_inline"
        )
        named = {name for name, n in counts.items() if n >= TOPIC_MENTIONS}
        return frozenset(named | {w.lower() for w in self.document.title.split()})

    @property
    def words(self) -> Words:
        """The words prompts are written with, in the document's language."""
        return words_for(self.document.language)

    def add(self, card: Card) -> None:
        self.cards.append(card)

    def warn(self, origin: Origin, message: str) -> None:
        self.diagnostics.append(Diagnostic(origin, "warning", message))

    def skip(self, origin: Origin, reason: str, text: str | Inline, card: Card | None = None) -> None:
        """Record a part that gives no card, and why; ``card``: the card it would give, which
        a curation file can restore by its key."""
        shown = plain(text.tokens) if isinstance(text, Inline) else " ".join(text.split())
        self.skipped.append(Skipped(origin, reason, shown, card.key if card else ""))
        if card is not None:
            self.restorable.append(card)
