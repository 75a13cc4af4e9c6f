"""The labelled lines of a section's paragraphs as the walker (:mod:`.walker`) reads them: each
grouped with the lines that continue it, the ``Q:``/``A:`` lines among them gathered for their
section in a :class:`Loose`, and whether a section asks with such lines of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markdown_it.token import Token

from ..markdown import plain, split_label, text_token
from ..model import Block, Code, Inline, ListBlock, Origin, Paragraph, Part, Section, Table, Text, Way
from .question import ANSWER_LABELS, QUESTION_LABELS, asked, pair_mark, plain_qa

Group = tuple[str, list[Token], Origin] | Inline
"""A paragraph's labelled line (label, value, line) with the lines that continue it, or a prose line."""


@dataclass
class Loose:
    """What a run of blocks left for its section to decide on."""

    prose: list[Paragraph] = field(default_factory=list)
    questions: list[tuple[Inline, list[Part], Way]] = field(default_factory=list)
    """Each ``Q:`` / ``**Question:**`` (``QA:``, ``T:``) line with the answers that follow it, up
    to the next one, and how it is asked."""
    answers: list[Part] = field(default_factory=list)
    """Answers before any question (a question heading's ``**Answer:**``)."""
    answering: list[Part] | None = None
    """The answer an ``A:`` line just opened: lists, code and tables right after it join it."""
    figures: list[Paragraph] = field(default_factory=list)
    """Images in paragraphs of their own, for the cards they illustrate (see :mod:`.figures`)."""


def section_qa(
    label: str, value: Sequence[Token], origin: Origin, loose: Loose, way: Way | None, *, last: bool
) -> bool:
    """Gather a section's own ``Q:`` (asked ``way``) or ``A:`` line for the section to card;
    False for other labels."""
    name = label.lower()
    if way is not None and plain(value):
        loose.questions.append((Inline(tuple(value), origin), [], way))
        return True
    if name not in ANSWER_LABELS:
        return False
    target = loose.questions[-1][1] if loose.questions else loose.answers
    if plain(value):
        target.append(Text(Inline(tuple(value), origin)))
    if last:
        loose.answering = target
    return True


def label_groups(lines: Sequence[Inline]) -> list[Group]:
    """A paragraph's lines grouped: each labelled line with the lines that continue it, and
    prose lines before any label."""
    groups: list[Group] = []
    for n, line in enumerate(lines):
        lab = split_label(line.tokens) or plain_qa(line.tokens) or _paired_mark(lines, n)
        if lab is not None:
            groups.append((lab[0], list(lab[1]), line.origin))
        elif groups and isinstance(groups[-1], tuple):
            groups[-1][1].extend((text_token(" "), *line.tokens))
        else:
            groups.append(line)
    return groups


def _paired_mark(lines: Sequence[Inline], n: int) -> tuple[str, list[Token]] | None:
    """Line ``n``'s ``QA:`` or ``T:`` mark and the rest of the line, when the next labelled line
    (after the lines that continue it) is an ``A:`` line; else it is no mark (but text)."""
    mark = pair_mark(lines[n].tokens)
    if mark is None:
        return None
    for line in lines[n + 1 :]:
        lab = split_label(line.tokens) or plain_qa(line.tokens) or pair_mark(line.tokens)
        if lab is not None:
            return mark if lab[0].lower() in ANSWER_LABELS else None
    return None


def asked_way(groups: Sequence[Group], n: int) -> Way | None:
    """How labelled group ``n`` asks a question: ``Q:`` forward; ``QA:`` or ``T:`` (bold too)
    both ways or typed, with an ``A:`` line right after; None when it asks none."""
    group = groups[n]
    way = asked(group[0]) if isinstance(group, tuple) else None
    if way is None or way == "forward":
        return way
    after = groups[n + 1] if n + 1 < len(groups) else None
    return way if isinstance(after, tuple) and after[0].lower() in ANSWER_LABELS else None


def answer_after(groups: Sequence[Group], n: int) -> Inline | None:
    """The answer of the labelled group after group ``n``, when it is an ``A:`` with a value."""
    after = groups[n + 1] if n + 1 < len(groups) else None
    if isinstance(after, tuple) and after[0].lower() in ANSWER_LABELS and plain(after[1]):
        return Inline(tuple(after[1]), after[2])
    return None


def continues_answer(block: Block) -> bool:
    """Whether a block right after an ``A:`` line continues its answer: a list (not one of
    bold-labelled facts, which are carded on their own), a code block or a table."""
    if isinstance(block, ListBlock):
        return not any(item.head is not None and split_label(item.head.tokens) for item in block.items)
    return isinstance(block, (Code, Table))


def labels_qa(blocks: Sequence[Block]) -> bool:
    """Whether a section's own paragraphs hold a ``Q:``/``A:`` or ``**Answer:**`` line."""
    for block in blocks:
        if isinstance(block, Paragraph):
            for line in block.lines:
                lab = split_label(line.tokens) or plain_qa(line.tokens)
                if lab and lab[0].lower() in QUESTION_LABELS | ANSWER_LABELS:
                    return True
    return False


def asks_question(section: Section) -> bool:
    """Whether the section's own blocks hold a ``**Question:**`` line."""
    for block in section.blocks:
        if isinstance(block, Paragraph):
            for line in block.lines:
                lab = split_label(line.tokens)
                if lab and lab[0].lower() in QUESTION_LABELS and plain(lab[1]):
                    return True
    return False
