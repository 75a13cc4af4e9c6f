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

from markdown_it.token import Token

from .. import keys
from ..markdown import emphasis_only, plain, split_label, text_token
from ..model import (
    Block,
    Blocks,
    Card,
    Code,
    Diagnostic,
    Document,
    Inline,
    ListBlock,
    Origin,
    Paragraph,
    Part,
    Section,
    Skipped,
    Table,
    Text,
)
from ..plaintext import answer_text, prompt_text
from .cloze import prose_clozes
from .code import read_code
from .cues import clean_title, is_reference_heading, is_target_heading
from .fact import read_labelled
from .inline import heading_marks, lift
from .lists import is_navigation, read_list
from .question import (
    ANSWER_LABELS,
    QUESTION_LABELS,
    decisions,
    heading_question,
    is_question_heading,
    pair_card,
    plain_qa,
    question_card,
)
from .scope import Scope, Sink
from .table import read_table

__all__ = ["Extraction", "extract"]

_OVERVIEWS = ("question", "steps")
_EMPTY_BOX = re.compile(r"^\s*(☐|\[ \])")


@dataclass(frozen=True)
class Extraction:
    """What one document gave."""

    cards: tuple[Card, ...]
    """The cards, in document order, keys unique, prompts unambiguous."""
    diagnostics: tuple[Diagnostic, ...]
    """Warnings found on the way."""
    skipped: tuple[Skipped, ...] = ()
    """The parts that gave no card, and why, in document order."""
    restorable: frozenset[str] = frozenset()
    """The keys of the skipped cards a curation file may restore (restored ones included)."""


@dataclass
class _Loose:
    """What a run of blocks left for its section to decide on."""

    prose: list[Paragraph] = field(default_factory=list)
    questions: list[tuple[Inline, list[Part]]] = field(default_factory=list)
    """Each ``Q:`` / ``**Question:**`` line with the answers that follow it, up to the next one."""
    answers: list[Part] = field(default_factory=list)
    """Answers before any question (a question heading's ``**Answer:**``)."""
    answering: list[Part] | None = None
    """The answer an ``A:`` line just opened: lists, code and tables right after it join it."""


def extract(document: Document, skip: Iterable[str] = (), restore: Iterable[str] = ()) -> Extraction:
    """All cards of a document; sections titled as in ``skip`` give none. ``restore``: keys of
    cards the rules skip that the author wants back (a curation file's ``restore`` entries)."""
    walker = _Walker(document, skip)
    root = Scope(top="", key=keys.document(Path(document.path).stem))
    intro = replace(root, top=clean_title(document.title))
    loose = _Loose()
    walker.read(document.preamble, intro, loose, top=False)
    for para in loose.prose:
        prose_clozes(para, intro, walker.sink)
    for section in document.sections:
        walker.section(section, root)
    wanted = set(restore)
    restored = [card for card in walker.sink.restorable if card.key in wanted]
    cards, problems, dropped = _settle([*walker.sink.cards, *restored])
    back = {card.key for card in restored}
    skipped = sorted(
        (*(s for s in walker.sink.skipped if s.key not in back), *dropped),
        key=lambda s: (s.origin.line, s.reason),
    )
    return Extraction(
        cards,
        (*document.diagnostics, *walker.sink.diagnostics, *problems),
        tuple(skipped),
        frozenset(card.key for card in walker.sink.restorable),
    )


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
            self.sink.skip(section.origin, "section skipped by its heading or the front matter", title)
            return
        if is_reference_heading(title):
            self.sink.skip(section.origin, "references: where to read more, not what to know", title)
            return
        heading_marks(section.title, section.origin, self.sink)
        if parent.top:
            scope = parent.sub(title, section.anchor)
        else:
            scope = replace(
                parent, top=clean_title(title), key=keys.section(parent.key, section.anchor or title)
            )
            scope = replace(scope, tags=(*scope.tags, f"section::{keys.slug(title, 40)}"))
        if section.anchor:
            scope = replace(scope, key=keys.pinned(parent.key, section.anchor))
        asks = is_question_heading(title) or _asks(section)
        if asks:
            scope = replace(scope, scenario=True, targets=False)
            where = section.origin.line
            for line in decisions(section):
                self.sink.consumed.setdefault(line.origin, f"the answer of the question at line {where}")
        elif scope.scenario and is_target_heading(title):
            scope = replace(scope, targets=True)
        before = len(self.sink.cards)
        passed = len(self.sink.skipped)
        loose = _Loose()
        self.read(section.blocks, scope, loose, top=True)
        outline = [child for child in section.children if self.holds_knowledge(child)]
        for n, (question, answers) in enumerate(loose.questions):
            # The section's decisions and sub-headings answer its first question; the others
            # (Q:/A: pairs one after another) have their own answers only.
            first = n == 0
            given = [*loose.answers, *answers] if first else answers
            question_card(question, given, section, outline, scope, self.sink, whole=first)
        if not loose.questions and is_question_heading(title):
            heading_question(section, loose.answers, loose.prose, outline, scope, self.sink)
        else:
            for para in loose.prose:
                prose_clozes(para, scope, self.sink)
        for child in section.children:
            self.section(child, scope)
        if not parent.top:
            cards = self.sink.cards
            cards[before:] = [replace(card, top=title) for card in cards[before:]]
        if len(self.sink.cards) == before and len(self.sink.skipped) == passed and _has_content(section):
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
        for original in blocks:
            # Parts holding a hand-written {{c1::…}} deletion are cards of their own.
            prose = isinstance(original, Paragraph)
            lifted = lift(original, scope.sub(caption) if caption and not prose else scope, self.sink)
            loose.answering, answering = None, loose.answering
            if lifted is None:
                if caption_prose is not None and prose:
                    loose.prose.append(caption_prose)
                caption, caption_prose = None, None
                continue
            block = lifted
            if top and answering is not None and _answers(block):
                # A list, code block or table right after an ``A:`` line is part of its answer.
                answering.append(Blocks((block,)))
                loose.answering = answering
                continue
            if isinstance(block, Paragraph):
                checklist = all(_EMPTY_BOX.match(plain(line.tokens)) for line in block.lines)
                if caption_prose is not None and not checklist:
                    loose.prose.append(caption_prose)
                caption, caption_prose = None, None
                if checklist:
                    # Empty check boxes are a to-do list, not knowledge; so is what introduced them.
                    self.sink.skip(block.origin, "checklist", plain(block.lines[0].tokens))
                    continue
                if len(block.lines) == 1 and (title := emphasis_only(block.lines[0].tokens)):
                    caption = title.rstrip(":：").strip()
                    continue
                caption, caption_prose = self.paragraph(block, scope, loose, top=top)
                continue
            # A caption (even a sentence ending in a colon) titles this block: not loose prose.
            target = scope.sub(caption) if caption else scope
            if isinstance(block, ListBlock):
                read_list(block, target, self.sink, caption or "")
            elif isinstance(block, Table):
                read_table(block, target, self.sink)
            elif isinstance(block, Code):
                read_code(block, target, self.sink, caption)
            caption, caption_prose = None, None
        if caption_prose is not None:
            loose.prose.append(caption_prose)

    def paragraph(
        self, block: Paragraph, scope: Scope, loose: _Loose, *, top: bool
    ) -> tuple[str | None, Paragraph | None]:
        """Read a paragraph's labelled lines; return a caption for the next block, if any.

        A label's value runs on over the lines that follow it, up to the next labelled line,
        so a wrapped ``**Question:**`` is read whole.
        """
        prose: list[Inline] = []
        caption: str | None = None
        groups: list[tuple[str, list[Token], Origin] | Inline] = []
        for line in block.lines:
            lab = split_label(line.tokens) or plain_qa(line.tokens)
            if lab is not None:
                groups.append((lab[0], list(lab[1]), line.origin))
            elif groups and isinstance(groups[-1], tuple):
                groups[-1][1].extend((text_token(" "), *line.tokens))
            else:
                groups.append(line)
        paired: set[int] = set()
        for n, group in enumerate(groups):
            if isinstance(group, Inline):
                prose.append(group)
                continue
            if n in paired:
                continue
            label, value, origin = group
            name = label.lower()
            has_value = bool(plain(value))
            if top and name in QUESTION_LABELS and has_value:
                loose.questions.append((Inline(tuple(value), origin), []))
            elif top and name in ANSWER_LABELS:
                target = loose.questions[-1][1] if loose.questions else loose.answers
                if has_value:
                    target.append(Text(Inline(tuple(value), origin)))
                if n == len(groups) - 1:
                    loose.answering = target
            elif name in QUESTION_LABELS and has_value and (answer := _answer_after(groups, n)) is not None:
                # A Q:/A: pair nested in an item or a block: a question card of its own.
                paired.add(n + 1)
                pair_card(Inline(tuple(value), origin), [Text(answer)], scope, self.sink)
            elif not has_value:
                caption = label if n == len(groups) - 1 else None
            else:
                read_labelled(label, value, (), origin, scope, self.sink)
        if not prose:
            return caption, None
        para = Paragraph(tuple(prose), prose[0].origin)
        last = plain(prose[-1].tokens)
        if last.endswith((":", "：")) and prose[-1] is block.lines[-1]:
            return plain(t for line in prose for t in line.tokens).rstrip(":：").strip(), para
        loose.prose.append(para)
        return caption, None


def _answer_after(groups: Sequence[tuple[str, list[Token], Origin] | Inline], n: int) -> Inline | None:
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


def _settle(cards: list[Card]) -> tuple[tuple[Card, ...], list[Diagnostic], list[Skipped]]:
    """Put cards in document order (an overview before the details on its line), drop a card
    that teaches what an earlier one already does, then make keys unique and prompts
    unambiguous; each prompt numbered apart is reported."""
    cards = sorted(cards, key=lambda c: (c.origin.line, c.kind not in _OVERVIEWS))
    keys_seen: dict[str, int] = {}
    first: dict[str, tuple[str, Card]] = {}
    taught: dict[str, Card] = {}
    counts: dict[str, int] = {}
    out: list[Card] = []
    problems: list[Diagnostic] = []
    dropped: list[Skipped] = []
    for card in cards:
        answer = answer_text(card)
        same = " ".join(re.sub(r"[^\w]+", " ", answer.lower()).split())
        if len(same) > 20 and same in taught:
            where = taught[same].origin.line
            dropped.append(
                Skipped(card.origin, f"teaches what the card at line {where} does", prompt_text(card))
            )
            continue
        taught.setdefault(same, card)
        n = keys_seen.get(card.key, 0) + 1
        keys_seen[card.key] = n
        card = replace(card, key=keys.numbered(card.key, n))
        prompt = prompt_text(card)
        if card.cloze is None and prompt in first and first[prompt][0] != answer:
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
    return tuple(out), problems, dropped
