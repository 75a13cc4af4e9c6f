"""The records of a read source: where things stand (:class:`Origin`), inline runs, blocks,
sections and the :class:`Document` that ``read`` makes of a file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from ..controls import IN_MESSAGE

if TYPE_CHECKING:
    from markdown_it.token import Token


_CONTROL = IN_MESSAGE


def one_line(path: str) -> str:
    """``path`` (or any text) as a message shows it: on one line that cannot be rewritten, each
    control character in it (a newline in a file name, an escape sequence, a bidi override)
    written as its visible escape (``\\n``, ``\\x1b``, ``\\u202e``)."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], path)


@dataclass(frozen=True, order=True)
class Origin:
    """Where something stands in a source file."""

    path: str
    """The source path as given on the command line (relative paths stay relative)."""
    line: int
    """1-based line number; 0 when the whole file is meant."""

    def __str__(self) -> str:
        path = one_line(self.path)
        return f"{path}:{self.line}" if self.line > 0 else path

    @classmethod
    def parse(cls, where: str) -> Origin:
        """The origin written as ``path:line`` (or a bare path: line 0)."""
        path, _, line = where.rpartition(":")
        return cls(path, int(line)) if path and line.isdigit() else cls(where, 0)


NOWHERE = Origin("", 0)


@dataclass(frozen=True)
class Diagnostic:
    """A problem found in a source, reported at the edge (CLI) sorted by place."""

    origin: Origin
    level: Literal["warning", "error"]
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.level}: {self.message}"


"""The origin of what came from no file (a record's default)."""


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


@dataclass(frozen=True)
class Term:
    """One term of a definition list with its definitions (each ``: …`` its blocks)."""

    term: Inline
    """The term line."""
    definitions: tuple[tuple[Block, ...], ...]
    """Each definition's blocks, in order."""
    origin: Origin
    """The term line."""


@dataclass(frozen=True)
class Definitions(Other):
    """A definition list (``Term`` then ``: definition`` lines). Its tokens are the list's, so
    wherever it is not carded (shown in an answer, written as plain text) it reads as any
    other block does."""

    terms: tuple[Term, ...]
    """The terms, in order."""


@dataclass(frozen=True)
class Footnote(Other):
    """A footnote's text (``[^1]: …``): an aside to the line that marks it, never a card (the
    mark itself shows nothing)."""

    text: str
    """What it says, as plain text."""


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
    reverse: bool = False
    """``{.reverse}`` on the heading: the question it asks is asked both ways."""


@dataclass(frozen=True)
class Tagged:
    """Tags written inline in one block of a source (see :mod:`builder.read.hashtags`)."""

    first: int
    """The block's first line (1-based)."""
    last: int
    """Its last line."""
    tags: tuple[str, ...]
    """Anki tags (``area::topic``)."""
    section: bool
    """The block held tags only: they tag every card of its section."""


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
    language: str = "en"
    """The language it is written in, as its front matter gives it (``lang``/``language``), else
    as its prose tells (:func:`builder.locale.detect`): the catalogue's code (``zh``, ``pt``) when
    deckbuilder speaks it, else the tag as given."""
    hashtags: tuple[Tagged, ...] = ()
    """Its inline tags (``#topic``), each with the lines of the block it was written in."""
