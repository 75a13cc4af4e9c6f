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
        elif kind == "softbreak":
            out.append(_SOFT)
        elif kind == "hardbreak":
            out.append(" ")
        elif kind in _MATH and (tex := math_text(tok)) is not None:
            out.append(tex)
        elif tok.children:
            out.append(plain(tok.children))
    text = "".join(out)
    if _SOFT in text:
        text = _SOFTS.sub(lambda found: _soft(text, found.start()), text)
    return " ".join(text.split())


_MATH = frozenset((MATH_INLINE, *MATH_DISPLAY))
"""The types of math tokens (:func:`math_text`)."""

_SOFT = "\x00"
"""Where a soft line break stood, until :func:`plain` knows what is on either side of it."""
_SOFTS = re.compile(_SOFT)


def _soft(text: str, n: int) -> str:
    """Character ``n`` of ``text``, a soft break read: a space, nothing between CJK characters."""
    if text[n] != _SOFT:
        return text[n]
    before, after = text[:n].rstrip(_SOFT)[-1:], text[n + 1 :].lstrip(_SOFT)[:1]
    return "" if before and after and is_cjk(before) and is_cjk(after) else " "


def lines(tokens: Sequence[Token]) -> list[list[Token]]:
    """Split inline tokens at line breaks."""
    result: list[list[Token]] = [[]]
    for tok in tokens:
        if tok.type in ("softbreak", "hardbreak"):
            result.append([])
        else:
            result[-1].append(tok)
    return result


_PLAIN_QA = re.compile(r"^(q|a|question|answer)\s*[:：](?:\s+|$)", re.IGNORECASE)
"""A line written ``Q: …`` or ``A: …`` without bold."""
_PAIR_MARK = re.compile(r"^(QA|T)\s*[:：](?:\s+|$)")
"""A line written ``QA: …`` (asked both ways) or ``T: …`` (the answer typed), in capitals."""
_CHECKBOX = re.compile(r"^\s*(\[[ xX]\]|[☐☑☒✅✓✔])")
_CALLOUT = re.compile(r"^\s*\[![A-Za-z]+\]")


def plain_qa(tokens: Sequence[Token]) -> tuple[str, list[Token]] | None:
    """A line written ``Q: …`` or ``A: …`` without bold: the label and the rest of the line."""
    return _marked(tokens, _PLAIN_QA)


def pair_mark(tokens: Sequence[Token]) -> tuple[str, list[Token]] | None:
    """A line written ``QA: …`` or ``T: …`` without bold: the mark and the rest of the line.
    It asks a question only with an ``A:`` line right after it (the walker decides)."""
    return _marked(tokens, _PAIR_MARK)


def _marked(tokens: Sequence[Token], pattern: re.Pattern[str]) -> tuple[str, list[Token]] | None:
    toks = list(tokens)
    if not toks or toks[0].type != "text" or not (match := pattern.match(toks[0].content)):
        return None
    rest = [text_token(toks[0].content[match.end() :]), *toks[1:]]
    return match.group(1), rest if plain(rest) else []


def entries(tokens: Sequence[Token]) -> list[tuple[int, list[Token]]]:
    """A paragraph's inline tokens as its lines, a line being what its author wrote as one:
    a source line that continues the one before (a hard-wrapped sentence, a label's value, a
    list item) is joined to it, a space between (nothing between two CJK characters), so no
    word is glued to the next and nothing is cut where a source line ended. A new line starts
    after a hard break, at a line that starts something of its own (a ``**Label:**``, a ``Q:``,
    ``A:``, ``QA:`` or ``T:``, a check box), and after a first line that is a title (all bold or
    italic, or a callout's ``[!NOTE]`` marker); an emphasised phrase wrapped onto a line of its
    own further down is part of its sentence. Each line comes with the number of the source line
    it starts on (0 for the first).

    A paragraph holding a hand-written cloze deletion (``{{c1::…}}``, or braces that look like
    part of one) keeps its source lines: the cloze scanner joins them itself, and reports a
    broken deletion at its own line."""
    out: list[tuple[int, list[Token]]] = []
    hard = True
    keep = _holds_deletion(tokens)
    for n, (toks, brk) in enumerate(_lines_and_breaks(tokens)):
        if hard or keep or _starts_entry(toks) or (n == 1 and _title(out[0][1])):
            out.append((n, list(toks)))
        elif strip(toks):
            _join(out[-1][1], toks)
        hard = brk == "hardbreak"
    return out


_DELETION = re.compile(r"\{\{\s*[cC]\s*\d+\s*:")


def _holds_deletion(tokens: Sequence[Token]) -> bool:
    """Whether a paragraph holds a cloze deletion, whole or broken: an opener (``{{c1::``), or
    a ``}}`` with no ``{{`` before it. Template braces (``{{ .Title }}``) are text."""
    text = "".join(t.content for t in tokens if t.type == "text" or t.type.startswith("math"))
    return bool(_DELETION.search(text)) or ("}}" in text and "{{" not in text.split("}}")[0])


def _lines_and_breaks(tokens: Sequence[Token]) -> list[tuple[list[Token], str]]:
    """Inline tokens split at line breaks, each line with the break that ends it ('' for the
    last)."""
    result: list[tuple[list[Token], str]] = []
    current: list[Token] = []
    for tok in tokens:
        if tok.type in ("softbreak", "hardbreak"):
            result.append((current, tok.type))
            current = []
        else:
            current.append(tok)
    result.append((current, ""))
    return result


def _starts_entry(tokens: Sequence[Token]) -> bool:
    """Whether a source line starts an entry of its own rather than continuing the one before."""
    toks = strip(tokens)
    if toks and (split_label(toks) is not None or plain_qa(toks) is not None or pair_mark(toks) is not None):
        return True
    return bool(toks) and toks[0].type == "text" and _CHECKBOX.match(toks[0].content) is not None


def _title(tokens: Sequence[Token]) -> bool:
    """A line that names what follows it: all bold or italic, or a callout's marker
    (``[!NOTE] Title``)."""
    toks = strip(tokens)
    if emphasis_only(toks) is not None:
        return True
    return bool(toks) and toks[0].type == "text" and _CALLOUT.match(toks[0].content) is not None


def _join(entry: list[Token], line: Sequence[Token]) -> None:
    """Add a source line to the entry it continues: a space between them, none between two CJK
    characters; text either side of the break becomes one text token, as if the source had not
    wrapped. (In place: a paragraph of many lines is joined in one pass.)"""
    tail = strip(line)
    while entry and entry[-1].type == "text" and not entry[-1].content.strip():
        entry.pop()
    left, right = _edge(reversed(entry))[-1:], _edge(tail)[:1]
    gap = "" if left and right and is_cjk(left) and is_cjk(right) else " "
    end = entry[-1] if entry and entry[-1].type == "text" else None
    start = tail[0] if tail[0].type == "text" else None
    if end is not None and start is not None and end.meta == start.meta:
        entry[-1] = _with_text(end, end.content.rstrip() + gap + start.content)
        entry.extend(tail[1:])
    elif end is not None:
        entry[-1] = _with_text(end, end.content.rstrip() + gap)
        entry.extend(tail)
    elif start is not None:
        entry.extend([_with_text(start, gap + start.content), *tail[1:]])
    else:
        entry.extend([*([text_token(gap)] if gap else []), *tail])


def _edge(tokens: Iterable[Token]) -> str:
    """The visible text of the first token of ``tokens`` that shows any (a line's first or, the
    tokens reversed, last words), without reading the whole line."""
    return next((text for tok in tokens if (text := plain([tok]))), "")


_CJK = (
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x3100, 0x312F),  # Bopomofo
    (0x31F0, 0x31FF),  # Katakana extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF00, 0xFF60),  # full-width forms
    (0xFFE0, 0xFFE6),
    (0x20000, 0x3FFFF),  # CJK extensions B onwards
)


def is_cjk(char: str) -> bool:
    """Whether a character is Chinese or Japanese (written without spaces between words; Korean
    puts spaces between words, so a line break there is a space)."""
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK)


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
# An unemphasised label: ``Term: …``, or ``Term — …`` / ``Term - …`` (a dash with spaces).
_PLAIN_LABEL = re.compile(r"([^:：—–]{1,60}?)(?:[:：]\s+|\s+[—–-]\s+)")
_EMPHASIS = {"strong_open": "strong_close", "em_open": "em_close"}


def split_label(tokens: Sequence[Token], *, plain_label: bool = False) -> tuple[str, list[Token]] | None:
    """Split ``**Label:** value`` (or ``**Label**: value``) into the label and the value.

    With ``plain_label``, an unemphasised ``Label: value`` counts too (used only where every
    sibling has one). Returns None when the run does not start with a label.
    """
    lead = next((t for t in tokens if t.type != "text" or t.content.strip()), None)
    if lead is None or not (lead.type in _EMPHASIS or (plain_label and lead.type == "text")):
        return None  # the common case, told without copying the run
    toks = strip(tokens)
    if not toks:
        return None
    first = toks[0]
    if first.type in _EMPHASIS:
        return _emphasised_label(toks)
    if plain_label and first.type == "text":
        return _plain_label(toks)
    return None


def _emphasised_label(toks: list[Token]) -> tuple[str, list[Token]] | None:
    """Split a stripped run that starts with emphasis: ``**Label:** value`` or ``**Label**:
    value``. None when the emphasis is not a label."""
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


def _plain_label(toks: list[Token]) -> tuple[str, list[Token]] | None:
    """Split a stripped run that starts with text: ``Label: value`` or ``Label — value`` (a
    label of at most six words). None when it has no such label, or nothing after it."""
    first = toks[0]
    match = _PLAIN_LABEL.match(first.content)
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
