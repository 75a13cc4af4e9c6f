"""Kind ``code``: a code block, split into its commented steps.

A block is cut before each comment line that stands at the start of a line (the top level),
blank line before it or not; the comment names the step and the code under it is the answer.
Comments come from the Pygments lexer of the block's language, so ``#`` in Rust attributes or
shell strings is never mistaken for one. A step of more than :data:`MOST_LINES` lines is too
long to recall: it gives no card, and a warning says to cut it with comments. A block with no
comment takes its cue from the sentence or caption before it, else gives no card.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pygments.token import Comment

from ..highlight import LexedLine, lexed_lines, lexer_for
from ..model import Card, Code, Origin, Snippet
from .scope import Scope, Sink

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
_COMMENT = str(Comment)
_NOT_COMMENTS = {str(Comment.Hashbang), str(Comment.Preproc)}
_MARKERS = re.compile(r"^\s*(?:#+|//+|--|/\*+|\*+|;+|%+|REM\b)\s*|\s*\*+/\s*$")
_NUMBERING = re.compile(r"^(?:step\s+)?\d+[.):]\s*|^\(?\d+\)\s*", re.IGNORECASE)


def _comment_lines(lines: list[str], lexed: Sequence[LexedLine]) -> set[int]:
    """Indexes of the lines that hold only a comment, starting at column 0."""
    found = set()
    for n, (line, tokens) in enumerate(zip(lines, lexed, strict=False)):
        if not line[:1].strip():
            continue  # blank, or indented: not a top-level comment
        words = [str(kind) for kind, value in tokens if value.strip()]
        if words and all(w.startswith(_COMMENT) and w not in _NOT_COMMENTS for w in words):
            found.add(n)
    return found


@dataclass(frozen=True)
class Chunk:
    """One step of a code block."""

    title: str | None
    """Its comment, cleaned of markers and numbering; None when it has none."""
    rows: tuple[int | None, ...]
    """The block's lines it shows, by index (None: a blank line put between two runs)."""
    start: int
    """The index of its first line in the block (for its source line)."""


def chunks(code: Code) -> list[Chunk]:
    """The block's steps, cut before each run of top-level comment lines."""
    lines = code.text.split("\n")
    comments = _comment_lines(lines, lexed_lines(code.lang, code.text))
    starts = sorted(n for n in comments if n == 0 or n - 1 not in comments)
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    ends = [*starts[1:], len(lines)]

    def trimmed(first: int, last: int) -> list[int | None]:
        rows = list(range(first, last))
        while rows and not lines[rows[0]].strip():
            rows.pop(0)
        while rows and not lines[rows[-1]].strip():
            rows.pop()
        return list(rows)

    parts: list[Chunk] = []
    pending: list[int | None] = []
    for start, end in zip(starts, ends, strict=True):
        head = start
        while head < end and head in comments:
            head += 1
        rows = trimmed(head, end)
        if not rows:
            # A comment with no code under it stays, as code, with the step before (or after) it.
            whole = trimmed(start, end)
            if parts:
                last = parts[-1]
                parts[-1] = Chunk(last.title, (*last.rows, None, *whole), last.start)
            else:
                pending += [*whole, None]
            continue
        title = " ".join(_clean(lines[n]) for n in range(start, head)).strip() or None
        parts.append(Chunk(title, (*pending, *rows), start))
        pending = []
    if not parts:
        return [Chunk(None, tuple(trimmed(0, len(lines))), 0)]
    return parts


def _clean(comment: str) -> str:
    text = _MARKERS.sub("", comment).strip()
    return _NUMBERING.sub("", text).strip().rstrip(".:;,")


def noun(lang: str) -> str:
    """What the prompt calls the answer: a command for shells, else ``<Language> code``."""
    if lang in SHELLS:
        return "command"
    lexer = lexer_for(lang)
    return f"{lexer.name} code" if lexer is not None else "code"


MOST_LINES = 15
"""Lines of code one card may ask for."""


def read_code(code: Code, scope: Scope, sink: Sink, caption: str | None = None) -> None:
    """One ``code`` card per commented step of the block; ``caption``: the sentence or bold
    title just before it, the cue of a step that has no comment."""
    if not code.text.strip():
        sink.skip(code.origin, "empty code block", "")
        return
    what = noun(code.lang)
    lines = code.text.split("\n")
    lexed = lexed_lines(code.lang, code.text)
    parts = chunks(code)
    for n, chunk in enumerate(parts, start=1):
        title = chunk.title or (caption if n == 1 else None)
        # A caption that asks for an untitled step is not repeated in the breadcrumb.
        crumbs = scope.crumbs if chunk.title or not caption else scope.crumbs[:1]
        origin = Origin(code.origin.path, code.origin.line + 1 + chunk.start)
        text = "\n".join("" if row is None else lines[row] for row in chunk.rows)
        first = next((lines[r] for r in chunk.rows if r is not None and lines[r].strip()), "")
        if not title:
            sink.skip(origin, "code with no comment or sentence before it to ask by", first.strip())
            continue
        tokens = tuple(() if row is None else lexed[row] for row in chunk.rows)
        card = Card(
            kind="code",
            key=scope.card("code", chunk.title or "block"),
            crumbs=crumbs,
            ask=f"{title}: {what}?",
            answer=(Snippet(code.lang, text, tokens),),
            origin=origin,
            tags=scope.tags,
        )
        size = sum(1 for row in chunk.rows if row is not None and lines[row].strip())
        if size > MOST_LINES:
            sink.skip(origin, f"code step of {size} lines, over {MOST_LINES} to recall", title, card)
            sink.warn(
                origin,
                f"code step “{title}” has {size} lines, too many to recall on one card (at most"
                f" {MOST_LINES}); cut it with a comment line before each part",
            )
            continue
        sink.add(card)
