"""The walker: reads a document's sections and blocks in order and hands each block to the
extractor of its kind.

Around that it keeps the context a prompt needs: the breadcrumb of section titles, a caption
(a bold-only paragraph or a line ending in a colon just before a list, table or code block)
and the structural key (a :class:`.scope.Scope`). What a run of blocks leaves for its section
to decide on (loose prose, ``Q:``/``A:`` lines) is gathered in a :class:`Loose`, and a section
decides once its own blocks are read: a question card, or cloze cards of its prose.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from markdown_it.token import Token

from .. import keys
from ..markdown import emphasis_only, plain, split_label, text_token
from ..model import (
    Block,
    Blocks,
    Code,
    Document,
    Inline,
    ListBlock,
    Origin,
    Paragraph,
    Part,
    Section,
    Table,
    Text,
    Way,
)
from ..model.document import Definitions, Footnote
from .answer import is_aside, own_answer
from .cloze import joined, prose_clozes, sentences
from .code import read_code
from .concept import defined
from .cues import clean_title, is_reference_heading, is_target_heading
from .fact import read_definitions, read_labelled
from .figures import attach_figures, is_figure
from .inline import heading_marks, lift
from .lists import is_navigation, read_list
from .question import (
    ANSWER_LABELS,
    QUESTION_LABELS,
    asked,
    decisions,
    heading_question,
    is_question_heading,
    pair_card,
    pair_mark,
    plain_qa,
    question_card,
)
from .scope import Scope, Sink
from .table import read_table

__all__ = ["Loose", "Walker"]

_EMPTY_BOX = re.compile(r"^\s*(☐|\[ \])")

_Group = tuple[str, list[Token], Origin] | Inline
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


class Walker:
    """Reads one document's sections and blocks into a :class:`.scope.Sink`."""

    def __init__(self, document: Document, skip: Iterable[str]) -> None:
        self.document = document
        self.sink = Sink(document, walk=self.walk)
        self.skip = {s.strip().lower() for s in skip}

    def walk(self, blocks: Sequence[Block], scope: Scope) -> list[Paragraph]:
        """Read nested blocks; return the prose they hold for the caller to show."""
        loose = Loose()
        self.read(blocks, scope, loose, own=False)
        return sorted([*loose.prose, *loose.figures], key=lambda para: para.origin.line)

    # --- Sections ----------------------------------------------------------------------------

    def section(self, section: Section, parent: Scope) -> None:
        """Cards for a section and its sub-sections; a warning when it held something and gave none."""
        title = plain(section.title.tokens)
        if self._passed_over(section, title):
            return
        heading_marks(section.title, section.origin, self.sink)
        scope = self._question_scope(section, title, _section_scope(section, parent))
        before = len(self.sink.cards)
        passed = len(self.sink.skipped)
        loose = Loose()
        answer, blocks = self._own_answer(section, title)
        self.read(blocks, scope, loose, own=True)
        self._decide(section, title, scope, loose, answer)
        attach_figures(loose.figures, self.sink, before)
        for child in section.children:
            self.section(child, scope)
        if not parent.top:
            cards = self.sink.cards
            cards[before:] = [replace(card, top=title) for card in cards[before:]]
        if len(self.sink.cards) == before and len(self.sink.skipped) == passed and _has_content(section):
            self.sink.warn(section.origin, f"section “{title}” gave no card")

    def _passed_over(self, section: Section, title: str) -> bool:
        """Whether a section gives no card at all (skipped, or references), recorded as skipped."""
        if self.skipped(section):
            self.sink.skip(section.origin, "section skipped by its heading or the front matter", title)
            return True
        if is_reference_heading(title):
            self.sink.skip(section.origin, "references: where to read more, not what to know", title)
            return True
        return False

    def _question_scope(self, section: Section, title: str, scope: Scope) -> Scope:
        """A section that asks a question is a scenario (its decisions are carded in its answer);
        one about the scenario's targets holds no facts of its own."""
        if is_question_heading(title) or _asks(section):
            where = section.origin.line
            for line in decisions(section):
                self.sink.consumed.setdefault(line.origin, f"the answer of the question at line {where}")
            return replace(scope, scenario=True, targets=False)
        if scope.scenario and is_target_heading(title):
            return replace(scope, targets=True)
        return scope

    def _own_answer(self, section: Section, title: str) -> tuple[list[Block], Sequence[Block]]:
        """A question heading's own answer (see :mod:`.answer`) and the blocks left to read;
        none when the section says its answer with ``**Answer:**`` or ``Q:``/``A:`` lines."""
        if not is_question_heading(title) or _labels_qa(section.blocks):
            return [], section.blocks
        return own_answer(section.blocks, title)

    def _decide(
        self, section: Section, title: str, scope: Scope, loose: Loose, answer: Sequence[Block] = ()
    ) -> None:
        """The section's question cards (its sub-headings outline the first answer), or else
        cloze cards of its loose prose."""
        outline = [child for child in section.children if self.holds_knowledge(child)]
        for n, (question, answers, way) in enumerate(loose.questions):
            # The section's decisions and sub-headings answer its first question; the others
            # (Q:/A: pairs one after another) have their own answers only; so does a typed one.
            first = n == 0
            given = [*loose.answers, *answers] if first and way != "typed" else answers
            question_card(question, given, section, outline, scope, self.sink, whole=first, way=way)
        heading_asks = not loose.questions and is_question_heading(title)
        if section.reverse and not heading_asks:
            why = (
                "the section asks with its own Q: lines (write QA: to ask one both ways)"
                if loose.questions
                else "the heading asks no question (end it with “?”)"
            )
            self.sink.warn(section.origin, f"{{.reverse}} on “{title}” asks nothing both ways: {why}")
        if heading_asks:
            if answer:
                # Its own text answers it; what was left is carded as parts of their own.
                heading_question(section, [Blocks(tuple(answer))], [], [], scope, self.sink)
                for para in loose.prose:
                    prose_clozes(para, scope, self.sink)
            else:
                # Sub-headings alone answer nothing: with no text of its own, its parts are carded.
                prose = [para for para in loose.prose if not is_aside(para)]
                outlined = outline if loose.answers or prose else []
                heading_question(section, loose.answers, prose, outlined, scope, self.sink)
            return
        for para in defined(title, loose.prose, section.blocks, scope, self.sink):
            prose_clozes(para, scope, self.sink)

    def skipped(self, section: Section) -> bool:
        """Skipped by ``{.skip}`` on its heading or by the front matter's ``skip`` list."""
        return section.skip or plain(section.title.tokens).lower() in self.skip

    def holds_knowledge(self, section: Section) -> bool:
        """Not skipped, and not only navigation or checklists."""
        if self.skipped(section):
            return False
        return _has_content(section) or any(self.holds_knowledge(c) for c in section.children)

    # --- Blocks ------------------------------------------------------------------------------

    def read(self, blocks: Sequence[Block], scope: Scope, loose: Loose, *, own: bool) -> None:
        """Read blocks in order, handing each to its kind's extractor. ``own``: they are a
        section's own blocks, right under its heading (not a preamble's, nor nested in an item):
        only there does a list answer an ``A:`` line or the heading frame a first list."""
        caption: str | None = None
        caption_prose: Paragraph | None = None
        for n, original in enumerate(blocks):
            # Parts holding a hand-written {{c1::…}} deletion are cards of their own.
            prose = isinstance(original, Paragraph)
            lifted = lift(original, scope.sub(caption) if caption and not prose else scope, self.sink)
            loose.answering, answering = None, loose.answering
            if lifted is None:
                if caption_prose is not None and prose:
                    loose.prose.append(caption_prose)
                caption, caption_prose = None, None
                continue
            if own and answering is not None and _answers(lifted):
                # A list, code block or table right after an ``A:`` line is part of its answer.
                answering.append(Blocks((lifted,)))
                loose.answering = answering
                continue
            if isinstance(lifted, Paragraph) and is_figure(lifted):
                loose.figures.append(lifted)
                continue
            if isinstance(lifted, Paragraph):
                caption, caption_prose = self._paragraph_block(lifted, scope, loose, caption_prose, own=own)
                continue
            # A caption (even a sentence ending in a colon) titles this block: not loose prose.
            # A list right under its heading is what the heading names ("Disadvantages").
            framed = own and n == 0
            self._titled(lifted, scope.sub(caption) if caption else scope, caption, framed=framed)
            caption, caption_prose = None, None
        if caption_prose is not None:
            loose.prose.append(caption_prose)

    def _titled(self, block: Block, scope: Scope, caption: str | None, *, framed: bool = False) -> None:
        """Hand a list, table, code block or definition list to its extractor, under its
        caption: the first of :data:`BLOCK_EXTRACTORS` made for its type."""
        for kind, extractor in BLOCK_EXTRACTORS:
            if isinstance(block, kind):
                extractor(block, Titled(scope, self.sink, caption, framed))
                return

    def _paragraph_block(
        self, block: Paragraph, scope: Scope, loose: Loose, caption_prose: Paragraph | None, *, own: bool
    ) -> tuple[str | None, Paragraph | None]:
        """A paragraph in a run: a checklist (skipped), a bold-only caption, or labelled lines and
        prose; the prose that captioned the block before it is loose prose after all. Returns the
        caption for the next block and the prose that gave it."""
        checklist = all(_EMPTY_BOX.match(plain(line.tokens)) for line in block.lines)
        if caption_prose is not None and not checklist:
            loose.prose.append(caption_prose)
        if checklist:
            # Empty check boxes are a to-do list, not knowledge; so is what introduced them.
            self.sink.skip(block.origin, "checklist", plain(block.lines[0].tokens))
            return None, None
        if len(block.lines) == 1 and (title := emphasis_only(block.lines[0].tokens)):
            return title.rstrip(":：").strip(), None
        return self.paragraph(block, scope, loose, own=own)

    def paragraph(
        self, block: Paragraph, scope: Scope, loose: Loose, *, own: bool
    ) -> tuple[str | None, Paragraph | None]:
        """Read a paragraph's labelled lines; return a caption for the next block, if any.

        A label's value runs on over the lines that follow it, up to the next labelled line,
        so a wrapped ``**Question:**`` is read whole.
        """
        groups = _label_groups(block.lines)
        caption = self._labelled(groups, scope, loose, own=own)
        prose = [group for group in groups if isinstance(group, Inline)]
        if not prose:
            return caption, None
        para = Paragraph(tuple(prose), prose[0].origin)
        last = plain(prose[-1].tokens)
        if last.endswith((":", "：")) and prose[-1] is block.lines[-1]:
            # The sentence that introduces the block is its caption, not the paragraph before
            # it; the sentences before it are prose of their own.
            said = sentences(joined(line.tokens for line in prose))
            # A caption that points back ("This means:", "The following:") takes the sentence
            # it points to along.
            taken = 2 if len(said) > 1 and _points_back(plain(said[-1])) else 1
            if len(said) > taken:
                before = joined(said[:-taken])
                loose.prose.append(Paragraph((Inline(tuple(before), para.origin),), para.origin))
            shown = " ".join(plain(sentence) for sentence in said[-taken:])
            return shown.rstrip(":：").strip(), para
        loose.prose.append(para)
        return caption, None

    def _labelled(self, groups: Sequence[_Group], scope: Scope, loose: Loose, *, own: bool) -> str | None:
        """Read a paragraph's labelled lines; return the label of a last one with no value (a
        caption for the next block)."""
        caption: str | None = None
        paired: set[int] = set()
        for n, group in enumerate(groups):
            if isinstance(group, Inline) or n in paired:
                continue
            label, value, origin = group
            last = n == len(groups) - 1
            way = _way(groups, n)
            if own and _section_qa(label, value, origin, loose, way, last=last):
                continue
            if way is not None and plain(value) and (answer := _answer_after(groups, n)) is not None:
                # A Q:/A: pair nested in an item or a block: a question card of its own.
                paired.add(n + 1)
                pair_card(Inline(tuple(value), origin), [Text(answer)], scope, self.sink, way)
            elif not plain(value):
                caption = label if last else None
            else:
                read_labelled(label, value, (), origin, scope, self.sink)
        return caption


_POINTING = re.compile(
    r"^(?:this|these|that|those|here|so|thus|the following|as follows|it|they|for example|e\.g\.|"
    r"esto|esta|estos|así|por ejemplo|"
    r"ceci|cela|voici|ainsi|dies|das|so|isto|assim|это|так|这|这些|它|以下|如下|これ|次の|이|این|هذا)\b",
    re.IGNORECASE,
)
_FOLLOWING = re.compile(
    r"(?:the following(?: \w+)?|as follows|following ways?|siguientes?|suivante?s?|folgende[nrs]?|seguintes?|"
    r"следующ\w+|以下|如下|下記|次のとおり|다음과 같)\W*$",
    re.IGNORECASE,
)


def _points_back(caption: str) -> bool:
    """A caption that says nothing without the sentence before it: it points back ("This
    means:", "For example:", "The application does the following:")."""
    text = caption.rstrip(":： ").strip()
    return bool(_POINTING.match(text) or _FOLLOWING.search(text))


def _section_scope(section: Section, parent: Scope) -> Scope:
    """The scope of a section: under its parent's, or (a top section) its own breadcrumb and tag."""
    title = plain(section.title.tokens)
    if parent.top:
        scope = parent.sub(title, section.anchor)
    else:
        scope = replace(parent, top=clean_title(title), key=keys.section(parent.key, section.anchor or title))
        scope = replace(scope, tags=(*scope.tags, f"section::{keys.slug(title, 40)}"))
    if section.anchor:
        scope = replace(scope, key=keys.pinned(parent.key, section.anchor))
    return scope


def _section_qa(
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


def _label_groups(lines: Sequence[Inline]) -> list[_Group]:
    """A paragraph's lines grouped: each labelled line with the lines that continue it, and
    prose lines before any label."""
    groups: list[_Group] = []
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


def _way(groups: Sequence[_Group], n: int) -> Way | None:
    """How labelled group ``n`` asks a question: ``Q:`` forward; ``QA:`` or ``T:`` (bold too)
    both ways or typed, with an ``A:`` line right after; None when it asks none."""
    group = groups[n]
    way = asked(group[0]) if isinstance(group, tuple) else None
    if way is None or way == "forward":
        return way
    after = groups[n + 1] if n + 1 < len(groups) else None
    return way if isinstance(after, tuple) and after[0].lower() in ANSWER_LABELS else None


def _answer_after(groups: Sequence[_Group], n: int) -> Inline | None:
    """The answer of the labelled group after group ``n``, when it is an ``A:`` with a value."""
    after = groups[n + 1] if n + 1 < len(groups) else None
    if isinstance(after, tuple) and after[0].lower() in ANSWER_LABELS and plain(after[1]):
        return Inline(tuple(after[1]), after[2])
    return None


def _answers(block: Block) -> bool:
    """Whether a block right after an ``A:`` line continues its answer: a list (not one of
    bold-labelled facts, which are carded on their own), a code block or a table."""
    if isinstance(block, ListBlock):
        return not any(item.head is not None and split_label(item.head.tokens) for item in block.items)
    return isinstance(block, (Code, Table))


def _labels_qa(blocks: Sequence[Block]) -> bool:
    """Whether a section's own paragraphs hold a ``Q:``/``A:`` or ``**Answer:**`` line."""
    for block in blocks:
        if isinstance(block, Paragraph):
            for line in block.lines:
                lab = split_label(line.tokens) or plain_qa(line.tokens)
                if lab and lab[0].lower() in QUESTION_LABELS | ANSWER_LABELS:
                    return True
    return False


def _asks(section: Section) -> bool:
    """Whether the section's own blocks hold a ``**Question:**`` line."""
    for block in section.blocks:
        if isinstance(block, Paragraph):
            for line in block.lines:
                lab = split_label(line.tokens)
                if lab and lab[0].lower() in QUESTION_LABELS and plain(lab[1]):
                    return True
    return False


def _has_content(section: Section) -> bool:
    """Whether a section holds anything beyond navigation, checklists and their captions."""
    for block in section.blocks:
        if isinstance(block, ListBlock) and is_navigation(block):
            continue
        if isinstance(block, Paragraph):
            text = [plain(line.tokens) for line in block.lines]
            if all(_EMPTY_BOX.match(t) for t in text) or text[-1].endswith((":", "：")):
                continue
        return True
    return False


@dataclass(frozen=True)
class Titled:
    """Where a block an extractor reads stands: its section's scope, the sink its cards go to,
    the caption over it (a bold line, a sentence ending in a colon), and whether it is the
    first block under its heading (``framed``: a list the heading names)."""

    scope: Scope
    sink: Sink
    caption: str | None
    framed: bool


def _footnote(block: Block, where: Titled) -> None:
    assert isinstance(block, Footnote)
    where.sink.skip(block.origin, "footnote: an aside to the line that marks it", block.text)


BLOCK_EXTRACTORS: list[tuple[type[Block], Callable[[Any, Titled], None]]] = [
    (
        ListBlock,
        lambda block, where: read_list(
            block, where.scope, where.sink, where.caption or "", framed=where.framed
        ),
    ),
    (Table, lambda block, where: read_table(block, where.scope, where.sink)),
    (Code, lambda block, where: read_code(block, where.scope, where.sink, where.caption)),
    (Definitions, lambda block, where: read_definitions(block, where.scope, where.sink)),
    (Footnote, _footnote),
]
"""The extractor of each kind of block a section holds, in the order they are tried (the
first whose type the block has reads it), in the manner of markdown-it's rule chains: a new
kind of block is one more entry, whose extractor takes the block and where it stands
(:class:`Titled`) and gives its cards to ``where.sink``."""
