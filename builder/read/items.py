"""What a list item may be beyond its blocks: a check box ahead of its text (``[ ]``, ``[x]``,
``☐``), or a term with its definitions nested under it (``- `href``` then ``  - : The URL…``,
as MDN writes a definition list)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from markdown_it.token import Token

from ..markdown import plain, strip
from ..model import Block, Inline, Item, ListBlock, Paragraph
from ..model.document import Term

_CHECKBOX = re.compile(r"^\s*(\[[ xX]\]|[☐☑☒✅✓✔])\s*")


def split_checkbox(tokens: Sequence[Token]) -> tuple[Literal["empty", "checked"] | None, list[Token]]:
    """The check box a run of tokens opens with (None when it opens with none), and the run
    without it."""
    toks = strip(tokens)
    if not toks or toks[0].type != "text":
        return None, list(tokens)
    match = _CHECKBOX.match(toks[0].content)
    if not match:
        return None, list(tokens)
    box = match.group(1)
    state: Literal["empty", "checked"] = "empty" if box in ("[ ]", "☐") else "checked"
    first = toks[0].copy()
    first.content = toks[0].content[match.end() :]
    return state, [first, *toks[1:]]


TERM_CHARS = 80
"""Characters a list item's first line may have to be a term with definitions nested under it."""


def term_pair(item: Item) -> Term | None:
    """The term and definitions of an item that is a short line with a list nested under it
    whose every item starts with ``: `` (MDN's way of writing a definition list); else None."""
    if len(item.blocks) != 2 or item.checkbox is not None:
        return None
    head, nested = item.blocks
    if not isinstance(head, Paragraph) or len(head.lines) != 1 or not isinstance(nested, ListBlock):
        return None
    term = head.lines[0]
    said = plain(term.tokens).strip()
    if not said or len(said) > TERM_CHARS or said.endswith((":", "：")):
        return None
    definitions = [_definition(inner) for inner in nested.items]
    if not definitions or any(d is None for d in definitions):
        return None
    return Term(term, tuple(d for d in definitions if d is not None), item.origin)


def _definition(item: Item) -> tuple[Block, ...] | None:
    """An item's blocks as a definition when its text starts with ``: ``, that mark dropped."""
    first = item.blocks[0] if item.blocks else None
    if not isinstance(first, Paragraph) or not first.lines:
        return None
    toks = list(strip(first.lines[0].tokens))
    if not toks or toks[0].type != "text" or not re.match(r":(\s|$)", toks[0].content):
        return None
    opening = toks[0].copy()
    opening.content = toks[0].content[1:].lstrip()
    line = Inline(
        tuple(t for t in (opening, *toks[1:]) if t.type != "text" or t.content), first.lines[0].origin
    )
    return (Paragraph((line, *first.lines[1:]), first.origin), *item.blocks[1:])
