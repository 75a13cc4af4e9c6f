"""Markdown dialects read, never leaked: markdown-it rules for what docs sites, books, READMEs
and note vaults write beyond CommonMark.

- HTML comments ``<!-- … -->``, on lines of their own or inside a line, and ``<style>``
  blocks: dropped.
- Hugo shortcodes ``{{< name … >}}`` and ``{{% name … %}}``: a paired one on lines of its own
  (``{{< note >}}`` … ``{{< /note >}}``) is an aside (:data:`ASIDE_OPEN`) holding its content
  (``comment`` holds nothing, ``highlight`` is a code block); ``glossary_tooltip`` becomes its
  text, ``figure`` its image and caption, a ``ref`` link its text; any other is dropped and,
  when deckbuilder does not know it, noted (a :data:`NOTE` token, a warning once read).
- mdBook's ``{{#include …}}`` on a line of its own is one ``mdbook_include`` token
  (:data:`INCLUDE`); :mod:`builder.read.includes` reads the file, in code blocks too.
- Admonitions: MkDocs ``!!! note "Title"`` (mdit-py-plugins' ``admon``), Docusaurus or
  VuePress ``:::note`` … ``:::`` (its ``container``) and content tabs ``=== "Tab"``, all
  asides; GitHub's ``> [!NOTE]`` is read in :mod:`builder.read.blocks` (a quote whose first
  line is the marker). Python-Markdown's ``{: .class }`` and Material's ``:octicons-…:``
  icons are dropped.
- HTML tags that raw HTML being off would show as text: ``<img>`` becomes the image a Markdown
  image makes, ``<audio>`` and ``<video>`` (their ``src``, else their first ``<source>``) an
  image of that file, which :mod:`builder.media` packs and a card plays (what the element
  holds, a fallback text, goes with it), ``<br>`` a line break, and wrappers
  (``<p align=…>``, ``<figure>``, ``<div>``, ``<center>``, ``<span>``, ``<a id=…>``, mdBook's
  ``<Listing>``, an HTML table's cells) and inline markup (``<b>``, ``<i>``, ``<code>``,
  ``<kbd>``) go, their content kept; ``<h1>``…``<h6>`` starting a line are headings. A tag
  with an ``on…`` attribute stays the text it is (raw HTML is shown, never run).
- Anki's own ``[sound:clip.mp3]`` is an image of that file, marked :data:`SOUND_TAG`.
- Obsidian: ``[[Page|text]]`` is its text, ``[[Page]]`` the page's name, ``![[x.png]]`` the
  image (``|80`` sizes dropped), ``![[x.mp3]]`` the sound, ``![[Note]]`` nothing, ``==highlight==`` bold,
  ``%%comment%%`` and a line's ``^block-id`` dropped.
- A link to an anchor or a site path (``#part``, ``/docs/x``, ``../x.md``) renders as its text:
  Anki has no page to open. Links with a scheme (``https://``) stay links.

The rules live in modules by dialect: :mod:`.html`, :mod:`.shortcodes` (and mdBook includes,
docs-site macros), :mod:`.sites` (asides, attribute lists, icons), :mod:`.obsidian` and
:mod:`.links` (Anki sounds, site links); :mod:`.common` holds what they share. This module
adds them all to the parser (:func:`use_dialects`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from markdown_it import MarkdownIt
from markdown_it.ruler import RuleOptionsType
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin

from .common import INLINE_NOTES, NOTE, NOTES, notes_as_tokens
from .html import comment_block, comment_inline, html_heading, html_tag, listing, style_block
from .links import SOUND_TAG, anki_sound, render_link, site_links, sound_name
from .obsidian import block_id, highlight, image_size, percent_block, percent_inline, wikilink
from .shortcodes import (
    INCLUDE,
    include_block,
    macro_inline,
    macros_in_code,
    ref_link,
    shortcode_block,
    shortcode_inline,
)
from .sites import ASIDE_CLOSE, ASIDE_OPEN, ASIDE_TITLE, attr_list, callout, icon, tabbed, unresolved_ref

__all__ = [
    "ASIDE_CLOSE",
    "ASIDE_OPEN",
    "ASIDE_TITLE",
    "INCLUDE",
    "INLINE_NOTES",
    "NOTE",
    "NOTES",
    "SOUND_TAG",
    "use_dialects",
]

T = TypeVar("T")


def use_dialects(md: MarkdownIt) -> None:
    """Add the rules of every dialect to ``md``.

    Each dialect's rule starts with a character of its own (``<!--``, ``%%``, ``{{<``, ``==``,
    ``[[``…). Rules that stand together in markdown-it's chain are added as one rule that
    tries only those of the character at hand, in their order (see :func:`_by_first`): the
    chain is tried at every line and at every punctuation mark of a run, and a rule for each
    dialect would be a call each there."""
    alt: RuleOptionsType = {"alt": ["paragraph", "reference", "blockquote", "list"]}
    md.block.ruler.before(
        "paragraph",
        "dialect_blocks",
        _block_by_first(
            ("<", comment_block),
            ("%", percent_block),
            ("{", shortcode_block),
            ("{" + _SPACE, include_block),  # the include's pattern lets white space lead
            ("<", style_block),
            ("=", tabbed),
            ("<", html_heading),
            ("<", listing),
        ),
        alt,
    )
    admon_plugin(md)
    container_plugin(md, "aside", validate=callout)
    md.inline.ruler.before("html_inline", "dialect_tags", _by_first(("<", comment_inline), ("<", html_tag)))
    md.inline.ruler.before(
        "link",
        "dialect_links",
        _by_first(("![", wikilink), ("[", anki_sound), ("[", ref_link), ("[", unresolved_ref)),
    )
    md.inline.ruler.before("escape", "macro", macro_inline)
    md.inline.ruler.before(
        "emphasis",
        "dialect_marks",
        _by_first(
            ("{", shortcode_inline),
            ("%", percent_inline),
            ("=", highlight),
            ("{", attr_list),
            (":", icon),
            ("^", block_id),
        ),
    )
    md.core.ruler.push("site_links", site_links)
    md.core.ruler.push("macros_in_code", macros_in_code)
    md.core.ruler.push("image_size", image_size)
    md.core.ruler.push("sound_name", sound_name)
    md.core.ruler.push("dialect_notes", notes_as_tokens)
    md.add_render_rule("link_open", render_link)
    md.add_render_rule("link_close", render_link)


_SPACE = " "
"""Stands for any white space (``str.isspace``) among the first characters of a rule."""

InlineRule = Callable[[StateInline, bool], bool]
BlockRule = Callable[[StateBlock, int, int, bool], bool]


def _first_chars(rules: Sequence[tuple[str, T]]) -> dict[str, tuple[T, ...]]:
    """The rules that can match at each first character, in their order."""
    table: dict[str, list[T]] = {}
    for chars, rule in rules:
        for char in chars:
            table.setdefault(char, []).append(rule)
    return {char: tuple(found) for char, found in table.items()}


def _by_first(*rules: tuple[str, InlineRule]) -> InlineRule:
    """One inline rule made of ``rules``, each tried only at the characters given with it (the
    only ones it can match at), in their order."""
    table = _first_chars(rules)

    def rule(state: StateInline, silent: bool) -> bool:
        return any(r(state, silent) for r in table.get(state.src[state.pos], ()))

    return rule


def _block_by_first(*rules: tuple[str, BlockRule]) -> BlockRule:
    """One block rule made of ``rules``, each tried only on lines whose text (after their
    indentation) starts with a character given with it, in their order."""
    table = _first_chars(rules)

    def rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        first = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]][:1]
        found = table.get(_SPACE if first.isspace() else first, ())
        return any(r(state, start, end, silent) for r in found)

    return rule
