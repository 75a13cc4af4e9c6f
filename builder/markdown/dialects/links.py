"""Links and sounds: Anki's own ``[sound:clip.mp3]`` as an image of that file (marked
:data:`SOUND_TAG`), a sound's file name as its text when it has none, and a link without a
scheme (an anchor, a site path) rendered as its text, since Anki has no page to open."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

from .common import push_image

SOUND_TAG = "deckbuilder.sound_tag"
"""Key of an image token's ``meta``: the source wrote it as Anki's ``[sound:…]`` (so it must
name a sound or a video)."""

PLAYED = (".mp3", ".ogg", ".oga", ".opus", ".wav", ".m4a", ".flac", ".aac", ".mp4", ".webm", ".ogv", ".mov")
"""Sounds and videos (:data:`builder.media.SOUND_SUFFIXES`)."""

_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")

_ANKI_SOUND = re.compile(r"\[sound:([^\[\]\n]{1,500})\]")
"""Anki's reference to a sound or a video in a field, as a source may write it."""


def anki_sound(state: StateInline, silent: bool) -> bool:
    """``[sound:clip.mp3]``: an image token of that file, marked :data:`SOUND_TAG`."""
    if not state.src.startswith("[sound:", state.pos):
        return False
    match = _ANKI_SOUND.match(state.src, state.pos)
    if match is None or not match.group(1).strip():
        return False
    if not silent:
        push_image(state, match.group(1).strip(), "")
        state.tokens[-1].meta = {**(state.tokens[-1].meta or {}), SOUND_TAG: True}
    state.pos = match.end()
    return True


SITE_LINK = "deckbuilder.site_link"
"""Token meta key: a link without a scheme, shown as its text (:func:`site_links`)."""


def site_links(state: StateCore) -> None:
    """Mark a link without a scheme (an anchor, a site path, a page of the same site): it
    renders as its text. Its tokens stay, so a line of links is still read as navigation."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            _mark_links(token.children)


def sound_name(state: StateCore) -> None:
    """A sound or a video without alt text (``<audio>``, ``[sound:x.mp3]``, ``![](x.mp3)``) has
    its file's name as one: the text a card's plain answer shows for it (the card plays it)."""
    for token in state.tokens:
        for child in token.children or ():
            if child.type != "image" or child.content.strip():
                continue
            src = str(child.attrs.get("src", ""))
            path = unquote(urlsplit(src).path if _SCHEME.match(src) else src)
            name = path.rstrip("/").rsplit("/", 1)[-1]
            if name and ((child.meta or {}).get(SOUND_TAG) or name.lower().endswith(PLAYED)):
                child.content = name
                child.children = [Token("text", "", 0, content=name)]


def _mark_links(children: Sequence[Token]) -> None:
    opened: list[Token] = []
    for tok in children:
        if tok.type == "link_open":
            opened.append(tok)
            href = str(tok.attrGet("href") or "")
            if not _SCHEME.match(href) and not href.startswith("//"):
                tok.meta = {**(tok.meta or {}), SITE_LINK: True}
        elif tok.type == "link_close" and opened and (opened.pop().meta or {}).get(SITE_LINK):
            tok.meta = {**(tok.meta or {}), SITE_LINK: True}


def render_link(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
    if (tokens[idx].meta or {}).get(SITE_LINK):
        return ""
    return str(self.renderToken(tokens, idx, options, env))
