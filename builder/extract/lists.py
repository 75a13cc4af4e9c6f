"""Bullet lists. Labelled items are facts (see :mod:`.fact`); the unlabelled items of a list
make one cloze note, each item a gap (see :mod:`.cloze`). Navigation (lists of links) and
checklists give no card.
"""

from __future__ import annotations

from ..markdown import is_link_only, plain
from ..model import Blocks, Inline, Item, ListBlock, Paragraph, Text
from .cloze import item_cloze
from .fact import read_labelled
from .items import item_heads
from .question import pair_card, qa_pair
from .scope import Scope, Sink
from .steps import read_steps


def is_navigation(block: ListBlock) -> bool:
    """A list of links (a table of contents) or of empty check boxes: not knowledge."""
    if all(item.checkbox == "empty" for item in block.items):
        return True
    heads = [item.head for item in block.items]
    return all(h is not None and is_link_only(h.tokens) for h in heads) and all(
        _navigation_item(item.blocks) for item in block.items
    )


def _navigation_item(blocks: tuple[object, ...]) -> bool:
    """An item of a link list: its link, then at most a nested link list."""
    return all(isinstance(b, ListBlock) and is_navigation(b) for b in blocks[1:])


def read_list(block: ListBlock, scope: Scope, sink: Sink, caption: str = "", *, framed: bool = False) -> None:
    """Cards for a list: steps for a numbered one, facts and a cloze for bullets. ``framed``:
    its caption or heading names what the list is (see :func:`.cloze.item_cloze`)."""
    if is_navigation(block):
        what = "checklist" if all(i.checkbox == "empty" for i in block.items) else "navigation (links)"
        sink.skip(block.origin, what, _first(block))
        return
    rest = _read_pairs(block, scope, sink)
    if rest is None:
        return
    if rest.ordered and len(rest.items) >= 2:
        read_steps(rest, scope, sink)
        return
    _read_bullets(rest, scope, sink, caption, framed=framed or bool(caption))


def _read_pairs(block: ListBlock, scope: Scope, sink: Sink) -> ListBlock | None:
    """Card the ``- Q: … / A: …`` items as questions of their own; return the other items
    (the list itself when there were none, None when no item is left)."""
    pairs = [(item, pair) for item in block.items if (pair := _pair(item)) is not None]
    if not pairs:
        return block
    for item, (question, answer) in pairs:
        nested = [Blocks(item.blocks[1:])] if item.blocks[1:] else []
        pair_card(question, [Text(answer), *nested], scope, sink)
    rest = tuple(item for item in block.items if all(item is not done for done, _ in pairs))
    return ListBlock(block.ordered, rest, block.origin) if rest else None


def _read_bullets(block: ListBlock, scope: Scope, sink: Sink, caption: str, *, framed: bool) -> None:
    """A fact for each labelled item, one cloze note for the unlabelled ones (each a gap)."""
    items = [item for item in block.items if item.checkbox != "empty"]
    loose: list[Item] = []
    for item, head in zip(items, item_heads(items), strict=True):
        if head is None:
            sink.walk(item.blocks, scope)
        elif head.label:
            read_labelled(head.label[0], head.label[1], head.rest, head.line.origin, scope, sink)
        else:
            loose.append(item)
    if not loose:
        return
    card = item_cloze(ListBlock(False, tuple(loose), loose[0].origin), caption, scope, sink, framed=framed)
    if card is None:
        sink.skip(block.origin, "list items too long to recall whole (bold what to remember)", _first(block))
    else:
        sink.add(card)


def _pair(item: Item) -> tuple[Inline, Inline] | None:
    """The question and answer of an item whose first paragraph is a ``Q:`` and an ``A:`` line."""
    first = item.blocks[0] if item.blocks else None
    return qa_pair(first.lines) if isinstance(first, Paragraph) else None


def _first(block: ListBlock) -> str:
    head = block.items[0].head if block.items else None
    return plain(head.tokens) if head is not None else ""
