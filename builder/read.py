"""Stage 1: a Markdown source file becomes a :class:`Document` (a section tree).

Structure comes only from markdown-it's tokens: ``#`` inside a code block is never a heading,
and every node keeps the line its token maps to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from markdown_it.token import Token

from .config import key_lines, no_aliases
from .deep import MAX_NESTING
from .errors import SourceError
from .markdown import MATH_DISPLAY, odd_dollar_lines, parser, plain, strip, title_from_path
from .markdown import lines as split_lines
from .model import (
    Block,
    Code,
    Diagnostic,
    Document,
    Inline,
    Item,
    ListBlock,
    Origin,
    Other,
    Paragraph,
    Section,
    Table,
)
from .text import read_text
from .yamlerrors import TextLoader, explain

# A trailing attribute block on a heading: ``{#pinned-id}``, ``{.skip}`` or both.
_ATTRS = re.compile(r"\s*\{((?:\s*[#.][A-Za-z0-9][\w.:-]*)+)\s*\}\s*$")
_CONTAINERS = ("blockquote_open", "bullet_list_open", "ordered_list_open", "list_item_open")
_CHECKBOX = re.compile(r"^\s*(\[[ xX]\]|[☐☑☒✅✓✔])\s*")


def read(path: Path, shown: str | None = None) -> Document:
    """Read and parse one Markdown source."""
    name = shown or str(path)
    return parse(read_text(path, name), name)


def parse(text: str, path: str) -> Document:
    """Parse Markdown text; ``path`` is only used for origins and the fallback title."""
    tokens = parser().parse(text)
    meta: dict[str, Any] = {}
    meta_lines: dict[str, int] = {}
    if tokens and tokens[0].type == "front_matter":
        meta, meta_lines = _front_matter(tokens[0], path)
        tokens = tokens[1:]
    too_deep = next((t for t in tokens if t.type in _CONTAINERS and t.level >= MAX_NESTING), None)
    if too_deep is not None:
        line = too_deep.map[0] + 1 if too_deep.map else 0
        raise SourceError(
            Origin(path, line), f"nested more than {MAX_NESTING} levels deep; the rest cannot be read"
        )
    reader = _Reader(path, tokens, text.splitlines())
    top = reader.blocks(0, len(tokens))
    preamble, sections = _sections(path, top)
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
        diagnostics=tuple(reader.diagnostics),
    )


def snippet_blocks(text: str, path: str, line: int) -> tuple[tuple[Block, ...], bool, list[Diagnostic]]:
    """A Markdown snippet (a card's back) as blocks whose origins are lines of ``path``
    (``line``: the snippet's first), whether it held headings, and the warnings found.

    The text is read with a blank line in front, so a leading ``---`` stays a rule and never
    becomes front matter. A heading has no place in an answer: it is kept as a paragraph.
    """
    tokens = parser().parse("\n" + text)
    shift = line - 2
    for token in tokens:
        if token.map:
            token.map = [token.map[0] + shift, token.map[1] + shift]
    reader = _Reader(path, tokens, [""] * (line - 1) + text.splitlines())
    blocks: list[Block] = []
    headings = False
    for block in reader.blocks(0, len(tokens)):
        if isinstance(block, _Heading):
            headings = True
            blocks.append(Paragraph((block.title,), block.title.origin))
        else:
            blocks.append(block)
    return tuple(blocks), headings, reader.diagnostics


def _front_matter(token: Token, path: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The front matter mapping and the line of each of its keys."""
    no_aliases(token.content, path, first_line=2)
    try:
        node = yaml.compose(token.content, Loader=yaml.SafeLoader)
        data = yaml.load(token.content, Loader=TextLoader)
    except yaml.YAMLError as exc:
        line, message = explain(exc, token.content, first_line=2)
        raise SourceError(Origin(path, line), f"front matter: invalid YAML: {message}") from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise SourceError(f"{path}:1", "front matter must be a mapping of keys to values")
    return data, key_lines(node, 2)


class _Reader:
    """Turns a flat token stream into nested blocks."""

    def __init__(self, path: str, tokens: Sequence[Token], source: list[str]) -> None:
        self.path = path
        self.tokens = tokens
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def origin(self, tok: Token) -> Origin:
        return Origin(self.path, tok.map[0] + 1 if tok.map else 1)

    def close_of(self, start: int) -> int:
        """Index of the token closing the one opened at ``start``."""
        depth = 0
        for i in range(start, len(self.tokens)):
            depth += self.tokens[i].nesting
            if depth == 0:
                return i
        return len(self.tokens) - 1

    def inline(self, tok: Token) -> Inline:
        self.check_dollars(tok)
        return Inline(tuple(tok.children or ()), self.origin(tok))

    def check_dollars(self, tok: Token) -> None:
        """Warn about a ``$`` that opens math nothing closes (the text shows it as is)."""
        first = self.origin(tok).line
        for n in odd_dollar_lines(tok.content)[:1]:
            self.diagnostics.append(
                Diagnostic(
                    Origin(self.path, first + n),
                    "warning",
                    "unbalanced $: close the math with another $, or write a dollar sign as \\$",
                )
            )

    def blocks(self, start: int, end: int) -> list[Block | _Heading]:
        out: list[Block | _Heading] = []
        i = start
        while i < end:
            tok = self.tokens[i]
            kind = tok.type
            if kind == "heading_open":
                out.append(_Heading(int(tok.tag[1]), self.inline(self.tokens[i + 1])))
                i += 3
                continue
            if kind == "paragraph_open":
                out.append(self.paragraph(self.tokens[i + 1]))
                i += 3
                continue
            if kind in MATH_DISPLAY:
                # ``$$…$$`` on lines of its own: a paragraph holding the displayed math.
                math = Token("math_inline_double", "math", 0, content=tok.content, markup=tok.markup)
                out.append(Paragraph((Inline((math,), self.origin(tok)),), self.origin(tok)))
                i += 1
                continue
            if kind in ("fence", "code_block"):
                lang = tok.info.strip().split(maxsplit=1)[0].lower() if tok.info.strip() else ""
                out.append(Code(lang, tok.content.rstrip("\n"), self.origin(tok)))
                i += 1
                continue
            close = self.close_of(i) if tok.nesting == 1 else i
            if kind in ("bullet_list_open", "ordered_list_open"):
                out.append(self.list_block(i, close))
            elif kind == "table_open":
                out.append(self.table(i, close))
            elif kind == "blockquote_open":
                out.extend(b for b in self.blocks(i + 1, close) if not isinstance(b, _Heading))
            elif kind != "hr":
                out.append(Other(tuple(self.tokens[i : close + 1]), self.origin(tok)))
            i = close + 1
        return out

    def paragraph(self, tok: Token) -> Paragraph:
        self.check_dollars(tok)
        first = self.origin(tok).line
        runs = tuple(
            Inline(tuple(run), Origin(self.path, first + n))
            for n, run in enumerate(split_lines(tok.children or ()))
        )
        return Paragraph(runs, self.origin(tok))

    def list_block(self, start: int, close: int) -> ListBlock:
        items: list[Item] = []
        i = start + 1
        while i < close:
            end = self.close_of(i)
            blocks = [b for b in self.blocks(i + 1, end) if not isinstance(b, _Heading)]
            checkbox = None
            if blocks and isinstance(blocks[0], Paragraph) and blocks[0].lines:
                first_para = blocks[0]
                head = first_para.lines[0]
                box, rest = _checkbox(head.tokens)
                if box:
                    checkbox = box
                    blocks[0] = Paragraph(
                        (Inline(tuple(rest), head.origin), *first_para.lines[1:]), first_para.origin
                    )
            items.append(Item(tuple(blocks), self.origin(self.tokens[i]), checkbox))
            i = end + 1
        return ListBlock(
            self.tokens[start].type == "ordered_list_open",
            tuple(items),
            self.origin(self.tokens[start]),
        )

    def table(self, start: int, close: int) -> Table:
        header: list[Inline] = []
        rows: list[tuple[Inline, ...]] = []
        origins: list[Origin] = []
        in_body = False
        row: list[Inline] = []
        row_origin = self.origin(self.tokens[start])
        for i in range(start, close):
            tok = self.tokens[i]
            if tok.type == "tbody_open":
                in_body = True
            elif tok.type == "tr_open":
                row = []
                row_origin = self.origin(tok)
            elif tok.type == "inline":
                row.append(self.inline(tok))
            elif tok.type == "tr_close":
                if in_body:
                    rows.append(tuple(self.mend_row(row, row_origin, len(header))))
                    origins.append(row_origin)
                else:
                    header = row
        return Table(tuple(header), tuple(rows), tuple(origins), self.origin(self.tokens[start]))

    def mend_row(self, row: list[Inline], origin: Origin, width: int) -> list[Inline]:
        """Re-split a row whose code span holds an unescaped ``|``.

        GFM splits cells at every unescaped pipe, even inside backticks, which cuts such a
        row apart and drops its last cells; authors mean the code span whole.
        """
        if not any(_unbalanced(cell) for cell in row) or origin.line > len(self.source):
            return row
        cells = _split_cells(self.source[origin.line - 1])
        if len(cells) != width:
            return row
        self.diagnostics.append(
            Diagnostic(origin, "warning", "table cell has `|` inside a code span; escape it as `\\|`")
        )
        md = parser()
        return [Inline(tuple(md.parseInline(cell.strip())[0].children or ()), origin) for cell in cells]


def _unbalanced(cell: Inline) -> bool:
    return any(t.type == "text" and t.content.count("`") % 2 == 1 for t in cell.tokens)


def _split_cells(line: str) -> list[str]:
    """Cells of a table row, keeping code spans whole and ``\\|`` escaped."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells, current, i = [], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            current.append(body[i : i + 2])
            i += 2
            continue
        if char == "`":
            run = len(body[i:]) - len(body[i:].lstrip("`"))
            fence = "`" * run
            end = body.find(fence, i + run)
            if end != -1:
                current.append(body[i : end + run])
                i = end + run
                continue
        if char == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    cells.append("".join(current))
    return cells


def _checkbox(tokens: Sequence[Token]) -> tuple[Literal["empty", "checked"] | None, list[Token]]:
    toks = strip(tokens)
    if not toks or toks[0].type != "text":
        return None, list(tokens)
    match = _CHECKBOX.match(toks[0].content)
    if not match:
        return None, list(tokens)
    box = match.group(1)
    state: Literal["empty", "checked"] = "empty" if box in ("[ ]", "☐") else "checked"
    first = toks[0].copy()
    first.content = toks[0].content[match.end() :]
    return state, [first, *toks[1:]]


class _Heading:
    """A heading met in the block stream, before sections are formed."""

    def __init__(self, level: int, title: Inline) -> None:
        self.level = level
        self.title = title


def _sections(path: str, stream: list[Block | _Heading]) -> tuple[tuple[Block, ...], tuple[Section, ...]]:
    """Fold a block stream with headings into preamble blocks and a section tree."""

    class Open:
        def __init__(self, heading: _Heading) -> None:
            self.heading = heading
            self.blocks: list[Block] = []
            self.children: list[Section] = []

    def close(node: Open) -> Section:
        toks = list(node.heading.title.tokens)
        anchor, classes = None, set()
        if toks and toks[-1].type == "text":
            match = _ATTRS.search(toks[-1].content)
            if match:
                for attr in match.group(1).split():
                    if attr.startswith("#"):
                        anchor = attr[1:]
                    else:
                        classes.add(attr[1:])
                last = toks[-1].copy()
                last.content = toks[-1].content[: match.start()]
                toks[-1] = last
        title = Inline(tuple(strip(toks)), node.heading.title.origin)
        return Section(
            title=title,
            level=node.heading.level,
            anchor=anchor,
            skip="skip" in classes,
            blocks=tuple(node.blocks),
            children=tuple(node.children),
            origin=node.heading.title.origin,
        )

    preamble: list[Block] = []
    top: list[Section] = []
    stack: list[Open] = []

    def pop() -> None:
        done = close(stack.pop())
        (stack[-1].children if stack else top).append(done)

    for item in stream:
        if isinstance(item, _Heading):
            while stack and stack[-1].heading.level >= item.level:
                pop()
            stack.append(Open(item))
        elif stack:
            stack[-1].blocks.append(item)
        else:
            preamble.append(item)
    while stack:
        pop()
    return tuple(preamble), tuple(top)
