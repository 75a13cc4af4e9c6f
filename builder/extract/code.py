"""Kind ``code``: a code block, split into its commented steps.

A block is cut before each comment line that stands at the start of a line (the top level),
blank line before it or not (:mod:`.codesteps`); the comment names the step and the code under
it is the answer. Comments come from the Pygments lexer of the block's language, so ``#`` in
Rust attributes or shell strings is never mistaken for one. A block comment (``/* … */``,
``<!-- … -->``) is kept whole and named without its markers. No cut: a comment after code on
its line, program output shown as a comment (``#> [2]``, ``// => 3``, ``# Output: …``), a
comment right under the code it speaks of (a blank line after it), a doc comment (``/** … */``,
which goes with its item). A block with no comment takes its cue from the sentence or caption
before it, else gives no card.

A block that shows a program's output rather than code gives no card and is listed as
"program output" (:mod:`.codeoutput`): a console session whose lines are not mostly commands,
plain text (or no language) holding a compiler's errors or ``time``'s report, or under a caption
such as ``Output:``. A block of no language holding ``$`` commands is asked as a command.

A step of more than :data:`MOST_LINES` lines is too long to recall on one card: it is cut at its
top-level items, else at blank lines (:mod:`.codeparts`), each part asked by the step's cue and
its signature (``Safe pattern, fn verify(...): Rust code?``). A part still too long gives no
card, and a warning says to cut it with comments; when such parts hold most of the step and what
is left defines no function or class, the step gives no card at all (no header-only remnant).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pygments.lexers.special import OutputLexer, TextLexer

from ..highlight import LexedLine, lexed_lines, lexer_for
from ..locale import Words
from ..model import Answered, Card, Code, Origin, Snippet
from . import codeparts
from .codeoutput import program_output, typed_lines
from .codesteps import Chunk, chunks, comment_title
from .scope import Scope, Sink
from .terms import narrates

SHELLS = {
    "bash",
    "sh",
    "shell",
    "zsh",
    "console",
    "shell-session",
    "powershell",
    "ps1",
    "fish",
    "bat",
}


def noun(lang: str, words: Words) -> str:
    """What the prompt calls the answer, in the document's language: a command for shells,
    else ``<Language> code``."""
    if lang in SHELLS:
        return words.command()
    lexer = lexer_for(lang)
    if lexer is None or isinstance(lexer, (TextLexer, OutputLexer)):
        return words.code(None)  # plain text names no language ("Text only code")
    return words.code(lexer.name)


MOST_LINES = 15
"""Lines of code one card may ask for."""


def read_code(code: Code, scope: Scope, sink: Sink, caption: str | None = None) -> None:
    """One ``code`` card per commented step of the block; ``caption``: the sentence or bold
    title just before it, the cue of a step that has no comment."""
    if not code.text.strip():
        sink.skip(code.origin, "empty code block", "")
        return
    lines = code.text.split("\n")
    lexed = lexed_lines(code.lang, code.text)
    if program_output(code, lexed, caption):
        sink.skip(code.origin, "program output", next(line for line in lines if line.strip()))
        return
    # A block of no language whose lines are commands typed at a prompt is asked as a command.
    typed = not code.lang.strip() and any(typed_lines(lines, lexed, False))
    for n, chunk in enumerate(chunks(code), start=1):
        title = chunk.title or (caption if n == 1 else None)
        # A caption that asks for an untitled step is not repeated in the breadcrumb.
        crumbs = scope.crumbs if chunk.title or not caption else scope.crumbs[:1]
        origin = Origin(code.origin.path, code.origin.line + 1 + chunk.start)
        if not title:
            first = next((lines[r] for r in chunk.rows if r is not None and lines[r].strip()), "")
            sink.skip(origin, "code with no comment or sentence before it to ask by", first.strip())
            continue
        step = _Step(code, scope, sink, lines, lexed, title, crumbs, chunk.title or "block", typed)
        _read_step(step, chunk, origin)


def _read_step(step: _Step, chunk: Chunk, origin: Origin) -> None:
    """The cards of one step that has a cue: one for the whole step when it fits, else one per
    part it is cut into; none for an example the sentence before it walks through, nor for a
    step too long whose parts that fit are only a remnant."""
    lines, sink, title = step.lines, step.sink, step.title
    if not chunk.title and narrates(title):
        # "Now let's look at the String version:": an example walked through, not named.
        card = step.card(chunk.rows, origin, (), ())
        sink.skip(
            origin, "example code: the sentence before it walks through it, naming nothing", title, card
        )
        return
    size = sum(1 for row in chunk.rows if row is not None and lines[row].strip())
    if size <= MOST_LINES:
        sink.add(step.card(chunk.rows, origin, (), ()))
        return
    parts = codeparts.cut(lines, step.lexed, [r for r in chunk.rows if r is not None], MOST_LINES)
    if _remnant(parts, lines, step.lexed, size):
        card = step.card(chunk.rows, origin, (), ())
        sink.skip(origin, f"code step of {size} lines, over {MOST_LINES} to recall", title, card)
        sink.warn(
            origin,
            f"code step “{title}” has {size} lines, too many to recall on one card (at most"
            f" {MOST_LINES}); cut it with a comment line before each part",
        )
        return
    for part in parts:
        step.part(part)


def _remnant(
    parts: Sequence[codeparts.Part | codeparts.TooLong],
    lines: list[str],
    lexed: Sequence[LexedLine],
    size: int,
) -> bool:
    """Whether what fits of a step is only the remnant of a cut: most of its lines are in parts
    too long to recall and the parts left define nothing of their own (a manifest's header keys,
    the tail of a form), so they hold no item the step's cue asks for. Such a step gives no card
    at all."""
    kept = [part for part in parts if isinstance(part, codeparts.Part)]
    if any(codeparts.holds_definition(lines, lexed, part.rows) for part in kept):
        return False
    too_long = sum(
        1 for part in parts if isinstance(part, codeparts.TooLong) for row in part.rows if lines[row].strip()
    )
    return too_long * 2 > size


def _dedented(shown: list[tuple[str, LexedLine]]) -> list[tuple[str, LexedLine]]:
    """The lines without the leading spaces they all share, in their text and their tokens."""
    widths = [len(line) - len(line.lstrip()) for line, _ in shown if line.strip()]
    cut = min(widths, default=0)
    if not cut:
        return shown
    out: list[tuple[str, LexedLine]] = []
    for line, tokens in shown:
        left = cut if line.strip() else 0
        kept = []
        for kind, value in tokens:
            taken = min(left, len(value) - len(value.lstrip()))
            left -= taken
            if value[taken:]:
                kept.append((kind, value[taken:]))
        out.append((line[cut:] if line.strip() else line, tuple(kept)))
    return out


@dataclass(frozen=True)
class _Step:
    """One step of a block, with what its cards share: the cue, the crumbs, the key's name."""

    code: Code
    scope: Scope
    sink: Sink
    lines: list[str]
    lexed: Sequence[LexedLine]
    title: str
    crumbs: tuple[str, ...]
    name: str
    typed: bool = False
    """A block of no language holding commands typed at a prompt (``$ rg -P …``)."""

    def card(
        self,
        rows: Sequence[int | None],
        origin: Origin,
        cue: Sequence[str],
        key: Sequence[str],
        *,
        dedent: bool = False,
    ) -> Card:
        """The step's card showing ``rows``, asked by the step's title and ``cue``, its key told
        apart by ``key``; ``dedent``: without the indentation its lines share (a method cut
        from its class)."""
        shown = [(self.lines[row], self.lexed[row]) if row is not None else ("", ()) for row in rows]
        if dedent:
            shown = _dedented(shown)
        text = "\n".join(line for line, _ in shown)
        tokens = tuple(line for _, line in shown)
        words = self.sink.words
        return Card(
            kind="code",
            key=self.scope.card("code", self.name, *key),
            crumbs=self.crumbs,
            ask=words.ask(
                words.pair(
                    words.comma.join((self.title, *cue)),
                    words.command() if self.typed else noun(self.code.lang, words),
                )
            ),
            form=Answered((Snippet(self.code.lang, text, tokens),)),
            origin=origin,
            tags=self.scope.tags,
        )

    def part(self, part: codeparts.Part | codeparts.TooLong) -> None:
        """A card for one part of a step too long for one; a warning for a part still too long."""
        origin = Origin(self.code.origin.path, self.code.origin.line + 1 + part.rows[0])
        named = " › ".join(name for name in part.names if name)
        cue, key = [named] if named else [], [named] if named else []
        if isinstance(part, codeparts.Part) and part.place is not None:
            n, total = part.place
            first = part.rows[0]
            lead = comment_title(self.lines[first], self.lexed[first])
            named_part = self.sink.words.part(n, total)
            cue.append(f"{named_part} ({lead})" if lead and n > 1 else named_part)
            key.append(str(n))
        card = self.card(part.rows, origin, cue, key, dedent=True)
        if isinstance(part, codeparts.Part):
            self.sink.add(card)
            return
        size = sum(1 for row in part.rows if self.lines[row].strip())
        what = ", ".join((self.title, *cue))
        self.sink.skip(origin, f"code step of {size} lines, over {MOST_LINES} to recall", what, card)
        self.sink.warn(
            origin,
            f"code “{what}” has {size} lines, too many to recall on one card (at most"
            f" {MOST_LINES}), and no item or blank line to cut it at; cut it with a comment line"
            " before each part",
        )
