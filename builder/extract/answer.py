"""A question's own answer, as documents written by others give it: the text right under a
question heading (or a bold question line) up to the next question, cut to its first
paragraph when it runs long; asides that ask something else ("Think about this: …?", a
parenthesised note) never answer it. What is cut off is read as the section's prose, so it
is carded as parts of its own, never lost and never carded twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from markdown_it.token import Token

from ..markdown import plain
from ..model import Block, Code, Inline, ListBlock, Paragraph, Table, inline_runs
from .cloze import joined, sentences
from .question import is_question_heading
from .terms import POINTER

__all__ = ["ANSWER_BUDGET", "own_answer", "size"]

ANSWER_BUDGET = 600
"""Characters of plain answer text before a card is too long to recall in one go."""
CUT_ANSWER = ANSWER_BUDGET // 2
"""Characters a paragraph too long for an answer is cut to (at least its first sentence)."""
SHORT_CODE_LINES = 6
"""Lines of code short enough to follow the sentence leading into it past the budget."""
SHORT_LEAD = 60
"""Characters of a paragraph short enough to be only the lead into the code after it."""
HOW_NEAR = 2
"""Blocks past a cut answer in which the sentence saying how may stand."""
ASIDE_SENTENCES = 2
"""Sentences a paragraph ending in a question may have to be an aside (a longer one that
ends asking is an answer that turns rhetorical)."""


def width(text: str) -> int:
    """Characters as a reader takes them in: a Chinese, Japanese or Korean character, which
    says about what a word of two or three letters does elsewhere, counts two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def size(block: Block) -> int:
    """Characters a block shows a learner (about: code by its text, others by their runs)."""
    if isinstance(block, Code):
        return len(block.text)
    if isinstance(block, (Paragraph, ListBlock, Table)):
        return sum(width(plain(run.tokens)) for run in inline_runs((block,)))
    return 0


def is_aside(block: Block) -> bool:
    """A paragraph that only asks something else (a sentence or two ending in a question
    mark), points elsewhere ("See the guide's section on …"), or is a note in parentheses:
    never an answer."""
    if not isinstance(block, Paragraph):
        return False
    tokens = _joined(block)
    text = plain(tokens).strip()
    short = len(sentences(tokens)) <= ASIDE_SENTENCES
    if short and (is_question_heading(text) or POINTER.match(text)):
        return True
    return text.startswith(("(", "（")) and text.rstrip(".。").endswith((")", "）"))


_HOW = re.compile(
    r"^(?:how\b|what (?:command|flag|option)|which (?:command|flag|option))|\bhow (?:do|can|to|should)\b|如何|怎么|怎样|"
    r"どうやって|どのように|どうすれば|어떻게|¿?c[oó]mo\b|comment\b|wie\b|как\b|چگونه|كيف",
    re.IGNORECASE,
)
"""How a question asks how to do something (its answer must say how)."""


def own_answer(blocks: Sequence[Block], question: str = "") -> tuple[list[Block], list[Block]]:
    """The blocks that answer a question heading, and those left to read on their own.

    The blocks in order while they fit in a card's answer (the first always, a paragraph too
    long alone cut to its first sentences); asides and what follows are left, in order, and
    a sentence that introduces a block left behind stays with it."""
    answer, rest = _fitted(blocks)
    later = [b for b in rest if answer and b.origin.line > answer[-1].origin.line]
    after = min(later, key=lambda block: block.origin.line) if later else None
    if isinstance(after, Code) and _leads_into(answer[-1]):
        # "you should do this" then the command: the two go together, in or out.
        if after.text.count("\n") < SHORT_CODE_LINES:
            rest.remove(after)
            answer.append(after)
        elif len(answer) > 1:
            rest.append(answer.pop())
    elif len(answer) > 1 and rest and _introduces(answer[-1]):
        rest.append(answer.pop())
    if rest and _HOW.search(question) and not _says_how(answer, question):
        _add_how(answer, rest)
    return answer, sorted(rest, key=lambda block: block.origin.line)


def _fitted(blocks: Sequence[Block]) -> tuple[list[Block], list[Block]]:
    """The blocks in order while they fit in a card's answer (the first always, a paragraph too
    long alone cut to its first sentences), and those left: asides, blocks an answer does not
    show and all that follows a full answer."""
    answer: list[Block] = []
    rest: list[Block] = []
    total, full = 0, False
    for block in blocks:
        if full or is_aside(block) or not isinstance(block, _ANSWERS):
            rest.append(block)
            continue
        total += size(block)
        if answer and total > ANSWER_BUDGET:
            full = True
            rest.append(block)
        elif isinstance(block, Paragraph) and total > ANSWER_BUDGET:
            head, tail = _cut(block)
            answer.append(head)
            full = tail is not None
            rest.extend([tail] if tail is not None else [])
        else:
            answer.append(block)
    return answer, rest


def _says_how(answer: Sequence[Block], question: str) -> bool:
    """Whether an answer names a command, flag or setting the question does not already name
    ("How do I make the `-f` flag faster?" is not answered by what `-f` does)."""
    return any(
        tok.type == "code_inline" and tok.content.strip() not in question
        for run in inline_runs(answer)
        for tok in run.tokens
    ) or any(isinstance(block, Code) for block in answer)


def _in_code(run: Inline) -> bool:
    return any(tok.type == "code_inline" for tok in run.tokens)


def _add_how(answer: list[Block], rest: list[Block]) -> None:
    """An answer cut before it says how (it names no command, flag or setting): the first
    sentence left that names one joins it ("You can achieve this with the `--sort path` flag."),
    the rest of its paragraph staying with the parts."""
    for n, block in enumerate(rest[:HOW_NEAR]):
        if not isinstance(block, Paragraph) or not any(_in_code(line) for line in block.lines):
            continue
        said = sentences(_joined(block))
        at = next(i for i, sentence in enumerate(said) if any(tok.type == "code_inline" for tok in sentence))
        if sum(size(b) for b in answer) + width(plain(said[at])) > ANSWER_BUDGET + CUT_ANSWER:
            return
        answer.append(_paragraph(said[at : at + 1], block))
        left = [*said[:at], *said[at + 1 :]]
        if left:
            rest[n] = _paragraph(left, block)
        else:
            del rest[n]
        return


def _paragraph(part: Sequence[list[Token]], like: Paragraph) -> Paragraph:
    """Sentences as one paragraph standing where ``like`` stood."""
    return Paragraph((Inline(tuple(joined(part)), like.origin),), like.origin)


_ANSWERS = (Paragraph, ListBlock, Code, Table)
"""Blocks an answer shows."""


def _leads_into(block: Block) -> bool:
    """A short paragraph that says what the code after it is ("you should do this")."""
    return isinstance(block, Paragraph) and (
        _introduces(block) or sum(width(plain(line.tokens)) for line in block.lines) <= SHORT_LEAD
    )


def _introduces(block: Block) -> bool:
    """A paragraph ending in a colon: it introduces the block after it."""
    return isinstance(block, Paragraph) and plain(block.lines[-1].tokens).rstrip().endswith((":", "："))


def _joined(para: Paragraph) -> list[Token]:
    return joined(line.tokens for line in para.lines)


def _cut(para: Paragraph) -> tuple[Paragraph, Paragraph | None]:
    """A paragraph cut after the sentences that fit in an answer (at least one), and the rest."""
    found = sentences(_joined(para))
    taken, total = 0, 0
    for sentence in found:
        total += width(plain(sentence)) + 1
        if taken and total > CUT_ANSWER:
            break
        taken += 1
    if taken >= len(found):
        return para, None

    return _paragraph(found[:taken], para), _paragraph(found[taken:], para)
