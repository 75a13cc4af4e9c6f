"""Kind ``question``: a ``**Question:**`` paragraph (however it wraps), or a heading that asks
a question.

The answer is what answers it: the explicit ``**Answer:**`` text (and the prose under a question
heading), then the decision or recommendation stated anywhere below (a ``**Decision:**``-style
label, or a heading such as "Recommended Action: …"), then the sub-headings that carry content
of their own; frame headings ("Context", "Problem Definition", "Success Metrics",
"References") are left out. A decision carded here is not carded again as a fact. A question
with nothing that answers it gives no card (its parts are carded on their own).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from ..locale import QUESTION_MARKS, answer_labels, question_labels
from ..markdown import plain, split_label, text_token
from ..markdown.tokens import plain_qa as plain_qa  # read by the walker and the cloze scanner
from ..model import Blocks, Card, Inline, Items, Origin, Paragraph, Part, Section, Text, inline_runs
from .cues import clean_title, is_target_heading, is_template, specific_part
from .scope import Scope, Sink

QUESTION_LABELS = (
    frozenset({"question", "q", "frage", "pregunta", "domanda", "вопрос", "问题"}) | question_labels()
)
ANSWER_LABELS = (
    frozenset({"answer", "a", "antwort", "respuesta", "risposta", "ответ", "答案"}) | answer_labels()
)
_QUESTION_PREFIX = re.compile(
    rf"^\s*(?:{'|'.join(sorted(QUESTION_LABELS, key=len, reverse=True))})\s*\d*\s*[:：.)]\s*", re.IGNORECASE
)
_DECISION = re.compile(
    r"^(decision|recommendation|recommended|verdict|conclusion|chosen|choice|final answer)\b", re.IGNORECASE
)


MIN_OUTLINE = 2
"""Content headings that answer a question on their own (one heading alone is no answer)."""


_GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff]")


def is_question_heading(title: str) -> bool:
    """Whether a title asks: it ends in its script's question mark (Greek writes ``;``)."""
    text = title.rstrip()
    return text.endswith(QUESTION_MARKS) or (text.endswith(";") and bool(_GREEK.search(text)))


def decisions(section: Section) -> list[Inline]:
    """``Decision: …`` lines and ``Recommended …: …`` headings anywhere in the section."""
    found = []
    for line in inline_runs(section.blocks):
        lab = split_label(line.tokens)
        if lab and _DECISION.match(lab[0]) and plain(lab[1]) and not _holds_cloze(line.tokens):
            found.append(Inline((text_token(f"{lab[0]}: "), *lab[1]), line.origin))
    for child in section.children:
        title = clean_title(plain(child.title.tokens))
        head, sep, tail = title.partition(":")
        if sep and tail.strip() and _DECISION.match(head.strip()):
            found.append(Inline((text_token(f"{head.strip()}: {tail.strip()}"),), child.origin))
        found.extend(decisions(child))
    return found


def _holds_cloze(tokens: Sequence[Token]) -> bool:
    """A line holding a ``{{c1::…}}`` deletion is a cloze card of its own, never a decision."""
    return any(tok.type == "text" and "{{" in tok.content for tok in tokens)


def _answer(section: Section, first: Sequence[Part], outline: Sequence[Section]) -> tuple[Part, ...]:
    parts = list(first)
    chosen = decisions(section)
    parts.extend(Text(d) for d in chosen)
    decided = {d.origin for d in chosen}
    content = [
        child
        for child in outline
        if not is_template(title := plain(child.title.tokens))
        and not is_target_heading(title)
        and child.origin not in decided
    ]
    if len(content) >= MIN_OUTLINE or (content and parts):
        entries = tuple(
            (Inline((text_token(specific_part(plain(c.title.tokens))),), c.origin), ()) for c in content
        )
        parts.append(Items(entries, True))
    return tuple(parts)


def _ask(
    ask: str, parts: tuple[Part, ...], crumbs: tuple[str, ...], origin: Origin, scope: Scope, sink: Sink
) -> None:
    """The question card, or, with nothing that answers it, a skipped entry."""
    if not parts:
        sink.skip(origin, "question with no answer of its own (its parts are carded)", ask)
        return
    sink.add(
        Card(
            kind="question",
            key=scope.card("question"),
            crumbs=crumbs,
            ask=ask,
            answer=parts,
            origin=origin,
            tags=scope.tags,
        )
    )


def question_card(
    question: Inline,
    answers: Sequence[Part],
    section: Section,
    outline: Sequence[Section],
    scope: Scope,
    sink: Sink,
    *,
    whole: bool = True,
) -> None:
    """The card for a ``**Question:**`` (or ``Q:``) line of ``section``, answered by its
    ``answers``; with ``whole``, also by the section's decisions and by ``outline``, the
    sub-sections that hold knowledge."""
    parts = _answer(section, answers, outline) if whole else tuple(answers)
    _ask(plain(question.tokens), parts, (), question.origin, scope, sink)


def pair_card(question: Inline, answers: Sequence[Part], scope: Scope, sink: Sink) -> None:
    """The card for a ``Q:`` line and the ``A:`` line after it, in a list item or a nested block."""
    _ask(plain(question.tokens), tuple(answers), (), question.origin, scope, sink)


def qa_pair(lines: Sequence[Inline]) -> tuple[Inline, Inline] | None:
    """A paragraph that is a ``Q:`` line (however it wraps) and then an ``A:`` line (however
    it wraps): its question and its answer."""
    found: list[tuple[str, list[Token], Origin]] = []
    for line in lines:
        lab = split_label(line.tokens) or plain_qa(line.tokens)
        if lab is not None:
            found.append((lab[0].lower(), list(lab[1]), line.origin))
        elif found:
            found[-1][1].extend((text_token(" "), *line.tokens))
        else:
            return None
    if len(found) != 2 or found[0][0] not in QUESTION_LABELS or found[1][0] not in ANSWER_LABELS:
        return None
    (_, question, asked), (_, answer, answered) = found
    if not plain(question) or not plain(answer):
        return None
    return Inline(tuple(question), asked), Inline(tuple(answer), answered)


def heading_question(
    section: Section,
    answers: Sequence[Part],
    prose: Sequence[Paragraph],
    outline: Sequence[Section],
    scope: Scope,
    sink: Sink,
) -> None:
    """The card for a heading that is itself a question, answered by its ``**Answer:**`` and
    the prose under it."""
    first: list[Part] = list(answers)
    if prose:
        first.append(Blocks(tuple(prose)))
    ask = _QUESTION_PREFIX.sub("", plain(section.title.tokens))
    crumbs = (scope.top,) if scope.trail else ()
    _ask(ask, _answer(section, first, outline), crumbs, section.origin, scope, sink)
