"""The one Markdown parser, and small helpers over its inline tokens.

CommonMark with GFM tables and strikethrough, and front matter. Raw HTML is off:
markdown-it then keeps it as text, so a source's ``<script>`` reaches a card as visible text,
never as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from .deep import MAX_NESTING


@cache
def parser() -> MarkdownIt:
    """The shared markdown-it instance."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False, "maxNesting": MAX_NESTING + 2})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin)
    return md


def plain(tokens: Iterable[Token]) -> str:
    """The text a reader sees, without markup (code spans keep their text)."""
    out: list[str] = []
    for tok in tokens:
        kind = tok.type
        if kind == "text" or kind == "code_inline" or kind == "html_inline":
            out.append(tok.content)
        elif kind == "softbreak" or kind == "hardbreak":
            out.append(" ")
        elif tok.children:
            out.append(plain(tok.children))
    return " ".join("".join(out).split())


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
    return Token(tok.type, tok.tag, tok.nesting, content=content, markup=tok.markup, children=tok.children)


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
