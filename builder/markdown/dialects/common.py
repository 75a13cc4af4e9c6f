"""What the dialects' rules share: the notes they leave for the reader (an unknown shortcode),
a block line's text and the lines a dropped block spans, and, inline, where the text goes on
after something dropped, a remembered search, the text and image tokens they push, a tag's
attributes and a link read as its text."""

from __future__ import annotations

import html
import re

from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

NOTES = "deckbuilder.dialect_notes"
"""``env`` key: what the rules have to say, as (line counted from 0, message) pairs."""
NOTE = "dialect_note"
"""Token type of what a rule has to say (its ``content``) at a line (its ``map``): the block
stream ends with them, for the reader to turn into warnings."""
INLINE_NOTES = "deckbuilder.dialect_inline_notes"
"""``env`` key: what inline rules have to say, at lines counted from their run's first."""

_ATTR = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))")


def add_note(state: StateBlock, line: int, message: str) -> None:
    """A note at ``line`` (counted from 0), for the reader to warn of."""
    state.env.setdefault(NOTES, []).append((line, message))


def add_inline_note(state: StateInline, message: str) -> None:
    """A note at the line of the run the rule stands on (its block rule adds the run's line)."""
    state.env.setdefault(INLINE_NOTES, []).append((state.src.count("\n", 0, state.pos), message))


def notes_as_tokens(state: StateCore) -> None:
    """The notes of the rules, at the end of the block stream."""
    for line, message in sorted(state.env.pop(NOTES, ())):
        token = Token(NOTE, "", 0, content=message, map=[line, line + 1], hidden=True)
        state.tokens.append(token)


def line_text(state: StateBlock, line: int) -> str:
    """The text of a block line, after its indentation."""
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def skip_until(state: StateBlock, start: int, end: int, closer: str, silent: bool) -> bool:
    """Lines from ``start`` up to the one holding ``closer`` (after the opener) are dropped."""
    if silent:
        return True
    first = state.src[state.bMarks[start] : state.eMarks[start]]
    opener = first.find("<!--") if closer == "-->" else first.find("%%")
    line = start
    rest = first[opener + (4 if closer == "-->" else 2) :]
    while closer not in rest and line + 1 < end:
        line += 1
        rest = state.src[state.bMarks[line] : state.eMarks[line]]
    state.line = line + 1
    return True


def past(state: StateInline, end: int, silent: bool = False) -> int:
    """Where the text goes on after something dropped that ends at ``end``: past the spaces
    after it when a space (or the run's start) stands before it, so no two spaces meet."""
    if state.pos > 0 and state.src[state.pos - 1] not in " \t\n":
        return end
    while end < state.posMax and state.src[end] in " \t":
        end += 1
    if not silent and state.src[end : end + 1] in (".", ",", ";", ":", "!", "?", ")"):
        state.pending = state.pending.rstrip(" \t")
    return end


_FOUND = "deckbuilder.found"
"""``env`` key: for each string looked for, the run it was looked for in, where from, and
where it was found (-1: nowhere)."""


def find_once(state: StateInline, needle: str, start: int) -> int:
    """``state.src.find(needle, start)``, remembered: a long run of openers that nothing
    closes costs one scan of the run, not one for each opener."""
    found: dict[str, tuple[str, int, int]] = state.env.setdefault(_FOUND, {})
    last = found.get(needle)
    if last is not None and last[0] is state.src and last[1] <= start and (last[2] == -1 or last[2] >= start):
        return last[2]
    at = state.src.find(needle, start)
    found[needle] = (state.src, start, at)
    return at


def push_image(state: StateInline, src: str, alt: str) -> None:
    """The tokens markdown-it's image rule makes for ``![alt](src)``."""
    token = state.push("image", "img", 0)
    token.attrs = {"src": src, "alt": ""}
    text = Token("text", "", 0, content=alt)
    token.children = [text]
    token.content = alt


def push_text(state: StateInline, content: str) -> None:
    """A text token of ``content`` (none when it is empty)."""
    if content:
        state.push("text", "", 0).content = content


def attributes(text: str, pattern: re.Pattern[str] = _ATTR) -> dict[str, str]:
    """A tag's (or a shortcode's) attributes, by lower-cased name, their entities decoded."""
    return {
        m.group(1).lower(): html.unescape(next(g for g in m.groups()[1:] if g is not None))
        for m in pattern.finditer(text)
    }


def as_text(state: StateInline, match: re.Match[str], silent: bool) -> bool:
    """A link written so that it leads nowhere in Anki: what its first group says, read as
    inline Markdown in place of the whole match."""
    if not silent:
        old_max = state.posMax
        state.pos, state.posMax = match.start(1), match.end(1)
        state.md.inline.tokenize(state)
        state.posMax = old_max
    state.pos = match.end()
    return True
