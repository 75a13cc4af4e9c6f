"""Checks a learner would want made before studying: the rules of ``deckbuilder lint``.

Problems found while reading (bad input, missing images, duplicate ids, sections that gave no
card, ambiguous prompts) come with the plan; these rules look at the finished notes.
"""

from __future__ import annotations

from .build import Plan
from .model import Diagnostic, Note

ANSWER_BUDGET = 600
"""Characters of plain answer text before a card is too long to recall in one go."""
CODE_COLUMNS = 40
"""About what a 390 px phone screen shows of a code line without scrolling."""


def lint(planned: Plan) -> list[Diagnostic]:
    """Warnings about the notes of every planned deck."""
    found = []
    for deck in planned.decks:
        for note in deck.notes:
            found.extend(check(note))
    return found


def check(note: Note) -> list[Diagnostic]:
    """The warnings one note deserves."""
    found = []
    if note.kind == "code":
        widest = max((len(line.rstrip()) for line in note.answer.splitlines()), default=0)
        if widest > CODE_COLUMNS:
            found.append(
                Diagnostic(
                    note.origin,
                    "warning",
                    f"code line of {widest} columns is wider than a phone shows ({CODE_COLUMNS});"
                    " it scrolls sideways",
                )
            )
    elif len(note.answer) > ANSWER_BUDGET:
        found.append(
            Diagnostic(
                note.origin,
                "warning",
                f"answer of “{note.prompt}” is {len(note.answer)} characters, over the budget of"
                f" {ANSWER_BUDGET}: split it",
            )
        )
    return found
