"""A code block's lines with their Pygments tokens, and what cutting a long step asks of one
line: is it blank, a comment, an attribute, a closing line, does it define something, may an
item end after it (see :mod:`.codeparts`).

Which lines sit inside a block comment opened above them is worked out here too, for the steps
of a block (:mod:`.codesteps`) as for its parts: such a line never starts either.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pygments.token import Comment, Name, Operator, Punctuation

from ..highlight import LexedLine, kind_name

_ENDS = {"end", "fi", "done", "esac", "endif", "endfor", "endwhile", "endfunction"}
"""Words that close a block alone on their line (Ruby, Lua, shell, templates)."""
_SEPARATORS = {"---", "..."}
_CLOSING_TAGS = re.compile(r"(?:</[\w:.-]+>\s*)+")
"""A line that only closes markup elements (``</dialog>``): it ends the element above it."""
_OPENS = re.compile(r"/\*|<!--|\{-|\(\*|#\||#=|--\[=*\[|\{#")
"""What opens a comment that may run over several lines (C, HTML, Haskell, OCaml, Lisp, Julia,
Lua, templates)."""
_CLOSES = ("*/", "-->", "-}", "*)", "|#", "=#", "]]", "#}")
_LINE_COMMENTS = {str(Comment.Single), str(Comment.Hashbang), str(Comment.Preproc)}
_PREPROC = str(Comment.Preproc)
_DECORATOR = str(Name.Decorator)
FUNCTION = str(Name.Function)
CLASS = str(Name.Class)
TAG = str(Name.Tag)
COMMENT = str(Comment)
"""Token types' names, worked out once (their ``str`` is not cheap)."""


def inside_comments(lexed: Sequence[LexedLine]) -> list[bool]:
    """For each line, whether it starts inside a block comment opened on a line above it
    (``/* …``, ``<!-- …``): such a line is never where a step or a part begins."""
    inside: list[bool] = []
    opened = False
    for tokens in lexed:
        inside.append(opened)
        last = next((token for token in reversed(tokens) if token[1].strip()), None)
        if last is None:
            continue  # a blank line leaves a comment open or closed
        kind = kind_name(last[0])
        if not kind.startswith(COMMENT) or kind in _LINE_COMMENTS:
            opened = False  # a line that ends in code (or a line comment) ends every comment
            continue
        said = (value.strip() for kind, value in tokens if kind_name(kind).startswith(COMMENT))
        text = " ".join(value for value in said if value)
        opened = (opened or bool(_OPENS.search(text))) and not last[1].strip().endswith(_CLOSES)
    return inside


class Lines:
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
        return [(k, v) for k, v in self.words(row) if not k.startswith(COMMENT)]

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
        return any(kind.startswith((FUNCTION, CLASS, TAG)) for kind, _ in self.code(row))

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


def trim(rows: Sequence[int], lines: Lines) -> list[int]:
    """The rows without the blank lines at their start and end."""
    kept = list(rows)
    while kept and lines.blank(kept[0]):
        kept.pop(0)
    while kept and lines.blank(kept[-1]):
        kept.pop()
    return kept
