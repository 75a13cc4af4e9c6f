"""A code step too long for one card, cut at its top-level items, else at blank lines.

An *item* is what a reader takes in one go: a function, a struct, an impl, a class, a SQL
statement, a YAML top-level key. Items are found from the lines' indentation and the Pygments
tokens of the block's language, never from rules for one language or one document:

- a line at the step's least indentation starts an item when the line before it at that
  indentation ended one (with ``;``, a closing bracket line, a ``---`` separator), when a deeper
  line or a blank line comes between them, or when it is the first line;
- the lines above a definition that belong to it (attributes, decorators, comments) come with it,
  as does the closing line under it (``}``, ``)``, ``end``);
- small pieces (imports, one-line constants: an item of at most two lines, or one that starts
  with an import word) join the item after them, or the one before them at the end.

Each item is named by its *signature*: its first line up to the body (``fn verify(...)``,
``struct OrderBook``, ``CREATE TABLE orders``), or the keys of a YAML item. An item still too
long is cut at the items of its body (an impl's methods, a YAML key's children), its first
lines going with the first part and its closing lines with the last; else at blank lines, into
as few parts as fit, as even as can be. A piece of more lines than fit between blank lines gives
no card.

What is asked of one line is in :mod:`.codelines`; finding the items and their signatures, in
:mod:`.codeitems`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pygments.token import Generic, Keyword, Text

from ..highlight import LexedLine
from .codeitems import defines, joined_items, signature, top_items
from .codelines import CLASS, FUNCTION, Lines, trim

_NAMED = re.compile(r"\w")
_GENERIC = str(Generic)
_TEXT = str(Text)


@dataclass(frozen=True)
class Part:
    """One card's worth of a long code step."""

    names: tuple[str, ...]
    """Its cue: the signatures of the items it stands in, from the outer one in; empty for a
    step that fits whole."""
    rows: tuple[int, ...]
    """The block's lines it shows, by index, blank lines between its items kept."""
    place: tuple[int, int] | None = None
    """(n, of): the n-th of the parts an item was cut into at blank lines."""


@dataclass(frozen=True)
class TooLong:
    """A piece with no item or blank line to cut it at: it gives no card."""

    names: tuple[str, ...]
    """The signatures of the items it stands in, as a part's."""
    rows: tuple[int, ...]
    """The block's lines it holds, by index."""


def _body(item: Sequence[int], lines: Lines) -> tuple[list[int], list[int], list[int]] | None:
    """The item's first lines (up to its last line at its own indentation before the body), its
    deeper body and its closing lines; None when it has no body."""
    filled = [n for n, row in enumerate(item) if not lines.blank(row)]
    level = lines.indent(item[filled[0]])
    deeper = [n for n in filled if lines.indent(item[n]) > level]
    if not deeper:
        return None
    tail = deeper[-1] + 1
    opened = max(n for n in filled if n < tail and lines.indent(item[n]) == level)
    body = trim(item[opened + 1 : tail], lines)
    if not body:
        return None
    return list(item[: opened + 1]), body, trim(item[tail:], lines)


def _even(paragraphs: list[list[int]], most: int, lines: Lines) -> list[list[int]] | None:
    """Consecutive paragraphs grouped into as few parts of at most ``most`` lines as can be,
    the largest as small as can be; None when one paragraph alone is too long."""
    sizes = [lines.size(p) for p in paragraphs]
    if not sizes or max(sizes) > most:
        return None
    best: list[list[int]] | None = None
    for limit in range(max(sizes), most + 1):
        groups: list[list[int]] = []
        size = limit + 1
        for paragraph, n in zip(paragraphs, sizes, strict=True):
            if size + n > limit:
                groups.append([])
                size = 0
            groups[-1] += paragraph
            size += n
        if best is None or len(groups) < len(best):
            best = groups
    return best


def _paragraphs(rows: Sequence[int], lines: Lines) -> list[list[int]]:
    found: list[list[int]] = [[]]
    for row in rows:
        if lines.blank(row) and not lines.inside(row):
            if found[-1]:
                found.append([])
        else:
            found[-1].append(row)
    return [paragraph for paragraph in found if paragraph]


def _with_blanks(groups: list[list[int]], rows: Sequence[int]) -> list[list[int]]:
    """Each group with the blank lines inside its span kept."""
    return [[row for row in rows if group[0] <= row <= group[-1]] for group in groups]


def _cut(rows: list[int], names: tuple[str, ...], most: int, lines: Lines) -> list[Part | TooLong]:
    if lines.size(rows) <= most:
        return [Part(names, tuple(rows))]
    items = joined_items(top_items(rows, lines), rows, lines)
    if len(items) > 1 and all(_NAMED.search(signature(item.main, lines)) for item in items):
        return [
            cut
            for item in items
            for cut in _cut(item.rows, (*names, signature(item.main, lines)), most, lines)
        ]
    main = items[0].main if items else rows
    named = signature(main, lines) if defines(main, lines) or _body(main, lines) else ""
    if named and (not names or names[-1] != named):
        names = (*names, named)
    parts = _cut_body(rows, names, most, lines)
    if parts is not None:
        return parts
    groups = _even(_paragraphs(rows, lines), most, lines)
    if groups is None:
        return [TooLong(names, tuple(rows))]
    groups = _with_blanks(groups, rows)
    total = len(groups)
    return [Part(names, tuple(group), (n, total)) for n, group in enumerate(groups, start=1)]


def _cut_body(
    item: list[int], names: tuple[str, ...], most: int, lines: Lines
) -> list[Part | TooLong] | None:
    """The item cut at the definitions of its body, its first and closing lines with the first
    and last part; None when it has no such body or they would not fit."""
    found = _body(item, lines)
    if found is None:
        return None
    head, body, tail = found
    inner = joined_items(top_items(body, lines), body, lines)
    if len(inner) < 2 or not all(defines(piece.main, lines) for piece in inner):
        return None  # statements in a function's body: cut at blank lines
    parts = [
        cut
        for piece in inner
        for cut in _cut(piece.rows, (*names, signature(piece.main, lines)), most, lines)
    ]
    first, last = parts[0], parts[-1]
    if not isinstance(first, Part) or not isinstance(last, Part):
        return None
    opened = Part(first.names, (*head, *first.rows), first.place)
    closed = Part(last.names, (*last.rows, *tail), last.place)
    if lines.size(opened.rows) > most or lines.size(closed.rows) > most:
        return None
    return [opened, *parts[1:-1], closed]


_DEFINING = {"fn", "def", "function", "class", "struct", "impl", "trait", "interface", "enum", "func"}
"""Keywords that open a definition where a lexer does not mark the name as a function's or a
class's (JavaScript's ``function draw``)."""


def holds_definition(lines: Sequence[str], lexed: Sequence[LexedLine], rows: Sequence[int]) -> bool:
    """Whether the rows define something of their own: a line of theirs names a function or a
    class (header keys of a manifest or markup elements do not)."""
    shown = Lines(lines, lexed)
    for row in rows:
        code = shown.code(row)
        if any(kind.startswith((FUNCTION, CLASS)) for kind, _ in code):
            return True
        if any(kind.startswith(str(Keyword)) and value in _DEFINING for kind, value in code):
            return True
    return False


def cut(
    lines: Sequence[str], lexed: Sequence[LexedLine], rows: Sequence[int], most: int
) -> list[Part | TooLong]:
    """A step's rows cut into parts of at most ``most`` lines (a step that fits: one part,
    unnamed)."""
    shown = Lines(lines, lexed)
    kept = trim(rows, shown)
    if not _lexed_as_code(kept, shown):
        return [TooLong((), tuple(kept))]
    return _cut(kept, (), most, shown)


def _lexed_as_code(rows: Sequence[int], lines: Lines) -> bool:
    """Code its lexer reads as code: not plain text or a console session's output, whose lines
    have no items to cut at (at least half its lines start with a token of the language)."""
    starts = [lines.words(row)[0][0] for row in rows if lines.words(row)]
    plain = [kind for kind in starts if kind == _TEXT or kind.startswith(_GENERIC)]
    return len(plain) * 2 <= len(starts)
