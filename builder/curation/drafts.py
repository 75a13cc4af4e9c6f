"""The curation entries the preview's buttons copy: a drop line, or a rewrite that starts from
the card's current text as Markdown.

A rewrite pasted unchanged changes nothing: its Markdown reads back (:mod:`.apply`) to the
fields the card has now. So the draft writes what the reader reads, not what the card shows:

- an image (a sound, a video) by the path its author wrote (:data:`builder.media.SOURCE_PATH`),
  never the name it is packed under; Anki's ``[sound:…]`` as ``[sound:…]``;
- math between ``\\(…\\)`` or ``\\[…\\]``, which the reader always reads as math (``$…$``
  next to a digit is money); TeX holding its own closing delimiter goes between dollars;
- text escaped where Markdown, or a dialect the reader understands, would read it as markup:
  ``*``, ``_``, backticks, ``<``, ``]``, ``|``, ``~``, braces, a ``$`` that could open math,
  an entity's ``&``, and at the start of a line what would start a block (``#``, ``>``,
  ``-``, ``1.``, ``:``…); ``{{c1::…}}`` outside a cloze card is text, its braces escaped; a
  ``]`` that ends a text or stands before ``[`` or ``(`` is ``&#93;`` (the dialects'
  reference rules read ``\\]`` as a bracket);
- code as code spans and fences longer than any run of backticks they hold; a paragraph's
  lines apart with hard breaks, as the reader splits them; a list right after another with
  the other mark, or the two would read as one; in a table's cell every ``|`` escaped.

Each inline run written is read again. A card any of whose runs reads back otherwise, or that
holds what a rewrite cannot say, has no draft (``()``), and the preview offers no rewrite for
it rather than an entry that would change it: a footnote's mark (a rewrite has no footnotes),
a highlight (``==…==``) or emphasis that its neighbours keep from reading back as ``**…**``,
a block the reader keeps only as its text (:class:`~builder.model.Other`), a line break inside
a paragraph's line (a setext heading's of several lines), a hint with markup in a YAML card's
cloze (a rewrite's hint is text), a generated cloze of several lines that are not a list or
with ``{{c1::`` written as text, or TeX holding both ``\\)`` and ``$``.

Inline runs are written (and read again) by :mod:`.inline`; the entries themselves, a drop line
and a rewrite's YAML, by :mod:`.entries`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import partial

from markdown_it.token import Token

from ..markdown import CLOZE, inline_tokens, plain
from ..model import (
    Answered,
    Block,
    Blocks,
    Card,
    Clozed,
    ClozeText,
    Code,
    Gap,
    Items,
    ListBlock,
    OwnFields,
    Pairs,
    Paragraph,
    Part,
    Snippet,
    Table,
    Text,
    Written,
    unknown_form,
    unknown_part,
)
from .entries import drop_entry, rewrite_entry, rewrite_text
from .inline import Lossy, escape, inline_markdown

__all__ = ["draft", "drop_entry", "inline_markdown", "rewrite_entry", "rewrite_text"]


def draft(card: Card) -> tuple[tuple[str, str], ...]:
    """The fields a rewrite of ``card`` starts from, as Markdown: its prompt and answer, or its
    cloze statement. ``()`` when no Markdown reads back to the card it has now, and for a card
    of a team's note type (rewritten in its card file, not by curation)."""
    form = card.form
    if isinstance(form, OwnFields):
        return ()
    try:
        if isinstance(form, Answered):
            return (("prompt", _prompt(card.ask)), ("answer", _answer(form.answer)))
        if isinstance(form, Clozed):
            return (("cloze", _cloze_markdown(form.cloze)),)
        if isinstance(form, Written):
            return (("cloze", _statement(form.statement.tokens)),)
    except Lossy:
        return ()
    unknown_form(form)


def _answer(parts: Iterable[Part]) -> str:
    return _joined((_kind(p), partial(_part_markdown, p)) for p in parts).strip()


def _kind(piece: Part | Block) -> str | None:
    """What list a part or block is written as (``ul``, ``ol``), else None."""
    if isinstance(piece, (Items, ListBlock)):
        return "ol" if piece.ordered else "ul"
    return "ul" if isinstance(piece, Pairs) else None


def _joined(pieces: Iterable[tuple[str | None, Callable[[bool], str]]]) -> str:
    """Blocks one after another, a blank line between. A list right after a list of its kind
    is written with the other mark (``*`` for ``-``, ``1)`` for ``1.``): with the same one, the
    reader would read the two as one list."""
    out: list[str] = []
    last: str | None = None
    other = False
    for kind, write in pieces:
        other = kind is not None and kind == last and not other
        if text := write(other):
            out.append(text)
            last = kind
    return "\n\n".join(out)


def _mark(ordered: bool, n: int, other: bool) -> str:
    if ordered:
        return f"{n})" if other else f"{n}."
    return "*" if other else "-"


def _part_markdown(part: Part, other: bool = False) -> str:
    if isinstance(part, Text):
        return inline_markdown(part.inline.tokens)
    if isinstance(part, Items):
        return "\n".join(
            _item(
                _mark(part.ordered, n, other),
                [(None, partial(_head, head.tokens)), *_pieces(rest)],
            )
            for n, (head, rest) in enumerate(part.entries, start=1)
        )
    if isinstance(part, Pairs):
        return "\n".join(
            f"{_mark(False, 0, other)} **{escape(head, start=False)}:** {inline_markdown(value.tokens)}"
            for head, value in part.pairs
        )
    if isinstance(part, Blocks):
        return _joined(_pieces(part.blocks))
    if isinstance(part, Snippet):
        return _fenced(part.lang, part.text)
    unknown_part(part)


def _head(tokens: Sequence[Token], other: bool = False) -> str:
    return inline_markdown(tokens)


def _pieces(blocks: Iterable[Block]) -> list[tuple[str | None, Callable[[bool], str]]]:
    return [(_kind(b), partial(_block_markdown, b)) for b in blocks]


def _block_markdown(block: Block, other: bool = False) -> str:
    if isinstance(block, Paragraph):
        if any(t.type in ("softbreak", "hardbreak") for line in block.lines for t in line.tokens):
            raise Lossy("a line break the reader would join")
        # The reader splits a paragraph's lines at hard breaks (and at some soft ones).
        written = "\\\n".join(inline_markdown(line.tokens) for line in block.lines)
        # An empty one (an empty heading's) reads back from an empty heading.
        return written if written.strip() else "#"
    if isinstance(block, ListBlock):
        return "\n".join(
            _item(_mark(block.ordered, n, other), _pieces(item.blocks))
            for n, item in enumerate(block.items, start=1)
        )
    if isinstance(block, Table):
        rows = [block.header, *block.rows]
        lines = ["| " + " | ".join(inline_markdown(c.tokens, cell=True) for c in row) + " |" for row in rows]
        return "\n".join([lines[0], "|" + "---|" * len(block.header), *lines[1:]])
    if isinstance(block, Code):
        return _fenced(block.lang, block.text)
    if plain(t for t in block.tokens if t.type == "inline"):
        raise Lossy("a part kept only as its text")
    return ""


def _item(mark: str, pieces: Iterable[tuple[str | None, Callable[[bool], str]]]) -> str:
    """A list item: its blocks under its mark, indented to the item's content."""
    pad = " " * (len(mark) + 1)
    body = _joined(pieces)
    return f"{mark} " + "\n".join(
        pad + line if line and n else line for n, line in enumerate(body.split("\n"))
    )


def _fenced(lang: str, text: str) -> str:
    """A fenced code block longer than any fence inside it, its info string kept."""
    mark = "~" if "`" in lang else "`"
    runs = re.findall(rf"^[ \t]*({re.escape(mark)}+)", text, re.MULTILINE)
    fence = mark * max([3, *(len(run) + 1 for run in runs)])
    return f"{fence}{lang}\n{text}\n{fence}"


def _statement(tokens: Sequence[Token]) -> str:
    """A hand-written cloze statement (a YAML card's), its deletions as written. A rewrite's
    hint is text: a statement whose hint holds markup has no draft."""
    shape = "".join(t.content if t.type == "text" else "\0" for t in tokens)
    if any("\0" in (hint or "") for hint in (m.group(3) for m in CLOZE.finditer(shape))):
        raise Lossy("a hint with markup")
    return inline_markdown(tokens, cloze=True)


def _cloze_markdown(cloze: ClozeText) -> str:
    """A generated cloze as :func:`builder.curation.apply` reads one: a line, or a list's
    items (after its intro)."""
    lines = []
    for line in cloze.lines:
        out = []
        for segment in line:
            if isinstance(segment, Gap):
                hint = f"::{escape(segment.hint, start=False, cloze=True)}" if segment.hint else ""
                shown = inline_markdown(segment.inline.tokens, cloze=True)
                out.append(f"{{{{c{segment.number}::{shown}{hint}}}}}")
            else:
                if any(_DELETION.search(t.content) for t in segment.tokens if t.type == "text"):
                    raise Lossy("a deletion written as text")
                out.append(inline_markdown(segment.tokens, cloze=True))
        lines.append("".join(out).strip())
    if not cloze.listed:
        if len(lines) > 1:
            raise Lossy("a cloze of several lines that are not a list")
        return lines[0] if lines else ""
    if cloze.intro and (_LIST_MARK.match(cloze.intro) or "\n" in cloze.intro):
        raise Lossy("an intro that reads as an item")
    items = [f"{f'{n}.' if cloze.ordered else '-'} {line}" for n, line in enumerate(lines, start=1)]
    return "\n".join([cloze.intro, *items] if cloze.intro else items)


_DELETION = re.compile(r"\{\{c\d+::")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_MATH_OPEN = re.compile(r"\\([(\[])")


def _prompt(ask: str) -> str:
    """A card's prompt (plain text) as Markdown: its math, written ``\\(…\\)`` in the text
    the reader shows, kept as math, and the rest text; all of it text when that would read
    back otherwise (math holding ``]]`` after a ``[[``)."""
    written = _prompt_math(ask)
    if written is None:  # no math: written as text either way, nothing to read back
        return escape(ask, start=True)
    if " ".join(plain(inline_tokens(written)).split()) == ask:
        return written
    return escape(ask, start=True)


def _prompt_math(ask: str) -> str | None:
    """The prompt with its math kept as written and the rest escaped; None when it holds no
    math (then it is all text)."""
    out, pos = [], 0
    for match in _MATH_OPEN.finditer(ask):
        if match.start() < pos:
            continue
        closer = "\\)" if match.group(1) == "(" else "\\]"
        end = ask.find(closer, match.end())
        tex = ask[match.end() : end]
        if end == -1 or not tex.strip() or tex != tex.strip():
            continue
        out.append(escape(ask[pos : match.start()], start=pos == 0))
        out.append(ask[match.start() : end + 2])
        pos = end + 2
    if pos == 0:
        return None
    out.append(escape(ask[pos:], start=False))
    return "".join(out)
