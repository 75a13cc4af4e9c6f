"""Checks a learner would want made before studying: the rules of ``deckbuilder lint``.

Problems found while reading (bad input, missing images, duplicate ids, sections that gave no
card, ambiguous prompts) come with the plan; these rules look at the finished notes.
"""

from __future__ import annotations

from collections.abc import Sequence

from .build import Plan
from .extract.answer import ANSWER_BUDGET
from .model import Diagnostic, Note

CODE_COLUMNS = 40
"""About what a 390 px phone screen shows of a code line without scrolling."""


def lint(planned: Plan) -> list[Diagnostic]:
    """Warnings about the notes of every planned deck."""
    found = []
    for deck in planned.decks:
        for note in deck.notes:
            found.extend(check(note))
        found.extend(twins(deck.notes))
    return found


def twins(notes: Sequence[Note]) -> list[Diagnostic]:
    """A warning for each note of a deck that is the same card as an earlier one: its note type
    and fields (but where it comes from) identical, as a section copied twice gives."""
    first: dict[tuple[str, ...], Note] = {}
    found = []
    for note in notes:
        same = (note.model, *(f"{name}\0{value}" for name, value in note.fields.items() if name != "Source"))
        was = first.setdefault(same, note)
        if was is not note:
            found.append(
                Diagnostic(
                    note.origin,
                    "warning",
                    f"“{note.prompt}” is the same card as at {was.origin} (a duplicated section?):"
                    " learners would study it twice",
                )
            )
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
