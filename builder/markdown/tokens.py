"""Small helpers over markdown-it's inline tokens: the text a reader sees, Markdown written
back, lines, labels (``**Label:** value``), emphasis-only and link-only runs."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from markdown_it.token import Token

from ..model import one_line
from .parsing import MATH_DISPLAY, MATH_INLINE


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


def title_from_path(path: str) -> str:
    """A title for a source that names none: its file name, words apart (a control character,
    a newline in the name, is a space: a title is one line)."""
    stem = re.sub("[\x00-\x1f\x7f]+", " ", Path(path).stem)
    return stem.replace("-", " ").replace("_", " ").strip() or one_line(path)


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
