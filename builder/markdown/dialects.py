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
"""

from __future__ import annotations

import html
import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.ruler import RuleOptionsType
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.admon import admon_plugin
from mdit_py_plugins.container import container_plugin

__all__ = [
    "ASIDE_CLOSE",
    "ASIDE_OPEN",
    "INCLUDE",
    "INLINE_NOTES",
    "NOTE",
    "NOTES",
    "SOUND_TAG",
    "use_dialects",
]

ASIDE_OPEN = ("admonition_open", "container_aside_open", "shortcode_open", "tabbed_open")
"""Token types that open an aside (an admonition, a callout, a paired Hugo shortcode)."""
ASIDE_CLOSE = ("admonition_close", "container_aside_close", "shortcode_close", "tabbed_close")
"""The token types that close them."""
ASIDE_TITLE = ("admonition_title_open", "admonition_title_close")
"""The tokens around an admonition's title (the title is the marker's, never a card's)."""
INCLUDE = re.compile(r"^\s*\{\{#(include|rustdoc_include|playground)\s+([^}\s]+)[^}]*\}\}\s*$")
"""A line holding only an mdBook include (groups: kind, path with its part); read by
:mod:`builder.read.includes`, inside a code block or as the block of type ``mdbook_include``."""
NOTES = "deckbuilder.dialect_notes"
"""``env`` key: what the rules have to say, as (line counted from 0, message) pairs."""
NOTE = "dialect_note"
"""Token type of what a rule has to say (its ``content``) at a line (its ``map``): the block
stream ends with them, for the reader to turn into warnings."""
INLINE_NOTES = "deckbuilder.dialect_inline_notes"
"""``env`` key: what inline rules have to say, at lines counted from their run's first."""
SOUND_TAG = "deckbuilder.sound_tag"
"""Key of an image token's ``meta``: the source wrote it as Anki's ``[sound:…]`` (so it must
name a sound or a video)."""

_SHORTCODE = re.compile(
    r"\{\{([<%])\s*(/?)\s*([A-Za-z_][\w.-]{0,100})((?:[^\"}]|\"[^\"]{0,1000}\"){0,1000}?)\s*[>%]\}\}"
)
"""A shortcode, its arguments at most a thousand characters (or a long run of ``{{<`` that
never closes would cost a scan of the rest of the text for each)."""
_ARG = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|(\S+))")
ASIDES = frozenset({"note", "warning", "caution", "tip", "info", "alert", "callout", "danger", "important"})
"""Paired shortcodes read as asides."""
_WRAPPERS = frozenset({"tabs", "tab", "details", "expand", "table", "center"})
"""Paired shortcodes around content they only present: read as what they hold."""
_HEADINGS = {
    "whatsnext": "What's next",
    "prerequisites": "Before you begin",
    "objectives": "Objectives",
    "cleanup": "Cleaning up",
    "synopsis": "Synopsis",
    "options": "Options",
    "seealso": "See also",
    "feedback": "Feedback",
}
"""The headings Kubernetes' ``heading`` shortcode prints, by its key (English; a translated
site prints its own, which the catalogue's reference words cover)."""
_QUOTED = re.compile(r"\"([^\"]*)\"")
_KNOWN = (
    ASIDES | _WRAPPERS | {"heading", "glossary_tooltip", "figure", "comment", "highlight", "ref", "relref"}
)
_DROPPED_BODY = frozenset({"comment"})
"""Paired shortcodes whose content is dropped with them."""

_TAGS = (
    r"img|br|p|a|div|center|span|figure|figcaption|picture|source|listing|details|summary"
    r"|table|thead|tbody|tr|td|th|h[1-6]|ul|ol|li|small|sup|sub|kbd"
    r"|b|i|em|strong|code|tt|u|mark|abbr|cite|q|s|del|ins|var|samp|dfn|audio|video|track"
)
_TAG = re.compile(rf"<(/?)({_TAGS})\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)/?>", re.IGNORECASE)
_TAG_LAX = re.compile(rf"<(/?)({_TAGS})\b([^<>]*)>", re.IGNORECASE)
"""A tag whose attributes are quoted wrong (``logoColor="x"/>`` inside a quoted ``src``)."""
_ATTR = re.compile(r"([\w-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))")
_PLAYED = (".mp3", ".ogg", ".oga", ".opus", ".wav", ".m4a", ".flac", ".aac", ".mp4", ".webm", ".ogv", ".mov")
"""Sounds and videos (:data:`builder.media.SOUND_SUFFIXES`)."""
_EMBEDDED = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", *_PLAYED)
"""What an Obsidian embed ``![[x]]`` shows or plays as an image token would (the suffixes of
:mod:`builder.media`)."""
_WIKI = re.compile(r"(!?)\[\[([^\[\]\n|]+)(?:\|([^\[\]\n]*))?\]\]")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_SIZE = re.compile(r"\d+(?:x\d+)?")
_ALT_SIZE = re.compile(r"\|\d+(?:x\d+)?$")
_BLOCK_ID = re.compile(r"\^(?=[\w-]*[A-Za-z])[A-Za-z0-9-]+(?=[ \t]*(?:\n|$))")
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
            ("<", _comment_block),
            ("%", _percent_block),
            ("{", _shortcode_block),
            ("{" + _SPACE, _include_block),  # the include's pattern lets white space lead
            ("<", _style_block),
            ("=", _tabbed),
            ("<", _html_heading),
            ("<", _listing),
        ),
        alt,
    )
    admon_plugin(md)
    container_plugin(md, "aside", validate=_callout)
    md.inline.ruler.before("html_inline", "dialect_tags", _by_first(("<", _comment_inline), ("<", _html_tag)))
    md.inline.ruler.before(
        "link",
        "dialect_links",
        _by_first(("![", _wikilink), ("[", _anki_sound), ("[", _ref_link), ("[", _unresolved_ref)),
    )
    md.inline.ruler.before("escape", "macro", _macro_inline)
    md.inline.ruler.before(
        "emphasis",
        "dialect_marks",
        _by_first(
            ("{", _shortcode_inline),
            ("%", _percent_inline),
            ("=", _highlight),
            ("{", _attr_list),
            (":", _icon),
            ("^", _block_id),
        ),
    )
    md.core.ruler.push("site_links", _site_links)
    md.core.ruler.push("macros_in_code", _macros_in_code)
    md.core.ruler.push("image_size", _image_size)
    md.core.ruler.push("sound_name", _sound_name)
    md.core.ruler.push("dialect_notes", _notes_as_tokens)
    md.add_render_rule("link_open", _render_link)
    md.add_render_rule("link_close", _render_link)


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


def _callout(params: str, *args: Any) -> bool:
    """``:::note``, ``::: tip Title``: a word after the colons."""
    return bool(re.match(r"\s*[A-Za-z]", params))


def _note(state: StateBlock, line: int, message: str) -> None:
    state.env.setdefault(NOTES, []).append((line, message))


def _inline_note(state: StateInline, message: str) -> None:
    """A note at the line of the run the rule stands on (its block rule adds the run's line)."""
    state.env.setdefault(INLINE_NOTES, []).append((state.src.count("\n", 0, state.pos), message))


def _notes_as_tokens(state: StateCore) -> None:
    """The notes of the rules, at the end of the block stream."""
    for line, message in sorted(state.env.pop(NOTES, ())):
        token = Token(NOTE, "", 0, content=message, map=[line, line + 1], hidden=True)
        state.tokens.append(token)


# --- Blocks -------------------------------------------------------------------------------


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def _skip_until(state: StateBlock, start: int, end: int, closer: str, silent: bool) -> bool:
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


def _comment_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """An HTML comment starting a line: that line to the one that closes it, dropped."""
    if state.sCount[start] - state.blkIndent >= 4 or not _line(state, start).startswith("<!--"):
        return False
    return _skip_until(state, start, end, "-->", silent)


_HTML_HEADING = re.compile(r"<h([1-6])\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
HTML_HEADING_LINES = 10
"""Lines an HTML heading may span (``<h3 name="x">``, its text, ``</h3>``)."""


def _html_heading(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``<h3 …>Title</h3>`` starting a line (on one line or a few): a heading of its level,
    as a FAQ or a README written in HTML titles its sections."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    match = _HTML_HEADING.match(_line(state, start))
    if match is None:
        return False
    level, closer = int(match.group(1)), f"</h{match.group(1)}>"
    text, line = _line(state, start)[match.end() :], start
    while closer not in text.lower():
        line += 1
        if line >= min(end, start + HTML_HEADING_LINES) or state.isEmpty(line):
            return False  # never closed: the tag is text (dropped), its lines a paragraph
        text += "\n" + _line(state, line)
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


def _listing(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """mdBook's ``<Listing caption="…">`` on a line of its own: its caption, in bold, titles the
    code under it as a bold line does (the tag itself, and ``</Listing>``, show nothing)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    match = _LISTING.match(_line(state, start))
    caption = _attrs(match.group(1)).get("caption", "").strip() if match else ""
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


def _percent_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """An Obsidian ``%%`` comment opening a line, to the line that closes it: dropped."""
    if state.sCount[start] - state.blkIndent >= 4 or not _line(state, start).startswith("%%"):
        return False
    line = _line(state, start)
    if "%%" in line[2:] and not line.rstrip().endswith("%%"):
        return False  # a comment inside a line of text
    return _skip_until(state, start, end, "%%", silent)


def _shortcode_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A paired shortcode on lines of its own: an aside holding what is between its lines."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    match = _SHORTCODE.fullmatch(_line(state, start).rstrip())
    if match is None or match.group(2):
        return False
    name = match.group(3)
    close = _closing_line(state, start, end, name)
    if close is None:
        return False
    if silent:
        return True
    if name not in _KNOWN:
        _note(state, start, _unknown(name))
    if name == "highlight":
        # Hugo's code block: ``{{< highlight go "linenos=table" >}}`` and the code's lines.
        token = state.push("fence", "code", 0)
        words = match.group(4).split()
        token.info, token.map, token.markup = (
            (words[0].strip("\"'") if words else ""),
            [start, close + 1],
            "```",
        )
        token.content = state.getLines(start + 1, close, state.blkIndent, True)
    elif name not in _DROPPED_BODY:
        token = state.push("shortcode_open", "div", 1)
        token.info, token.map, token.markup = name, [start, close + 1], match.group()
        old_max = state.lineMax
        state.lineMax = close
        state.md.block.tokenize(state, start + 1, close)
        state.lineMax = old_max
        token = state.push("shortcode_close", "div", -1)
        token.info = name
    state.line = close + 1
    return True


def _style_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A ``<style>`` element opening a line, to the line that closes it: dropped."""
    if state.sCount[start] - state.blkIndent >= 4 or not _line(state, start).lower().startswith("<style"):
        return False
    if silent:
        return True
    line = start
    while "</style>" not in _line(state, line).lower() and line + 1 < end:
        line += 1
    state.line = line + 1
    return True


_TAB = re.compile(r'^===[+!]?\s+"[^"]*"\s*$')


def _tabbed(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A content tab (``=== "Title"`` and its indented body, pymdownx.tabbed): an aside."""
    if state.sCount[start] - state.blkIndent >= 4 or not _TAB.match(_line(state, start)):
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
    token.map, token.markup = [start, last], _line(state, start)
    state.md.block.tokenize(state, start + 1, last)
    state.push("tabbed_close", "div", -1)
    state.parentType, state.lineMax, state.blkIndent = old
    state.line = last
    return True


def _include_block(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """An mdBook include on a line of its own: one ``mdbook_include`` token (its ``info`` the
    path), which the reader replaces by the file's text."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    match = INCLUDE.match(_line(state, start))
    if match is None:
        return False
    if not silent:
        token = state.push("mdbook_include", "", 0)
        token.info, token.map, token.markup = match.group(2), [start, start + 1], match.group(1)
    state.line = start + 1
    return True


def _closing_line(state: StateBlock, start: int, end: int, name: str) -> int | None:
    depth = 0
    for line in range(start + 1, end):
        found = _SHORTCODE.fullmatch(_line(state, line).rstrip())
        if found is None or found.group(3) != name:
            continue
        if not found.group(2):
            depth += 1
        elif depth == 0:
            return line
        else:
            depth -= 1
    return None


def _unknown(name: str) -> str:
    return f"shortcode “{name}” is not known to deckbuilder: dropped, with what it shows"


# --- Inline -------------------------------------------------------------------------------


def _past(state: StateInline, end: int, silent: bool = False) -> int:
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


def _find(state: StateInline, needle: str, start: int) -> int:
    """``state.src.find(needle, start)``, remembered: a long run of openers that nothing
    closes costs one scan of the run, not one for each opener."""
    found: dict[str, tuple[str, int, int]] = state.env.setdefault(_FOUND, {})
    last = found.get(needle)
    if last is not None and last[0] is state.src and last[1] <= start and (last[2] == -1 or last[2] >= start):
        return last[2]
    at = state.src.find(needle, start)
    found[needle] = (state.src, start, at)
    return at


def _comment_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("<!--", state.pos):
        return False
    end = _find(state, "-->", state.pos + 4)
    if end == -1:
        return False
    state.pos = _past(state, end + 3, silent)
    return True


def _percent_inline(state: StateInline, silent: bool) -> bool:
    if not state.src.startswith("%%", state.pos):
        return False
    end = _find(state, "%%", state.pos + 2)
    if end == -1:
        return False
    state.pos = _past(state, end + 2, silent)
    return True


def _image(state: StateInline, src: str, alt: str) -> None:
    """The tokens markdown-it's image rule makes for ``![alt](src)``."""
    token = state.push("image", "img", 0)
    token.attrs = {"src": src, "alt": ""}
    text = Token("text", "", 0, content=alt)
    token.children = [text]
    token.content = alt


def _text(state: StateInline, content: str) -> None:
    if content:
        state.push("text", "", 0).content = content


def _attrs(text: str, pattern: re.Pattern[str] = _ATTR) -> dict[str, str]:
    return {
        m.group(1).lower(): html.unescape(next(g for g in m.groups()[1:] if g is not None))
        for m in pattern.finditer(text)
    }


def _html_tag(state: StateInline, silent: bool) -> bool:
    """``<img>`` as an image, ``<br>`` as a line break, other tags of the list (wrappers, an
    HTML table's cells, inline markup such as ``<b>`` and ``<code>``) dropped, their text kept."""
    if state.src[state.pos] != "<":
        return False
    end = _find(state, ">", state.pos + 1)
    if end == -1 or end - state.pos > 2000:
        return False  # no tag ends near: text (a tag's attributes never run this long)
    match = _TAG.match(state.src, state.pos, end + 1) or _TAG_LAX.match(state.src, state.pos, end + 1)
    if match is None:
        return False
    attrs = _attrs(match.group(3))
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
                _image(state, attrs["src"], attrs.get("alt", ""))
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
            src = _attrs(source.group(1)).get("src", "")
        if src:
            _image(state, src, "")
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
                texts.append(any(key.startswith("on") for key in _attrs(found.group(3))))
        seen = state.env[_OPENERS] = (state.src, openers)
    places, texts = seen[1].get(name, ([], []))
    before = bisect_left(places, state.pos)
    return before > 0 and texts[before - 1]


def _wikilink(state: StateInline, silent: bool) -> bool:
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
            _image(state, target, "" if _SIZE.fullmatch(shown) else shown)
        elif match.group(1):
            pass  # another note embedded: its text is that note's, read on its own
        else:
            page = target.split("#", 1)[0].split("/")[-1] or target.lstrip("#")
            _text(state, shown or page.removesuffix(".md"))
    state.pos = match.end()
    return True


_ANKI_SOUND = re.compile(r"\[sound:([^\[\]\n]{1,500})\]")
"""Anki's reference to a sound or a video in a field, as a source may write it."""


def _anki_sound(state: StateInline, silent: bool) -> bool:
    """``[sound:clip.mp3]``: an image token of that file, marked :data:`SOUND_TAG`."""
    if not state.src.startswith("[sound:", state.pos):
        return False
    match = _ANKI_SOUND.match(state.src, state.pos)
    if match is None or not match.group(1).strip():
        return False
    if not silent:
        _image(state, match.group(1).strip(), "")
        state.tokens[-1].meta = {**(state.tokens[-1].meta or {}), SOUND_TAG: True}
    state.pos = match.end()
    return True


_REF_LINK = re.compile(r"\[((?:[^\[\]\n]|\n(?!\n))*)\]\([^()\s{]*\{\{[<%][^}]{0,300}[>%]\}\}[^()\s]*\s*\)")


def _as_text(state: StateInline, match: re.Match[str], silent: bool) -> bool:
    """A link written so that it leads nowhere in Anki: what its first group says, read as
    inline Markdown in place of the whole match."""
    if not silent:
        old_max = state.posMax
        state.pos, state.posMax = match.start(1), match.end(1)
        state.md.inline.tokenize(state)
        state.posMax = old_max
    state.pos = match.end()
    return True


def _ref_link(state: StateInline, silent: bool) -> bool:
    """A link whose address a Hugo shortcode makes (``[text]({{< ref "x.md" >}})``,
    ``[PodStatus](/docs/api/{{< param "version" >}}/#status)``): a page of the same site, its text."""
    if state.src[state.pos] != "[":
        return False
    match = _REF_LINK.match(state.src, state.pos)
    if match is None:
        return False
    return _as_text(state, match, silent)


_FULL_REF = re.compile(r"\[((?:[^\[\]\n]|\[[^\[\]\n]*\]){1,500})\]\[([^\[\]\n]{0,200})\]")


def _unresolved_ref(state: StateInline, silent: bool) -> bool:
    """``[text][name]`` whose ``name`` the page never defines (MkDocs' autorefs to API pages,
    ``[Any][typing.Any]``): its text, as the site shows it, never the brackets."""
    if state.src[state.pos] != "[":
        return False
    match = _FULL_REF.match(state.src, state.pos)
    name = (match.group(2) or match.group(1)) if match else ""  # ``[text][]`` names itself
    if match is None or normalizeReference(name) in state.env.get("references", {}):
        return False
    return _as_text(state, match, silent)


def _highlight(state: StateInline, silent: bool) -> bool:
    """``==text==`` as bold (what matters): no space inside either mark."""
    src, pos = state.src, state.pos
    if not src.startswith("==", pos) or src[pos + 2 : pos + 3] in ("", " ", "=", "\n"):
        return False
    if pos > 0 and src[pos - 1] in "=!<>":
        return False
    end = _find(state, "==", pos + 2)
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


_ATTR_ITEM = r"(?:[.#][\w-]+|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]+))"
_ATTR_LIST = re.compile(rf"\{{:[ \t]*{_ATTR_ITEM}(?:[ \t]+{_ATTR_ITEM})*[ \t]*\}}")
_BARE_ATTR_LIST = re.compile(rf"\{{[ \t]*[.#][\w-]+(?:[ \t]+{_ATTR_ITEM})*[ \t]*\}}[ \t]*(?=\n|$)")
_ICON = re.compile(r":(?:octicons|material|fontawesome|simple)-[a-z0-9-]+:")


def _attr_list(state: StateInline, silent: bool) -> bool:
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
    state.pos = _past(state, match.end(), silent)
    return True


def _icon(state: StateInline, silent: bool) -> bool:
    """An icon of Material for MkDocs (``:octicons-heart-24:``): dropped."""
    if state.src[state.pos] != ":":
        return False
    match = _ICON.match(state.src, state.pos)
    if match is None:
        return False
    state.pos = _past(state, match.end(), silent)
    return True


def _block_id(state: StateInline, silent: bool) -> bool:
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


def _shortcode_inline(state: StateInline, silent: bool) -> bool:
    """A shortcode inside a line: its text, its image, or nothing."""
    if not state.src.startswith(("{{<", "{{%"), state.pos):
        return False
    end = _find(state, "}}", state.pos + 3)
    if end == -1 or end - state.pos > 2000:
        return False
    match = _SHORTCODE.match(state.src, state.pos, end + 2)
    if match is None:
        return False
    if not silent:
        name, args = match.group(3), _attrs(match.group(4), _ARG)
        if name == "glossary_tooltip":
            _text(state, args.get("text") or args.get("term_id", ""))
        elif name == "heading":
            # Kubernetes' translated headings: `{{% heading "whatsnext" %}}` is "What's next".
            quoted = _QUOTED.search(match.group(4) or "")
            key = quoted.group(1) if quoted else ""
            _text(state, _HEADINGS.get(key.lower(), key.replace("_", " ").capitalize()))
        elif name == "figure" and args.get("src"):
            _image(state, args["src"], args.get("alt") or args.get("caption") or args.get("title", ""))
            caption = args.get("caption") or args.get("title")
            if caption:
                _text(state, f" {caption}")
        else:
            if name not in _KNOWN:
                _inline_note(state, _unknown(name))
            state.pos = _past(state, match.end())
            return True
    state.pos = match.end()
    return True


_MACRO = re.compile(
    r"\{\{\s*([A-Za-z][\w-]{0,60})\s*(?:\(((?:[^()\"']|\"[^\"]*\"|'[^']*'){0,1000})\))?\s*\}\}"
)
"""A docs-site macro (MDN's KumaScript, Jinja-like wikis): ``{{Glossary("CORS")}}``,
``{{HTMLElement("div")}}``, ``{{Compat}}``."""
_UNESCAPE = re.compile(r"\\([\\{}_()\[\]*])")
r"""A Markdown escape a converter wrote into a macro (``\{{``, ``\_``)."""
_MACRO_ARG = re.compile(r"\"([^\"]*)\"|'([^']*)'")
_MACRO_TAG = frozenset({"htmlelement", "htmlattr"})
"""Macros that name an HTML element or attribute: shown as ``<div>``."""
_MACRO_DROPPED = re.compile(
    r"(sidebar|_header|inline|badge|banner|compat|specifications|embed\w*|previous\w*|next|"
    r"interactiveexample|livesample\w*|seecompattable|quicklinks\w*|listsubpages\w*|toc)$",
    re.IGNORECASE,
)
"""Macros that present a page (sidebars, badges, compatibility tables, live samples): dropped."""


def _macro_inline(state: StateInline, silent: bool) -> bool:
    """``{{Name("arg", "text")}}``: its text (the last argument of two, else the first), a
    macro naming an element as ``<name>`` in code, one that presents the page dropped."""
    src, pos = state.src, state.pos
    if src.startswith("\\{", pos):
        # Escaped by a converter (``\{{Deprecated\_Inline\}}``): the macro it stands for.
        end = src.find("}}", pos)
        raw = src[pos : end + 2] if 0 < end - pos < 2000 else ""
        src, pos = _UNESCAPE.sub(r"\1", raw), 0
        if not raw:
            return False
    if not src.startswith("{{", pos) or src.startswith(("{{<", "{{%", "{{#"), pos):
        return False
    match = _MACRO.match(src, pos)
    if match is None or (match.group(2) is None and not _MACRO_DROPPED.search(match.group(1))):
        return False  # ``{{word}}`` with no arguments is a template's placeholder: text
    if not silent:
        name = match.group(1).lower()
        args = [a if a is not None else b for a, b in _MACRO_ARG.findall(match.group(2) or "")]
        if args and not _MACRO_DROPPED.search(name):
            shown = args[1] if len(args) >= 2 and args[1] and name not in _MACRO_TAG else args[0]
            if name in _MACRO_TAG:
                state.push("code_inline", "code", 0).content = f"<{shown}>"
            else:
                _text(state, shown)
    state.pos = match.end() if src is state.src else state.pos + len(raw)
    return True


# --- Links --------------------------------------------------------------------------------


SITE_LINK = "deckbuilder.site_link"
"""Token meta key: a link without a scheme, shown as its text (:func:`_site_links`)."""


def _macros_in_code(state: StateCore) -> None:
    """A code span holding only a docs-site macro (`` `{{httpheader("X")}}` ``): the code the
    macro names (``X``)."""
    for block in state.tokens:
        for tok in block.children or ():
            if tok.type != "code_inline" or "{{" not in tok.content:
                continue
            match = _MACRO.fullmatch(tok.content.strip())
            args = _MACRO_ARG.findall(match.group(2) or "") if match else []
            if args:
                shown = [a if a is not None else b for a, b in args]
                tok.content = f"<{shown[0]}>" if match and match.group(1).lower() in _MACRO_TAG else shown[0]


def _site_links(state: StateCore) -> None:
    """Mark a link without a scheme (an anchor, a site path, a page of the same site): it
    renders as its text. Its tokens stay, so a line of links is still read as navigation."""
    for token in state.tokens:
        if token.type == "inline" and token.children:
            _mark_links(token.children)


def _image_size(state: StateCore) -> None:
    """An Obsidian size after an image's alt text (``![A flower|80](x.png)``): dropped."""
    for token in state.tokens:
        for child in token.children or ():
            if child.type == "image" and child.children and _ALT_SIZE.search(child.content):
                child.content = _ALT_SIZE.sub("", child.content)
                last = child.children[-1]
                if last.type == "text":
                    last.content = _ALT_SIZE.sub("", last.content)


def _sound_name(state: StateCore) -> None:
    """A sound or a video without alt text (``<audio>``, ``[sound:x.mp3]``, ``![](x.mp3)``) has
    its file's name as one: the text a card's plain answer shows for it (the card plays it)."""
    for token in state.tokens:
        for child in token.children or ():
            if child.type != "image" or child.content.strip():
                continue
            src = str(child.attrs.get("src", ""))
            path = unquote(urlsplit(src).path if _SCHEME.match(src) else src)
            name = path.rstrip("/").rsplit("/", 1)[-1]
            if name and ((child.meta or {}).get(SOUND_TAG) or name.lower().endswith(_PLAYED)):
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


def _render_link(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
    if (tokens[idx].meta or {}).get(SITE_LINK):
        return ""
    return str(self.renderToken(tokens, idx, options, env))
