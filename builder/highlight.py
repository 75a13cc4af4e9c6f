"""Code highlighting with Pygments, through CSS classes only (the note type's CSS colours it)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

from pygments import format, highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.token import Whitespace
from pygments.util import ClassNotFound

from .markup import HTML


@cache
def lexer_for(lang: str) -> Lexer | None:
    """The Pygments lexer for an info-string language, or None."""
    if not lang:
        return None
    try:
        # Keep leading and trailing blank lines: lines are matched to the source by index.
        return get_lexer_by_name(lang, stripnl=False)
    except ClassNotFound:
        return None


@cache
def _formatter() -> HtmlFormatter[str]:
    return HtmlFormatter(cssclass="highlight", wrapcode=True)


LexedLine = tuple[tuple[Any, str], ...]
"""One line of code as Pygments tokens (token type, text), without its line break."""


@cache
def kind_name(kind: Any) -> str:
    """A Pygments token type's dotted name (``Token.Comment.Single``), worked out once a type."""
    return str(kind)


@lru_cache(maxsize=4)  # a block is lexed once for its steps and once for their code
def lexed_lines(lang: str, text: str) -> tuple[LexedLine, ...]:
    """The code's tokens, line by line: lexed once, whatever is cut from it afterwards."""
    lines: list[list[tuple[Any, str]]] = [[]]
    for kind, value in (lexer_for(lang) or TextLexer(stripnl=False)).get_tokens(text):
        if "\n" not in value:  # most tokens: on one line
            if value:
                lines[-1].append((kind, value))
            continue
        for n, part in enumerate(value.split("\n")):
            if n:
                lines.append([])
            if part:
                lines[-1].append((kind, part))
    return tuple(tuple(line) for line in lines)


def code_html(lang: str, text: str, lines: Sequence[LexedLine] = ()) -> HTML:
    """Highlighted code in a ``div.highlight``, coloured through CSS classes.

    ``lines``: the code already lexed (see :func:`lexed_lines`), to avoid lexing it again.
    """
    if not lines:
        html = highlight(text, lexer_for(lang) or TextLexer(stripnl=False), _formatter())
    else:
        tokens = [token for line in lines for token in (*line, (Whitespace, "\n"))]
        html = format(tokens, _formatter())
    # Trusted: Pygments' HTML formatter escapes every token's text, and writes no attribute
    # but its own CSS classes (no line anchors, no links, no title).
    return HTML(html.strip())
