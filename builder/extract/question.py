"""Kind ``question``: a ``**Question:**`` paragraph, or a heading that asks a question.

The answer is the outline of the section's answer: its sub-headings in order, then the
decision or recommendation where one is stated (a ``**Decision:**``-style label anywhere
below). An explicit ``**Answer:** text`` comes first when the source gives one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..markdown import plain, split_label, text_token
from ..model import Blocks, Card, Inline, Items, Paragraph, Part, Section, Text, inline_runs
from .scope import Scope, Sink

QUESTION_LABELS = frozenset({"question", "q", "frage", "pregunta", "domanda", "вопрос", "问题"})
ANSWER_LABELS = frozenset({"answer", "a", "antwort", "respuesta", "risposta", "ответ", "答案"})
_QUESTION_PREFIX = re.compile(
    rf"^\s*(?:{'|'.join(sorted(QUESTION_LABELS, key=len, reverse=True))})\s*[:：.)]\s*", re.IGNORECASE
)
_DECISION = re.compile(
    r"^(decision|recommendation|recommended|verdict|conclusion|chosen|choice)\b", re.IGNORECASE
)


def decisions(section: Section) -> list[Inline]:
    """``Decision: …`` lines anywhere in the section, as ``Label: value`` runs."""
    found = []
    for line in inline_runs(section.blocks):
        lab = split_label(line.tokens)
        if lab and _DECISION.match(lab[0]) and plain(lab[1]):
            found.append(Inline((text_token(f"{lab[0]}: "), *lab[1]), line.origin))
    for child in section.children:
        found.extend(decisions(child))
    return found


def _answer(section: Section, first: Sequence[Part], outline: Sequence[Section]) -> tuple[Part, ...]:
    """What answers a question: ``first``, the outline of sub-sections, then any decision."""
    parts = list(first)
    if outline:
        parts.append(Items(tuple((child.title, ()) for child in outline), True))
    parts.extend(Text(d) for d in decisions(section))
    return tuple(parts)


def question_card(
    question: Inline,
    answers: Sequence[Inline],
    section: Section,
    outline: Sequence[Section],
    scope: Scope,
    sink: Sink,
) -> None:
    """The card for a ``**Question:**`` paragraph of ``section``; ``outline`` lists the
    sub-sections that hold knowledge."""
    parts = _answer(section, [Text(a) for a in answers], outline)
    if parts:
        sink.add(
            Card(
                kind="question",
                key=f"{scope.key}/question",
                crumbs=(),
                ask=plain(question.tokens),
                answer=parts,
                origin=question.origin,
                tags=scope.tags,
            )
        )


def heading_question(
    section: Section,
    prose: Sequence[Paragraph],
    outline: Sequence[Section],
    scope: Scope,
    sink: Sink,
) -> None:
    """The card for a heading that is itself a question, answered by the prose under it."""
    parts = _answer(section, [Blocks(tuple(prose))] if prose else [], outline)
    if parts:
        sink.add(
            Card(
                kind="question",
                key=f"{scope.key}/question",
                crumbs=scope.crumbs[:-1],
                ask=_QUESTION_PREFIX.sub("", plain(section.title.tokens)),
                answer=parts,
                origin=section.origin,
                tags=scope.tags,
            )
        )
