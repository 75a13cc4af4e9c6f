"""The one Markdown parser: CommonMark with GFM tables and strikethrough, front matter, math,
and the dialects docs sites, books and vaults write (:mod:`.dialects`: shortcodes, includes,
admonitions, HTML comments and images, wikilinks), read and never leaked into a card.

Raw HTML is off: markdown-it then keeps it as text, so a source's ``<script>`` reaches a card
as visible text, never as markup.

Math is ``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]``. Its TeX is one token that Markdown
leaves alone (no emphasis, backslashes kept) and that renders as the MathJax delimiters Anki
reads: ``\\(…\\)`` inline, ``\\[…\\]`` displayed. A ``$`` next to a digit is money, never
math: ``$5``, ``$300/month`` and ``5$`` stay text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ..deep import MAX_NESTING
from .dialects import INLINE_NOTES, NOTES, use_dialects
from .frontmatter import front_matter_dialects

__all__ = [
    "CLOZE",
    "MATH_DISPLAY",
    "MATH_INLINE",
    "cloze_entities",
    "cloze_safe_tex",
    "inline_tokens",
    "odd_dollar_lines",
    "parser",
    "reads_as_text",
    "tex_html",
]

CLOZE = re.compile(r"\{\{c([1-9][0-9]*)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
"""Anki's cloze deletion ``{{cN::answer::hint}}``: groups number, answer, hint."""


INLINE_NESTING = 20
"""How deep inline markup (links in link labels, emphasis) nests before the rest of a run is
text: CommonMark's preset. Only blocks (lists, quotes) get :data:`MAX_NESTING`: markdown-it's
link-label scan costs the length of a run times this depth, so a run of 50,000 unclosed ``[``
would take minutes at the block depth and takes a second at this one."""


@cache
def parser() -> MarkdownIt:
    """The shared markdown-it instance: blocks nest up to :data:`MAX_NESTING`, inline markup
    up to :data:`INLINE_NESTING` (its inline runs are parsed by :func:`_inline_parser`)."""
    md = _markdown(MAX_NESTING + 2)
    md.core.ruler.at("inline", _parse_inlines)
    return md


@cache
def _inline_parser() -> MarkdownIt:
    """The same parser with CommonMark's inline nesting limit, for inline runs."""
    return _markdown(INLINE_NESTING)


def inline_tokens(text: str) -> list[Token]:
    """``text`` read as one inline run of Markdown: its inline tokens."""
    return parser().parseInline(text)[0].children or []


def reads_as_text(text: str) -> bool:
    """Whether :func:`inline_tokens` gives ``text`` back as one text token holding it, told
    without parsing: it is not empty and holds no character where markdown-it's text rule
    stops (nor one its normalisation rewrites), and that rule comes first, so no other rule
    ever gets a turn. False when that cannot be told."""
    terminators = _terminators()
    return bool(text) and terminators is not None and not terminators.search(text)


@cache
def _terminators() -> re.Pattern[str] | None:
    """What stops markdown-it's text rule, with ``\\r`` and NUL; None when the text rule is not
    the inline parser's first (then a run must be parsed)."""
    inline = _inline_parser().inline
    found = getattr(inline, "terminator_re", None)
    first = next((rule for rule in inline.ruler.__rules__ if rule.enabled), None)
    if not isinstance(found, re.Pattern) or first is None or first.name != "text":
        return None
    return re.compile(f"{found.pattern}|[\\r\\x00]")


def _markdown(max_nesting: int) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "maxNesting": max_nesting})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    md.use(front_matter_dialects)
    md.use(deflist_plugin)
    md.use(footnote_plugin)
    _use_math(md)
    use_dialects(md)
    return md


def _parse_inlines(state: StateCore) -> None:
    """markdown-it's ``inline`` core rule, with the inline parser of :func:`_inline_parser`."""
    md = _inline_parser()
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            md.inline.parse(token.content, md, state.env, token.children)
            if state.env.get(INLINE_NOTES):
                first = token.map[0] if token.map else 0
                notes = state.env.setdefault(NOTES, [])
                notes += ((first + n, message) for n, message in state.env.pop(INLINE_NOTES))


# --- Math ---------------------------------------------------------------------------------

MATH_INLINE = "math_inline"
"""Token type of inline math: ``$…$`` and ``\\(…\\)``."""
MATH_DISPLAY = ("math_inline_double", "math_block", "math_block_label")
"""Token types of displayed math: ``$$…$$`` and ``\\[…\\]``, in a paragraph or on their own lines."""
_BRACKETS = {"(": ("math_inline", "\\)"), "[": ("math_inline_double", "\\]")}


def _use_math(md: MarkdownIt) -> None:
    """Parse math with mdit-py-plugins' dollarmath, ``\\(…\\)`` and ``\\[…\\]`` with a rule of
    our own, and render every math token as MathJax delimiters around its escaped TeX."""
    dollarmath_plugin(
        md,
        allow_labels=False,
        allow_space=False,
        allow_digits=False,
        allow_blank_lines=False,
        double_inline=True,
    )
    md.inline.ruler.at("math_inline", _no_money(math_inline_dollar(False, False, True)))
    md.inline.ruler.before("escape", "math_bracket", _math_bracket)
    for kind in (MATH_INLINE, *MATH_DISPLAY):
        md.add_render_rule(kind, _render_math)


def _no_money(rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    """The dollar rule, except where ``$`` is followed by a digit: ``$500M`` is money."""

    def dollar(state: StateInline, silent: bool) -> bool:
        src, pos = state.src, state.pos
        if src[pos] != "$" or src[pos + 1 : pos + 2].isdigit():
            return False
        return rule(state, silent)

    return dollar


def _math_bracket(state: StateInline, silent: bool) -> bool:
    """``\\(…\\)`` (inline) and ``\\[…\\]`` (displayed) as one math token each."""
    src, pos = state.src, state.pos
    if src[pos] != "\\" or src[pos + 1 : pos + 2] not in _BRACKETS:
        return False
    kind, closer = _BRACKETS[src[pos + 1]]
    end = src.find(closer, pos + 2)
    if end == -1 or not src[pos + 2 : end].strip():
        return False
    if not silent:
        token = state.push(kind, "math", 0)
        token.content = src[pos + 2 : end]
        token.markup = src[pos : pos + 2]
    state.pos = end + 2
    return True


def _render_math(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: Any) -> str:
    tok = tokens[idx]
    html = tex_html(tok.content)
    if env.get("cloze"):
        html = cloze_safe_tex(html)
    return f"\\({html}\\)" if tok.type == MATH_INLINE else f"\\[{html}\\]"


def tex_html(tex: str) -> str:
    """TeX as HTML text: trimmed, with ``<``, ``>``, ``&`` and ``"`` escaped."""
    return escapeHtml(tex.strip())


def cloze_safe_tex(html: str) -> str:
    """TeX that Anki's cloze syntax cannot misread: braces and colons as entities (MathJax reads
    the text they stand for), except in cloze marks written inside the math."""
    out, pos = [], 0
    for match in CLOZE.finditer(html):
        out.append(cloze_entities(html[pos : match.start()]))
        hint = f"::{cloze_entities(match.group(3))}" if match.group(3) is not None else ""
        out.append(f"{{{{c{match.group(1)}::{cloze_entities(match.group(2))}{hint}}}}}")
        pos = match.end()
    out.append(cloze_entities(html[pos:]))
    return "".join(out)


def cloze_entities(text: str, *, colons: bool = True) -> str:
    """Braces (and colons) as HTML entities: text Anki's cloze syntax cannot misread."""
    text = text.replace("{", "&#123;").replace("}", "&#125;")
    return text.replace(":", "&#58;") if colons else text


def odd_dollar_lines(text: str) -> list[int]:
    """When ``text`` (an inline run's Markdown) holds an odd number of math dollars, the lines
    (counted from 0) holding an odd number of them; else none.

    A math dollar is a ``$`` not escaped, not in a code span and not followed by a digit
    (``$5`` is money). Counting the whole run lets ``$…$`` math go over a line break.
    """
    if "$" not in text:  # the common case: no dollar, nothing to count
        return []
    counts = [0] * (text.count("\n") + 1)
    line, i = 0, 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            line += text[i + 1 : i + 2] == "\n"
            i += 2
            continue
        if char == "`":
            fence = re.match(r"`+", text[i:])
            assert fence is not None
            close = re.compile(f"(?<!`){fence.group()}(?!`)").search(text, fence.end() + i)
            if close is not None:
                line += text.count("\n", i, close.end())
                i = close.end()
                continue
            i += len(fence.group())
            continue
        if char == "\n":
            line += 1
        elif char == "$" and not text[i + 1 : i + 2].isdigit():
            counts[line] += 1
        i += 1
    if sum(counts) % 2 == 0:
        return []
    return [n for n, count in enumerate(counts) if count % 2]
