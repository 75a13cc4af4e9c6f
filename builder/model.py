"""The records that flow between the pipeline's stages.

``read`` turns a source file into a :class:`Document`, ``extract`` turns a document into
:class:`Card` records, ``render`` turns cards into note fields. Every record that came from a
file carries its :class:`Origin`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, get_args

if TYPE_CHECKING:
    from markdown_it.token import Token

Kind: TypeAlias = Literal["question", "fact", "table-cell", "metric", "cloze", "steps", "code"]
"""A card kind (``cloze`` also for hand-written cloze cards)."""
KINDS: tuple[Kind, ...] = get_args(Kind)
"""Card kinds, in the catalogue's order."""
_CLOZE_NUMBER = re.compile(r"\{\{c([1-9][0-9]*)::")


@dataclass(frozen=True, order=True)
class Origin:
    """Where something stands in a source file."""

    path: str
    """The source path as given on the command line (relative paths stay relative)."""
    line: int
    """1-based line number; 0 when the whole file is meant."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line > 0 else self.path

    @classmethod
    def parse(cls, where: str) -> Origin:
        """The origin written as ``path:line`` (or a bare path: line 0)."""
        path, _, line = where.rpartition(":")
        return cls(path, int(line)) if path and line.isdigit() else cls(where, 0)


@dataclass(frozen=True)
class Inline:
    """A run of inline Markdown: the parser's inline child tokens."""

    tokens: tuple[Token, ...]
    """markdown-it inline tokens (text, code_inline, strong_open, ...)."""
    origin: Origin
    """Where the run starts."""


# --- Blocks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Paragraph:
    """A paragraph, kept as its lines (soft breaks split it)."""

    lines: tuple[Inline, ...]
    """One inline run per source line."""
    origin: Origin
    """The paragraph's first line."""


@dataclass(frozen=True)
class Item:
    """One item of a bullet or numbered list."""

    blocks: tuple[Block, ...]
    """The item's content: usually a paragraph, then nested lists or code."""
    origin: Origin
    """The item's first line."""
    checkbox: Literal["empty", "checked"] | None = None
    """A task-list box at the start of the item, if any."""

    @property
    def head(self) -> Inline | None:
        """The item's first line, when it starts with text (its label, if it has one)."""
        first = self.blocks[0] if self.blocks else None
        return first.lines[0] if isinstance(first, Paragraph) and first.lines else None


@dataclass(frozen=True)
class ListBlock:
    """A bullet or numbered list."""

    ordered: bool
    """True for a numbered list."""
    items: tuple[Item, ...]
    """The items, in order."""
    origin: Origin
    """The list's first line."""


@dataclass(frozen=True)
class Table:
    """A GFM table."""

    header: tuple[Inline, ...]
    """Header cells."""
    rows: tuple[tuple[Inline, ...], ...]
    """Body rows; ragged rows are padded or cut to the header's width by the parser."""
    row_origins: tuple[Origin, ...]
    """Where each body row stands."""
    origin: Origin
    """The header line."""


@dataclass(frozen=True)
class Code:
    """A fenced or indented code block."""

    lang: str
    """The info string's first word, lower-cased ('' when none)."""
    text: str
    """The code, without its fences."""
    origin: Origin
    """The opening fence."""


@dataclass(frozen=True)
class Other:
    """Any other block markdown-it may give (kept so that nothing is lost; shown as text)."""

    tokens: tuple[Token, ...]
    origin: Origin


Block: TypeAlias = Paragraph | ListBlock | Table | Code | Other


def inline_runs(blocks: Iterable[Block]) -> Iterator[Inline]:
    """Every inline run in ``blocks``, nested ones included, in order."""
    for block in blocks:
        if isinstance(block, Paragraph):
            yield from block.lines
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from inline_runs(item.blocks)
        elif isinstance(block, Table):
            yield from block.header
            for row in block.rows:
                yield from row
        elif isinstance(block, Other):
            for tok in block.tokens:
                if tok.children:
                    yield Inline(tuple(tok.children), block.origin)


@dataclass(frozen=True)
class Section:
    """A heading and everything under it up to the next heading of its level or above."""

    title: Inline
    """The heading's inline content, without a trailing ``{#id}``."""
    level: int
    """1 to 6."""
    anchor: str | None
    """An explicit ``{#id}`` from the heading, which pins the section's key."""
    skip: bool
    """``{.skip}`` on the heading: the section and its sub-sections give no card."""
    blocks: tuple[Block, ...]
    """Content before the first sub-heading."""
    children: tuple[Section, ...]
    """Sub-sections, in order."""
    origin: Origin
    """The heading line."""


@dataclass(frozen=True)
class Document:
    """A parsed source file."""

    path: str
    """The source path as given."""
    title: str
    """Front matter ``title``, else the document's own top heading, else the file name."""
    meta: dict[str, Any]
    """The front matter mapping ({} when none)."""
    preamble: tuple[Block, ...]
    """Blocks before the first section (or under the title heading before its sub-sections)."""
    sections: tuple[Section, ...]
    """Top sections."""
    meta_lines: dict[str, int] = field(default_factory=dict)
    """The line of each front matter key."""
    diagnostics: tuple[Diagnostic, ...] = ()
    """Warnings found while reading."""


# --- Cards --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """An answer part: one inline run shown as a paragraph."""

    inline: Inline


@dataclass(frozen=True)
class Items:
    """An answer part: a list of inline runs, each possibly followed by nested blocks."""

    entries: tuple[tuple[Inline, tuple[Block, ...]], ...]
    ordered: bool


@dataclass(frozen=True)
class Pairs:
    """An answer part: ``Header: value`` lines (a table row)."""

    pairs: tuple[tuple[str, Inline], ...]


@dataclass(frozen=True)
class Blocks:
    """An answer part: blocks rendered as they stand (nested bullets, paragraphs)."""

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Snippet:
    """An answer part: code, highlighted."""

    lang: str
    text: str
    lines: tuple[tuple[tuple[Any, str], ...], ...] = ()
    """The code already lexed by Pygments, line by line (empty: lex ``text`` when rendering)."""


Part: TypeAlias = Text | Items | Pairs | Blocks | Snippet


@dataclass(frozen=True)
class Gap:
    """A part of a cloze statement that one of the note's cards hides."""

    number: int
    """Its cloze number: card ``number`` of the note hides it (1-based)."""
    inline: Inline
    """What is hidden, as inline Markdown."""
    hint: str = ""
    """Shown in place of the hidden part (``{{c1::answer::hint}}``); '' for ``[...]``."""


Segment: TypeAlias = Inline | Gap
"""A piece of a cloze line: shown text, or a gap."""


@dataclass(frozen=True)
class ClozeText:
    """A generated cloze: lines of shown text and gaps, one card per gap number."""

    lines: tuple[tuple[Segment, ...], ...]
    """The statement's lines (one for a sentence, one per item for a list)."""
    listed: bool = False
    """True when the lines are the items of a list (shown as bullets)."""
    intro: str = ""
    """Plain text shown before the lines (a list's caption)."""
    ordered: bool = False
    """For a list: numbered (steps) rather than bullets."""

    @property
    def gaps(self) -> int:
        """How many cards the note has (a deletion written inside math counts too)."""
        numbers = [s.number for line in self.lines for s in line if isinstance(s, Gap)]
        for line in self.lines:
            for segment in line:
                if isinstance(segment, Inline):
                    for tok in segment.tokens:
                        if tok.type.startswith("math"):
                            numbers.extend(int(n) for n in _CLOZE_NUMBER.findall(tok.content))
        return max(numbers, default=0)


@dataclass(frozen=True)
class Skipped:
    """A part of a source that gave no card, and why: ``deckbuilder cards --skipped``."""

    origin: Origin
    reason: str
    """Why it gave no card, a few words (``scenario bookkeeping``, ``no cue``, …)."""
    text: str
    """The part's text, as a reader would recognise it (shortened)."""
    key: str = ""
    """The key of the card it would give, which a curation file can ``restore`` ('' when it
    would give none)."""

    def __str__(self) -> str:
        text = self.text if len(self.text) <= 100 else self.text[:99].rstrip() + "…"
        return f"{self.origin}: {self.reason}: {text}" + (f" [{self.key}]" if self.key else "")


def breadcrumb(crumbs: Iterable[str]) -> str:
    """A card's context as one line: section titles joined by ``›`` ('' when none)."""
    return " › ".join(crumbs)


@dataclass(frozen=True)
class Card:
    """One atomic card, before rendering."""

    kind: Kind
    """One of :data:`KINDS`."""
    key: str
    """Structural identity inside the deck: section path, kind, label or row."""
    crumbs: tuple[str, ...]
    """The breadcrumb that gives the prompt its context (section titles, table title)."""
    ask: str
    """What the prompt asks, in plain text (after the breadcrumb)."""
    answer: tuple[Part, ...]
    """The answer's parts (empty for a cloze card)."""
    origin: Origin
    """Where the card's content starts."""
    tags: tuple[str, ...] = ()
    """Tags beyond the kind's (section tags)."""
    cloze: ClozeText | None = None
    """For generated cloze cards (``metric``, ``cloze``): the statement and its gaps."""
    statement: Inline | None = None
    """For hand-written ``cloze`` cards: inline Markdown holding Anki's ``{{c1::…}}`` marks."""
    top: str = ""
    """The title of the top section the card stands in ('' outside any): its subdeck."""
    extra: tuple[Part, ...] = field(default=())
    """Context shown under a cloze's answer."""
    reverse: bool = False
    """Also ask the answer, for the prompt: a second card of the same note."""
    generated: str = ""
    """For a card rewritten by a curation file: the hash of the generated card it replaces
    (:func:`builder.curation.fingerprint`)."""

    @property
    def prompt(self) -> str:
        """The plain-text prompt: breadcrumb, then what is asked."""
        crumb = breadcrumb(self.crumbs)
        if not crumb:
            return self.ask
        if not self.ask:
            return crumb
        return f"{crumb} — {self.ask}"


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in a source, reported at the edge (CLI) sorted by place."""

    origin: Origin
    level: Literal["warning", "error"]
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.level}: {self.message}"


# --- Notes and decks ----------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """A card rendered and identified: one Anki note."""

    guid: str
    """Stable across rebuilds: derived from the deck and the structural key."""
    key: str
    """The card's structural key."""
    deck: str
    """The full deck name (``Parent::Child`` for a subdeck)."""
    kind: Kind
    """The card kind."""
    model: str
    """``prompt``, ``reverse`` (prompt/answer with a reverse card) or ``cloze``."""
    prompt: str
    """Plain-text prompt; the note's sort field."""
    answer: str
    """Plain-text answer."""
    fields: dict[str, str]
    """HTML fields by name, in the note type's order."""
    tags: tuple[str, ...]
    """Anki tags."""
    origin: Origin
    """Where the card's content stands in its source."""
    teaches: str = ""
    """Hash of what the card teaches, without breadcrumb or label (see
    :class:`builder.render.Rendered`): how a renamed or moved note is found again."""
    digest: str = ""
    """Hash of the note type, fields and tags: what a learner's copy would change by."""
    sides: tuple[str, ...] = ()
    """For a cloze note with several gaps: the plain prompt of each of its cards."""
    draft: tuple[tuple[str, str], ...] = ()
    """The curation fields a rewrite of the note starts from: ``prompt`` and ``answer``, or
    ``cloze`` (Markdown, without the breadcrumb)."""
    generated: str = ""
    """The fingerprint of the card as the rules generated it (before any rewrite)."""

    def as_json(self) -> dict[str, Any]:
        """The record ``deckbuilder cards --json`` prints."""
        return {
            "guid": self.guid,
            "key": self.key,
            "deck": self.deck,
            "kind": self.kind,
            "model": self.model,
            "prompt": self.prompt,
            "answer": self.answer,
            "fields": dict(self.fields),
            "tags": list(self.tags),
            "source": str(self.origin),
            **({"cards": list(self.sides)} if self.sides else {}),
        }


@dataclass(frozen=True)
class MediaFile:
    """A file packed into a deck."""

    name: str
    """Its name in the deck: content hash and suffix."""
    path: Path
    """Where it is read from."""


@dataclass(frozen=True)
class SourceResult:
    """What one source file gives, ready to join its deck."""

    source: str
    """The source path as shown."""
    deck: str | None
    """The deck its notes go to; None when the source could not be read."""
    notes: tuple[Note, ...]
    """Its notes, in order."""
    media: tuple[MediaFile, ...]
    """The images its notes show."""
    problems: tuple[Diagnostic, ...]
    """Warnings and errors found in it."""
    skipped: tuple[Skipped, ...] = ()
    """The parts of it that gave no card, and why."""


@dataclass(frozen=True)
class DeckPlan:
    """Everything one deck will hold, checked and ready to write."""

    name: str
    """The deck's name in Anki."""
    slug: str
    """The file-name form of the name."""
    notes: tuple[Note, ...]
    """Notes in document order."""
    sources: tuple[str, ...]
    """The source files that fed it."""
    media: tuple[MediaFile, ...] = ()
    """Images its notes show, by content-hash name."""
    files: tuple[tuple[Path, str], ...] = ()
    """Each source as (the folder it was found in, its path inside that folder)."""

    def counts(self) -> dict[str, int]:
        """Notes by kind, in the catalogue's order, kinds with no note left out."""
        found = {kind: sum(1 for n in self.notes if n.kind == kind) for kind in KINDS}
        return {kind: n for kind, n in found.items() if n}
