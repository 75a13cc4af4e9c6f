"""Cloze cards written inline in a Markdown source: Anki's ``{{c1::answer}}`` and
``{{c1::answer::hint}}``.

A deletion makes a hand-written cloze of what it stands in, and that is the only card it gives:

- a sentence of a paragraph (sentences as :func:`.cloze.sentences` cuts them);
- a labelled line of a paragraph, or a list item, labelled or not: the whole line or item;
- a table cell: ``Row key: Column: value``, the row's other cells carded as usual.

Several numbers (``c1``, ``c2``) in one of these make one note with one card per number. The
walker lifts these parts out of each block (:func:`lift`) before any other extractor reads it,
so no generated card repeats them. Where the deletions are, and which are broken, is
:mod:`.clozescan`'s to say. A deletion that is not closed, a ``}}`` that closes none,
``{{c0::``, a malformed ``{{c1:x``, a deletion inside another, or one that crosses the end of
bold, italic or a link is an error at its line, and the part gives no card.

Deletions inside code spans are code, never cards. A deletion written inside math
(``$x^{ {{c1::2}} }$``) is kept as Anki reads it; math inside a deletion is hidden whole.

Keys: a labelled line or item by its label, a table cell by its row and column, any other part
by its first words outside the deletions (its first hidden part when it has none): editing what
a deletion hides keeps the key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from markdown_it.token import Token

from ..markdown import CLOZE, plain, split_label, text_token
from ..model import (
    Block,
    ClozeText,
    Diagnostic,
    Gap,
    Inline,
    Item,
    ListBlock,
    Origin,
    Paragraph,
    Segment,
    Table,
)
from .cloze import prose_clozes, sentences
from .clozescan import Found, has_marks, origin_of, scan, shown_tokens, tagged
from .question import plain_qa
from .scope import Scope, Sink

__all__ = ["has_marks", "heading_marks", "lift", "scan"]

KEY_WORDS = 6
"""Words outside the deletions that key a sentence's or an item's cloze."""


def _card(
    found: Found, origin: Origin, scope: Scope, sink: Sink, text: str, *, label: str = "", key: str = ""
) -> bool:
    """The cloze card of a part that holds a deletion, or its errors; False when it has none."""
    for where, message in found.problems:
        sink.diagnostics.append(Diagnostic(where, "error", message))
    if found.problems:
        sink.skip(origin, "broken cloze deletion (see the error)", text)
        return True
    if found.segments is None:
        return False
    segments = found.segments
    key = key or (scope.card("cloze", label) if label else _first_words_key(segments, scope))
    sink.add(scope.cloze("cloze", key, origin, ClozeText((segments,))))
    return True


def _first_words_key(segments: Sequence[Segment], scope: Scope) -> str:
    """The key of an unlabelled part: its first words outside the deletions (with none, its
    first hidden part; a deletion in math: the text)."""
    shown = CLOZE.sub(" ", plain(t for s in segments if isinstance(s, Inline) for t in s.tokens))
    words = re.sub(r"[^\w]+", " ", shown).split()[:KEY_WORDS]
    first = next((s.inline for s in segments if isinstance(s, Gap)), None)
    hidden = plain(first.tokens) if first is not None else shown
    return scope.card("cloze", " ".join(words) or hidden[:40])


def _label(tokens: Sequence[Token]) -> str:
    """The label a line starts with, if it is no deletion itself."""
    lab = split_label(tokens) or plain_qa(tokens)
    if lab is None or has_marks([text_token(lab[0])]):
        return ""
    return lab[0]


def lift(block: Block, scope: Scope, sink: Sink) -> Block | None:
    """``block`` without its parts that hold a deletion, each made a cloze card (or an error);
    the block itself when it holds none, None when nothing of it is left."""
    if isinstance(block, Paragraph):
        return _paragraph(block, scope, sink)
    if isinstance(block, ListBlock):
        return _list(block, scope, sink)
    if isinstance(block, Table):
        return _table(block, scope, sink)
    return block


def _groups(lines: Sequence[Inline]) -> list[tuple[str, list[Inline]]]:
    """A paragraph's lines as the walker groups them: a labelled line with the lines that
    continue it, and runs of prose (label '')."""
    groups: list[tuple[str, list[Inline]]] = []
    for line in lines:
        lab = split_label(line.tokens) or plain_qa(line.tokens)
        if lab is not None:
            groups.append((lab[0], [line]))
        elif groups:
            groups[-1][1].append(line)
        else:
            groups.append(("", [line]))
    return groups


def _paragraph(para: Paragraph, scope: Scope, sink: Sink) -> Paragraph | None:
    if not any(has_marks(line.tokens) for line in para.lines):
        return para
    kept: list[Inline] = []
    for label, lines in _groups(para.lines):
        if not any(has_marks(line.tokens) for line in lines):
            kept.extend(lines)
            continue
        text = plain(t for line in lines for t in line.tokens)
        if label and _label(lines[0].tokens):
            found = scan(tagged(lines), lines[0].origin)
            if _card(found, lines[0].origin, scope, sink, text, label=label):
                continue
            kept.extend(lines)
            continue
        if not _sentences(lines, scope, sink):
            kept.extend(lines)
    if not kept:
        return None
    return Paragraph(tuple(kept), kept[0].origin)


def _sentences(lines: Sequence[Inline], scope: Scope, sink: Sink) -> bool:
    """Cards for a prose run: a cloze for each sentence holding a deletion (or its errors), the
    other sentences read as prose, in order (see :func:`.cloze.prose_clozes`). False, and
    nothing done, when no sentence holds one (plain braces, ``{{ name }}``)."""
    units = sentences(tagged(lines))
    read: list[tuple[list[Token], Origin, Found]] = []
    i = 0
    while i < len(units):
        unit = units[i]
        origin = origin_of(unit[0], lines[0].origin)
        found = scan(unit, origin)
        # A deletion may hold a full stop: it ends in a later sentence. Only a sentence with a
        # ``}}`` can close it (or the last, to report it open): the run is scanned again then,
        # not after every sentence, so a deletion left open costs one more scan, not a square.
        if found.open and i + 1 < len(units):
            unit = list(unit)
        while found.open and i + 1 < len(units):
            i += 1
            unit += [text_token(" "), *units[i]]
            if i + 1 == len(units) or _closes(units[i]):
                found = scan(unit, origin)
        read.append((unit, origin, found))
        i += 1
    if all(found.segments is None and not found.problems for _, _, found in read):
        return False
    kept: list[Inline] = []
    for unit, origin, found in read:
        if found.segments is None and not found.problems:
            kept.append(Inline(tuple(unit), origin))
            continue
        if kept:
            prose_clozes(Paragraph(tuple(kept), kept[0].origin), scope, sink)
            kept.clear()
        _card(found, origin, scope, sink, plain(unit))
    if kept:
        prose_clozes(Paragraph(tuple(kept), kept[0].origin), scope, sink)
    return True


def _closes(unit: Sequence[Token]) -> bool:
    """Whether a sentence holds a ``}}`` that may close a deletion opened before it."""
    return any(tok.type == "text" and "}}" in tok.content for tok in unit)


def _list(block: ListBlock, scope: Scope, sink: Sink) -> ListBlock | None:
    """The list without its items that became cloze cards; the list itself when none did."""
    kept = [(item, _item(item, block.ordered, scope, sink)) for item in block.items]
    if all(new is old for old, new in kept):
        return block
    items = tuple(new for _, new in kept if new is not None)
    return ListBlock(block.ordered, items, block.origin) if items else None


def _item(item: Item, ordered: bool, scope: Scope, sink: Sink) -> Item | None:
    """One item: None when its first paragraph became a cloze (what is nested read under it),
    the item with its nested blocks lifted otherwise (itself when nothing changed)."""
    first = item.blocks[0] if item.blocks else None
    head = first.lines if isinstance(first, Paragraph) else ()
    label = _label(head[0].tokens) if head else ""
    inner = scope.sub(label) if label else scope
    if head and any(has_marks(line.tokens) for line in head):
        found = scan(tagged(head), item.origin)
        text = plain(t for line in head for t in line.tokens)
        if _card(found, head[0].origin, scope, sink, text, label=label):
            return _carded_item(item, found, ordered, inner, sink)
    start = 1 if head else 0
    rest = [lift(b, inner, sink) for b in item.blocks[start:]]
    blocks = (*item.blocks[:start], *(b for b in rest if b is not None))
    return item if blocks == item.blocks else replace(item, blocks=blocks)


def _carded_item(item: Item, found: Found, ordered: bool, inner: Scope, sink: Sink) -> Item | None:
    """What is left of an item whose head became a cloze: a step stays in its list, shown
    whole, so that the steps are all there; any other item goes, its nested blocks read
    as usual, under it."""
    head = item.blocks[0]
    assert isinstance(head, Paragraph)
    if ordered and found.segments is not None:
        where = head.lines[0].origin
        shown = Paragraph((Inline(shown_tokens(found.segments), where),), where)
        return replace(item, blocks=(shown, *item.blocks[1:]))
    for prose in sink.walk(item.blocks[1:], inner):
        prose_clozes(prose, inner, sink)
    return None


def _table(table: Table, scope: Scope, sink: Sink) -> Table | None:
    """The table without the cells that became cloze cards (and the rows left empty)."""
    if not any(has_marks(cell.tokens) for cell in (*table.header, *(c for row in table.rows for c in row))):
        return table
    heads = [plain(cell.tokens) for cell in table.header]
    for cell in table.header:
        if _holds_deletion(cell.tokens, table.origin):
            sink.warn(
                table.origin, f"a cloze deletion in a table header is not carded: “{plain(cell.tokens)}”"
            )
    rows: list[tuple[Inline, ...]] = []
    origins: list[Origin] = []
    for row, origin in zip(table.rows, table.row_origins, strict=True):
        cells = _row_key_shown(list(row), origin, sink)
        if _lift_cells(cells, heads, origin, scope, sink) and not any(plain(c.tokens) for c in cells[1:]):
            continue  # every cell of the row is a card of its own
        rows.append(tuple(cells))
        origins.append(origin)
    return replace(table, rows=tuple(rows), row_origins=tuple(origins))


def _row_key_shown(cells: list[Inline], origin: Origin, sink: Sink) -> list[Inline]:
    """A row's cells, a deletion in its first cell (its key) warned about and shown whole."""
    if cells and _holds_deletion(cells[0].tokens, origin):
        sink.warn(
            origin,
            f"a cloze deletion in a row's first cell, its key, is not carded: “{plain(cells[0].tokens)}”;"
            " put it in another cell",
        )
        found = scan(cells[0].tokens, origin)
        if found.segments is not None:
            cells[0] = Inline(shown_tokens(found.segments), origin)
    return cells


def _lift_cells(cells: list[Inline], heads: Sequence[str], origin: Origin, scope: Scope, sink: Sink) -> bool:
    """Make a cloze card of each cell (past the key) that holds a deletion, emptying it in
    ``cells``; whether any was."""
    words = sink.words
    name = words.unasked(plain(cells[0].tokens) if cells else "")
    lifted = False
    for i, cell in enumerate(cells[1:], start=1):
        if not has_marks(cell.tokens):
            continue
        found = scan(tagged([Inline(cell.tokens, origin)]), origin)
        # A column without a header is told by the row's key alone, as its cell's card is.
        said = words.pair(name, words.unasked(heads[i]))
        said = f"{said}{words.colon}" if said else ""
        if found.segments is not None:
            found = Found((Inline((text_token(said),), origin), *found.segments))
        # Keyed by row and column, like the cell's own card.
        key = scope.card("cloze", name, heads[i] or f"column {i + 1}")
        if _card(found, origin, scope, sink, said + plain(cell.tokens), key=key):
            cells[i] = Inline((), origin)
            lifted = True
    return lifted


def heading_marks(title: Inline, origin: Origin, sink: Sink) -> None:
    """A heading is never a card: warn when it holds a deletion."""
    if _holds_deletion(title.tokens, origin):
        sink.warn(origin, f"a cloze deletion in a heading is not carded: “{plain(title.tokens)}”")


def _holds_deletion(tokens: Sequence[Token], origin: Origin) -> bool:
    """Whether a run holds a deletion, whole or broken (not only plain braces)."""
    if not has_marks(tokens):
        return False
    found = scan(tokens, origin)
    return found.segments is not None or bool(found.problems)
