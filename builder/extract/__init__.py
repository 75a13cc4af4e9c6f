"""Stage 2: a :class:`~builder.model.Document` becomes atomic cards.

The walker (:mod:`.walker`) reads every section's blocks in order and hands each to the
extractor of its kind (one module per kind in this package); :mod:`.settle` then puts the cards
in order and makes their keys unique and their prompts unambiguous.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from .. import keys
from ..model import Card, Diagnostic, Document, Skipped
from .cloze import prose_clozes
from .concept import defined
from .cues import clean_title
from .figures import attach_figures
from .scope import Scope
from .settle import settle
from .walker import Loose, Walker

__all__ = ["Extraction", "extract"]


@dataclass(frozen=True)
class Extraction:
    """What one document gave."""

    cards: tuple[Card, ...]
    """The cards, in document order, keys unique, prompts unambiguous."""
    diagnostics: tuple[Diagnostic, ...]
    """Warnings found on the way."""
    skipped: tuple[Skipped, ...] = ()
    """The parts that gave no card, and why, in document order."""
    restorable: frozenset[str] = frozenset()
    """The keys of the skipped cards a curation file may restore (restored ones included)."""


def extract(document: Document, skip: Iterable[str] = (), restore: Iterable[str] = ()) -> Extraction:
    """All cards of a document; sections titled as in ``skip`` give none. ``restore``: keys of
    cards the rules skip that the author wants back (a curation file's ``restore`` entries)."""
    walker = Walker(document, skip)
    root = Scope(top="", key=keys.document(Path(document.path).stem))
    intro = replace(root, top=clean_title(document.title))
    loose = Loose()
    walker.read(document.preamble, intro, loose, own=False)
    for para in defined(document.title, loose.prose, document.preamble, intro, walker.sink):
        prose_clozes(para, intro, walker.sink)
    attach_figures(loose.figures, walker.sink, 0)
    for section in document.sections:
        walker.section(section, root)
    wanted = set(restore)
    restored = [card for card in walker.sink.restorable if card.key in wanted]
    cards, problems, dropped = settle([*walker.sink.cards, *restored])
    back = {card.key for card in restored}
    skipped = sorted(
        (*(s for s in walker.sink.skipped if s.key not in back), *dropped),
        key=lambda s: (s.origin.line, s.reason),
    )
    return Extraction(
        cards,
        (*document.diagnostics, *walker.sink.diagnostics, *problems),
        tuple(skipped),
        frozenset(card.key for card in walker.sink.restorable),
    )
