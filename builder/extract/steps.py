"""Kind ``steps``: a numbered list of named steps; the answer is the ordered step names. A
labelled step's details become a fact of its own, and what is nested in a step (code, bullets)
is read under it. Steps too long to name, or five and more of them, make a cloze instead, one
gap per step.
"""

from __future__ import annotations

from ..markdown import plain, text_token
from ..model import Block, Card, Inline, Items, ListBlock, Paragraph
from .cloze import item_cloze
from .fact import read_labelled
from .items import item_heads
from .scope import Scope, Sink

NAME_WORDS = 8
"""Words a step's name may have for the steps to be asked in order."""
MOST_STEPS = 4
"""Steps one card may ask in order; more become a cloze, one step at a time."""


def read_steps(block: ListBlock, scope: Scope, sink: Sink) -> None:
    """A ``steps`` card for a numbered list, and cards for each step's details."""
    words = sink.words
    names: list[tuple[Inline, tuple[Block, ...]]] = []
    for n, (item, head) in enumerate(zip(block.items, item_heads(block.items), strict=True), start=1):
        if head is None:
            sink.walk(item.blocks, scope.sub(words.step(n), key=f"Step {n}"))
            continue
        if head.label:
            names.append((_text(head.label[0], head.line), ()))
            read_labelled(head.label[0], head.label[1], head.rest, head.line.origin, scope, sink)
        else:
            names.append((head.line, ()))
            # Code or a table under a step is read under the step's own words.
            said = plain(head.line.tokens)
            inner = scope.sub(said) if len(said) <= 60 else scope.sub(words.step(n), key=f"Step {n}")
            sink.walk(list(head.rest), inner)
    if not names:
        return
    long_names = any(len(plain(head.tokens).split()) > NAME_WORDS for head, _ in names)
    if len(names) > MOST_STEPS or long_names:
        listed = ListBlock(True, tuple(i for i in block.items if i.head is not None), block.origin)
        bare = ListBlock(
            True,
            tuple(
                type(i)((Paragraph((h,), h.origin),), i.origin, i.checkbox)
                for i, (h, _) in zip(listed.items, names, strict=False)
            ),
            block.origin,
        )
        card = item_cloze(bare, "", scope, sink)
        if card is None:
            sink.skip(
                block.origin,
                "steps too long to recall whole (bold what to remember)",
                plain(names[0][0].tokens),
            )
        else:
            sink.add(card)
        return
    sink.add(
        Card(
            kind="steps",
            key=scope.card("steps"),
            crumbs=scope.crumbs,
            ask=words.steps_in_order(len(names)),
            answer=(Items(tuple(names), True),),
            origin=block.origin,
            tags=scope.tags,
        )
    )


def _text(label: str, head: Inline) -> Inline:
    return Inline((text_token(label),), head.origin)
