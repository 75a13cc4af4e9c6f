"""The curation entries the preview's buttons copy: a drop line, or a rewrite that starts from
the card's current text as Markdown.

A rewrite pasted unchanged changes nothing: its Markdown reads back (:mod:`.apply`) to the
fields the card has now. So the draft writes what the reader reads, not what the card shows:

- an image (a sound, a video) by the path its author wrote (:data:`builder.media.SOURCE_PATH`),
  never the name it is packed under; Anki's ``[sound:…]`` as ``[sound:…]``;
- math between ``\\(…\\)`` or ``\\[…\\]``, which the reader always reads as math (``$…$``
  next to a digit is money); TeX holding its own closing delimiter goes between dollars;
- text escaped where Markdown, or a dialect the reader understands, would read it as markup:
  ``*``, ``_``, backticks, ``<``, ``]``, ``|``, ``~``, braces, a ``$`` that could open math,
  an entity's ``&``, and at the start of a line what would start a block (``#``, ``>``,
  ``-``, ``1.``, ``:``…); ``{{c1::…}}`` outside a cloze card is text, its braces escaped; a
  ``]`` that ends a text or stands before ``[`` or ``(`` is ``&#93;`` (the dialects'
  reference rules read ``\\]`` as a bracket);
- code as code spans and fences longer than any run of backticks they hold; a paragraph's
  lines apart with hard breaks, as the reader splits them; a list right after another with
  the other mark, or the two would read as one; in a table's cell every ``|`` escaped.

Each inline run written is read again. A card any of whose runs reads back otherwise, or that
holds what a rewrite cannot say, has no draft (``()``), and the preview offers no rewrite for
it rather than an entry that would change it: a footnote's mark (a rewrite has no footnotes),
a highlight (``==…==``) or emphasis that its neighbours keep from reading back as ``**…**``,
a block the reader keeps only as its text (:class:`~builder.model.Other`), a line break inside
a paragraph's line (a setext heading's of several lines), a hint with markup in a YAML card's
cloze (a rewrite's hint is text), a generated cloze of several lines that are not a list or
with ``{{c1::`` written as text, or TeX holding both ``\\)`` and ``$``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from functools import partial

import yaml
from markdown_it.token import Token

from ..markdown import CLOZE, MATH_DISPLAY, MATH_INLINE, inline_tokens, plain, reads_as_text
from ..markdown.dialects import SOUND_TAG
from ..media import SOURCE_PATH
from ..model import (
    Block,
    Blocks,
    Card,
    ClozeText,
    Code,
    Gap,
    Items,
    ListBlock,
    Note,
    Pairs,
    Paragraph,
    Part,
    Snippet,
    Table,
    Text,
    unknown_part,
)


class _Lossy(Exception):
    """A card holds something its draft cannot write so that it reads back the same."""


def draft(card: Card) -> tuple[tuple[str, str], ...]:
    """The fields a rewrite of ``card`` starts from, as Markdown: its prompt and answer, or its
    cloze statement. ``()`` when no Markdown reads back to the card it has now."""
    try:
        if card.statement is not None:
            return (("cloze", _statement(card.statement.tokens)),)
        if card.cloze is not None:
            return (("cloze", _cloze_markdown(card.cloze)),)
        return (("prompt", _prompt(card.ask)), ("answer", _answer(card.answer)))
    except _Lossy:
        return ()


def _answer(parts: Iterable[Part]) -> str:
    return _joined((_kind(p), partial(_part_markdown, p)) for p in parts).strip()


def _kind(piece: Part | Block) -> str | None:
    """What list a part or block is written as (``ul``, ``ol``), else None."""
    if isinstance(piece, (Items, ListBlock)):
        return "ol" if piece.ordered else "ul"
    return "ul" if isinstance(piece, Pairs) else None


def _joined(pieces: Iterable[tuple[str | None, Callable[[bool], str]]]) -> str:
    """Blocks one after another, a blank line between. A list right after a list of its kind
    is written with the other mark (``*`` for ``-``, ``1)`` for ``1.``): with the same one, the
    reader would read the two as one list."""
    out: list[str] = []
    last: str | None = None
    other = False
    for kind, write in pieces:
        other = kind is not None and kind == last and not other
        if text := write(other):
            out.append(text)
            last = kind
    return "\n\n".join(out)


def _mark(ordered: bool, n: int, other: bool) -> str:
    if ordered:
        return f"{n})" if other else f"{n}."
    return "*" if other else "-"


def _part_markdown(part: Part, other: bool = False) -> str:
    if isinstance(part, Text):
        return inline_markdown(part.inline.tokens)
    if isinstance(part, Items):
        return "\n".join(
            _item(
                _mark(part.ordered, n, other),
                [(None, partial(_head, head.tokens)), *_pieces(rest)],
            )
            for n, (head, rest) in enumerate(part.entries, start=1)
        )
    if isinstance(part, Pairs):
        return "\n".join(
            f"{_mark(False, 0, other)} **{_escape(head, start=False)}:** {inline_markdown(value.tokens)}"
            for head, value in part.pairs
        )
    if isinstance(part, Blocks):
        return _joined(_pieces(part.blocks))
    if isinstance(part, Snippet):
        return _fenced(part.lang, part.text)
    unknown_part(part)


def _head(tokens: Sequence[Token], other: bool = False) -> str:
    return inline_markdown(tokens)


def _pieces(blocks: Iterable[Block]) -> list[tuple[str | None, Callable[[bool], str]]]:
    return [(_kind(b), partial(_block_markdown, b)) for b in blocks]


def _block_markdown(block: Block, other: bool = False) -> str:
    if isinstance(block, Paragraph):
        if any(t.type in ("softbreak", "hardbreak") for line in block.lines for t in line.tokens):
            raise _Lossy("a line break the reader would join")
        # The reader splits a paragraph's lines at hard breaks (and at some soft ones).
        written = "\\\n".join(inline_markdown(line.tokens) for line in block.lines)
        # An empty one (an empty heading's) reads back from an empty heading.
        return written if written.strip() else "#"
    if isinstance(block, ListBlock):
        return "\n".join(
            _item(_mark(block.ordered, n, other), _pieces(item.blocks))
            for n, item in enumerate(block.items, start=1)
        )
    if isinstance(block, Table):
        rows = [block.header, *block.rows]
        lines = ["| " + " | ".join(inline_markdown(c.tokens, cell=True) for c in row) + " |" for row in rows]
        return "\n".join([lines[0], "|" + "---|" * len(block.header), *lines[1:]])
    if isinstance(block, Code):
        return _fenced(block.lang, block.text)
    if plain(t for t in block.tokens if t.type == "inline"):
        raise _Lossy("a part kept only as its text")
    return ""


def _item(mark: str, pieces: Iterable[tuple[str | None, Callable[[bool], str]]]) -> str:
    """A list item: its blocks under its mark, indented to the item's content."""
    pad = " " * (len(mark) + 1)
    body = _joined(pieces)
    return f"{mark} " + "\n".join(
        pad + line if line and n else line for n, line in enumerate(body.split("\n"))
    )


def _fenced(lang: str, text: str) -> str:
    """A fenced code block longer than any fence inside it, its info string kept."""
    mark = "~" if "`" in lang else "`"
    runs = re.findall(rf"^[ \t]*({re.escape(mark)}+)", text, re.MULTILINE)
    fence = mark * max([3, *(len(run) + 1 for run in runs)])
    return f"{fence}{lang}\n{text}\n{fence}"


def _statement(tokens: Sequence[Token]) -> str:
    """A hand-written cloze statement (a YAML card's), its deletions as written. A rewrite's
    hint is text: a statement whose hint holds markup has no draft."""
    shape = "".join(t.content if t.type == "text" else "\0" for t in tokens)
    if any("\0" in (hint or "") for hint in (m.group(3) for m in CLOZE.finditer(shape))):
        raise _Lossy("a hint with markup")
    return inline_markdown(tokens, cloze=True)


def _cloze_markdown(cloze: ClozeText) -> str:
    """A generated cloze as :func:`builder.curation.apply` reads one: a line, or a list's
    items (after its intro)."""
    lines = []
    for line in cloze.lines:
        out = []
        for segment in line:
            if isinstance(segment, Gap):
                hint = f"::{_escape(segment.hint, start=False, cloze=True)}" if segment.hint else ""
                shown = inline_markdown(segment.inline.tokens, cloze=True)
                out.append(f"{{{{c{segment.number}::{shown}{hint}}}}}")
            else:
                if any(_DELETION.search(t.content) for t in segment.tokens if t.type == "text"):
                    raise _Lossy("a deletion written as text")
                out.append(inline_markdown(segment.tokens, cloze=True))
        lines.append("".join(out).strip())
    if not cloze.listed:
        if len(lines) > 1:
            raise _Lossy("a cloze of several lines that are not a list")
        return lines[0] if lines else ""
    if cloze.intro and (_LIST_MARK.match(cloze.intro) or "\n" in cloze.intro):
        raise _Lossy("an intro that reads as an item")
    items = [f"{f'{n}.' if cloze.ordered else '-'} {line}" for n, line in enumerate(lines, start=1)]
    return "\n".join([cloze.intro, *items] if cloze.intro else items)


_DELETION = re.compile(r"\{\{c\d+::")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


# --- Inline Markdown ------------------------------------------------------------------------

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

    What is written is read again, and :class:`_Lossy` is raised when it does not read back
    the same (emphasis whose delimiters a neighbour stops from counting, a highlight, a
    footnote's mark)."""
    written = _written(tokens, cloze, cell)
    text = all(t.type == "text" for t in tokens) and written == "".join(t.content for t in tokens)
    if text and reads_as_text(written):
        return written  # it reads back as one text token, the text it was written from
    read = written.replace("\\|", "|") if cell else written
    if _signature(inline_tokens(read)) != _signature(tokens):
        raise _Lossy("inline Markdown that reads back otherwise")
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
            out.append(_escape(tok.content, start=start, cloze=cloze))
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
            out.append(_escape(tok.content, start=start, cloze=cloze))
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
    alt = _escape(plain(tok.children or ()), start=False, cloze=cloze)
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
    raise _Lossy("TeX holding both of its closers")


_ENTITY = re.compile(r"&(?:#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{1,31});")
_ICON = re.compile(r":(?:octicons|material|fontawesome|simple)-")
_BLOCK_START = re.compile(r"[#>+=:!?-]|\d{1,9}(?=[.)])")
"""What a line starting with it would start as a block: a heading, quote, list, rule,
setext underline, definition, admonition or tab (numbers: an ordered list's mark)."""
_MATH_OPEN = re.compile(r"\\([(\[])")


_SPECIAL = re.compile(r"[\\`<\]|~*_$&{}=%^:]")
"""The characters :func:`_escape` may escape; every other character is written as it is."""


def _escape(text: str, *, start: bool, cloze: bool = False) -> str:
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
        escape = _escapes(text, i, char, before, after, cloze)
        out.append("\\" + char if escape else char)
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


def _prompt(ask: str) -> str:
    """A card's prompt (plain text) as Markdown: its math, written ``\\(…\\)`` in the text
    the reader shows, kept as math, and the rest text; all of it text when that would read
    back otherwise (math holding ``]]`` after a ``[[``)."""
    written = _prompt_math(ask)
    if written is None:  # no math: written as text either way, nothing to read back
        return _escape(ask, start=True)
    if " ".join(plain(inline_tokens(written)).split()) == ask:
        return written
    return _escape(ask, start=True)


def _prompt_math(ask: str) -> str | None:
    """The prompt with its math kept as written and the rest escaped; None when it holds no
    math (then it is all text)."""
    out, pos = [], 0
    for match in _MATH_OPEN.finditer(ask):
        if match.start() < pos:
            continue
        closer = "\\)" if match.group(1) == "(" else "\\]"
        end = ask.find(closer, match.end())
        tex = ask[match.end() : end]
        if end == -1 or not tex.strip() or tex != tex.strip():
            continue
        out.append(_escape(ask[pos : match.start()], start=pos == 0))
        out.append(ask[match.start() : end + 2])
        pos = end + 2
    if pos == 0:
        return None
    out.append(_escape(ask[pos:], start=False))
    return "".join(out)


# --- Entries --------------------------------------------------------------------------------


def drop_entry(note: Note) -> str:
    """The curation line that drops ``note``."""
    return f"{_key(note.key)}: drop\n"


def rewrite_entry(note: Note) -> str:
    """The curation entry that starts a rewrite of ``note``, with its current text; '' when
    the note has no draft (see the module's docstring). Raises :class:`ValueError` for a note
    built without its draft (see :func:`builder.build.notes_of`)."""
    if note.draft is None:
        raise ValueError(f"{note.key}: the note was built without its rewrite draft")
    if not note.draft:
        return ""
    return rewrite_text(note.key, dict(note.draft), note.generated)


def rewrite_text(key: str, fields: dict[str, str], was: str) -> str:
    """The curation entry that rewrites the card ``key`` with ``fields`` (Markdown), made from
    the generated card whose fingerprint is ``was``."""
    body = _dump({**fields, "was": was})
    return f"{_key(key)}:\n" + "".join(f"  {line}\n" for line in body.splitlines())


_PLAIN_KEY = re.compile(r"\w[\w/:~.-]*", re.UNICODE)


def _key(key: str) -> str:
    """A key as a YAML mapping key: plain when it reads back the same, else quoted."""
    return key if _PLAIN_KEY.fullmatch(key) and not key.endswith(":") else json.dumps(key, ensure_ascii=False)


def _dump(data: dict[str, str]) -> str:
    class _Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        # YAML reads NEL and the Unicode line and paragraph separators as line breaks, unless
        # they are escapes in a double-quoted scalar.
        style = '"' if any(c in value for c in "\x85\u2028\u2029") else "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, text)
    dumped: str = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    return dumped
