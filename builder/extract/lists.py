"""Bullet lists. Labelled items are facts (see :mod:`.fact`); the unlabelled items of a list
make one cloze note, each item a gap (see :mod:`.cloze`). Navigation (lists of links) and
checklists give no card.
"""

from __future__ import annotations

from ..markdown import is_link_only, plain, split_label
from ..model import Blocks, Inline, Item, ListBlock, Paragraph, Text
from .cloze import item_cloze
from .fact import read_labelled
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


def read_list(block: ListBlock, scope: Scope, sink: Sink, caption: str = "") -> None:
    """Cards for a list: steps for a numbered one, facts and a cloze for bullets."""
    if is_navigation(block):
        what = "checklist" if all(i.checkbox == "empty" for i in block.items) else "navigation (links)"
        sink.skip(block.origin, what, _first(block))
        return
    pairs = [(item, pair) for item in block.items if (pair := _pair(item)) is not None]
    if pairs:
        # ``- Q: … / A: …`` items are question cards of their own, the other items read as usual.
        for item, (question, answer) in pairs:
            pair_card(
                question, [Text(answer), *([Blocks(item.blocks[1:])] if item.blocks[1:] else [])], scope, sink
            )
        rest = tuple(item for item in block.items if all(item is not done for done, _ in pairs))
        if not rest:
            return
        block = ListBlock(block.ordered, rest, block.origin)
    if block.ordered and len(block.items) >= 2:
        read_steps(block, scope, sink)
        return
    items = [item for item in block.items if item.checkbox != "empty"]
    plain_ok = all((h := item.head) is not None and split_label(h.tokens, plain_label=True) for item in items)
    loose: list[Item] = []
    for item in items:
        head = item.head
        if head is None:
            sink.walk(item.blocks, scope)
            continue
        para = item.blocks[0]
        assert isinstance(para, Paragraph)
        more = (Paragraph(para.lines[1:], para.lines[1].origin),) if len(para.lines) > 1 else ()
        lab = split_label(head.tokens, plain_label=plain_ok)
        if lab:
            read_labelled(lab[0], lab[1], (*more, *item.blocks[1:]), head.origin, scope, sink)
        else:
            loose.append(item)
    if not loose:
        return
    loose_block = ListBlock(False, tuple(loose), loose[0].origin)
    card = item_cloze(loose_block, caption, scope, sink)
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
