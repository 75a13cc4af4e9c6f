"""Kind ``steps``: a numbered list of named steps; the answer is the ordered step names. A
labelled step's details become a fact of its own, and what is nested in a step (code, bullets)
is read under it. Steps too long to name, or five and more of them, make a cloze instead, one
gap per step.

A numbered list is a procedure (:func:`is_procedure`) when its caption or heading says so
(steps, a rollout, how something is done) or its items are actions (short clauses, not names).
A numbered list of named things under any other title (the two parts of the JRE, the reasons
for shift operators) is read as bullets are: a fact for each labelled item, a cloze of the others.
"""

from __future__ import annotations

import re

from ..locale import Words
from ..markdown import plain, text_token
from ..model import Answered, Block, Card, Inline, Items, ListBlock, Paragraph
from .cloze import item_cloze
from .fact import read_labelled
from .items import Head, item_heads
from .scope import Scope, Sink

NAME_WORDS = 8
"""Words a step's name may have for the steps to be asked in order."""
MOST_STEPS = 4
"""Steps one card may ask in order; more become a cloze, one step at a time."""

_PROCEDURE = re.compile(
    r"\b(?:steps?|stages?|phases?|procedures?|process|protocols?|workflows?|pipelines?|runbooks?"
    r"|playbooks?|rollouts?|roll-?out|roll ?backs?|how|install\w*|set ?up|deploy\w*|migrat\w*"
    r"|upgrad\w*|restor\w*|recover\w*|releas\w*|lifecycle|sequence|algorithm|recipe|instructions?"
    r"|tutorial|walkthrough|handshake)\b",
    re.IGNORECASE,
)
"""English words of a title over a procedure; the other languages' is the catalogue's name of a
step (``Paso``, ``步``, ``手順``), read from its ``step`` message."""

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_WORD = re.compile(
    r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]|[^\W_\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uac00-\ud7af]+"
)


def is_procedure(block: ListBlock, titles: tuple[str, ...], words: Words) -> bool:
    """Whether a numbered list is asked in order: its caption or heading (``titles``) names a
    procedure, or its items are actions, each a clause of its own (``Stop the writer``,
    ``客户端发送 SYN``) rather than a name (``**JVM**: …``, ``Efficiency``)."""
    noun = _step_noun(words)
    for title in titles:
        if _PROCEDURE.search(title) or (noun and noun in title.lower()):
            return True
    heads = item_heads(block.items)
    return all(head is not None and _action(head) for head in heads)


def _action(head: Head) -> bool:
    """An item that says what is done: unlabelled, and more than one word."""
    return head.label is None and word_count(plain(head.line.tokens)) >= 2


def _step_noun(words: Words) -> str:
    """The language's name of a step, from its ``step`` message (``Step {n}``, ``第 {n} 步``)."""
    pieces = words.messages["step"].replace("{n}", " ").split()
    return max(reversed(pieces), key=len).lower() if pieces else ""


def word_count(text: str) -> float:
    """Words of ``text``; a CJK character counts as half of one."""
    return sum(0.5 if _CJK.match(w) else 1 for w in _WORD.findall(text))


def read_steps(block: ListBlock, scope: Scope, sink: Sink, caption: str = "") -> None:
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
    long_names = any(word_count(plain(head.tokens)) > NAME_WORDS for head, _ in names)
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
        card = item_cloze(bare, caption, scope, sink, framed=bool(caption))
        if card is None:
            sink.skip(
                block.origin,
                "steps too long to recall whole (bold what to remember)",
                plain(names[0][0].tokens),
            )
        else:
            sink.add(card)
        return
    sink.add(_steps_card(names, block, scope, words))


def named_steps(block: ListBlock, scope: Scope, words: Words) -> Card | None:
    """The ``steps`` card a numbered list that is no procedure would give, asked in order (for
    ``cards --skipped`` to list and a curation file to restore); None when it would give a cloze."""
    names: list[tuple[Inline, tuple[Block, ...]]] = [
        (_text(head.label[0], head.line) if head.label else head.line, ())
        for head in item_heads(block.items)
        if head is not None
    ]
    if not names or len(names) > MOST_STEPS:
        return None
    if any(word_count(plain(head.tokens)) > NAME_WORDS for head, _ in names):
        return None
    return _steps_card(names, block, scope, words)


def _steps_card(
    names: list[tuple[Inline, tuple[Block, ...]]], block: ListBlock, scope: Scope, words: Words
) -> Card:
    return Card(
        kind="steps",
        key=scope.card("steps"),
        crumbs=scope.crumbs,
        ask=words.steps_in_order(len(names)),
        form=Answered((Items(tuple(names), True),)),
        origin=block.origin,
        tags=scope.tags,
    )


def _text(label: str, head: Inline) -> Inline:
    return Inline((text_token(label),), head.origin)
