"""Kind ``fact``: a ``**Label:** value`` line or bullet; the answer is the value with its
nested sub-bullets. A labelled bullet whose children are labelled items also gives a ``list``
card naming them, and each child becomes a fact of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it.token import Token

from ..markdown import plain, split_label, text_token
from ..model import Block, Blocks, Card, Inline, Items, ListBlock, Origin, Paragraph, Part, Text
from .metric import fact_metric
from .scope import Scope, Sink, slug


def labelled_items(block: ListBlock) -> list[tuple[str, Inline]] | None:
    """The labels of a list whose items are labelled (all bold, or all ``Label: value``)."""
    heads = [item.head for item in block.items]
    if not heads or any(h is None for h in heads):
        return None
    plain_ok = all(split_label(h.tokens, plain_label=True) for h in heads if h)
    found = []
    for head in heads:
        assert head is not None
        lab = split_label(head.tokens, plain_label=plain_ok)
        if lab:
            found.append((lab[0], head))
    return found if found else None


def read_labelled(
    label: str,
    value: Sequence[Token],
    rest: Sequence[Block],
    origin: Origin,
    scope: Scope,
    sink: Sink,
) -> None:
    """Cards for one labelled line or item: its fact (or metric), and what is nested in it."""
    inner = scope.sub(label)
    shown: list[Block] = []
    for block in rest:
        if isinstance(block, ListBlock) and not block.ordered and (labels := labelled_items(block)):
            sink.walk([block], inner)
            if len(labels) >= 2:
                sink.add(
                    Card(
                        kind="list",
                        key=f"{scope.key}/list:{slug(label)}",
                        crumbs=scope.crumbs,
                        ask=f"{label}: which {len(labels)} items?",
                        answer=(
                            Items(
                                tuple((Inline(_label_tokens(lab), h.origin), ()) for lab, h in labels),
                                False,
                            ),
                        ),
                        origin=block.origin,
                        tags=scope.tags,
                    )
                )
        elif isinstance(block, Paragraph) or (isinstance(block, ListBlock) and not block.ordered):
            shown.append(block)
        else:
            shown.extend(sink.walk([block], inner))
    if not plain(value) and not shown:
        return
    if not shown:
        metric = fact_metric(label, value, scope, origin, slug(label))
        if metric is not None:
            sink.add(metric)
            return
    answer: list[Part] = []
    if plain(value):
        answer.append(Text(Inline(tuple(value), origin)))
    if shown:
        answer.append(Blocks(tuple(shown)))
    sink.add(
        Card(
            kind="fact",
            key=f"{scope.key}/fact:{slug(label)}",
            crumbs=scope.crumbs,
            ask=f"{label}?",
            answer=tuple(answer),
            origin=origin,
            tags=scope.tags,
        )
    )


def _label_tokens(label: str) -> tuple[Token, ...]:
    return (text_token(label),)
