"""HTML that raw HTML being off would show as text: comments and ``<style>`` dropped,
``<h1>``…``<h6>`` starting a line as headings, mdBook's ``<Listing>`` caption as a bold line,
``<img>`` as an image, ``<audio>`` and ``<video>`` as an image of their file, ``<br>`` as a line
break, and wrappers and inline markup dropped, their content kept. A tag with an ``on…``
attribute stays the text it is."""

from __future__ import annotations

import re
from bisect import bisect_left

from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from .common import attributes, find_once, line_text, past, push_image, skip_until

_TAGS = (
    r"img|br|p|a|div|center|span|figure|figcaption|picture|source|listing|details|summary"
    r"|table|thead|tbody|tr|td|th|h[1-6]|ul|ol|li|small|sup|sub|kbd"
    r"|b|i|em|strong|code|tt|u|mark|abbr|cite|q|s|del|ins|var|samp|dfn|audio|video|track"
)
_TAG = re.compile(rf"<(/?)({_TAGS})\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)/?>", re.IGNORECASE)
_TAG_LAX = re.compile(rf"<(/?)({_TAGS})\b([^<>]*)>", re.IGNORECASE)
"""A tag whose attributes are quoted wrong (``logoColor="x"/>`` inside a quoted ``src``)."""


def comment_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """An HTML comment starting a line: that line to the one that closes it, dropped."""
    if state.sCount[start] - state.blkIndent >= 4 or not line_text(state, start).startswith("<!--"):
        return False
    return skip_until(state, start, end, "-->", silent)


_HTML_HEADING = re.compile(r"<h([1-6])\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
HTML_HEADING_LINES = 10
"""Lines an HTML heading may span (``<h3 name="x">``, its text, ``</h3>``)."""


def html_heading(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``<h3 …>Title</h3>`` starting a line (on one line or a few): a heading of its level,
    as a FAQ or a README written in HTML titles its sections."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    match = _HTML_HEADING.match(line_text(state, start))
    if match is None:
        return False
    level, closer = int(match.group(1)), f"</h{match.group(1)}>"
    text, line = line_text(state, start)[match.end() :], start
    while closer not in text.lower():
        line += 1
        if line >= min(end, start + HTML_HEADING_LINES) or state.isEmpty(line):
            return False  # never closed: the tag is text (dropped), its lines a paragraph
        text += "\n" + line_text(state, line)
    at = text.lower().index(closer)
    if text[at + len(closer) :].strip():
        return False  # more after the heading on its last line: a paragraph of HTML
    if silent:
        return True
    opener = state.push("heading_open", f"h{level}", 1)
    opener.markup, opener.map = "#" * level, [start, line + 1]
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = " ".join(text[:at].split()), [start, line + 1], []
    state.push("heading_close", f"h{level}", -1)
    state.line = line + 1
    return True


_LISTING = re.compile(r"<listing\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>\s*$", re.IGNORECASE)


def listing(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """mdBook's ``<Listing caption="…">`` on a line of its own: its caption, in bold, titles the
    code under it as a bold line does (the tag itself, and ``</Listing>``, show nothing)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    match = _LISTING.match(line_text(state, start))
    caption = attributes(match.group(1)).get("caption", "").strip() if match else ""
    if not caption:
        return False
    if silent:
        return True
    state.push("paragraph_open", "p", 1).map = [start, start + 1]
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = f"**{caption}**", [start, start + 1], []
    state.push("paragraph_close", "p", -1)
    state.line = start + 1
    return True


def style_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A ``<style>`` element opening a line, to the line that closes it: dropped."""
    if state.sCount[start] - state.blkIndent >= 4 or not line_text(state, start).lower().startswith("<style"):
        return False
    if silent:
        return True
    line = start
    while "</style>" not in line_text(state, line).lower() and line + 1 < end:
        line += 1
    state.line = line + 1
    return True


def comment_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("<!--", state.pos):
        return False
    end = find_once(state, "-->", state.pos + 4)
    if end == -1:
        return False
    state.pos = past(state, end + 3, silent)
    return True


def html_tag(state: StateInline, silent: bool) -> bool:
    """``<img>`` as an image, ``<br>`` as a line break, other tags of the list (wrappers, an
    HTML table's cells, inline markup such as ``<b>`` and ``<code>``) dropped, their text kept."""
    if state.src[state.pos] != "<":
        return False
    end = find_once(state, ">", state.pos + 1)
    if end == -1 or end - state.pos > 2000:
        return False  # no tag ends near: text (a tag's attributes never run this long)
    match = _TAG.match(state.src, state.pos, end + 1) or _TAG_LAX.match(state.src, state.pos, end + 1)
    if match is None:
        return False
    attrs = attributes(match.group(3))
    if any(name.startswith("on") for name in attrs):
        return False  # a script's way in: shown as the text it is
    name, closing = match.group(2).lower(), bool(match.group(1))
    if closing and _opened_as_text(state, name):
        return False  # the closer of a tag shown as text is text too
    if name in ("audio", "video") and not closing:
        return _media_element(state, name, match, attrs, silent)
    if not silent:
        if name == "img" and not closing:
            if attrs.get("src"):
                push_image(state, attrs["src"], attrs.get("alt", ""))
        elif name == "br":
            state.pending = state.pending.rstrip(" \t")
            state.push("hardbreak", "br", 0)
            end = match.end()
            while end < state.posMax and state.src[end] in " \t":
                end += 1
            state.pos = end
            return True
    state.pos = match.end()
    return True


_MEDIA_CLOSE = re.compile(r"</(audio|video)\s*>", re.IGNORECASE)
_SOURCE = re.compile(r"<source\b((?:[^<>\"']|\"[^<>\"]*\"|'[^<>']*')*)/?>", re.IGNORECASE)
"""A ``<source>`` element; its attributes never run past a ``<`` (a match tried from each
``<source`` stops at the next tag, so a text of many is read in linear time)."""
MEDIA_ELEMENT_CHARS = 2000
"""The most characters an ``<audio>`` or ``<video>`` element may hold to be read as one (its
``<source>`` tags and fallback text); past them, its opening tag alone is read."""


def _media_element(
    state: StateInline, name: str, opener: re.Match[str], attrs: dict[str, str], silent: bool
) -> bool:
    """``<audio src=…>`` or ``<video>`` with ``<source src=…>`` inside: an image token of its
    file (its ``src``, else its first ``<source>``'s), the whole element read as that token:
    the sources after the first are the same sound in other formats, and its text is a
    fallback for browsers that play nothing. A line break inside stays one."""
    end = opener.end()
    closer = _MEDIA_CLOSE.search(state.src, end, min(state.posMax, end + MEDIA_ELEMENT_CHARS))
    if opener.group(0).endswith("/>") or closer is None or closer.group(1).lower() != name:
        inner, after = "", end
    else:
        inner, after = state.src[end : closer.start()], closer.end()
    if not silent:
        src = attrs.get("src", "")
        for source in _SOURCE.finditer(inner):
            if src:
                break
            src = attributes(source.group(1)).get("src", "")
        if src:
            push_image(state, src, "")
        for _ in range(state.src.count("\n", opener.start(), after)):
            state.push("softbreak", "br", 0)
    state.pos = after
    return True


_OPENERS = "deckbuilder.html_openers"
"""``env`` key: the run last scanned, and where each of its tags opens and whether it is text."""


def _opened_as_text(state: StateInline, name: str) -> bool:
    """Whether the last ``<name …>`` before this point in the run is shown as text (it has
    an ``on…`` attribute). The run's openers are found once, not once a closer."""
    seen = state.env.get(_OPENERS)
    if seen is None or seen[0] is not state.src:
        openers: dict[str, tuple[list[int], list[bool]]] = {}
        for found in _TAG.finditer(state.src):
            if not found.group(1):
                places, texts = openers.setdefault(found.group(2).lower(), ([], []))
                places.append(found.start())
                texts.append(any(key.startswith("on") for key in attributes(found.group(3))))
        seen = state.env[_OPENERS] = (state.src, openers)
    places, texts = seen[1].get(name, ([], []))
    before = bisect_left(places, state.pos)
    return before > 0 and texts[before - 1]
