"""Stage 2: a :class:`~builder.model.Document` becomes atomic cards.

The walker reads every section's blocks in order and hands each to the extractor of its
kind (one module per kind in this package). Around that it keeps the context a prompt needs:
the breadcrumb of section titles, a caption (a bold-only paragraph or a line ending in a colon
just before a list, table or code block) and the structural key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..markdown import emphasis_only, plain, split_label
from ..model import (
    Block,
    Blocks,
    Card,
    Code,
    Diagnostic,
    Document,
    Inline,
    ListBlock,
    Paragraph,
    Section,
    Table,
)
from ..plaintext import answer_text, prompt_text
from .code import read_code
from .fact import read_labelled
from .lists import is_navigation, read_list
from .metric import is_success_heading
from .question import ANSWER_LABELS, QUESTION_LABELS, heading_question, question_card
from .scope import Scope, Sink, slug
from .table import read_table

__all__ = ["Extraction", "extract"]

_OVERVIEWS = ("question", "list", "steps")
_EMPTY_BOX = re.compile(r"^\s*(☐|\[ \])")


@dataclass(frozen=True)
class Extraction:
    """What one document gave."""

    cards: tuple[Card, ...]
    """The cards, in document order, keys unique, prompts unambiguous."""
    diagnostics: tuple[Diagnostic, ...]
    """Warnings found on the way."""


@dataclass
class _Loose:
    """What a run of blocks left for its section to decide on."""

    prose: list[Paragraph] = field(default_factory=list)
    questions: list[Inline] = field(default_factory=list)
    answers: list[Inline] = field(default_factory=list)


def extract(document: Document, skip: Iterable[str] = ()) -> Extraction:
    """All cards of a document; sections titled as in ``skip`` give none."""
    walker = _Walker(document, skip)
    root = Scope(crumbs=(), key=slug(Path(document.path).stem))
    walker.read(document.preamble, replace(root, crumbs=(document.title,)), _Loose(), top=False)
    for section in document.sections:
        walker.section(section, root)
    cards, problems = _settle(walker.sink.cards)
    return Extraction(cards, (*document.diagnostics, *walker.sink.diagnostics, *problems))


class _Walker:
    def __init__(self, document: Document, skip: Iterable[str]) -> None:
        self.document = document
        self.sink = Sink(document, walk=self.walk)
        self.skip = {s.strip().lower() for s in skip}

    def walk(self, blocks: Sequence[Block], scope: Scope) -> list[Paragraph]:
        """Read nested blocks; return the prose they hold for the caller to show."""
        loose = _Loose()
        self.read(blocks, scope, loose, top=False)
        return loose.prose

    def section(self, section: Section, parent: Scope) -> None:
        title = plain(section.title.tokens)
        if self.skipped(section):
            return
        scope = parent.sub(title, section.anchor)
        if section.anchor:
            scope = replace(scope, key=f"{parent.key.split('/')[0]}/{section.anchor}")
        if not parent.crumbs:
            scope = replace(scope, tags=(*scope.tags, f"section::{slug(title, 40)}"))
        if is_success_heading(title):
            scope = replace(scope, success=True)
        before = len(self.sink.cards)
        loose = _Loose()
        self.read(section.blocks, scope, loose, top=True)
        outline = [child for child in section.children if self.holds_knowledge(child)]
        for question in loose.questions:
            question_card(question, loose.answers, section, outline, scope, self.sink)
        if not loose.questions and title.rstrip().endswith("?"):
            heading_question(section, loose.prose, outline, scope, self.sink)
        elif loose.prose:
            self.sink.add(
                Card(
                    kind="fact",
                    key=f"{scope.key}/summary",
                    crumbs=scope.crumbs,
                    ask="key points?",
                    answer=(Blocks(tuple(loose.prose)),),
                    origin=loose.prose[0].origin,
                    tags=scope.tags,
                )
            )
        for child in section.children:
            self.section(child, scope)
        if not parent.crumbs:
            cards = self.sink.cards
            cards[before:] = [replace(card, top=title) for card in cards[before:]]
        if len(self.sink.cards) == before and _has_content(section):
            self.sink.warn(section.origin, f"section “{title}” gave no card")

    def skipped(self, section: Section) -> bool:
        """Skipped by ``{.skip}`` on its heading or by the front matter's ``skip`` list."""
        return section.skip or plain(section.title.tokens).lower() in self.skip

    def holds_knowledge(self, section: Section) -> bool:
        """Not skipped, and not only navigation or checklists."""
        if self.skipped(section):
            return False
        return _has_content(section) or any(self.holds_knowledge(c) for c in section.children)

    def read(self, blocks: Sequence[Block], scope: Scope, loose: _Loose, *, top: bool) -> None:
        """Read blocks in order, handing each to its kind's extractor."""
        caption: str | None = None
        caption_prose: Paragraph | None = None
        for block in blocks:
            if isinstance(block, Paragraph):
                checklist = all(_EMPTY_BOX.match(plain(line.tokens)) for line in block.lines)
                if caption_prose is not None and not checklist:
                    loose.prose.append(caption_prose)
                caption, caption_prose = None, None
                if checklist:
                    # Empty check boxes are a to-do list, not knowledge; so is what introduced them.
                    continue
                if len(block.lines) == 1 and (title := emphasis_only(block.lines[0].tokens)):
                    caption = title.rstrip(":：").strip()
                    continue
                caption, caption_prose = self.paragraph(block, scope, loose, top=top)
                continue
            # A caption (even a sentence ending in a colon) titles this block: not loose prose.
            target = scope.sub(caption) if caption else scope
            caption, caption_prose = None, None
            if isinstance(block, ListBlock):
                read_list(block, target, self.sink)
            elif isinstance(block, Table):
                read_table(block, target, self.sink)
            elif isinstance(block, Code):
                read_code(block, target, self.sink)
        if caption_prose is not None:
            loose.prose.append(caption_prose)

    def paragraph(
        self, block: Paragraph, scope: Scope, loose: _Loose, *, top: bool
    ) -> tuple[str | None, Paragraph | None]:
        """Read a paragraph's labelled lines; return a caption for the next block, if any."""
        prose: list[Inline] = []
        caption: str | None = None
        for n, line in enumerate(block.lines):
            lab = split_label(line.tokens)
            if lab is None:
                prose.append(line)
                continue
            label, value = lab
            name = label.lower()
            has_value = bool(plain(value))
            if top and name in QUESTION_LABELS and has_value:
                loose.questions.append(Inline(tuple(value), line.origin))
            elif top and name in ANSWER_LABELS:
                if has_value:
                    loose.answers.append(Inline(tuple(value), line.origin))
            elif not has_value:
                caption = label if n == len(block.lines) - 1 else None
            else:
                read_labelled(label, value, (), line.origin, scope, self.sink)
        if not prose:
            return caption, None
        para = Paragraph(tuple(prose), prose[0].origin)
        last = plain(prose[-1].tokens)
        if last.endswith((":", "：")) and prose[-1] is block.lines[-1]:
            return plain(t for line in prose for t in line.tokens).rstrip(":：").strip(), para
        loose.prose.append(para)
        return caption, None


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


def _settle(cards: list[Card]) -> tuple[tuple[Card, ...], list[Diagnostic]]:
    """Put cards in document order (an overview before the details on its line), then make
    keys unique and prompts unambiguous; each prompt numbered apart is reported."""
    cards = sorted(cards, key=lambda c: (c.origin.line, c.kind not in _OVERVIEWS))
    keys: dict[str, int] = {}
    first: dict[str, tuple[str, Card]] = {}
    counts: dict[str, int] = {}
    out: list[Card] = []
    problems: list[Diagnostic] = []
    for card in cards:
        n = keys.get(card.key, 0) + 1
        keys[card.key] = n
        if n > 1:
            card = replace(card, key=f"{card.key}~{n}")
        prompt = prompt_text(card)
        answer = answer_text(card)
        if prompt in first and first[prompt][0] != answer:
            counts[prompt] = counts.get(prompt, 1) + 1
            card = replace(card, ask=f"{card.ask} ({counts[prompt]})")
            problems.append(
                Diagnostic(
                    card.origin,
                    "warning",
                    f"ambiguous prompt “{prompt}”: also asked at line {first[prompt][1].origin.line}"
                    f" with another answer; numbered ({counts[prompt]}) to tell them apart",
                )
            )
        first.setdefault(prompt, (answer, card))
        out.append(card)
    return tuple(out), problems
