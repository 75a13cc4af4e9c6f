"""Inline tags, as note apps write them: ``#networking``, ``#area/topic`` in a paragraph, an item
or a table cell become Anki tags (``area::topic``) of the cards made from there; a paragraph of
tags only (outside lists, quotes and tables) tags every card of its section (and its
sub-sections); a list item of tags only stays, as its words.

A tag starts a word (``C#`` and ``issue#12`` are text), holds letters, digits, ``_``, ``-`` and
``/``, and at least one character that is not a digit (``#1`` is text), as Obsidian reads them.
Code, links and headings are never read for tags (a heading's ``{#id}`` is its anchor). A run of
tags that ends its paragraph is taken out of the card's text; a tag inside a sentence stays as
its word, without the ``#``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import replace

from markdown_it.token import Token

from ..model import Card, Document, Section
from ..model.document import Tagged
from ..names import nested_tag

TAG = re.compile(r"(?<![^\s(])#([^\W\d][\w/-]*|\d+[^\W\d][\w/-]*)")
"""A tag: ``#`` at a word's start, then letters, digits, ``_ - /``, not all digits."""
_HASH_WORD = re.compile(r"#[\w/-]+")
"""A word that is a tag or looks like one (``#12``): what a run of tags ending a text holds."""
_WORD = re.compile(r"\S+")


def take(tokens: Sequence[Token]) -> tuple[Tagged, ...]:
    """Find the inline tags of ``tokens`` (markdown-it's block tokens, changed in place: a
    trailing run of tags leaves the text, a tag inside it keeps its word)."""
    found = []
    for n, token in enumerate(tokens):
        before = tokens[n - 1] if n else None
        if token.type != "inline" or not token.children or not token.map or before is None:
            continue
        if before.type == "heading_open":
            continue
        # A paragraph of tags only, outside lists, quotes and tables: the note's own tags.
        alone = before.type == "paragraph_open" and before.level == 0 and _tags_only(token.children)
        tags = _take_inline(token.children, cut=not alone)
        if tags:
            if alone:
                for child in token.children:
                    child.content = ""
            found.append(Tagged(token.map[0] + 1, token.map[1], tags, alone))
    return tuple(found)


def _tags_only(children: list[Token]) -> bool:
    """Whether an inline run is tags and white space, nothing else."""
    return (
        all(c.type in ("text", "softbreak", "hardbreak") for c in children)
        and not TAG.sub("", "".join(c.content for c in children if c.type == "text")).strip()
    )


def _take_inline(children: list[Token], cut: bool) -> tuple[str, ...]:
    """The tags of an inline run; each left as its word, and (``cut``) a run of them that ends
    the text after something else taken out."""
    tags: list[str] = []
    link = 0
    texts = [i for i, c in enumerate(children) if c.type == "text"]
    last_text = texts[-1] if texts else -1
    for i, child in enumerate(children):
        if child.type == "link_open":
            link += 1
        elif child.type == "link_close":
            link -= 1
        elif child.type == "text" and not link and "#" in child.content:
            words = [m.group(1) for m in TAG.finditer(child.content)]
            if not words:
                continue
            tags += (nested_tag(w.strip("/")) for w in words)
            content = child.content
            start = _trailing_tags(content) if cut and i == last_text else None
            kept = "".join(c.content for c in children[:i]) + content[:start] if start is not None else ""
            if start is not None and kept.strip():
                content = content[:start].rstrip()
            child.content = TAG.sub(lambda m: m.group(1), content)
    return tuple(dict.fromkeys(tags))


def _trailing_tags(text: str) -> int | None:
    """Where the run of tags that ends ``text`` starts (None when it ends in no tag): its words
    read from the last one back, in one pass, whatever the text holds."""
    start = None
    tagged = False
    for word in reversed(list(_WORD.finditer(text))):
        if not _HASH_WORD.fullmatch(word.group()):
            break
        start = word.start()
        tagged = tagged or TAG.fullmatch(word.group()) is not None
    return start if tagged else None


def tag_cards(document: Document, cards: Sequence[Card]) -> list[Card]:
    """``cards`` with the inline tags of the blocks they were made from, and of their sections.
    A block's tags are filed under its lines, a section's under the section: a card finds its
    own by its line and the sections it stands in (at most six deep), however many tags and
    cards a document holds."""
    if not document.hashtags:
        return list(cards)
    by_line: dict[int, list[str]] = {}
    sections = _sections(document.sections)
    starts = [start for start, _ in sections]
    by_section: dict[int, list[str]] = {}
    for tagged in document.hashtags:
        if tagged.section:
            by_section.setdefault(_standing(starts, tagged.first), []).extend(tagged.tags)
        else:
            for line in range(tagged.first, tagged.last + 1):
                by_line.setdefault(line, []).extend(tagged.tags)
    out = []
    for card in cards:
        line = card.origin.line
        extra = list(by_line.get(line, ()))
        at = _standing(starts, line)
        while True:
            extra += by_section.get(at, ())
            if at < 0:
                break
            at = sections[at][1]
        new = tuple(t for t in dict.fromkeys(extra) if t not in card.tags)
        out.append(replace(card, tags=(*card.tags, *new)) if new else card)
    return out


def _standing(starts: Sequence[int], line: int) -> int:
    """The section a line stands in: the last whose heading is above it (-1: before the first
    heading, the document's own)."""
    return bisect_right(starts, line) - 1


def _sections(
    sections: Sequence[Section], parent: int = -1, into: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Each section, in the order the headings stand, as (its heading's line, the index of the
    section it is under; -1 for a top section)."""
    found: list[tuple[int, int]] = [] if into is None else into
    for section in sections:
        found.append((section.origin.line, parent))
        _sections(section.children, len(found) - 1, found)
    return found
