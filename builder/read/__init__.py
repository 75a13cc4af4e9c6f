"""Stage 1: a Markdown source file becomes a :class:`Document` (a section tree).

Structure comes only from markdown-it's tokens: ``#`` inside a code block is never a heading,
and every node keeps the line its token maps to. The front matter is read by
:mod:`.frontmatter`, the tokens become blocks in :mod:`.blocks`, and headings fold the blocks
into a section tree in :mod:`.sections`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import LANGUAGE_KEYS
from ..deep import MAX_NESTING
from ..errors import SourceError
from ..limits import check_markdown
from ..locale import detect, language_code
from ..markdown import parser, plain, title_from_path
from ..media import remote_images
from ..model import Block, Diagnostic, Document, Origin, Paragraph
from ..text import read_text, without_controls
from .blocks import BlockReader, Heading
from .frontmatter import front_matter
from .hashtags import take
from .includes import Includes
from .sections import sections_of

if TYPE_CHECKING:
    from markdown_it.token import Token

__all__ = ["parse", "read", "snippet_blocks"]

_CONTAINERS = ("blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open")


def read(path: Path, shown: str | None = None, root: Path | None = None) -> Document:
    """Read and parse one Markdown source; its includes are read from files in ``root`` (the
    source folder; the file's own folder when not given)."""
    name = shown or str(path)
    return parse(read_text(path, name), name, Includes(path, root))


def parse(text: str, path: str, includes: Includes | None = None) -> Document:
    """Parse Markdown text; ``path`` is only used for origins and the fallback title,
    ``includes`` says where its includes are read from (nowhere when not given)."""
    text, controls = without_controls(text, path)
    check_markdown(text, path)
    tokens = parser().parse(text)
    meta: dict[str, Any] = {}
    meta_lines: dict[str, int] = {}
    if tokens and tokens[0].type == "front_matter":
        meta, meta_lines = front_matter(tokens[0], path)
        tokens = tokens[1:]
    too_deep = next((t for t in tokens if t.type in _CONTAINERS and t.level >= MAX_NESTING), None)
    if too_deep is not None:
        line = too_deep.map[0] + 1 if too_deep.map else 0
        raise SourceError(
            Origin(path, line), f"nested more than {MAX_NESTING} levels deep; the rest cannot be read"
        )
    tagged = take(tokens)  # before the blocks are read: a trailing run of tags leaves the text
    reader = BlockReader(path, tokens, text.splitlines(), includes)
    top = reader.blocks(0, len(tokens))
    preamble, sections = sections_of(top)
    title = str(meta.get("title") or "")
    first = sections[0] if sections else None
    if first is not None and first.level == 1 and not preamble and (len(sections) == 1 or not first.children):
        # The document's own heading: the only top heading, or a first one with no sections
        # under it (its paragraphs are the introduction, the headings after it the chapters).
        title = title or plain(first.title.tokens)
        preamble, sections = first.blocks, (*first.children, *sections[1:])
    if not title:
        title = title_from_path(path)
    return Document(
        path=path,
        title=title,
        meta=meta,
        preamble=preamble,
        sections=sections,
        meta_lines=meta_lines,
        diagnostics=(*controls, *reader.diagnostics, *remote_images(tokens, path)),
        language=_language(meta, tokens),
        hashtags=tagged,
    )


def _language(meta: dict[str, Any], tokens: list[Token]) -> str:
    """The language the front matter gives (``lang``, else ``language``), else the one its
    prose is written in: the words of its headings, paragraphs, lists and tables, never code."""
    for key in LANGUAGE_KEYS:
        given = meta.get(key)
        if isinstance(given, str) and given.strip():
            return language_code(given) or given.strip()
    return detect(
        child.content
        for token in tokens
        if token.type == "inline" and token.children
        for child in token.children
        if child.type == "text"
    )


def snippet_blocks(text: str, path: str, line: int) -> tuple[tuple[Block, ...], bool, list[Diagnostic]]:
    """A Markdown snippet (a card's back) as blocks whose origins are lines of ``path``
    (``line``: the snippet's first), whether it held headings, and the warnings found.

    The text is read with a blank line in front, so a leading ``---`` stays a rule and never
    becomes front matter. A heading has no place in an answer: it is kept as a paragraph.
    """
    check_markdown(text, path, line)
    tokens = parser().parse("\n" + text)
    shift = line - 2
    for token in tokens:
        if token.map:
            token.map = [token.map[0] + shift, token.map[1] + shift]
    reader = BlockReader(path, tokens, [""] * (line - 1) + text.splitlines())
    blocks: list[Block] = []
    headings = False
    for block in reader.blocks(0, len(tokens)):
        if isinstance(block, Heading):
            headings = True
            blocks.append(Paragraph((block.title,), block.title.origin))
        else:
            blocks.append(block)
    return tuple(blocks), headings, reader.diagnostics
