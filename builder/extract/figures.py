"""Figures: an image in a paragraph of its own (with at most a short caption, as
``<p align="center"><img …><br><i>Source: …</i></p>`` or ``![Shards](shards.png)`` write it)
illustrates the text around it. It belongs to the card of the text before it in its section
(that card's answer, or a cloze's extra), else to the section's first card; so it is shown
and packed, and a missing file is an error at its line like any image a card shows. A figure
in a section that gives no card is listed by ``cards --skipped``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..markdown import plain
from ..model import Answered, Blocks, Card, Clozed, Inline, OwnFields, Paragraph, Written, unknown_form
from .scope import Sink

__all__ = ["attach_figures", "is_figure"]

CAPTION_CHARACTERS = 160
"""Text a figure's paragraph may hold besides its images (a caption, a source)."""


def is_figure(para: Paragraph) -> bool:
    """A paragraph that shows images and at most a short caption."""
    tokens = [tok for line in para.lines for tok in line.tokens]
    pictured = any(tok.type == "image" for tok in tokens)
    words = plain(tok for tok in tokens if tok.type != "image")
    return pictured and len(words.strip()) <= CAPTION_CHARACTERS


_CREDIT = re.compile(
    r"^\s*(?:sources?|credits?|image|photo|picture|via|fuente|quelle|crédits?|来源|出处|出典|출처|منبع|مصدر)\s*[:：]",
    re.IGNORECASE,
)
"""A caption that only credits where the picture comes from ("Source: a talk"): not shown."""


def attach_figures(figures: Sequence[Paragraph], sink: Sink, start: int) -> None:
    """Give each figure to the card it illustrates among ``sink.cards[start:]`` (the cards of
    the section it stands in): the last one made from prose before it (a code card shows its
    code, not a picture of the text), else the section's first such card."""
    mine = range(start, len(sink.cards))
    prose = [i for i in mine if sink.cards[i].kind != "code"]
    for figure in figures:
        if not prose:
            sink.skip(
                figure.origin, "image with no prose card of its section to illustrate", _caption(figure)
            )
            continue
        before = [i for i in prose if sink.cards[i].origin.line < figure.origin.line]
        at = max(before, key=lambda i: sink.cards[i].origin.line) if before else prose[0]
        sink.cards[at] = _with_figure(sink.cards[at], _uncredited(figure))


def _uncredited(figure: Paragraph) -> Paragraph:
    """The figure without a caption that only credits its source."""
    tokens = [tok for line in figure.lines for tok in line.tokens]
    words = plain(tok for tok in tokens if tok.type != "image")
    if not _CREDIT.match(words):
        return figure
    images = tuple(tok for tok in tokens if tok.type == "image")
    return Paragraph((Inline(images, figure.origin),), figure.origin)


def _with_figure(card: Card, figure: Paragraph) -> Card:
    """The card showing ``figure`` after its answer (a cloze: in its extra); a card of a team's
    note type, whose fields are its own, as it is."""
    shown = Blocks((figure,))
    form = card.form
    if isinstance(form, Answered):
        return replace(card, form=replace(form, answer=(*form.answer, shown)))
    if isinstance(form, (Clozed, Written)):
        return replace(card, form=replace(form, extra=(*form.extra, shown)))
    if isinstance(form, OwnFields):
        return card
    unknown_form(form)


def _caption(figure: Paragraph) -> str:
    """What a skipped figure is listed by: its caption, else its images' alt text or address."""
    tokens = [tok for line in figure.lines for tok in line.tokens]
    text = plain(tok for tok in tokens if tok.type != "image").strip()
    if text:
        return text
    images = [tok for tok in tokens if tok.type == "image"]
    return " ".join(plain(tok.children or ()) or str(tok.attrGet("src") or "") for tok in images)
