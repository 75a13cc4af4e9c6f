"""The one way HTML is built: as :class:`HTML`, text that is markup, never text to escape.

Every fragment deckbuilder writes (note fields, tombstones, the preview page) is an
:class:`HTML` made from a literal template, ``HTML('<p>{}</p>').format(value)``, or by joining
others, ``HTML('<br>').join(lines)``. Whatever plain ``str`` goes in (a heading, a label, a
deck title, a key) is escaped on the way, so forgetting to escape is not possible: a plain
``str`` is text, an :class:`HTML` is markup, and mypy tells the two apart where a function
returns or takes :class:`HTML`. An f-string or ``+`` of plain strings gives a ``str``, which
mypy refuses where :class:`HTML` is due.

HTML made elsewhere is taken as it is in a few places only, each where that HTML is made and
each saying why it is safe: what markdown-it renders (raw HTML off, see
:func:`builder.render.inline_html`), what Pygments highlights
(:func:`builder.highlight.code_html`), and in the preview the note type's templates, the note
fields that rendering made, and the page's own CSS and scripts (:mod:`builder.preview`).
``HTML(value)`` of anything but a literal is such a place; ``tests/test_escaping.py`` lists
them, and fails on a new one.

:class:`HTML` is markupsafe's ``Markup`` escaping as :func:`html.escape` does (``'`` as
``&#x27;``, ``"`` as ``&quot;``), so notes keep the bytes they had when each field was
escaped by hand.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any, Literal

from markupsafe import Markup

__all__ = ["HTML", "escape", "raw_text_element"]


class HTML(Markup):
    """A fragment of HTML. Text joined into it (``format``, ``join``, ``+``, ``%``) is escaped,
    unless it is HTML already."""

    __slots__ = ()

    @classmethod
    def escape(cls, s: Any, /) -> HTML:
        """``s`` as HTML: itself if it is markup already (has ``__html__``), else its text
        escaped (``&``, ``<``, ``>``, ``"`` and ``'``)."""
        if hasattr(s, "__html__"):
            markup = s.__html__()
            return markup if type(markup) is cls else cls(markup)
        return cls(html.escape(str(s), quote=True))


def escape(text: Any) -> HTML:
    """``text`` as HTML text; HTML stays as it is."""
    return HTML.escape(text)


_CLOSES = re.compile(r"</(?:script|style)|<!--", re.IGNORECASE)


def raw_text_element(tag: Literal["script", "style"], text: str) -> HTML:
    """A ``<script>`` or ``<style>`` element holding ``text`` as it is: escaping would change
    a script or a style sheet, and nothing in them is read as markup, except what would close
    the element (or, in a script, an HTML comment): such a text is refused."""
    if found := _CLOSES.search(text):
        raise ValueError(f"a <{tag}> element cannot hold “{found.group(0)}”")
    # Trusted: raw text, which the check above keeps inside its element.
    return HTML("<{tag}>{text}</{tag}>").format(tag=tag, text=HTML(text))


class _Shown(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def shown_text(fragment: str, between: str = "") -> str:
    """The text an HTML fragment shows, white space collapsed; ``between`` goes between its
    pieces of text (``" "`` keeps the words of two blocks apart)."""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    parser = _Shown()
    parser.feed(fragment)
    parser.close()
    return " ".join(between.join(parser.parts).split())
