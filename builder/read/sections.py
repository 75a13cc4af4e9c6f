"""Headings fold a block stream into the preamble and a section tree; a heading's trailing
``{#pinned-id}`` / ``{.skip}`` / ``{.reverse}`` attributes are read here."""

from __future__ import annotations

import re

from ..markdown import strip
from ..model import Block, Inline, Section
from .blocks import Heading

__all__ = ["sections_of"]

# A trailing attribute block on a heading: ``{#pinned-id}``, ``{.skip}``, ``{.reverse}`` or several.
_ATTRS = re.compile(r"\s*\{((?:\s*[#.][A-Za-z0-9][\w.:-]*)+)\s*\}\s*$")


class _Open:
    """A section whose heading was met and whose end was not yet."""

    def __init__(self, heading: Heading) -> None:
        self.heading = heading
        self.blocks: list[Block] = []
        self.children: list[Section] = []


def sections_of(stream: list[Block | Heading]) -> tuple[tuple[Block, ...], tuple[Section, ...]]:
    """Fold a block stream with headings into preamble blocks and a section tree."""
    preamble: list[Block] = []
    top: list[Section] = []
    stack: list[_Open] = []

    def pop() -> None:
        done = _closed(stack.pop())
        (stack[-1].children if stack else top).append(done)

    for item in stream:
        if isinstance(item, Heading):
            while stack and stack[-1].heading.level >= item.level:
                pop()
            stack.append(_Open(item))
        elif stack:
            stack[-1].blocks.append(item)
        else:
            preamble.append(item)
    while stack:
        pop()
    return tuple(preamble), tuple(top)


def _closed(node: _Open) -> Section:
    """The section of an open node, its title's attribute block read and taken off."""
    toks = list(node.heading.title.tokens)
    anchor, classes = None, set()
    if toks and toks[-1].type == "text":
        match = _ATTRS.search(toks[-1].content)
        if match:
            for attr in match.group(1).split():
                if attr.startswith("#"):
                    anchor = attr[1:]
                else:
                    classes.add(attr[1:])
            last = toks[-1].copy()
            last.content = toks[-1].content[: match.start()]
            toks[-1] = last
    title = Inline(tuple(strip(toks)), node.heading.title.origin)
    return Section(
        title=title,
        level=node.heading.level,
        anchor=anchor,
        skip="skip" in classes,
        blocks=tuple(node.blocks),
        children=tuple(node.children),
        origin=node.heading.title.origin,
        reverse="reverse" in classes,
    )
