"""Kind ``question``: a ``**Question:**`` paragraph (however it wraps), or a heading that asks
a question.

The answer is what answers it: the explicit ``**Answer:**`` text (and the prose under a question
heading), then the decision or recommendation stated anywhere below (a ``**Decision:**``-style
label, or a heading such as "Recommended Action: …"), then the sub-headings that carry content
of their own; frame headings ("Context", "Problem Definition", "Success Metrics",
"References") are left out. A decision carded here is not carded again as a fact. A question
with nothing that answers it gives no card (its parts are carded on their own).

A question is asked forward unless marked: ``QA:`` (and ``{.reverse}`` on a question heading)
asks it both ways, one note of the ``reverse`` note type; ``T:`` has the learner type the
answer, one note of the ``typein`` note type, and a warning when the answer is more than a
short line of plain text. ``QA:`` and ``T:`` ask only with an ``A:`` line right after them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from ..locale import QUESTION_MARKS, answer_labels, question_labels
from ..markdown import plain, split_label, text_token
from ..markdown.tokens import pair_mark as pair_mark  # read by the walker
from ..markdown.tokens import plain_qa as plain_qa  # read by the walker and the cloze scanner
from ..model import (
    Answered,
    Blocks,
    Card,
    Code,
    Inline,
    Items,
    ListBlock,
    Origin,
    Pairs,
    Paragraph,
    Part,
    Section,
    Snippet,
    Table,
    Text,
    Way,
    inline_runs,
    unknown_part,
)
from .cues import clean_title, is_target_heading, is_template, specific_part
from .scope import Scope, Sink

QUESTION_LABELS = (
    frozenset({"question", "q", "frage", "pregunta", "domanda", "вопрос", "问题"}) | question_labels()
)
ANSWER_LABELS = (
    frozenset({"answer", "a", "antwort", "respuesta", "risposta", "ответ", "答案"}) | answer_labels()
)
PAIR_MARKS: dict[str, Way] = {"qa": "both", "t": "typed"}
"""The marks of a question asked another way than forward, lower-cased: ``QA:`` (both ways,
as Anki's "Basic (and reversed card)") and ``T:`` (the answer typed, as Anki's "Basic (type in
the answer)"). Each asks only with an ``A:`` line right after it."""
TYPED_ANSWER_CHARS = 60
"""The longest typed answer that gives no warning: Anki compares what the learner types with
the answer's text, letter by letter."""
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


def asked(label: str) -> Way | None:
    """How a question labelled ``label`` is asked (``Q:`` forward, ``QA:`` both ways, ``T:``
    typed); None when the label asks nothing."""
    name = label.lower()
    if name in QUESTION_LABELS:
        return "forward"
    return PAIR_MARKS.get(name)


def typed_answer_problem(parts: Sequence[Part]) -> str:
    """What keeps an answer from being typed ('' when nothing does): a list, a table, code,
    more than one line, or more than :data:`TYPED_ANSWER_CHARS` characters."""
    lines: list[str] = []
    for part in parts:
        if isinstance(part, (Items, Pairs)):
            return "holds a list"
        if isinstance(part, Snippet):
            return "holds code"
        if isinstance(part, Text):
            lines.append(plain(part.inline.tokens))
            continue
        if not isinstance(part, Blocks):
            unknown_part(part)
        for block in part.blocks:
            if isinstance(block, ListBlock):
                return "holds a list"
            if isinstance(block, Table):
                return "holds a table"
            if isinstance(block, Code):
                return "holds code"
            if not isinstance(block, Paragraph):
                return "holds more than text"
            lines.extend(plain(line.tokens) for line in block.lines)
    if len(lines) > 1:
        return f"has {len(lines)} lines"
    length = len(lines[0]) if lines else 0
    if length > TYPED_ANSWER_CHARS:
        return f"is {length} characters long (at most {TYPED_ANSWER_CHARS} type well)"
    return ""


def decisions(section: Section) -> list[Inline]:
    """``Decision: …`` lines and ``Recommended …: …`` headings anywhere in the section."""
    found = []
    for line in inline_runs(section.blocks):
        if not _may_decide(line.tokens):
            continue
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


_MARKS = frozenset(("strong_open", "strong_close", "em_open", "em_close"))
_SHOWN = frozenset(("text", "code_inline", "html_inline"))


def _may_decide(tokens: Sequence[Token]) -> bool:
    """Whether a line may start with a decision's label, told from the text it starts with
    (emphasis marks aside) before the line is split: most lines cannot. True when the start
    is not plain text, so that splitting it tells."""
    shown = ""
    for tok in tokens:
        if tok.type in _MARKS:
            continue
        if tok.type not in _SHOWN:
            return True
        shown += tok.content
        if len(shown) > 40:
            break
    return bool(_DECISION.match(" ".join(shown.split())))


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
    ask: str,
    parts: tuple[Part, ...],
    crumbs: tuple[str, ...],
    origin: Origin,
    scope: Scope,
    sink: Sink,
    way: Way = "forward",
) -> bool:
    """The question card, or, with nothing that answers it, a skipped entry; True for a card."""
    if not parts:
        sink.skip(origin, "question with no answer of its own (its parts are carded)", ask)
        return False
    if way == "typed" and (problem := typed_answer_problem(parts)):
        sink.warn(
            origin,
            f"the typed answer of “{ask}” {problem}: Anki compares what the learner types with"
            " the answer's text, so keep it one short line of plain text, or ask with Q:",
        )
    sink.add(
        Card(
            kind="question",
            key=scope.card("question"),
            crumbs=crumbs,
            ask=ask,
            form=Answered(parts, way),
            origin=origin,
            tags=scope.tags,
        )
    )
    return True


def question_card(
    question: Inline,
    answers: Sequence[Part],
    section: Section,
    outline: Sequence[Section],
    scope: Scope,
    sink: Sink,
    *,
    whole: bool = True,
    way: Way = "forward",
) -> None:
    """The card for a ``**Question:**`` (or ``Q:``, ``QA:``, ``T:``) line of ``section``,
    answered by its ``answers``; with ``whole``, also by the section's decisions and by
    ``outline``, the sub-sections that hold knowledge. A typed answer is only its own."""
    parts = _answer(section, answers, outline) if whole and way != "typed" else tuple(answers)
    _ask(plain(question.tokens), parts, (), question.origin, scope, sink, way)


def pair_card(
    question: Inline, answers: Sequence[Part], scope: Scope, sink: Sink, way: Way = "forward"
) -> None:
    """The card for a ``Q:`` (``QA:``, ``T:``) line and the ``A:`` line after it, in a list
    item or a nested block."""
    _ask(plain(question.tokens), tuple(answers), (), question.origin, scope, sink, way)


def qa_pair(lines: Sequence[Inline]) -> tuple[Inline, Inline, Way] | None:
    """A paragraph that is a ``Q:`` (``QA:``, ``T:``) line (however it wraps) and then an
    ``A:`` line (however it wraps): its question, its answer and how it is asked."""
    found: list[tuple[str, list[Token], Origin]] = []
    for line in lines:
        lab = split_label(line.tokens) or plain_qa(line.tokens) or pair_mark(line.tokens)
        if lab is not None:
            found.append((lab[0].lower(), list(lab[1]), line.origin))
        elif found:
            found[-1][1].extend((text_token(" "), *line.tokens))
        else:
            return None
    if len(found) != 2 or found[1][0] not in ANSWER_LABELS:
        return None
    (label, question, where), (_, answer, answered) = found
    way = asked(label)
    if way is None or not plain(question) or not plain(answer):
        return None
    return Inline(tuple(question), where), Inline(tuple(answer), answered), way


def heading_question(
    section: Section,
    answers: Sequence[Part],
    prose: Sequence[Paragraph],
    outline: Sequence[Section],
    scope: Scope,
    sink: Sink,
) -> bool:
    """The card for a heading that is itself a question, answered by its ``**Answer:**`` and
    the prose under it; asked both ways when the heading says ``{.reverse}``. True for a card."""
    first: list[Part] = list(answers)
    if prose:
        first.append(Blocks(tuple(prose)))
    ask = _QUESTION_PREFIX.sub("", plain(section.title.tokens))
    crumbs = (scope.top,) if scope.trail else ()
    way: Way = "both" if section.reverse else "forward"
    return _ask(ask, _answer(section, first, outline), crumbs, section.origin, scope, sink, way)
