"""Code highlighting with Pygments, through CSS classes only (the note type's CSS colours it)."""

from __future__ import annotations

from functools import cache

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound


@cache
def lexer_for(lang: str) -> Lexer | None:
    """The Pygments lexer for an info-string language, or None."""
    if not lang:
        return None
    try:
        return get_lexer_by_name(lang)
    except ClassNotFound:
        return None


@cache
def _formatter() -> HtmlFormatter[str]:
    return HtmlFormatter(cssclass="highlight", wrapcode=True)


def code_html(lang: str, text: str) -> str:
    """Highlighted code in a ``div.highlight``, coloured through CSS classes."""
    return highlight(text, lexer_for(lang) or TextLexer(), _formatter()).strip()
