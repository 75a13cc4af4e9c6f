"""Checks a learner would want made before studying: the rules of ``deckbuilder lint``, whose
warnings ``deckbuilder build`` shows too, so that no check of a pull request comes as a surprise.

Problems found while reading (bad input, missing images, duplicate ids, sections that gave no
card, ambiguous prompts) come with the plan; these rules look at the finished notes. Each says
whether a team would fail a pull request for it (a ``warning``: ``lint --strict`` exits 1) or it
is advice (a ``note``, which never fails):

- warning: a card that is the same as another of its deck (learners would study it twice);
- warning: a code line wider than the code width (:data:`CODE_WIDTH`, ``--code-width``);
- note: an answer over the answer budget (it may be long on purpose).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .model import Diagnostic, Note, Origin

if TYPE_CHECKING:
    from .build import Plan

CODE_WIDTH = 80
"""The widest code line lint accepts, in columns, unless ``--code-width`` says otherwise. A
phone shows about 40 columns of a card's code (390 px), but the note types' code box scrolls
sideways (``overflow-x: auto``): a wider line is read by scrolling, never cut or wrapped. 80
columns, the width code is commonly written to, keeps that scroll short; a team that writes
wider (or wants every line on the screen) sets its own width."""


@dataclass(frozen=True)
class Finding:
    """What a rule of lint says of a finished note, printed like a :class:`Diagnostic`."""

    origin: Origin
    """The note's place in its source."""
    level: Literal["warning", "note"]
    """``warning``: a team would fail a pull request for it, and ``lint --strict`` exits 1;
    ``note``: advice, which never fails."""
    message: str
    """What is wrong, and the fix."""

    def __str__(self) -> str:
        return f"{self.origin}: {self.level}: {self.message}"


def fails(found: Diagnostic | Finding, strict: bool) -> bool:
    """Whether what lint (or build) found fails ``lint``: an error always, a warning when
    ``strict``, a note never."""
    return found.level == "error" or (strict and found.level == "warning")


def lint(planned: Plan, code_width: int = CODE_WIDTH) -> list[Finding]:
    """What the rules say of the notes of every planned deck, with code lines of up to
    ``code_width`` columns accepted; sorted by file and line."""
    found = []
    for deck in planned.decks:
        for note in deck.notes:
            found.extend(check(note, code_width))
        found.extend(twins(deck.notes))
    return sorted(found, key=lambda f: (f.origin, f.message))


def warnings(planned: Plan, code_width: int = CODE_WIDTH) -> list[Finding]:
    """The warnings of :func:`lint`, without its notes: what ``deckbuilder build`` shows too."""
    return [found for found in lint(planned, code_width) if found.level == "warning"]


def twins(notes: Sequence[Note]) -> list[Finding]:
    """A warning for each note of a deck that is the same card as an earlier one: its note type
    and fields (but where it comes from) identical, as a section copied twice gives."""
    first: dict[tuple[str, ...], Note] = {}
    found = []
    for note in notes:
        same = (note.model, *(f"{name}\0{value}" for name, value in note.fields.items() if name != "Source"))
        was = first.setdefault(same, note)
        if was is not note:
            found.append(
                Finding(
                    note.origin,
                    "warning",
                    f"“{note.prompt}” is the same card as at {was.origin} (a duplicated section?):"
                    " learners would study it twice",
                )
            )
    return found


def check(note: Note, code_width: int = CODE_WIDTH) -> list[Finding]:
    """What the rules say of one note."""
    from .extract.answer import ANSWER_BUDGET

    found = []
    if note.kind == "code":
        widest = max((len(line.rstrip()) for line in note.answer.splitlines()), default=0)
        if widest > code_width:
            found.append(
                Finding(
                    note.origin,
                    "warning",
                    f"code line of {widest} columns is wider than {code_width} (--code-width): it scrolls sideways;"
                    f" break it, or allow it with --code-width {widest}",
                )
            )
    elif len(note.answer) > ANSWER_BUDGET:
        found.append(
            Finding(
                note.origin,
                "note",
                f"answer of “{note.prompt}” is {len(note.answer)} characters, over the budget of"
                f" {ANSWER_BUDGET}: split it",
            )
        )
    return found
