"""What docs-site generators write beyond CommonMark: asides (MkDocs' admonitions, Docusaurus'
and VuePress' ``:::`` containers, content tabs ``=== "Tab"``) and the token types that open
and close every aside, Python-Markdown's attribute lists ``{: .class }``, Material's
``:octicons-…:`` icons, and autorefs' ``[text][name]`` to pages the site makes."""

from __future__ import annotations

import re
from typing import Any

from markdown_it.common.utils import normalizeReference
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from .common import as_text, line_text, past

ASIDE_OPEN = ("admonition_open", "container_aside_open", "shortcode_open", "tabbed_open")
"""Token types that open an aside (an admonition, a callout, a paired Hugo shortcode)."""
ASIDE_CLOSE = ("admonition_close", "container_aside_close", "shortcode_close", "tabbed_close")
"""The token types that close them."""
ASIDE_TITLE = ("admonition_title_open", "admonition_title_close")
"""The tokens around an admonition's title (the title is the marker's, never a card's)."""


def callout(params: str, *args: Any) -> bool:
    """``:::note``, ``::: tip Title``: a word after the colons."""
    return bool(re.match(r"\s*[A-Za-z]", params))


_TAB = re.compile(r'^===[+!]?\s+"[^"]*"\s*$')


def tabbed(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A content tab (``=== "Title"`` and its indented body, pymdownx.tabbed): an aside."""
    if state.sCount[start] - state.blkIndent >= 4 or not _TAB.match(line_text(state, start)):
        return False
    if silent:
        return True
    indent = state.blkIndent + 4
    last = start + 1
    line = start + 1
    while line < end:
        blank = state.isEmpty(line)
        if not blank and state.sCount[line] < indent:
            break
        if not blank:
            last = line + 1
        line += 1
    old = state.parentType, state.lineMax, state.blkIndent
    state.parentType, state.lineMax, state.blkIndent = "admonition", last, indent
    token = state.push("tabbed_open", "div", 1)
    token.map, token.markup = [start, last], line_text(state, start)
    state.md.block.tokenize(state, start + 1, last)
    state.push("tabbed_close", "div", -1)
    state.parentType, state.lineMax, state.blkIndent = old
    state.line = last
    return True


_FULL_REF = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\]){1,500})\]\[([^\[\]\n]{0,200})\]")


def unresolved_ref(state: StateInline, silent: bool) -> bool:
    """``[text][name]`` whose ``name`` the page never defines (MkDocs' autorefs to API pages,
    ``[Any][typing.Any]``): its text, as the site shows it, never the brackets."""
    if state.src[state.pos] != "[":
        return False
    match = _FULL_REF.match(state.src, state.pos)
    name = (match.group(2) or match.group(1)) if match else ""  # ``[text][]`` names itself
    if match is None or normalizeReference(name) in state.env.get("references", {}):
        return False
    return as_text(state, match, silent)


_ATTR_ITEM = r"(?:[.#][\w-]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]+))"
_ATTR_LIST = re.compile(rf"\{{:[ \t]*{_ATTR_ITEM}(?:[ \t]+{_ATTR_ITEM})*[ \t]*\}}")
_BARE_ATTR_LIST = re.compile(rf"\{{[ \t]*[.#][\w-]+(?:[ \t]+{_ATTR_ITEM})*[ \t]*\}}[ \t]*(?=\n|$)")
_ICON = re.compile(r":(?:octicons|material|fontawesome|simple)-[a-z0-9-]+:")


def attr_list(state: StateInline, silent: bool) -> bool:
    """Python-Markdown's ``{: .class #id }`` after an element, and ``{#id}`` / ``{.class}``
    on a line of its own (an attribute list for the item above it): dropped. At the end of a
    heading, ``{#id}`` stays: it pins the section (:mod:`builder.read.sections`)."""
    if not state.src.startswith("{", state.pos):
        return False
    at_line_start = state.pos == 0 or state.src[state.pos - 1] == "\n"
    if not state.src.startswith("{:", state.pos) and not at_line_start:
        return False
    match = (_ATTR_LIST if state.src.startswith("{:", state.pos) else _BARE_ATTR_LIST).match(
        state.src, state.pos
    )
    if match is None:
        return False
    state.pos = past(state, match.end(), silent)
    return True


def icon(state: StateInline, silent: bool) -> bool:
    """An icon of Material for MkDocs (``:octicons-heart-24:``): dropped."""
    if state.src[state.pos] != ":":
        return False
    match = _ICON.match(state.src, state.pos)
    if match is None:
        return False
    state.pos = past(state, match.end(), silent)
    return True
