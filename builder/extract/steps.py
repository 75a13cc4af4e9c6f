"""Kind ``steps``: a numbered list; the answer is the ordered step names. A labelled step's
details become a fact of its own, and what is nested in a step (code, bullets) is read under it.
"""

from __future__ import annotations

from ..markdown import plain, split_label, text_token
from ..model import Block, Card, Inline, Items, ListBlock, Paragraph
from .fact import read_labelled
from .scope import Scope, Sink


def read_steps(block: ListBlock, scope: Scope, sink: Sink) -> None:
    """A ``steps`` card for a numbered list, and cards for each step's details."""
    heads = [item.head for item in block.items]
    plain_ok = all(h is not None and split_label(h.tokens, plain_label=True) for h in heads)
    names: list[tuple[Inline, tuple[Block, ...]]] = []
    for n, (item, head) in enumerate(zip(block.items, heads, strict=True), start=1):
        if head is None:
            sink.walk(item.blocks, scope.sub(f"Step {n}"))
            continue
        para = item.blocks[0]
        assert isinstance(para, Paragraph)
        more = (Paragraph(para.lines[1:], para.lines[1].origin),) if len(para.lines) > 1 else ()
        rest = (*more, *item.blocks[1:])
        lab = split_label(head.tokens, plain_label=plain_ok)
        if lab:
            names.append((_text(lab[0], head), ()))
            read_labelled(lab[0], lab[1], rest, head.origin, scope, sink)
        else:
            shown = tuple(b for b in rest if _shown(b))
            names.append((head, shown))
            # Code or a table under a step is read under the step's own words.
            words = plain(head.tokens)
            title = words if len(words) <= 60 else f"Step {n}"
            sink.walk([b for b in rest if not _shown(b)], scope.sub(title))
    if not names:
        return
    sink.add(
        Card(
            kind="steps",
            key=f"{scope.key}/steps",
            crumbs=scope.crumbs,
            ask=f"the {len(names)} steps, in order?",
            answer=(Items(tuple(names), True),),
            origin=block.origin,
            tags=scope.tags,
        )
    )


def _shown(block: Block) -> bool:
    """Nested prose and bullets stay inside the step; code and tables get cards of their own."""
    return isinstance(block, Paragraph) or (isinstance(block, ListBlock) and not block.ordered)


def _text(label: str, head: Inline) -> Inline:
    return Inline((text_token(label),), head.origin)
