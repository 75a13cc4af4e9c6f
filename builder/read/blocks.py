"""markdown-it's flat token stream as nested blocks: paragraphs split into lines, lists with
their items (and check boxes), tables (rows a code span's ``|`` cut apart mended), code, and
headings left in the stream for :mod:`.sections` to fold. A list item's check box and term are
read in :mod:`.items`, a cut table row in :mod:`.cells`, a code block's language in :mod:`.fences`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

from markdown_it.token import Token

from ..markdown import MATH_DISPLAY, inline_tokens, odd_dollar_lines, parser, plain
from ..markdown.dialects import ASIDE_OPEN, ASIDE_TITLE, NOTE
from ..markdown.tokens import entries
from ..model import (
    Block,
    Code,
    Diagnostic,
    Inline,
    Item,
    ListBlock,
    Origin,
    Other,
    Paragraph,
    Table,
)
from ..model.document import Definitions, Footnote, Term
from .cells import split_cells, unbalanced
from .fences import fence_language, shown_code
from .includes import Includes, Problem, language_of
from .items import split_checkbox, term_pair

__all__ = ["BlockReader", "Heading"]


class Heading:
    """A heading met in the block stream, before sections are formed."""

    def __init__(self, level: int, title: Inline) -> None:
        self.level = level
        self.title = title


class BlockReader:
    """Turns a flat token stream into nested blocks."""

    def __init__(
        self, path: str, tokens: Sequence[Token], source: list[str], includes: Includes | None = None
    ) -> None:
        self.path = path
        self.tokens = tokens
        self.source = source
        self.includes = includes or Includes(None, None)
        """Where mdBook's ``{{#include}}`` finds its files."""
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
        if "$" not in tok.content:  # the common case: no dollar, nothing to count
            return
        first = self.origin(tok).line
        for n in odd_dollar_lines(tok.content)[:1]:
            self.diagnostics.append(
                Diagnostic(
                    Origin(self.path, first + n),
                    "warning",
                    "unbalanced $: close the math with another $, or write a dollar sign as \\$",
                )
            )

    def blocks(self, start: int, end: int) -> list[Block | Heading]:
        """The blocks of the tokens from ``start`` to ``end``, headings among them as
        :class:`Heading`."""
        out: list[Block | Heading] = []
        i = start
        while i < end:
            tok = self.tokens[i]
            kind = tok.type
            if kind == "heading_open":
                out.append(Heading(int(tok.tag[1]), self.inline(self.tokens[i + 1])))
                i += 3
                continue
            if kind == "paragraph_open":
                paragraph = self.paragraph(self.tokens[i + 1])
                if any(_substance(t) for run in paragraph.lines for t in run.tokens):
                    out.append(paragraph)  # else it held only what a dialect drops (a comment)
                i += 3
                continue
            if kind == NOTE:
                self.diagnostics.append(Diagnostic(self.origin(tok), "warning", tok.content))
                i += 1
                continue
            if kind in MATH_DISPLAY:
                # ``$$…$$`` on lines of its own: a paragraph holding the displayed math.
                math = Token("math_inline_double", "math", 0, content=tok.content, markup=tok.markup)
                out.append(Paragraph((Inline((math,), self.origin(tok)),), self.origin(tok)))
                i += 1
                continue
            if kind in ("fence", "code_block"):
                out.extend(self.code(tok))
                i += 1
                continue
            if kind == "mdbook_include":
                out.extend(self.included(tok))
                i += 1
                continue
            close = self.close_of(i) if tok.nesting == 1 else i
            self._container(tok, i, close, out)
            i = close + 1
        return out

    def _container(self, tok: Token, start: int, close: int, out: list[Block | Heading]) -> None:
        """Add to ``out`` what the tokens from ``start`` to ``close`` hold (``tok`` opens them):
        a list's, table's, quote's or aside's blocks, definitions, footnotes; nothing for a rule
        or an aside's title; anything else as :class:`Other`."""
        kind = tok.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            out.extend(self.list_block(start, close))
        elif kind == "table_open":
            out.append(self.table(start, close))
        elif kind == "dl_open":
            out.append(self.definitions(start, close))
        elif kind == "footnote_block_open":
            out.extend(self.footnotes(start, close))
        elif kind == "blockquote_open":
            out.extend(self.quote(start, close))
        elif kind in ASIDE_OPEN:
            # An admonition, a callout or a paired shortcode: its body read in place, as a
            # quote's is; its marker and title are the dialect's, never a card's.
            out.extend(b for b in self.blocks(start + 1, close) if not isinstance(b, Heading))
        elif kind in ASIDE_TITLE:
            pass
        elif kind != "hr":
            out.append(Other(tuple(self.tokens[start : close + 1]), self.origin(tok)))

    def code(self, tok: Token) -> list[Block]:
        """A code block, its mdBook includes replaced by the lines they include (none when
        it held only includes that give nothing)."""
        lang = fence_language(tok.info)
        origin = self.origin(tok)
        text = tok.content.rstrip("\n")
        first = origin.line + (tok.type == "fence")
        code, problems = self.includes.expand(text, self.path, first)
        self.diagnostics += problems
        if code != text and not code.strip():
            return []
        return [Code(lang, shown_code(lang, code), origin)]

    def included(self, tok: Token) -> list[Block | Heading]:
        """An include on a line of its own: a code file as a code block, a Markdown file as
        its blocks (their origins in that file)."""
        origin = self.origin(tok)
        text = self.includes.text(tok.info)
        if isinstance(text, Problem):
            self.diagnostics.append(Diagnostic(origin, "warning", text.message))
            return []
        name = tok.info.split(":", 1)[0]
        if not name.lower().endswith((".md", ".markdown")):
            lang = language_of(name)
            return [Code(lang, shown_code(lang, text), origin)] if text.strip() else []
        shown = (PurePosixPath(self.path).parent / name).as_posix()
        assert self.includes.file is not None  # else text() gave a problem
        file = (self.includes.file.parent / name).resolve()
        if file in self.includes.seen or file == self.includes.file.resolve():
            self.diagnostics.append(Diagnostic(origin, "warning", f"include “{name}” includes itself"))
            return []
        seen = self.includes.seen | {self.includes.file.resolve()}
        tokens = parser().parse(text)
        reader = BlockReader(shown, tokens, text.splitlines(), Includes(file, self.includes.root, seen))
        blocks = reader.blocks(0, len(tokens))
        self.diagnostics += reader.diagnostics
        return blocks

    def quote(self, start: int, close: int) -> list[Block]:
        """A quote's blocks, read in place; a callout's marker line dropped."""
        first = self.tokens[start + 1 : start + 4]
        body = None
        if [t.type for t in first] == ["paragraph_open", "inline", "paragraph_close"]:
            body = _without_alert(first[1])
        if body is None:
            blocks = self.blocks(start + 1, close)
        else:
            rest = self.blocks(start + 4, close)
            blocks = [self.paragraph(body), *rest] if body.children else rest
        return [b for b in blocks if not isinstance(b, Heading)]

    def paragraph(self, tok: Token) -> Paragraph:
        self.check_dollars(tok)
        first = self.origin(tok).line
        runs = tuple(
            Inline(tuple(run), Origin(self.path, first + n)) for n, run in entries(tok.children or ())
        )
        return Paragraph(runs, self.origin(tok))

    def list_block(self, start: int, close: int) -> list[Block]:
        """A list, its items with their blocks (and check boxes). Items written as a term with
        its definitions nested under it (``- `href``` then ``  - : The URL…``, as MDN writes
        them) are a definition list: each run of them a :class:`Definitions`, the other items
        lists of their own."""
        runs: list[tuple[bool, list[Item], list[Token]]] = []
        i = start + 1
        while i < close:
            end = self.close_of(i)
            blocks = [b for b in self.blocks(i + 1, end) if not isinstance(b, Heading)]
            checkbox = None
            if blocks and isinstance(blocks[0], Paragraph) and blocks[0].lines:
                first_para = blocks[0]
                head = first_para.lines[0]
                box, rest = split_checkbox(head.tokens)
                if box:
                    checkbox = box
                    blocks[0] = Paragraph(
                        (Inline(tuple(rest), head.origin), *first_para.lines[1:]), first_para.origin
                    )
            item = Item(tuple(blocks), self.origin(self.tokens[i]), checkbox)
            paired = term_pair(item) is not None
            if not runs or runs[-1][0] != paired:
                runs.append((paired, [], []))
            runs[-1][1].append(item)
            runs[-1][2].extend(self.tokens[i : end + 1])
            i = end + 1
        ordered = self.tokens[start].type == "ordered_list_open"
        if not any(paired for paired, _, _ in runs):
            items = runs[0][1] if runs else []
            return [ListBlock(ordered, tuple(items), self.origin(self.tokens[start]))]
        out: list[Block] = []
        for n, (paired, items, tokens) in enumerate(runs):
            origin = self.origin(self.tokens[start]) if n == 0 else items[0].origin
            if not paired:
                out.append(ListBlock(ordered, tuple(items), origin))
                continue
            # Its tokens are a list's, so that where it is shown it reads as written.
            wrapped = (self.tokens[start], *tokens, self.tokens[close])
            terms = tuple(term for item in items if (term := term_pair(item)) is not None)
            out.append(Definitions(wrapped, origin, terms))
        return out

    def footnotes(self, start: int, close: int) -> list[Footnote]:
        """The footnotes markdown-it gathered at the end of the document, each at its line."""
        found: list[Footnote] = []
        i = start + 1
        while i < close:
            end = self.close_of(i)
            tokens = self.tokens[i : end + 1]
            mapped = next((tok for tok in tokens if tok.map), self.tokens[i])
            text = " ".join(plain(tok.children or ()) for tok in tokens if tok.type == "inline")
            found.append(Footnote(tuple(tokens), self.origin(mapped), text))
            i = end + 1
        return found

    def definitions(self, start: int, close: int) -> Definitions:
        """A definition list: each term with the blocks of its definitions."""
        terms: list[Term] = []
        i = start + 1
        while i < close:
            end = self.close_of(i)
            tok = self.tokens[i]
            if tok.type == "dt_open":
                terms.append(Term(self.inline(self.tokens[i + 1]), (), self.origin(tok)))
            elif tok.type == "dd_open" and terms:
                blocks = tuple(b for b in self.blocks(i + 1, end) if not isinstance(b, Heading))
                last = terms[-1]
                terms[-1] = Term(last.term, (*last.definitions, blocks), last.origin)
            i = end + 1
        return Definitions(
            tuple(self.tokens[start : close + 1]), self.origin(self.tokens[start]), tuple(terms)
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
        if not any(unbalanced(cell) for cell in row) or origin.line > len(self.source):
            return row
        cells = split_cells(self.source[origin.line - 1])
        if len(cells) != width:
            return row
        self.diagnostics.append(
            Diagnostic(origin, "warning", "table cell has `|` inside a code span; escape it as `\\|`")
        )
        return [Inline(tuple(inline_tokens(cell.strip())), origin) for cell in cells]


_ALERT = re.compile(r"^\s*\[!([A-Za-z]+)\][+-]?")


def _substance(tok: Token) -> bool:
    """Whether a token shows something: not a line break, not blank text."""
    return tok.type not in ("softbreak", "hardbreak") and (tok.type != "text" or bool(tok.content.strip()))


def _without_alert(tok: Token) -> Token | None:
    """A quote's first inline run without GitHub's or Obsidian's callout marker line
    (``> [!NOTE]``, a title may follow it); None when the run does not open with one."""
    children = tok.children or []
    if not children or children[0].type != "text" or not _ALERT.match(children[0].content):
        return None
    breaks = [n for n, child in enumerate(children) if child.type in ("softbreak", "hardbreak")]
    rest = children[breaks[0] + 1 :] if breaks else []
    where = [tok.map[0] + 1, tok.map[1]] if tok.map else None
    return tok.copy(children=rest, map=where, content=tok.content.partition("\n")[2])
