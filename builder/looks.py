"""How a deck's cards look: the style, speech and note types its sources ask for (all that ask
must agree), and the note types that makes, with the team's note types its notes name.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .errors import SourceError
from .model import Diagnostic, Look, Note, NoteType, Origin, SourceResult
from .notetypes import builtin, resolve
from .read.notetypes import read_note_types, read_style
from .sources import NOTE_TYPES, Source


class Looks:
    """How each deck's sources ask its cards to look, and the note types that makes."""

    def __init__(self) -> None:
        self.asked: dict[str, tuple[Look, Path]] = {}
        self.roots: dict[str, Path] = {}
        self.teams: dict[Path, tuple[dict[str, NoteType], list[Diagnostic]]] = {}
        self.problems: list[Diagnostic] = []

    def add(self, deck: str, source: Source, result: SourceResult) -> None:
        """One source of ``deck``: its look (all of a deck's sources that ask must agree)."""
        self.roots.setdefault(deck, source.root)
        if not result.look:
            return
        first = self.asked.setdefault(deck, (result.look, source.root))[0]
        if first != result.look:
            self.problems.append(
                Diagnostic(
                    result.look.origin if result.look.origin.path else Origin(result.source, 1),
                    "error",
                    f"deck “{deck}” is asked to look another way at {first.origin}"
                    " (style, tts or note_types): give them once, in decks.yaml or one source",
                )
            )

    def note_types(
        self, deck: str, notes: Sequence[Note], problems: list[Diagnostic]
    ) -> tuple[NoteType, ...]:
        """The deck's own note types (none: the built-in ones): those its look makes, and the
        team's note types its notes name (a hand-written card's ``note_type``); problems go to
        ``problems``."""
        problems += self.problems
        self.problems = []
        own = self._looked(deck, problems) if deck in self.asked else ()
        known = {*builtin(), *(t.key for t in own)}
        named = {n.model: n for n in reversed(notes) if n.model not in known}
        if not named:
            return own
        team = self._team(self.roots[deck], problems)
        for key, note in sorted(named.items()):
            if key not in team:
                there = ", ".join(sorted(team)) or "none"
                problems.append(
                    Diagnostic(
                        note.origin, "error", f"no note type “{key}” in {NOTE_TYPES}/ (there: {there})"
                    )
                )
        return (*own, *(team[key] for key in sorted(named) if key in team))

    def _team(self, root: Path, problems: list[Diagnostic]) -> dict[str, NoteType]:
        """The note types of the source folder ``root`` (read once; their problems told once)."""
        if root not in self.teams:
            self.teams[root] = read_note_types(root / NOTE_TYPES)
            problems += self.teams[root][1]
        return self.teams[root][0]

    def _looked(self, deck: str, problems: list[Diagnostic]) -> tuple[NoteType, ...]:
        """The note types the deck's look makes."""
        look, root = self.asked[deck]
        where = look.origin if look.origin.path else Origin(str(root), 0)
        team = self._team(root, problems)
        style = None
        try:
            if look.style is not None:
                path = Path(look.style)
                if not path.resolve().is_relative_to(root.resolve()):
                    raise SourceError(
                        where, f"the style {look.style} must be inside the source folder {root}/"
                    )
                style = read_style(path, look.style)
            return resolve(look, style, team)
        except SourceError as error:
            problems.append(error.diagnostic())
        except ValueError as error:
            problems.append(Diagnostic(where, "error", str(error)))
        return ()
