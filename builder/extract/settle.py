"""The last step of extraction: a document's cards in order, repeats dropped, keys unique and
prompts unambiguous."""

from __future__ import annotations

import re
from dataclasses import replace

from .. import keys
from ..model import Answered, Card, Clozed, Diagnostic, Form, OwnFields, Skipped, Written, unknown_form
from ..plaintext import answer_text, prompt_text

__all__ = ["settle"]

_NOT_WORD = re.compile(r"[^\w]+")
_OVERVIEWS = ("question", "steps")
"""Kinds that give the overview of a line whose details are cards of their own: they go first."""


def settle(cards: list[Card]) -> tuple[tuple[Card, ...], list[Diagnostic], list[Skipped]]:
    """Put cards in document order (an overview before the details on its line), drop a card
    that teaches what an earlier one already does, then make keys unique and prompts
    unambiguous; each prompt numbered apart is reported."""
    cards = sorted(cards, key=lambda c: (c.origin.line, c.kind not in _OVERVIEWS))
    keys_seen: dict[str, int] = {}
    first: dict[str, tuple[str, Card]] = {}
    taught: dict[str, Card] = {}
    counts: dict[str, int] = {}
    out: list[Card] = []
    problems: list[Diagnostic] = []
    dropped: list[Skipped] = []
    for card in cards:
        answer = answer_text(card)
        same = " ".join(_NOT_WORD.sub(" ", answer.lower()).split())
        if len(same) > 20 and same in taught:
            where = taught[same].origin.line
            dropped.append(
                Skipped(card.origin, f"teaches what the card at line {where} does", prompt_text(card))
            )
            continue
        taught.setdefault(same, card)
        n = keys_seen.get(card.key, 0) + 1
        keys_seen[card.key] = n
        if n > 1:
            card = replace(card, key=keys.numbered(card.key, n))
        prompt = prompt_text(card)
        if _asked_in_prompt(card.form) and prompt in first and first[prompt][0] != answer:
            counts[prompt] = counts.get(prompt, 1) + 1
            card = replace(card, ask=f"{card.ask} ({counts[prompt]})")
            problems.append(
                Diagnostic(
                    card.origin,
                    "warning",
                    f"ambiguous prompt “{prompt}”: also asked at line {first[prompt][1].origin.line}"
                    f" with another answer; numbered ({counts[prompt]}) to tell them apart",
                )
            )
        first.setdefault(prompt, (answer, card))
        out.append(card)
    return tuple(out), problems, dropped


def _asked_in_prompt(form: Form) -> bool:
    """Whether a card of this form shows its ``ask`` in its prompt, where a number can tell it
    apart: not a cloze, whose prompt is its statement."""
    if isinstance(form, (Answered, OwnFields)):
        return True
    if isinstance(form, (Clozed, Written)):
        return False
    unknown_form(form)
