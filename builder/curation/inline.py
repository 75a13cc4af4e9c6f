"""Inline tokens written back as Markdown that reads back to the same tokens, for the curation
drafts (:mod:`.drafts`): text escaped where Markdown, or a dialect the reader understands, would
read it as markup; code spans with fences longer than the backticks they hold; emphasis with
its author's delimiters; links and images by their author's path; math between ``\\(…\\)``
or ``\\[…\\]``. What is written is read again: what would read back otherwise raises
:class:`Lossy`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from markdown_it.token import Token

from ..markdown import MATH_DISPLAY, MATH_INLINE, inline_tokens, plain, reads_as_text
from ..markdown.dialects import SOUND_TAG
from ..media import SOURCE_PATH


class Lossy(Exception):
    """A card holds something its draft cannot write so that it reads back the same."""


_MARKS = {
    "strong_open": "**",
    "strong_close": "**",
    "em_open": "*",
    "em_close": "*",
    "s_open": "~~",
    "s_close": "~~",
}


def inline_markdown(tokens: Sequence[Token], *, cloze: bool = False, cell: bool = False) -> str:
    """Inline tokens written back as Markdown that reads back to the same tokens: text
    escaped, code spans, emphasis, links, images by their author's path, math. With ``cloze``,
    braces and colons are left as written (a hand-written statement holds its deletions as
    text). With ``cell``, for a table's cell: every ``|`` escaped, in code and math too (the
    table splits its rows at the others, and drops the backslash before the inline
    Markdown is read).

    What is written is read again, and :class:`Lossy` is raised when it does not read back
    the same (emphasis whose delimiters a neighbour stops from counting, a highlight, a
    footnote's mark)."""
    written = _written(tokens, cloze, cell)
    text = all(t.type == "text" for t in tokens) and written == "".join(t.content for t in tokens)
    if text and reads_as_text(written):
        return written  # it reads back as one text token, the text it was written from
    read = written.replace("\\|", "|") if cell else written
    if _signature(inline_tokens(read)) != _signature(tokens):
        raise Lossy("inline Markdown that reads back otherwise")
    return written


def _signature(tokens: Iterable[Token]) -> list[tuple[str, ...]]:
    """What of inline tokens a card shows: their text (runs of text as one), code, math,
    marks, and the targets of links and images."""
    out: list[tuple[str, ...]] = []
    text: list[str] = []
    for tok in tokens:
        if tok.type in ("text", "text_special"):
            text.append(tok.content)
            continue
        if "".join(text):
            out.append(("text", "".join(text)))
        text = []
        if tok.type == "image":
            alt = plain(tok.children or ())
            out.append(("image", _source(tok), alt, str(tok.attrGet("title") or "")))
        elif tok.type == "link_open":
            out.append((tok.type, str(tok.attrGet("href")), str(tok.attrGet("title") or "")))
        elif tok.type == MATH_INLINE or tok.type in MATH_DISPLAY:
            out.append(("math" if tok.type == MATH_INLINE else "display", tok.content.strip()))
        elif tok.children:
            out.extend(_signature(tok.children))
        else:
            out.append((tok.type, tok.content))
    if "".join(text):
        out.append(("text", "".join(text)))
    return out


def _written(tokens: Iterable[Token], cloze: bool, cell: bool = False) -> str:
    """Inline tokens as Markdown, before it is read again (``cell``: every ``|`` escaped)."""
    pipe = "\\|" if cell else "|"
    out: list[str] = []
    links: list[Token] = []
    for tok in tokens:
        kind = tok.type
        start = not out or out[-1].endswith("\n")
        if kind == "text":
            out.append(escape(tok.content, start=start, cloze=cloze))
        elif kind == "code_inline":
            out.append(_code_span(tok.content).replace("|", pipe))
        elif kind in _MARKS:
            out.append(_delimiter(tok))
        elif kind == "link_open":
            links.append(tok)
            out.append("[")
        elif kind == "link_close":
            opened = links.pop() if links else tok
            out.append(f"]({_destination(opened)})".replace("|", pipe))
        elif kind == "softbreak":
            out.append("\n")
        elif kind == "hardbreak":
            out.append("\\\n")
        elif kind == MATH_INLINE or kind in MATH_DISPLAY:
            out.append(_math(tok).replace("|", pipe))
        elif kind == "image":
            out.append(_image(tok, cloze, pipe))
        elif tok.children:
            out.append(_written(tok.children, cloze, cell))
        elif tok.content:
            out.append(escape(tok.content, start=start, cloze=cloze))
    return "".join(out)


def _delimiter(tok: Token) -> str:
    """An emphasis or strikethrough mark as its author wrote it (``*``, ``_``, ``~``), else
    as Markdown writes it."""
    return tok.markup if tok.markup and set(tok.markup) <= set("*_~") else _MARKS[tok.type]


def _image(tok: Token, cloze: bool, pipe: str) -> str:
    """An image (a sound, a video) by its author's path; Anki's sound as ``[sound:…]`` when
    its path fits one."""
    if (tok.meta or {}).get(SOUND_TAG) and _SOUND_PATH.fullmatch(_source(tok)):
        return f"[sound:{_source(tok)}]".replace("|", pipe)
    alt = escape(plain(tok.children or ()), start=False, cloze=cloze)
    return f"![{alt}]({_destination(tok).replace('|', pipe)})"


def _code_span(content: str) -> str:
    """A code span holding exactly ``content``: a fence longer than any run of backticks in
    it, padded where the reader would otherwise strip or join a backtick."""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", content)), default=0) + 1)
    edge = content.startswith("`") or content.endswith("`")
    spaced = content.startswith(" ") and content.endswith(" ") and content.strip(" ")
    pad = " " if edge or spaced else ""
    return f"{fence}{pad}{content}{pad}{fence}"


def _source(tok: Token) -> str:
    """An image's path as its author wrote it (not the name it is packed under)."""
    written = (tok.meta or {}).get(SOURCE_PATH)
    return str(written if written is not None else tok.attrGet("src") or "")


_SOUND_PATH = re.compile(r"[^\[\]\n\s][^\[\]\n]{0,498}[^\[\]\n\s]|[^\[\]\n\s]")
"""A path Anki's ``[sound:…]`` can hold as it is."""


def _destination(tok: Token) -> str:
    """A link's or an image's destination (an image's as its author wrote it), and its title."""
    where = _source(tok) if tok.type == "image" else str(tok.attrGet("href") or "")
    where = re.sub(r"([\\()<>])", r"\\\1", where).replace(" ", "%20")
    title = tok.attrGet("title")
    if title:
        where += ' "' + re.sub(r'([\\"])', r"\\\1", str(title)) + '"'
    return where


def _math(tok: Token) -> str:
    """Math in delimiters the reader reads as math: ``\\(…\\)`` or ``\\[…\\]``, dollars when
    the TeX holds that closer."""
    tex = tok.content.strip()
    inline = tok.type == MATH_INLINE
    opener, closer = ("\\(", "\\)") if inline else ("\\[", "\\]")
    if tex and closer not in tex:
        return f"{opener}{tex}{closer}"
    dollars = "$" if inline else "$$"
    if tex and "$" not in tex and not tex[0].isdigit():
        return f"{dollars}{tex}{dollars}"
    raise Lossy("TeX holding both of its closers")


_ENTITY = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")
_ICON = re.compile(r":(?:octicons|material|fontawesome|simple)-")
_BLOCK_START = re.compile(r"[#>+=:!?-]|\d{1,9}(?=[.)])")
"""What a line starting with it would start as a block: a heading, quote, list, rule,
setext underline, definition, admonition or tab (numbers: an ordered list's mark)."""


_SPECIAL = re.compile(r"[\\`<\]|~*_$&{}=%^:]")
"""The characters :func:`escape` may escape; every other character is written as it is."""


def escape(text: str, *, start: bool, cloze: bool = False) -> str:
    """Text as Markdown that reads back as this text (``start``: it begins a line)."""
    out: list[str] = []
    size = len(text)
    pos = 0
    for hit in _SPECIAL.finditer(text):
        i, char = hit.start(), hit.group()
        out.append(text[pos:i])
        pos = i + 1
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < size else ""
        if char == "]" and after in ("", "[", "("):
            # ``\]`` then ``[`` or ``(`` is still a reference or a link to the dialects' rules.
            out.append("&#93;")
            continue
        needed = _escapes(text, i, char, before, after, cloze)
        out.append("\\" + char if needed else char)
    out.append(text[pos:])
    written = "".join(out)
    if start and (found := _BLOCK_START.match(written)):
        at = found.end() if found.group().isdigit() else 0
        written = f"{written[:at]}\\{written[at:]}"
    return written


def _escapes(text: str, i: int, char: str, before: str, after: str, cloze: bool) -> bool:
    """Whether ``char``, at ``i`` in ``text`` between ``before`` and ``after``, would read as
    markup unless escaped."""
    if char in "\\`<]|~":
        return True
    if char == "*":
        return not (before.isspace() and after.isspace())
    if char == "_":
        return not (before.isalnum() and after.isalnum())
    if char == "$":
        return not after.isdigit()
    if char == "&":
        return _ENTITY.match(text, i) is not None
    if char in "{}":
        return not cloze or (char == "{" and (after == ":" or text.startswith(("{{<", "{{%"), i)))
    if char in "=%":
        return char in (before, after)
    if char == "^":
        return before in ("", " ", "\t")
    if char == ":":
        return _ICON.match(text, i) is not None
    return False
