"""The one Markdown parser, and small helpers over its inline tokens.

CommonMark with GFM tables and strikethrough, front matter and math. Raw HTML is off:
markdown-it then keeps it as text, so a source's ``<script>`` reaches a card as visible text,
never as markup.

Math is ``$…$``, ``$$…$$``, ``\\(…\\)`` and ``\\[…\\]``. Its TeX is one token that Markdown
leaves alone (no emphasis, backslashes kept) and that renders as the MathJax delimiters Anki
reads: ``\\(…\\)`` inline, ``\\[…\\]`` displayed. A ``$`` next to a digit is money, never
math: ``$5``, ``$300/month`` and ``5$`` stay text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import OptionsDict
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.dollarmath.index import math_inline_dollar
from mdit_py_plugins.front_matter import front_matter_plugin

from .deep import MAX_NESTING


@cache
def parser() -> MarkdownIt:
    """The shared markdown-it instance."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "maxNesting": MAX_NESTING + 2})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    _use_math(md)
    return md


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
        if state.src[state.pos + 1 : state.pos + 2].isdigit():
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


def math_text(tok: Token) -> str | None:
    """A math token as the TeX a reader sees, between MathJax delimiters; None for other tokens."""
    if tok.type == MATH_INLINE:
        return f"\\({tok.content.strip()}\\)"
    if tok.type in MATH_DISPLAY:
        return f"\\[{tok.content.strip()}\\]"
    return None


def plain(tokens: Iterable[Token]) -> str:
    """The text a reader sees, without markup (code spans keep their text)."""
    out: list[str] = []
    for tok in tokens:
        kind = tok.type
        if kind == "text" or kind == "code_inline" or kind == "html_inline":
            out.append(tok.content)
        elif kind == "softbreak" or kind == "hardbreak":
            out.append(" ")
        elif (tex := math_text(tok)) is not None:
            out.append(tex)
        elif tok.children:
            out.append(plain(tok.children))
    return " ".join("".join(out).split())


_MARKS = {
    "strong_open": "**",
    "strong_close": "**",
    "em_open": "*",
    "em_close": "*",
    "s_open": "~~",
    "s_close": "~~",
}


def markdown_text(tokens: Iterable[Token]) -> str:
    """Inline tokens written back as Markdown (code spans, emphasis, links, math kept), for an
    author to edit: not the source byte for byte, but text that reads back the same."""
    out: list[str] = []
    links: list[str] = []
    for tok in tokens:
        kind = tok.type
        if kind == "text":
            out.append(tok.content)
        elif kind == "code_inline":
            fence = "`" * (max((len(run) for run in re.findall(r"`+", tok.content)), default=0) + 1)
            pad = " " if tok.content.startswith("`") or tok.content.endswith("`") else ""
            out.append(f"{fence}{pad}{tok.content}{pad}{fence}")
        elif kind in _MARKS:
            out.append(_MARKS[kind])
        elif kind == "link_open":
            links.append(str(tok.attrGet("href") or ""))
            out.append("[")
        elif kind == "link_close":
            out.append(f"]({links.pop() if links else ''})")
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "hardbreak":
            out.append("\\\n")
        elif kind == MATH_INLINE:
            out.append(f"${tok.content.strip()}$")
        elif kind in MATH_DISPLAY:
            out.append(f"$${tok.content.strip()}$$")
        elif kind == "image":
            out.append(f"![{plain(tok.children or ())}]({tok.attrGet('src') or ''})")
        elif tok.children:
            out.append(markdown_text(tok.children))
        else:
            out.append(tok.content)
    return "".join(out)


def lines(tokens: Sequence[Token]) -> list[list[Token]]:
    """Split inline tokens at line breaks."""
    result: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.type in ("softbreak", "hardbreak"):
            result.append([])
        else:
            result[-1].append(tok)
    return result


def strip(tokens: Sequence[Token]) -> list[Token]:
    """Trim white space at both ends of an inline run (dropping emptied text tokens)."""
    toks = list(tokens)
    while toks and toks[0].type == "text" and not toks[0].content.strip():
        del toks[0]
    while toks and toks[-1].type == "text" and not toks[-1].content.strip():
        toks.pop()
    if toks and toks[0].type == "text" and toks[0].content[:1].isspace():
        toks[0] = _with_text(toks[0], toks[0].content.lstrip())
    if toks and toks[-1].type == "text" and toks[-1].content[-1:].isspace():
        toks[-1] = _with_text(toks[-1], toks[-1].content.rstrip())
    return toks


def _with_text(tok: Token, content: str) -> Token:
    return Token(
        tok.type,
        tok.tag,
        tok.nesting,
        content=content,
        markup=tok.markup,
        children=tok.children,
        meta=tok.meta,
    )


def text_token(content: str) -> Token:
    """A plain text token."""
    return Token("text", "", 0, content=content)


CLOZE = re.compile(r"\{\{c([1-9][0-9]*)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
"""Anki's cloze deletion ``{{cN::answer::hint}}``: groups number, answer, hint."""


def title_from_path(path: str) -> str:
    """A title for a source that names none: its file name, words apart."""
    return Path(path).stem.replace("-", " ").replace("_", " ").strip() or path


_LABEL_SEPARATORS = (":", "：", " —", " –", " -")
_EMPHASIS = {"strong_open": "strong_close", "em_open": "em_close"}


def split_label(tokens: Sequence[Token], *, plain_label: bool = False) -> tuple[str, list[Token]] | None:
    """Split ``**Label:** value`` (or ``**Label**: value``) into the label and the value.

    With ``plain_label``, an unemphasised ``Label: value`` counts too (used only where every
    sibling has one). Returns None when the run does not start with a label.
    """
    toks = strip(tokens)
    if not toks:
        return None
    first = toks[0]
    if first.type in _EMPHASIS:
        end = _closing(toks, 0)
        if end is None:
            return None
        label = plain(toks[1:end])
        rest = strip(toks[end + 1 :])
        for sep in _LABEL_SEPARATORS:
            if label.endswith(sep.strip()) and len(label) > 1:
                return label[: -len(sep.strip())].strip(), rest
        if rest and rest[0].type == "text":
            head = rest[0].content
            for sep in _LABEL_SEPARATORS:
                if head.startswith(sep.strip()):
                    return label, strip([_with_text(rest[0], head[len(sep.strip()) :]), *rest[1:]])
        return None
    if plain_label and first.type == "text":
        match = re.match(r"([^:：]{1,60})[:：]\s+", first.content)
        if match and len(match.group(1).split()) <= 6:
            value = strip([_with_text(first, first.content[match.end() :]), *toks[1:]])
            if value:
                return match.group(1).strip(), value
    return None


def _closing(toks: Sequence[Token], start: int) -> int | None:
    """Index of the token closing the emphasis opened at ``start``."""
    opener, closer = toks[start].type, _EMPHASIS[toks[start].type]
    depth = 0
    for i in range(start, len(toks)):
        if toks[i].type == opener:
            depth += 1
        elif toks[i].type == closer:
            depth -= 1
            if depth == 0:
                return i
    return None


def emphasis_only(tokens: Sequence[Token]) -> str | None:
    """The text of a run that is one bold (or italic) span and nothing else, else None."""
    toks = strip(tokens)
    if len(toks) < 3 or toks[0].type not in _EMPHASIS or _closing(toks, 0) != len(toks) - 1:
        return None
    return plain(toks)


def is_link_only(tokens: Sequence[Token]) -> bool:
    """True for a run that is a single link, give or take punctuation around it."""
    toks = strip(tokens)
    opens = [t for t in toks if t.type == "link_open"]
    if len(opens) != 1:
        return False
    inside = False
    for tok in toks:
        if tok.type == "link_open":
            inside = True
        elif tok.type == "link_close":
            inside = False
        elif not inside and (tok.type != "text" or tok.content.strip(" -–—:;,.()[]")):
            return False
    return True
