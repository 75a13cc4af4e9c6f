"""A code block cut into its commented steps (:mod:`.code`): before each run of comment lines
that stand at the start of a line, the comment naming the step under it.

Comments are told by the Pygments lexer of the block's language. Not a cut: a doc comment, which
goes with the item under it; program output shown as a comment (``#> 3``) or a comment right
under the code it speaks of, when code follows it. A comment with no code under it stays with a
step, as code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pygments.token import Comment

from ..highlight import LexedLine, kind_name, lexed_lines
from ..model import Code
from .codelines import inside_comments

_COMMENT = str(Comment)
_NOT_COMMENTS = {str(Comment.Hashbang), str(Comment.Preproc)}
_MARKERS = re.compile(r"^\s*(?:<!--+|#+|//+|--|/\*+|\*+|;+|%+|REM\b)\s*|\s*(?:\*+/|-+->)\s*$")
_OUTPUT = re.compile(
    r"\s*(?:#|//|--|;|%)\s*(?:=?>|->|→|(?:output|out|prints?|result|returns?|输出|结果|出力)\s*[:：])",
    re.IGNORECASE,
)
"""A comment that shows what the code above it prints (``#> [2]``, ``// => 3``, ``# Output: 3``)."""
_DOC = re.compile(r"\s*/\*[*!](?!/)")
"""The opening of a doc comment (``/**``, ``/*!``), which documents the item under it."""
_NUMBERING = re.compile(r"^(?:step\s+)?\d+[.):]\s*|^\(?\d+\)\s*", re.IGNORECASE)


def _only_comment(tokens: LexedLine) -> bool:
    """A line that holds a comment and nothing else."""
    words = [kind_name(kind) for kind, value in tokens if value.strip()]
    return bool(words) and all(w.startswith(_COMMENT) and w not in _NOT_COMMENTS for w in words)


def _comment_lines(lines: list[str], lexed: Sequence[LexedLine]) -> set[int]:
    """Indexes of the lines of the comments that cut the block into steps: whole-line comments
    starting at column 0 (a block comment with all its lines) that come before the code they
    name. Not a cut: a doc comment (``/** … */``), which goes with the item under it as an
    attribute does; with code under it, program output shown as a comment (``#> 3``) or a
    comment under the code it speaks of (a blank line after it)."""
    found = _top_comments(lines, lexed)
    runs = _runs(lines, found)
    cuts: set[int] = set()
    for run, below in zip(runs, [*(later[0] for later in runs[1:]), len(lines)], strict=False):
        first, after = run[0], run[-1] + 1
        if _DOC.match(lines[first]):
            continue
        under_code = first > 0 and bool(lines[first - 1].strip()) and first - 1 not in found
        trailing = _OUTPUT.match(lines[first]) is not None or (
            under_code and (after >= len(lines) or not lines[after].strip())
        )
        if trailing and any(lines[n].strip() for n in range(after, below)):
            continue  # code under it: it belongs to the code above
        cuts.update(run)
    return cuts


def _top_comments(lines: list[str], lexed: Sequence[LexedLine]) -> list[int]:
    """Indexes of the whole-line comments starting at column 0, with the lines of a block
    comment that goes on under them."""
    inside = inside_comments(lexed)
    found: list[int] = []
    for n, (line, tokens) in enumerate(zip(lines, lexed, strict=False)):
        top = line[:1].strip() and _only_comment(tokens)  # not blank, not indented
        goes_on = inside[n] and found[-1:] == [n - 1] and (not line.strip() or _only_comment(tokens))
        if top or goes_on:
            found.append(n)
    return found


def _runs(lines: list[str], found: list[int]) -> list[list[int]]:
    """The comment lines grouped into runs of lines next to each other; program output shown
    as a comment (``#> 3``) neither joins a run nor is joined by the line after it."""
    runs: list[list[int]] = []
    for n in found:
        output = _OUTPUT.match(lines[n]) is not None
        if runs and runs[-1][-1] == n - 1 and not output and not _OUTPUT.match(lines[n - 1]):
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


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


def comment_title(line: str, tokens: LexedLine) -> str:
    """A line's comment as a title (without markers and numbering); '' when the line holds more
    than a comment, or shows program output."""
    commented = _only_comment(tokens) and not _OUTPUT.match(line)
    return _clean(line) if commented else ""
