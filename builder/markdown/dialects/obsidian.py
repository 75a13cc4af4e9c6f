"""Obsidian's syntax: ``%%comment%%`` dropped, ``[[Page|text]]`` as its text and ``[[Page]]``
as the page's name, ``![[x.png]]`` as the image (a ``|80`` size dropped, here or after a
Markdown image's alt text) and ``![[x.mp3]]`` as the sound, ``==highlight==`` as bold, a line's
``^block-id`` dropped."""

from __future__ import annotations

import re

from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline

from .common import find_once, line_text, past, push_image, push_text, skip_until
from .links import PLAYED

_EMBEDDED = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", *PLAYED)
"""What an Obsidian embed ``![[x]]`` shows or plays as an image token would (the suffixes of
:mod:`builder.media`)."""
_WIKI = re.compile(r"(!?)\[\[([^\[\]\n|]+)(?:\|([^\[\]\n]*))?\]\]")

_SIZE = re.compile(r"\d+(?:x\d+)?")
_ALT_SIZE = re.compile(r"\|\d+(?:x\d+)?$")
_BLOCK_ID = re.compile(r"\^(?=[\w-]*[A-Za-z])[A-Za-z0-9-]+(?=[ \t]*(?:\n|$))")


def percent_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """An Obsidian ``%%`` comment opening a line, to the line that closes it: dropped."""
    if state.sCount[start] - state.blkIndent >= 4 or not line_text(state, start).startswith("%%"):
        return False
    line = line_text(state, start)
    if "%%" in line[2:] and not line.rstrip().endswith("%%"):
        return False  # a comment inside a line of text
    return skip_until(state, start, end, "%%", silent)


def percent_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("%%", state.pos):
        return False
    end = find_once(state, "%%", state.pos + 2)
    if end == -1:
        return False
    state.pos = past(state, end + 2, silent)
    return True


def wikilink(state: StateInline, silent: bool) -> bool:
    """``[[Page|text]]`` as its text, ``[[Page]]`` as the page, ``![[x.png]]`` as the image."""
    start = state.pos
    if state.src[start] == "!":
        if not state.src.startswith("![[", start):
            return False
    elif not state.src.startswith("[[", start):
        return False
    match = _WIKI.match(state.src, start)
    if match is None:
        return False
    if not silent:
        target = match.group(2).strip()
        shown = (match.group(3) or "").strip()
        if match.group(1):  # ``![[x.png#interface]]``: what follows ``#`` is for the note app
            target = target.split("#", 1)[0].strip() or target
        if match.group(1) and target.lower().endswith(_EMBEDDED):
            push_image(state, target, "" if _SIZE.fullmatch(shown) else shown)
        elif match.group(1):
            pass  # another note embedded: its text is that note's, read on its own
        else:
            page = target.split("#", 1)[0].split("/")[-1] or target.lstrip("#")
            push_text(state, shown or page.removesuffix(".md"))
    state.pos = match.end()
    return True


def highlight(state: StateInline, silent: bool) -> bool:
    """``==text==`` as bold (what matters): no space inside either mark."""
    src, pos = state.src, state.pos
    if not src.startswith("==", pos) or src[pos + 2 : pos + 3] in ("", " ", "=", "\n"):
        return False
    if pos > 0 and src[pos - 1] in "=!<>":
        return False
    end = find_once(state, "==", pos + 2)
    if end == -1 or src[end - 1] in " \n" or src[end + 2 : end + 3] == "=":
        return False
    if not silent:
        state.push("strong_open", "strong", 1).markup = "**"
        old_max = state.posMax
        state.pos, state.posMax = pos + 2, end
        state.md.inline.tokenize(state)
        state.posMax = old_max
        state.push("strong_close", "strong", -1).markup = "**"
    state.pos = end + 2
    return True


def block_id(state: StateInline, silent: bool) -> bool:
    """An Obsidian block id ending a line (``… ^id``): dropped, with the space before it."""
    if state.src[state.pos] != "^" or (state.pos > 0 and state.src[state.pos - 1] not in " \t"):
        return False
    match = _BLOCK_ID.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        state.pending = state.pending.rstrip(" \t")
    state.pos = match.end()
    return True


def image_size(state: StateCore) -> None:
    """An Obsidian size after an image's alt text (``![A flower|80](x.png)``): dropped."""
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "image" and child.children and _ALT_SIZE.search(child.content):
                child.content = _ALT_SIZE.sub("", child.content)
                last = child.children[-1]
                if last.type == "text":
                    last.content = _ALT_SIZE.sub("", last.content)
