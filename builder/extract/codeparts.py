"""A code step too long for one card, cut at its top-level items, else at blank lines.

An *item* is what a reader takes in one go: a function, a struct, an impl, a class, a SQL
statement, a YAML top-level key. Items are found from the lines' indentation and the Pygments
tokens of the block's language, never from rules for one language or one document:

- a line at the step's least indentation starts an item when the line before it at that
  indentation ended one (with ``;``, a closing bracket line, a ``---`` separator), when a deeper
  line or a blank line comes between them, or when it is the first line;
- the lines above a definition that belong to it (attributes, decorators, comments) come with it,
  as does the closing line under it (``}``, ``)``, ``end``);
- small pieces (imports, one-line constants: an item of at most two lines, or one that starts
  with an import word) join the item after them, or the one before them at the end.

Each item is named by its *signature*: its first line up to the body (``fn verify(...)``,
``struct OrderBook``, ``CREATE TABLE orders``), or the keys of a YAML item. An item still too
long is cut at the items of its body (an impl's methods, a YAML key's children), its first
lines going with the first part and its closing lines with the last; else at blank lines, into
as few parts as fit, as even as can be. A piece of more lines than fit between blank lines gives
no card.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pygments.token import Comment, Generic, Keyword, Name, Operator, Punctuation, Text

from ..highlight import LexedLine, kind_name

_IMPORTS = {"use", "import", "from", "include", "#include", "require", "package", "extern"}
"""First words of a line that brings names in: such an item is a piece, joined to the next."""
_ENDS = {"end", "fi", "done", "esac", "endif", "endfor", "endwhile", "endfunction"}
"""Words that close a block alone on their line (Ruby, Lua, shell, templates)."""
_SEPARATORS = {"---", "..."}
_CLOSING_TAGS = re.compile(r"(?:</[\w:.-]+>\s*)+")
"""A line that only closes markup elements (``</dialog>``): it ends the element above it."""
_LONGEST_SIGNATURE = 60
_WORD = re.compile(r"[\w#]+")
_NAMED = re.compile(r"\w")
_HIDDEN = re.compile(r"^#\s+")
"""A line hidden from the reader by rustdoc and mdBook (``# use std::io;``) is named as shown."""
_OPENS = re.compile(r"/\*|<!--|\{-|\(\*|#\||#=|--\[=*\[|\{#")
"""What opens a comment that may run over several lines (C, HTML, Haskell, OCaml, Lisp, Julia,
Lua, templates)."""
_CLOSES = ("*/", "-->", "-}", "*)", "|#", "=#", "]]", "#}")
_LINE_COMMENTS = {str(Comment.Single), str(Comment.Hashbang), str(Comment.Preproc)}
_PREPROC = str(Comment.Preproc)
_DECORATOR = str(Name.Decorator)
_FUNCTION = str(Name.Function)
_CLASS = str(Name.Class)
_TAG = str(Name.Tag)
_GENERIC = str(Generic)
_TEXT = str(Text)
_NAME = str(Name)
_COMMENT = str(Comment)
"""Token types' names, worked out once (their ``str`` is not cheap)."""


def inside_comments(lexed: Sequence[LexedLine]) -> list[bool]:
    """For each line, whether it starts inside a block comment opened on a line above it
    (``/* …``, ``<!-- …``): such a line is never where a step or a part begins."""
    inside: list[bool] = []
    opened = False
    for tokens in lexed:
        inside.append(opened)
        filled = [(kind_name(kind), value.strip()) for kind, value in tokens if value.strip()]
        if not filled:
            continue  # a blank line leaves a comment open or closed
        kind, value = filled[-1]
        comment = kind.startswith(_COMMENT) and kind not in _LINE_COMMENTS
        text = " ".join(v for k, v in filled if k.startswith(_COMMENT))
        opened = comment and (opened or bool(_OPENS.search(text))) and not value.endswith(_CLOSES)
    return inside


@dataclass(frozen=True)
class Part:
    """One card's worth of a long code step."""

    names: tuple[str, ...]
    """Its cue: the signatures of the items it stands in, from the outer one in; empty for a
    step that fits whole."""
    rows: tuple[int, ...]
    """The block's lines it shows, by index, blank lines between its items kept."""
    place: tuple[int, int] | None = None
    """(n, of): the n-th of the parts an item was cut into at blank lines."""


@dataclass(frozen=True)
class TooLong:
    """A piece with no item or blank line to cut it at: it gives no card."""

    names: tuple[str, ...]
    """The signatures of the items it stands in, as a part's."""
    rows: tuple[int, ...]
    """The block's lines it holds, by index."""


class _Lines:
    """The block's lines with their tokens, and what the cutting asks of one line."""

    def __init__(self, lines: Sequence[str], lexed: Sequence[LexedLine]) -> None:
        self.lines = lines
        self.lexed = lexed
        self.commented = inside_comments(lexed)
        self._words: dict[int, list[tuple[str, str]]] = {}

    def blank(self, row: int) -> bool:
        return not self.lines[row].strip()

    def inside(self, row: int) -> bool:
        """A line inside a block comment opened above it: it goes on with that comment."""
        return row < len(self.commented) and self.commented[row]

    def indent(self, row: int) -> int:
        line = self.lines[row]
        return len(line) - len(line.lstrip())

    def words(self, row: int) -> list[tuple[str, str]]:
        """The line's tokens that are not blank, as (token type, text)."""
        found = self._words.get(row)
        if found is None:  # asked of a line many times while a block is cut
            tokens = self.lexed[row] if row < len(self.lexed) else ()
            found = self._words[row] = [
                (kind_name(kind), value.strip()) for kind, value in tokens if value.strip()
            ]
        return found

    def code(self, row: int) -> list[tuple[str, str]]:
        """The line's tokens that are not blank and not comments."""
        return [(k, v) for k, v in self.words(row) if not k.startswith(_COMMENT)]

    def comment(self, row: int) -> bool:
        """A line that holds only a comment."""
        words = self.words(row)
        return bool(words) and not self.code(row) and not self.attribute(row)

    def attribute(self, row: int) -> bool:
        """An attribute or decorator line (``#[derive(…)]``, ``@app.route(…)``)."""
        words = self.words(row)
        return bool(words) and (words[0][0].startswith(_PREPROC) or words[0][0].startswith(_DECORATOR))

    def separator(self, row: int) -> bool:
        return self.lines[row].strip() in _SEPARATORS

    def closer(self, row: int) -> bool:
        """A line that only closes a bracket or a block: ``}``, ``);``, ``end``."""
        text = self.lines[row].strip()
        if text.lower() in _ENDS or _CLOSING_TAGS.fullmatch(text):
            return True
        code = self.code(row)
        return (
            text[:1] in "})]"
            and bool(code)
            and all(k.startswith((str(Punctuation), str(Operator))) for k, _ in code)
        )

    def continues(self, row: int) -> bool:
        """A line that goes on with the item above it: ``}``, ``) -> T {``, ``} else {``."""
        text = self.lines[row].strip()
        return text[:1] in (")", "]", "}") or text.startswith("</") or self.closer(row)

    def defines(self, row: int) -> bool:
        """A line that names a function, a class or a key (Pygments' own token types)."""
        return any(kind.startswith((_FUNCTION, _CLASS, _TAG)) for kind, _ in self.code(row))

    def ends(self, row: int) -> bool:
        """A line after which a new item may start at its indentation: a closing line, a
        separator, a statement ended by ``;``, a one-line item (``struct Unit { id: u32 }``)."""
        code = self.code(row)
        if self.closer(row) or self.separator(row):
            return True
        last = code[-1][1] if code else ""
        text = "".join(value for _, value in code)
        return last.endswith(";") or (last.endswith("}") and text.count("{") == text.count("}"))

    def size(self, rows: Sequence[int]) -> int:
        return sum(1 for row in rows if not self.blank(row))


def _trim(rows: Sequence[int], lines: _Lines) -> list[int]:
    kept = list(rows)
    while kept and lines.blank(kept[0]):
        kept.pop(0)
    while kept and lines.blank(kept[-1]):
        kept.pop()
    return kept


def _items(rows: Sequence[int], lines: _Lines) -> list[list[int]]:
    """The rows cut into the items that stand at their least indentation."""
    filled = [row for row in rows if not lines.blank(row)]
    if not filled:
        return []
    level = min(lines.indent(row) for row in filled)
    items: list[list[int]] = []
    last: int | None = None  # the last filled row at the level
    gap = False  # a blank or deeper line since it
    for row in rows:
        if lines.blank(row) or lines.indent(row) > level or lines.inside(row):
            gap = gap or last is not None
            if items:
                items[-1].append(row)
            else:
                items.append([row])
            continue
        starts = last is None or (
            not lines.continues(row) and (gap or lines.ends(last) or lines.separator(row))
        )
        if starts:
            items.append([row])
        else:
            items[-1].append(row)
        last, gap = row, False
    return [_trim(item, lines) for item in items]


def _piece(item: Sequence[int], lines: _Lines) -> bool:
    """A small item that is no point on its own: it joins its neighbour."""
    filled = [row for row in item if not lines.blank(row)]
    if all(lines.comment(row) or lines.attribute(row) or lines.separator(row) for row in filled):
        return True
    head = _head(item, lines)
    first = _WORD.match(lines.lines[head].strip()) if head is not None else None
    if first and first.group().lower() in _IMPORTS:
        return True
    return len(filled) <= 2


def _defines(item: Sequence[int], lines: _Lines) -> bool:
    """An item that defines something: its first code line names a function, class or key."""
    head = _head(item, lines)
    return head is not None and lines.defines(head)


@dataclass(frozen=True)
class _Item:
    """An item with the small pieces joined to it."""

    rows: list[int]
    """Its lines, the blank lines between its pieces kept."""
    main: list[int]
    """The lines of the item the pieces joined: what names it."""


def _joined(items: list[list[int]], rows: Sequence[int], lines: _Lines) -> list[_Item]:
    """Small pieces joined to the item after them (or, at the end, the one before)."""
    joined: list[tuple[list[int], list[int]]] = []
    pending: list[int] = []
    for item in items:
        if _piece(item, lines):
            pending += item
            continue
        joined.append((pending + item, item))
        pending = []
    if pending:
        if joined:
            joined[-1] = (joined[-1][0] + pending, joined[-1][1])
        else:
            joined.append((pending, pending))
    return [_Item([row for row in rows if part[0] <= row <= part[-1]], main) for part, main in joined]


def _head(item: Sequence[int], lines: _Lines) -> int | None:
    """The item's first line that is code (not an attribute, comment or separator)."""
    level = min((lines.indent(row) for row in item if not lines.blank(row)), default=0)
    for row in item:
        if lines.blank(row) or lines.indent(row) > level:
            continue
        if not (lines.comment(row) or lines.attribute(row) or lines.separator(row)):
            return row
    return None


def _signature(item: Sequence[int], lines: _Lines) -> str:
    """How the item is named: its first line up to its body, arguments as ``(...)``."""
    head = _head(item, lines)
    if head is None:
        return ""
    words = lines.code(head)
    if words and words[0][0].startswith(_TAG):  # YAML, TOML: the keys at this level
        level = lines.indent(head)
        keys = [
            lines.code(row)[0][1]
            for row in item
            if not lines.blank(row)
            and lines.indent(row) == level
            and lines.code(row)
            and lines.code(row)[0][0].startswith(_TAG)
        ]
        return _short(", ".join(dict.fromkeys(keys)))
    return _short(_signature_of(lines.lexed[head]))


def _signature_of(tokens: LexedLine) -> str:
    words = [(kind_name(kind), value) for kind, value in tokens]
    filled = [n for n, (kind, value) in enumerate(words) if value.strip()]
    out = ""
    depth = 0
    last_kind = ""
    for n, (kind, value) in enumerate(words):
        text = value.strip()
        if kind.startswith(_COMMENT):
            break
        if not text:
            out += value
            continue
        if depth == 0:
            if text in ("{", ";") or (kind.startswith(str(Operator)) and text in ("=", ":=")):
                break
            if text == ":" and n == filled[-1]:  # Python's `def f():`
                break
            if text == "(" and last_kind.startswith(_NAME) and not out[-1:].isspace():
                after = [words[m][1].strip() for m in filled if m > n]
                out += "()" if after[:1] == [")"] else "(...)"
                break
        depth += text.count("(") + text.count("[") - text.count(")") - text.count("]")
        out += value
        last_kind = kind
    out = out.strip()
    if depth > 0:  # the line ends inside brackets
        return _closed(out)
    return out


def _closed(signature: str) -> str:
    """A signature whose line ends inside brackets: without the bracket it ends on
    (``CREATE TABLE orders``), else marked as going on (``while (x...)``)."""
    return signature[:-1].rstrip() if signature.endswith(("(", "[")) else signature + "...)"


def _short(text: str) -> str:
    text = _HIDDEN.sub("", text)
    if len(text) <= _LONGEST_SIGNATURE:
        return text
    return text[: _LONGEST_SIGNATURE - 1].rsplit(" ", 1)[0] + "…"


def _body(item: Sequence[int], lines: _Lines) -> tuple[list[int], list[int], list[int]] | None:
    """The item's first lines (up to its last line at its own indentation before the body), its
    deeper body and its closing lines; None when it has no body."""
    filled = [n for n, row in enumerate(item) if not lines.blank(row)]
    level = lines.indent(item[filled[0]])
    deeper = [n for n in filled if lines.indent(item[n]) > level]
    if not deeper:
        return None
    tail = deeper[-1] + 1
    opened = max(n for n in filled if n < tail and lines.indent(item[n]) == level)
    body = _trim(item[opened + 1 : tail], lines)
    if not body:
        return None
    return list(item[: opened + 1]), body, _trim(item[tail:], lines)


def _even(paragraphs: list[list[int]], most: int, lines: _Lines) -> list[list[int]] | None:
    """Consecutive paragraphs grouped into as few parts of at most ``most`` lines as can be,
    the largest as small as can be; None when one paragraph alone is too long."""
    sizes = [lines.size(p) for p in paragraphs]
    if not sizes or max(sizes) > most:
        return None
    best: list[list[int]] | None = None
    for limit in range(max(sizes), most + 1):
        groups: list[list[int]] = []
        size = limit + 1
        for paragraph, n in zip(paragraphs, sizes, strict=True):
            if size + n > limit:
                groups.append([])
                size = 0
            groups[-1] += paragraph
            size += n
        if best is None or len(groups) < len(best):
            best = groups
    return best


def _paragraphs(rows: Sequence[int], lines: _Lines) -> list[list[int]]:
    found: list[list[int]] = [[]]
    for row in rows:
        if lines.blank(row) and not lines.inside(row):
            if found[-1]:
                found.append([])
        else:
            found[-1].append(row)
    return [paragraph for paragraph in found if paragraph]


def _with_blanks(groups: list[list[int]], rows: Sequence[int]) -> list[list[int]]:
    """Each group with the blank lines inside its span kept."""
    return [[row for row in rows if group[0] <= row <= group[-1]] for group in groups]


def _cut(rows: list[int], names: tuple[str, ...], most: int, lines: _Lines) -> list[Part | TooLong]:
    if lines.size(rows) <= most:
        return [Part(names, tuple(rows))]
    items = _joined(_items(rows, lines), rows, lines)
    if len(items) > 1 and all(_NAMED.search(_signature(item.main, lines)) for item in items):
        return [
            cut
            for item in items
            for cut in _cut(item.rows, (*names, _signature(item.main, lines)), most, lines)
        ]
    main = items[0].main if items else rows
    named = _signature(main, lines) if _defines(main, lines) or _body(main, lines) else ""
    if named and (not names or names[-1] != named):
        names = (*names, named)
    parts = _cut_body(rows, names, most, lines)
    if parts is not None:
        return parts
    groups = _even(_paragraphs(rows, lines), most, lines)
    if groups is None:
        return [TooLong(names, tuple(rows))]
    groups = _with_blanks(groups, rows)
    total = len(groups)
    return [Part(names, tuple(group), (n, total)) for n, group in enumerate(groups, start=1)]


def _cut_body(
    item: list[int], names: tuple[str, ...], most: int, lines: _Lines
) -> list[Part | TooLong] | None:
    """The item cut at the definitions of its body, its first and closing lines with the first
    and last part; None when it has no such body or they would not fit."""
    found = _body(item, lines)
    if found is None:
        return None
    head, body, tail = found
    inner = _joined(_items(body, lines), body, lines)
    if len(inner) < 2 or not all(_defines(piece.main, lines) for piece in inner):
        return None  # statements in a function's body: cut at blank lines
    parts = [
        cut
        for piece in inner
        for cut in _cut(piece.rows, (*names, _signature(piece.main, lines)), most, lines)
    ]
    first, last = parts[0], parts[-1]
    if not isinstance(first, Part) or not isinstance(last, Part):
        return None
    opened = Part(first.names, (*head, *first.rows), first.place)
    closed = Part(last.names, (*last.rows, *tail), last.place)
    if lines.size(opened.rows) > most or lines.size(closed.rows) > most:
        return None
    return [opened, *parts[1:-1], closed]


_DEFINING = {"fn", "def", "function", "class", "struct", "impl", "trait", "interface", "enum", "func"}
"""Keywords that open a definition where a lexer does not mark the name as a function's or a
class's (JavaScript's ``function draw``)."""


def holds_definition(lines: Sequence[str], lexed: Sequence[LexedLine], rows: Sequence[int]) -> bool:
    """Whether the rows define something of their own: a line of theirs names a function or a
    class (header keys of a manifest or markup elements do not)."""
    shown = _Lines(lines, lexed)
    for row in rows:
        code = shown.code(row)
        if any(kind.startswith((_FUNCTION, _CLASS)) for kind, _ in code):
            return True
        if any(kind.startswith(str(Keyword)) and value in _DEFINING for kind, value in code):
            return True
    return False


def cut(
    lines: Sequence[str], lexed: Sequence[LexedLine], rows: Sequence[int], most: int
) -> list[Part | TooLong]:
    """A step's rows cut into parts of at most ``most`` lines (a step that fits: one part,
    unnamed)."""
    shown = _Lines(lines, lexed)
    kept = _trim(rows, shown)
    if not _lexed_as_code(kept, shown):
        return [TooLong((), tuple(kept))]
    return _cut(kept, (), most, shown)


def _lexed_as_code(rows: Sequence[int], lines: _Lines) -> bool:
    """Code its lexer reads as code: not plain text or a console session's output, whose lines
    have no items to cut at (at least half its lines start with a token of the language)."""
    starts = [lines.words(row)[0][0] for row in rows if lines.words(row)]
    plain = [kind for kind in starts if kind == _TEXT or kind.startswith(_GENERIC)]
    return len(plain) * 2 <= len(starts)
