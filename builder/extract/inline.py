"""Cloze cards written inline in a Markdown source: Anki's ``{{c1::answer}}`` and
``{{c1::answer::hint}}``.

A deletion makes a hand-written cloze of what it stands in, and that is the only card it gives:

- a sentence of a paragraph (sentences as :func:`.cloze.sentences` cuts them);
- a labelled line of a paragraph, or a list item, labelled or not: the whole line or item;
- a table cell: ``Row key: Column: value``, the row's other cells carded as usual.

Several numbers (``c1``, ``c2``) in one of these make one note with one card per number. The
walker lifts these parts out of each block (:func:`lift`) before any other extractor reads it,
so no generated card repeats them. A deletion that is not closed, a ``}}`` that closes none,
``{{c0::``, a malformed ``{{c1:x``, a deletion inside another, or one that crosses the end of
bold, italic or a link is an error at its line, and the part gives no card.

Deletions inside code spans are code, never cards. A deletion written inside math
(``$x^{ {{c1::2}} }$``) is kept as Anki reads it; math inside a deletion is hidden whole.

Keys: a labelled line or item by its label, a table cell by its row and column, any other part
by its first words outside the deletions (its first hidden part when it has none): editing what
a deletion hides keeps the key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from markdown_it.token import Token

from ..markdown import CLOZE, MATH_DISPLAY, MATH_INLINE, plain, split_label, strip, text_token
from ..model import (
    Block,
    ClozeText,
    Diagnostic,
    Gap,
    Inline,
    Item,
    ListBlock,
    Origin,
    Paragraph,
    Segment,
    Table,
)
from .cloze import prose_clozes, sentences
from .question import plain_qa
from .scope import Scope, Sink

__all__ = ["has_marks", "heading_marks", "lift", "scan"]

KEY_WORDS = 6
"""Words outside the deletions that key a sentence's or an item's cloze."""

_WHERE = "deckbuilder.origin"
"""Token meta key: the source line a token stands on."""
_MATH = (MATH_INLINE, *MATH_DISPLAY)
_MARK = re.compile(r"\{\{\s*[cC]\s*\d+\s*:+|\{\{|\}\}|::")
_OPENER = re.compile(r"\{\{c(\d+)::")
_MATH_OPENER = re.compile(r"\{\{\s*[cC]\s*\d+\s*:+")


def has_marks(tokens: Sequence[Token]) -> bool:
    """Whether a run holds anything of the cloze syntax (outside code): ``{{`` or ``}}`` in its
    text, or a deletion in its math."""
    for tok in tokens:
        if tok.type == "text" and ("{{" in tok.content or "}}" in tok.content):
            return True
        if tok.type in _MATH and _MATH_OPENER.search(tok.content):
            return True
    return False


@dataclass(frozen=True)
class Found:
    """What :func:`scan` found in a run."""

    segments: tuple[Segment, ...] | None
    """The run as shown text and gaps; None when it holds no deletion, or a broken one."""
    problems: tuple[tuple[Origin, str], ...] = ()
    """Broken deletions, each at its line."""
    open: bool = False
    """A deletion is still open at the end of the run (it may close in the next sentence)."""


def scan(tokens: Sequence[Token], where: Origin) -> Found:
    """A run's deletions, as Anki reads them: ``{{cN::`` opens one, the first ``}}`` after it
    closes it, and the first ``::`` inside it starts its hint."""
    return _Scanner(where).run(tokens)


class _Scanner:
    def __init__(self, where: Origin) -> None:
        self.where = where
        self.segments: list[Segment] = []
        self.shown: list[Token] = []
        self.answer: list[Token] | None = None
        """The hidden part's tokens while a deletion is open."""
        self.hint: list[Token] | None = None
        """The hint's tokens once the open deletion's ``::`` was met."""
        self.number = 0
        self.opened: tuple[Origin, str] = (where, "")
        self.depth = 0
        self.gap_depth = 0
        self.braces = 0
        """Plain ``{{`` (no cloze) waiting for their ``}}``."""
        self.crossed = False
        """The open deletion went past the end of the bold, italic or link it started in."""
        self.marked = False
        self.problems: list[tuple[Origin, str]] = []

    def run(self, tokens: Sequence[Token]) -> Found:
        for i, tok in enumerate(tokens):
            if tok.type == "text":
                self.text(tok, tokens[i + 1 :])
                continue
            if tok.type in _MATH:
                self.math(tok)
            elif tok.nesting:
                self.depth += tok.nesting
                if self.answer is not None and self.depth < self.gap_depth:
                    self.crossed = True
            self.put(tok)
        if self.answer is not None:
            self.problems.append(
                (self.opened[0], f"unbalanced cloze: “{self.opened[1]}” has no closing }}}}")
            )
            return Found(None, tuple(self.problems), open=True)
        if self.problems or not self.marked:
            return Found(None, tuple(self.problems))
        self.flush()
        return Found(tuple(self.segments))

    def text(self, tok: Token, after: Sequence[Token]) -> None:
        content, pos = tok.content, 0
        for match in _MARK.finditer(content):
            mark = match.group()
            if mark == "::":
                if self.answer is None or self.hint is not None or self.depth != self.gap_depth:
                    continue
                self.put(_piece(tok, content[pos : match.start()]))
                self.hint = []
            elif mark == "}}":
                self.put(_piece(tok, content[pos : match.start()]))
                if self.answer is not None:
                    self.close(tok)
                elif self.braces:
                    self.braces -= 1
                    self.put(_piece(tok, mark))
                else:
                    self.marked = True
                    if not self.problems:  # else most likely the end of a broken one
                        before = _shorten(plain(self.shown), tail=True)
                        self.problem(tok, f"unbalanced cloze: “{before}}}}}” has no opening {{{{c1::")
                    self.put(_piece(tok, mark))
            elif mark == "{{":
                self.put(_piece(tok, content[pos : match.end()]))
                if self.answer is None:
                    self.braces += 1
            else:
                self.put(_piece(tok, content[pos : match.start()]))
                self.open(tok, match, content, after)
            pos = match.end()
        self.put(_piece(tok, content[pos:]))

    def open(self, tok: Token, match: re.Match[str], content: str, after: Sequence[Token]) -> None:
        self.marked = True
        mark = match.group()
        rest = plain([Token("text", "", 0, content=content[match.end() :]), *after])
        shown = _shorten(mark + rest)
        exact = _OPENER.fullmatch(mark)
        if exact is None:
            self.problem(tok, f"malformed cloze: “{shown}”: write a deletion as {{{{c1::answer}}}}")
            self.put(_piece(tok, mark))
        elif int(exact.group(1)) == 0 and self.answer is None:
            self.problem(tok, f"malformed cloze: “{shown}”: deletions are numbered from c1")
            self.start(tok, 0, shown)  # read to its end, so that its ``}}`` is not one too many
        elif self.answer is not None:
            self.problem(
                tok,
                f"malformed cloze: “{shown}” is inside “{self.opened[1]}”; nested deletions are not supported",
            )
            self.put(_piece(tok, mark))
        else:
            self.start(tok, int(exact.group(1)), shown)

    def start(self, tok: Token, number: int, shown: str) -> None:
        self.flush()
        self.answer, self.hint, self.crossed = [], None, False
        self.number = number
        self.gap_depth = self.depth
        self.opened = (_origin(tok, self.where), shown)

    def close(self, tok: Token) -> None:
        assert self.answer is not None
        if not self.number:
            pass  # {{c0::…}}: already reported
        elif self.crossed or self.depth != self.gap_depth:
            self.problem(
                tok,
                f"malformed cloze: “{self.opened[1]}” crosses the end of bold, italic or a link;"
                " open and close it inside the same one",
            )
        elif not plain(self.answer):
            self.problem(tok, f"malformed cloze: “{self.opened[1]}” hides nothing")
        else:
            hint = plain(self.hint) if self.hint is not None else ""
            inline = Inline(tuple(strip(self.answer)), self.opened[0])
            self.segments.append(Gap(self.number, inline, hint))
        self.answer, self.hint = None, None

    def math(self, tok: Token) -> None:
        """Deletions written inside math: each must be whole, as Anki reads it."""
        covered = [m.span() for m in CLOZE.finditer(tok.content)]
        for match in _MATH_OPENER.finditer(tok.content):
            self.marked = True
            shown = _shorten(tok.content[match.start() :])
            exact = _OPENER.match(tok.content, match.start())
            if exact is None or exact.end() != match.end() or int(exact.group(1)) == 0:
                self.problem(tok, f"malformed cloze: “{shown}”: write a deletion as {{{{c1::answer}}}}")
            elif not any(start == match.start() for start, _ in covered):
                self.problem(tok, f"unbalanced cloze: “{shown}” has no closing }}}}")
            elif self.answer is not None:
                self.problem(tok, f"malformed cloze: “{shown}” is inside “{self.opened[1]}”")

    def put(self, tok: Token | None) -> None:
        if tok is None:
            return
        if self.hint is not None:
            self.hint.append(tok)
        elif self.answer is not None:
            self.answer.append(tok)
        else:
            self.shown.append(tok)

    def flush(self) -> None:
        if self.shown:
            self.segments.append(Inline(tuple(self.shown), _origin(self.shown[0], self.where)))
            self.shown = []

    def problem(self, tok: Token, message: str) -> None:
        self.problems.append((_origin(tok, self.where), message))


def _piece(tok: Token, content: str) -> Token | None:
    return Token("text", "", 0, content=content, meta=tok.meta) if content else None


def _origin(tok: Token, default: Origin) -> Origin:
    found = tok.meta.get(_WHERE) if tok.meta else None
    return found if isinstance(found, Origin) else default


def _shorten(text: str, *, tail: bool = False) -> str:
    """At most about 30 characters of ``text`` (its end with ``tail``), cut between words."""
    words = text.split()
    if len(" ".join(words)) <= 30:
        return " ".join(words)
    kept: list[str] = []
    for word in reversed(words) if tail else words:
        if kept and len(" ".join([*kept, word])) > 30:
            break
        kept.append(word)
    return "… " + " ".join(reversed(kept)) if tail else " ".join(kept) + " …"


def _shown(segments: Sequence[Segment]) -> tuple[Token, ...]:
    """A cloze's tokens with every deletion shown (its answer, no marks)."""
    return tuple(t for s in segments for t in (s.inline if isinstance(s, Gap) else s).tokens)


def _tagged(lines: Sequence[Inline]) -> list[Token]:
    """The lines as one run, each token knowing its line (copies: the document stays as read)."""
    out: list[Token] = []
    for n, line in enumerate(lines):
        meta = {_WHERE: line.origin}
        if n and out and out[-1].type == "text":
            # The line break ends the text before it: a sentence may end there.
            out[-1] = out[-1].copy(content=out[-1].content + " ")
        elif n:
            out.append(Token("text", "", 0, content=" ", meta=meta))
        out.extend(tok.copy(meta={**tok.meta, **meta}) for tok in line.tokens)
    return out


# --- Making the cards -----------------------------------------------------------------------


def _card(
    found: Found, origin: Origin, scope: Scope, sink: Sink, text: str, *, label: str = "", key: str = ""
) -> bool:
    """The cloze card of a part that holds a deletion, or its errors; False when it has none."""
    for where, message in found.problems:
        sink.diagnostics.append(Diagnostic(where, "error", message))
    if found.problems:
        sink.skip(origin, "broken cloze deletion (see the error)", text)
        return True
    if found.segments is None:
        return False
    segments = found.segments
    if key:
        pass
    elif label:
        key = scope.card("cloze", label)
    else:
        shown = CLOZE.sub(" ", plain(t for s in segments if isinstance(s, Inline) for t in s.tokens))
        words = re.sub(r"[^\w]+", " ", shown).split()[:KEY_WORDS]
        # With no word outside the deletions: the first hidden part (a deletion in math: the text).
        first = next((s.inline for s in segments if isinstance(s, Gap)), None)
        hidden = plain(first.tokens) if first is not None else shown
        key = scope.card("cloze", " ".join(words) or hidden[:40])
    sink.add(scope.cloze("cloze", key, origin, ClozeText((segments,))))
    return True


def _label(tokens: Sequence[Token]) -> str:
    """The label a line starts with, if it is no deletion itself."""
    lab = split_label(tokens) or plain_qa(tokens)
    if lab is None or has_marks([text_token(lab[0])]):
        return ""
    return lab[0]


def lift(block: Block, scope: Scope, sink: Sink) -> Block | None:
    """``block`` without its parts that hold a deletion, each made a cloze card (or an error);
    the block itself when it holds none, None when nothing of it is left."""
    if isinstance(block, Paragraph):
        return _paragraph(block, scope, sink)
    if isinstance(block, ListBlock):
        return _list(block, scope, sink)
    if isinstance(block, Table):
        return _table(block, scope, sink)
    return block


def _groups(lines: Sequence[Inline]) -> list[tuple[str, list[Inline]]]:
    """A paragraph's lines as the walker groups them: a labelled line with the lines that
    continue it, and runs of prose (label '')."""
    groups: list[tuple[str, list[Inline]]] = []
    for line in lines:
        lab = split_label(line.tokens) or plain_qa(line.tokens)
        if lab is not None:
            groups.append((lab[0], [line]))
        elif groups:
            groups[-1][1].append(line)
        else:
            groups.append(("", [line]))
    return groups


def _paragraph(para: Paragraph, scope: Scope, sink: Sink) -> Paragraph | None:
    if not any(has_marks(line.tokens) for line in para.lines):
        return para
    kept: list[Inline] = []
    for label, lines in _groups(para.lines):
        if not any(has_marks(line.tokens) for line in lines):
            kept.extend(lines)
            continue
        text = plain(t for line in lines for t in line.tokens)
        if label and _label(lines[0].tokens):
            found = scan(_tagged(lines), lines[0].origin)
            if _card(found, lines[0].origin, scope, sink, text, label=label):
                continue
            kept.extend(lines)
            continue
        if not _sentences(lines, scope, sink):
            kept.extend(lines)
    if not kept:
        return None
    return Paragraph(tuple(kept), kept[0].origin)


def _sentences(lines: Sequence[Inline], scope: Scope, sink: Sink) -> bool:
    """Cards for a prose run: a cloze for each sentence holding a deletion (or its errors), the
    other sentences read as prose, in order (see :func:`.cloze.prose_clozes`). False, and
    nothing done, when no sentence holds one (plain braces, ``{{ name }}``)."""
    units = sentences(_tagged(lines))
    read: list[tuple[list[Token], Origin, Found]] = []
    i = 0
    while i < len(units):
        unit = units[i]
        origin = _origin(unit[0], lines[0].origin)
        found = scan(unit, origin)
        # A deletion may hold a full stop: it ends in a later sentence.
        while found.open and i + 1 < len(units):
            i += 1
            unit = [*unit, text_token(" "), *units[i]]
            found = scan(unit, origin)
        read.append((unit, origin, found))
        i += 1
    if all(found.segments is None and not found.problems for _, _, found in read):
        return False
    kept: list[Inline] = []
    for unit, origin, found in read:
        if found.segments is None and not found.problems:
            kept.append(Inline(tuple(unit), origin))
            continue
        if kept:
            prose_clozes(Paragraph(tuple(kept), kept[0].origin), scope, sink)
            kept.clear()
        _card(found, origin, scope, sink, plain(unit))
    if kept:
        prose_clozes(Paragraph(tuple(kept), kept[0].origin), scope, sink)
    return True


def _list(block: ListBlock, scope: Scope, sink: Sink) -> ListBlock | None:
    items: list[Item] = []
    changed = False
    for item in block.items:
        first = item.blocks[0] if item.blocks else None
        head = first.lines if isinstance(first, Paragraph) else ()
        label = _label(head[0].tokens) if head else ""
        inner = scope.sub(label) if label else scope
        if head and any(has_marks(line.tokens) for line in head):
            found = scan(_tagged(head), item.origin)
            text = plain(t for line in head for t in line.tokens)
            if _card(found, head[0].origin, scope, sink, text, label=label):
                changed = True
                if block.ordered and found.segments is not None:
                    # A step stays in its list, shown whole, so that the steps are all there.
                    shown = Paragraph((Inline(_shown(found.segments), head[0].origin),), head[0].origin)
                    items.append(replace(item, blocks=(shown, *item.blocks[1:])))
                    continue
                # What is nested in the item is read as usual, under it.
                for prose in sink.walk(item.blocks[1:], inner):
                    prose_clozes(prose, inner, sink)
                continue
        start = 1 if head else 0
        rest = [lift(b, inner, sink) for b in item.blocks[start:]]
        blocks = (*item.blocks[:start], *(b for b in rest if b is not None))
        if blocks != item.blocks:
            changed = True
            item = replace(item, blocks=blocks)
        items.append(item)
    if not changed:
        return block
    return ListBlock(block.ordered, tuple(items), block.origin) if items else None


def _table(table: Table, scope: Scope, sink: Sink) -> Table | None:
    if not any(has_marks(cell.tokens) for cell in (*table.header, *(c for row in table.rows for c in row))):
        return table
    heads = [plain(cell.tokens) or f"column {i + 1}" for i, cell in enumerate(table.header)]
    for cell in table.header:
        if _holds_deletion(cell.tokens, table.origin):
            sink.warn(
                table.origin, f"a cloze deletion in a table header is not carded: “{plain(cell.tokens)}”"
            )
    rows: list[tuple[Inline, ...]] = []
    origins: list[Origin] = []
    for row, origin in zip(table.rows, table.row_origins, strict=True):
        cells = list(row)
        if cells and _holds_deletion(cells[0].tokens, origin):
            sink.warn(
                origin,
                f"a cloze deletion in a row's first cell, its key, is not carded: “{plain(cells[0].tokens)}”;"
                " put it in another cell",
            )
            found = scan(cells[0].tokens, origin)
            if found.segments is not None:
                cells[0] = Inline(_shown(found.segments), origin)
        name = (plain(cells[0].tokens) if cells else "").rstrip("?？ ")
        lifted = False
        for i, cell in enumerate(cells[1:], start=1):
            if not has_marks(cell.tokens):
                continue
            found = scan(_tagged([Inline(cell.tokens, origin)]), origin)
            head = heads[i].rstrip("?？ ")
            said = f"{name}: {head}: " if name else f"{head}: "
            if found.segments is not None:
                found = Found((Inline((text_token(said),), origin), *found.segments))
            # Keyed by row and column, like the cell's own card.
            key = scope.card("cloze", name, heads[i])
            if _card(found, origin, scope, sink, said + plain(cell.tokens), key=key):
                cells[i] = Inline((), origin)
                lifted = True
        if lifted and not any(plain(c.tokens) for c in cells[1:]):
            continue  # every cell of the row is a card of its own
        rows.append(tuple(cells))
        origins.append(origin)
    return replace(table, rows=tuple(rows), row_origins=tuple(origins))


def heading_marks(title: Inline, origin: Origin, sink: Sink) -> None:
    """A heading is never a card: warn when it holds a deletion."""
    if _holds_deletion(title.tokens, origin):
        sink.warn(origin, f"a cloze deletion in a heading is not carded: “{plain(title.tokens)}”")


def _holds_deletion(tokens: Sequence[Token], origin: Origin) -> bool:
    """Whether a run holds a deletion, whole or broken (not only plain braces)."""
    if not has_marks(tokens):
        return False
    found = scan(tokens, origin)
    return found.segments is not None or bool(found.problems)
