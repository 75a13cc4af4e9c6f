"""The walker: reads a document's sections and blocks in order and hands each block to the
extractor of its kind.

Around that it keeps the context a prompt needs: the breadcrumb of section titles, a caption
(a bold-only paragraph or a line ending in a colon just before a list, table or code block)
and the structural key (a :class:`.scope.Scope`). What a run of blocks leaves for its section
to decide on (loose prose, ``Q:``/``A:`` lines) is gathered in a :class:`Loose`, and a section
decides once its own blocks are read: a question card, or cloze cards of its prose.

A paragraph's labelled lines are grouped and its ``Q:``/``A:`` lines gathered by
:mod:`.qalines`; a section's scope and whether it holds anything to card come from
:mod:`.sections`. The extractor of each kind of block is an entry of :data:`BLOCK_EXTRACTORS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..markdown import emphasis_only, plain
from ..model import (
    Block,
    Blocks,
    Code,
    Document,
    Inline,
    ListBlock,
    Paragraph,
    Section,
    Table,
    Text,
)
from ..model.document import Definitions, Footnote
from .answer import is_aside, own_answer
from .cloze import joined, prose_clozes, sentences
from .code import read_code
from .concept import defined
from .cues import is_reference_heading, is_target_heading
from .fact import read_definitions, read_labelled
from .figures import attach_figures, is_figure
from .inline import heading_marks, lift
from .lists import read_list
from .qalines import (
    Group,
    Loose,
    answer_after,
    asked_way,
    asks_question,
    continues_answer,
    label_groups,
    labels_qa,
    section_qa,
)
from .question import (
    decisions,
    heading_question,
    is_question_heading,
    pair_card,
    question_card,
)
from .scope import Scope, Sink
from .sections import EMPTY_BOX, has_content, points_back, section_scope
from .table import read_table

__all__ = ["Loose", "Walker"]


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
        scope = self._question_scope(section, title, section_scope(section, parent))
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
        if len(self.sink.cards) == before and len(self.sink.skipped) == passed and has_content(section):
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
        if is_question_heading(title) or asks_question(section):
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
        if not is_question_heading(title) or labels_qa(section.blocks):
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
        return has_content(section) or any(self.holds_knowledge(c) for c in section.children)

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
            if own and answering is not None and continues_answer(lifted):
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
        checklist = all(EMPTY_BOX.match(plain(line.tokens)) for line in block.lines)
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
        groups = label_groups(block.lines)
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
            taken = 2 if len(said) > 1 and points_back(plain(said[-1])) else 1
            if len(said) > taken:
                before = joined(said[:-taken])
                loose.prose.append(Paragraph((Inline(tuple(before), para.origin),), para.origin))
            shown = " ".join(plain(sentence) for sentence in said[-taken:])
            return shown.rstrip(":：").strip(), para
        loose.prose.append(para)
        return caption, None

    def _labelled(self, groups: Sequence[Group], scope: Scope, loose: Loose, *, own: bool) -> str | None:
        """Read a paragraph's labelled lines; return the label of a last one with no value (a
        caption for the next block)."""
        caption: str | None = None
        paired: set[int] = set()
        for n, group in enumerate(groups):
            if isinstance(group, Inline) or n in paired:
                continue
            label, value, origin = group
            last = n == len(groups) - 1
            way = asked_way(groups, n)
            if own and section_qa(label, value, origin, loose, way, last=last):
                continue
            if way is not None and plain(value) and (answer := answer_after(groups, n)) is not None:
                # A Q:/A: pair nested in an item or a block: a question card of its own.
                paired.add(n + 1)
                pair_card(Inline(tuple(value), origin), [Text(answer)], scope, self.sink, way)
            elif not plain(value):
                caption = label if last else None
            else:
                read_labelled(label, value, (), origin, scope, self.sink)
        return caption


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
