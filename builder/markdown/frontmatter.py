"""Front matter in the dialects of other generators, found by the parser: Hugo's TOML between
``+++`` lines and a Logseq page's ``key:: value`` properties at the top of a file, each made a
``front_matter`` token as mdit-py-plugins' ``front_matter_plugin`` makes YAML's
(:mod:`builder.read.frontmatter` reads what they say).
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

__all__ = ["LOGSEQ", "PROPERTY", "READ_WITHOUT_CASE", "TOML", "front_matter_dialects"]

TOML = "+++"
"""The ``markup`` of a TOML front matter token, and its fence."""
LOGSEQ = "::"
"""The ``markup`` of a front matter token made of Logseq page properties."""
READ_WITHOUT_CASE = ("title", "tags", "tag", "categories", "category", "lang", "language")
"""The keys matched without regard to case (``Title`` is ``title``): the generators' keys
deckbuilder reads (see :mod:`builder.config`)."""

PROPERTY = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)::(?:[ \t]+(.*?))?[ \t]*$")
"""A Logseq page property line: its key and its value."""
PAGE_KEYS = frozenset(
    (*READ_WITHOUT_CASE, "alias", "aliases", "deck", "exclude", "fetch_images", "skip", "subdecks")
)
"""Keys of which one at least makes ``key:: value`` lines at the top of a file page properties
(``Raft:: a consensus algorithm`` alone is a line of text, as a flashcard plugin writes it)."""


# --- Finding the front matter: the markdown-it rule ------------------------------------------


def front_matter_dialects(md: MarkdownIt) -> None:
    """Read TOML front matter (``+++``) and Logseq page properties at the top of a file as a
    ``front_matter`` token, as mdit-py-plugins' ``front_matter_plugin`` reads YAML's. It is
    never asked whether it ends a paragraph, a list or a quote: it only starts a file."""
    md.block.ruler.before("table", "front_matter_dialects", _rule)


def _line(state: StateBlock, number: int) -> str:
    return state.src[state.bMarks[number] + state.tShift[number] : state.eMarks[number]]


def _rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if start != 0 or state.sCount[0] != 0:
        return False
    first = _line(state, 0)
    if first.rstrip() == TOML:
        close = next(
            (n for n in range(1, end) if state.sCount[n] == 0 and _line(state, n).rstrip() == TOML), None
        )
        if close is None:
            return False
        after, content, markup = close + 1, (1, close), TOML
    elif (found := PROPERTY.match(first)) is not None:
        keys = {found.group(1).lower()}
        last = 0
        while last + 1 < end and state.sCount[last + 1] == 0:
            found = PROPERTY.match(_line(state, last + 1))
            if found is None:
                break
            keys.add(found.group(1).lower())
            last += 1
        if keys.isdisjoint(PAGE_KEYS):
            return False
        after, content, markup = last + 1, (0, last + 1), LOGSEQ
    else:
        return False
    if silent:
        return True
    token = state.push("front_matter", "", 0)
    token.hidden = True
    token.block = True
    token.markup = markup
    begin, stop = content
    token.content = state.src[state.bMarks[begin] : state.bMarks[stop]]
    token.map = [0, after]
    state.line = after
    return True
