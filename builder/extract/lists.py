"""Bullet lists. Labelled items are facts (see :mod:`.fact`); the unlabelled items of a list
make one cloze note, each item a gap (see :mod:`.cloze`). Navigation (lists of links) and
checklists give no card.
"""

from __future__ import annotations

from markdown_it.token import Token

from ..markdown import is_link_only, plain
from ..model import Blocks, Inline, Item, ListBlock, Paragraph, Text, Way
from .cloze import MOST_LIST_ITEMS, item_cloze
from .fact import read_labelled
from .items import item_heads
from .question import pair_card, qa_pair
from .scope import Scope, Sink
from .steps import is_procedure, named_steps, read_steps, word_count

NAVIGATION_SHARE = 0.7
"""Share of a list's items that must be links (each with at most a short description) for the
list to be navigation ("See also", "What's next"), not knowledge."""
LEAD_WORDS = 2
"""Words an item may say before its link and still start with it ("Read about [Secrets]")."""
DESCRIPTION_WORDS = 12
"""Words a link item may add around its links: a short description, not a fact."""


def is_navigation(block: ListBlock) -> bool:
    """A list of links (a table of contents, "See also", further pages, each link with at most
    a short description) or of empty check boxes: not knowledge."""
    if all(item.checkbox == "empty" for item in block.items):
        return True
    if not block.items:
        return False
    linked = sum(1 for item in block.items if _link_item(item))
    return linked >= NAVIGATION_SHARE * len(block.items)


def _link_item(item: Item) -> bool:
    """An item that points elsewhere: it starts with its one link (or cites a page by its
    address) and adds at most a short description; what is nested in it is a link list too.
    An item holding several links is text that refers to pages, not a pointer to one."""
    head = item.head
    if head is None or not all(isinstance(b, ListBlock) and is_navigation(b) for b in item.blocks[1:]):
        return False
    if is_link_only(head.tokens):
        return True
    toks = list(head.tokens)
    opens = [n for n, tok in enumerate(toks) if tok.type == "link_open"]
    if len(opens) != 1:
        return False
    outside: list[Token] = []
    cited = False
    inside = False
    for tok in toks:
        if tok.type == "link_open":
            inside = True
        elif tok.type == "link_close":
            inside = False
        elif not inside:
            outside.append(tok)
        elif "://" in plain([tok]):
            cited = True  # a link shown by its address: the item cites a page
    if any(tok.type == "code_inline" for tok in outside):
        return False
    lead = word_count(plain(toks[: opens[0]]))
    return (lead <= LEAD_WORDS or cited) and word_count(plain(outside)) <= DESCRIPTION_WORDS


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
        if is_procedure(rest, scope.trail[-2:] or (scope.top,), sink.words):
            read_steps(rest, scope, sink, caption)
            return
        # Named things (parts, reasons, kinds) that happen to be numbered: read as bullets.
        sink.skip(
            rest.origin,
            "numbered, but no procedure (its title names none, its items are names): not asked in order",
            _first(rest),
            named_steps(rest, scope, sink.words),
        )
    _read_bullets(rest, scope, sink, caption, framed=framed or bool(caption))


def _read_pairs(block: ListBlock, scope: Scope, sink: Sink) -> ListBlock | None:
    """Card the ``- Q: … / A: …`` items as questions of their own; return the other items
    (the list itself when there were none, None when no item is left)."""
    pairs = [(item, pair) for item in block.items if (pair := _pair(item)) is not None]
    if not pairs:
        return block
    for item, (question, answer, way) in pairs:
        nested = [Blocks(item.blocks[1:])] if item.blocks[1:] else []
        pair_card(question, [Text(answer), *nested], scope, sink, way)
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
    if card is None and len(loose) > MOST_LIST_ITEMS:
        sink.skip(
            block.origin, f"a list of {len(loose)} items: a catalogue to look up, not one note", _first(block)
        )
    elif card is None:
        sink.skip(block.origin, "list items too long to recall whole (bold what to remember)", _first(block))
    else:
        sink.add(card)


def _pair(item: Item) -> tuple[Inline, Inline, Way] | None:
    """The question, answer and way of asking of an item whose first paragraph is a ``Q:``
    (``QA:``, ``T:``) and an ``A:`` line."""
    first = item.blocks[0] if item.blocks else None
    return qa_pair(first.lines) if isinstance(first, Paragraph) else None


def _first(block: ListBlock) -> str:
    head = block.items[0].head if block.items else None
    return plain(head.tokens) if head is not None else ""
