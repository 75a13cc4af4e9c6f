"""Bullet lists. Labelled items are facts (see :mod:`.fact`); the unlabelled items of a list
make one ``list`` card. Navigation (lists of links) and empty checklists give no card.
"""

from __future__ import annotations

from ..markdown import is_link_only, split_label
from ..model import Card, Items, ListBlock, Paragraph
from .fact import read_labelled
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


def read_list(block: ListBlock, scope: Scope, sink: Sink) -> None:
    """Cards for a list: steps for a numbered one, facts and a ``list`` card for bullets."""
    if is_navigation(block):
        return
    if block.ordered and len(block.items) >= 2:
        read_steps(block, scope, sink)
        return
    items = [item for item in block.items if item.checkbox != "empty"]
    plain_ok = all((h := item.head) is not None and split_label(h.tokens, plain_label=True) for item in items)
    loose = []
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
            loose.append((head, (*more, *item.blocks[1:])))
    if not loose:
        return
    count = len(loose)
    sink.add(
        Card(
            kind="list",
            key=f"{scope.key}/list",
            crumbs=scope.crumbs,
            ask=f"which {count} points?" if count > 1 else "key point?",
            answer=(Items(tuple(loose), False),),
            origin=block.origin,
            tags=scope.tags,
        )
    )
