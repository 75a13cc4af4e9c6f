"""What a list item starts with: its first line, the label on it, and what follows. Bullets
(:mod:`.lists`), steps (:mod:`.steps`) and labelled sub-lists (:mod:`.fact`) read items alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it.token import Token

from ..markdown import split_label
from ..model import Block, Inline, Item, Paragraph

__all__ = ["Head", "item_heads"]


@dataclass(frozen=True)
class Head:
    """An item's first line, read as the start of a fact or a step."""

    line: Inline
    """The item's first line."""
    label: tuple[str, list[Token]] | None
    """Its label and the value after it, when it starts with one."""
    rest: tuple[Block, ...]
    """What follows the first line in the item: the paragraph's other lines, then nested blocks."""


def item_heads(items: Sequence[Item]) -> list[Head | None]:
    """Each item's head (None when it does not start with text); a plain ``Name: value`` counts
    as a label only when every item starts with one."""
    plain_ok = all((h := item.head) is not None and split_label(h.tokens, plain_label=True) for item in items)
    return [_head(item, plain_ok=plain_ok) for item in items]


def _head(item: Item, *, plain_ok: bool) -> Head | None:
    """One item's head, labels read as :func:`item_heads` decided."""
    line = item.head
    if line is None:
        return None
    para = item.blocks[0]
    assert isinstance(para, Paragraph)
    more = (Paragraph(para.lines[1:], para.lines[1].origin),) if len(para.lines) > 1 else ()
    return Head(line, split_label(line.tokens, plain_label=plain_ok), (*more, *item.blocks[1:]))
