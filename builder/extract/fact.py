"""Kind ``fact``: a ``**Label:** value`` line or bullet whose label is a cue; the answer is the
value with its nested sub-bullets.

What a labelled line becomes instead:
- a scenario's bookkeeping (stakeholders, owners, timeline) and, inside a question's scenario,
  the targets and givens it sets itself: no card (listed by ``--skipped``);
- ``Label: cause → effect``: a cloze hiding the effect;
- a stated limit (``must stay <126``): a ``metric`` cloze hiding it, outside a scenario (inside
  one, a threshold is the scenario's own: the line is a plain fact);
- a label that asks nothing on its own ("Option A", "Data") and no arrow: no card;
- a labelled bullet whose children are labelled items: each child is read under the label.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from ..locale import Words, ends_sentence
from ..markdown import plain, strip, text_token
from ..model import (
    Answered,
    Block,
    Blocks,
    Card,
    ClozeText,
    Gap,
    Inline,
    ListBlock,
    Origin,
    Paragraph,
    Part,
    Text,
)
from ..model.document import Definitions
from .cloze import item_cloze
from .cues import cue, is_bookkeeping
from .items import item_heads
from .metric import fact_metric, find_figure
from .scope import Scope, Sink

_ARROW = re.compile(r"\s*(?:→|->|⇒|=>)\s*")


def labelled_items(block: ListBlock) -> list[tuple[str, Inline]] | None:
    """The labels of a list whose items are labelled (all bold, or all ``Label: value``)."""
    heads = item_heads(block.items)
    if not heads or any(h is None for h in heads):
        return None
    found = [(head.label[0], head.line) for head in heads if head is not None and head.label]
    return found if found else None


def read_labelled(
    label: str,
    value: Sequence[Token],
    rest: Sequence[Block],
    origin: Origin,
    scope: Scope,
    sink: Sink,
) -> None:
    """Cards for one labelled line or item: its fact (or cloze), and what is nested in it."""
    inner = scope.sub(label)
    shown = _nested(rest, inner, sink)
    if not plain(value) and not shown:
        return
    text = f"{label}: {plain(value)}".strip(": ")
    answer = _answer(value, shown, origin)
    asked = cue(label)
    if origin in sink.consumed:
        sink.skip(origin, f"already in {sink.consumed[origin]}", text)
        return
    if is_bookkeeping(label) or (scope.scenario and scope.targets):
        card = _fact(label, asked or label, answer, origin, scope, sink.words)
        sink.skip(origin, "the scenario's own bookkeeping or target", text, card)
        return
    made = None if shown else _value_cloze(label, value, origin, scope)
    if made is not None:
        sink.add(made)
        return
    if asked is None:
        sink.skip(
            origin,
            f"“{label}” asks nothing on its own",
            text,
            _fact(label, label, answer, origin, scope, sink.words),
        )
        return
    sink.add(
        _items_cloze(value, shown, asked, inner, sink)
        or _fact(label, asked, answer, origin, scope, sink.words)
    )


def read_definitions(block: Definitions, scope: Scope, sink: Sink) -> None:
    """A definition list: each term read as a labelled line, its definitions joined into the
    value (by ``;`` after one that ends in no full stop), the blocks under them nested in it."""
    for term in block.terms:
        label = plain(term.term.tokens)
        value: list[Token] = []
        rest: list[Block] = []
        for definition in term.definitions:
            blocks = list(definition)
            if blocks and isinstance(blocks[0], Paragraph):
                first = blocks.pop(0)
                assert isinstance(first, Paragraph)
                if value:
                    value.append(text_token(" " if ends_sentence(plain(value)) else "; "))
                for n, line in enumerate(first.lines):
                    value.extend((text_token(" "), *line.tokens) if n else line.tokens)
            rest.extend(blocks)
        if ends_sentence(label):
            # A sentence with a ``: …`` line under it: prose that happens to parse as a term.
            sink.skip(term.origin, "a sentence, not a term, before a “:” line", label)
        elif label:
            read_labelled(label, value, rest, term.origin, scope, sink)


def _nested(rest: Sequence[Block], inner: Scope, sink: Sink) -> list[Block]:
    """What is nested in a labelled line: labelled sub-lists are read under the label, other
    paragraphs and bullets are shown in its answer, anything else read and its prose shown."""
    shown: list[Block] = []
    for block in rest:
        if isinstance(block, ListBlock) and not block.ordered and labelled_items(block):
            sink.walk([block], inner)
        elif isinstance(block, Paragraph) or (isinstance(block, ListBlock) and not block.ordered):
            shown.append(block)
        else:
            shown.extend(sink.walk([block], inner))
    return shown


def _answer(value: Sequence[Token], shown: Sequence[Block], origin: Origin) -> tuple[Part, ...]:
    """A fact's answer: the value, then what is shown under it."""
    answer: list[Part] = []
    if plain(value):
        answer.append(Text(Inline(tuple(value), origin)))
    if shown:
        answer.append(Blocks(tuple(shown)))
    return tuple(answer)


def _fact(label: str, ask: str, answer: tuple[Part, ...], origin: Origin, scope: Scope, words: Words) -> Card:
    """The ``fact`` card of a labelled line, asking ``ask`` in the document's language."""
    return Card(
        kind="fact",
        key=scope.card("fact", label),
        crumbs=scope.crumbs,
        ask=words.ask(words.unasked(ask)),
        form=Answered(answer),
        origin=origin,
        tags=scope.tags,
    )


def _value_cloze(label: str, value: Sequence[Token], origin: Origin, scope: Scope) -> Card | None:
    """A value that is a cloze: ``cause → effect`` hides the effect, a stated limit is a
    ``metric`` (outside a scenario: inside one, a threshold is the scenario's own, not a
    figure to recall)."""
    made = _arrow_cloze(label, value, origin, scope)
    return made or (None if scope.scenario else fact_metric(label, value, scope, origin))


def _items_cloze(
    value: Sequence[Token], shown: Sequence[Block], asked: str, inner: Scope, sink: Sink
) -> Card | None:
    """Items under a label with no value of its own: one cloze, one gap per item, the others shown."""
    lists = [b for b in shown if isinstance(b, ListBlock)]
    if plain(value) or len(shown) != 1 or not lists or len(lists[0].items) < 2:
        return None
    return item_cloze(lists[0], asked, inner, sink)


def _arrow_cloze(label: str, value: Sequence[Token], origin: Origin, scope: Scope) -> Card | None:
    """``Label: cause → effect`` as a cloze hiding the effect (the last step of the arrow)."""
    toks = list(strip(value))
    for i in range(len(toks) - 1, -1, -1):
        tok = toks[i]
        if tok.type != "text":
            continue
        matches = list(_ARROW.finditer(tok.content))
        if not matches:
            continue
        arrow = matches[-1]
        effect = strip([text_token(tok.content[arrow.end() :]), *toks[i + 1 :]])
        cause = [*toks[:i], text_token(tok.content[: arrow.start()])]
        if not plain(effect) or not plain(cause):
            return None
        if scope.scenario and find_figure(effect, compared_only=True) is not None:
            return None  # "→ P99 <15ms": a target the scenario sets itself
        shown = Inline((text_token(f"{label}: "), *cause, text_token(" → ")), origin)
        line = (shown, Gap(1, Inline(tuple(effect), origin)))
        return scope.cloze("cloze", scope.card("fact", label), origin, ClozeText((line,)))
    return None
