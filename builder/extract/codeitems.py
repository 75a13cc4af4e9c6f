"""The items of a long code step (:mod:`.codeparts`): where each starts and ends, the small
pieces joined to the item after them, and the signature that names each.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pygments.token import Name, Operator

from ..highlight import LexedLine, kind_name
from .codelines import COMMENT, TAG, Lines, trim

_IMPORTS = {"use", "import", "from", "include", "#include", "require", "package", "extern"}
"""First words of a line that brings names in: such an item is a piece, joined to the next."""
_LONGEST_SIGNATURE = 60
_WORD = re.compile(r"[\w#]+")
_HIDDEN = re.compile(r"^#\s+")
"""A line hidden from the reader by rustdoc and mdBook (``# use std::io;``) is named as shown."""
_NAME = str(Name)


def top_items(rows: Sequence[int], lines: Lines) -> list[list[int]]:
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
    return [trim(item, lines) for item in items]


def _piece(item: Sequence[int], lines: Lines) -> bool:
    """A small item that is no point on its own: it joins its neighbour."""
    filled = [row for row in item if not lines.blank(row)]
    if all(lines.comment(row) or lines.attribute(row) or lines.separator(row) for row in filled):
        return True
    head = _head(item, lines)
    first = _WORD.match(lines.lines[head].strip()) if head is not None else None
    if first and first.group().lower() in _IMPORTS:
        return True
    return len(filled) <= 2


def defines(item: Sequence[int], lines: Lines) -> bool:
    """An item that defines something: its first code line names a function, class or key."""
    head = _head(item, lines)
    return head is not None and lines.defines(head)


@dataclass(frozen=True)
class Item:
    """An item with the small pieces joined to it."""

    rows: list[int]
    """Its lines, the blank lines between its pieces kept."""
    main: list[int]
    """The lines of the item the pieces joined: what names it."""


def joined_items(items: list[list[int]], rows: Sequence[int], lines: Lines) -> list[Item]:
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
    return [Item([row for row in rows if part[0] <= row <= part[-1]], main) for part, main in joined]


def _head(item: Sequence[int], lines: Lines) -> int | None:
    """The item's first line that is code (not an attribute, comment or separator)."""
    level = min((lines.indent(row) for row in item if not lines.blank(row)), default=0)
    for row in item:
        if lines.blank(row) or lines.indent(row) > level:
            continue
        if not (lines.comment(row) or lines.attribute(row) or lines.separator(row)):
            return row
    return None


def signature(item: Sequence[int], lines: Lines) -> str:
    """How the item is named: its first line up to its body, arguments as ``(...)``."""
    head = _head(item, lines)
    if head is None:
        return ""
    words = lines.code(head)
    if words and words[0][0].startswith(TAG):  # YAML, TOML: the keys at this level
        level = lines.indent(head)
        keys = [
            lines.code(row)[0][1]
            for row in item
            if not lines.blank(row)
            and lines.indent(row) == level
            and lines.code(row)
            and lines.code(row)[0][0].startswith(TAG)
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
        if kind.startswith(COMMENT):
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
