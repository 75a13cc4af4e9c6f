"""Cards as plain text: the prompt and answer a learner reads, without markup.

Used for ``cards --json``, for the sort field, and by extraction to tell prompts apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from markdown_it.token import Token

from .markdown import CLOZE, math_text, plain
from .model import (
    Answered,
    Block,
    Blocks,
    Card,
    Clozed,
    ClozeText,
    Code,
    Gap,
    Inline,
    Items,
    ListBlock,
    OwnFields,
    Pairs,
    Paragraph,
    Part,
    Segment,
    Snippet,
    Table,
    Text,
    Written,
    breadcrumb,
    unknown_form,
    unknown_part,
)


def block_text(block: Block, depth: int = 0) -> list[str]:
    """Plain-text lines for a block (list items as ``- item``)."""
    pad = "  " * depth
    if isinstance(block, Paragraph):
        return [pad + plain(line.tokens) for line in block.lines]
    if isinstance(block, ListBlock):
        out = []
        for n, item in enumerate(block.items, start=1):
            mark = f"{n}." if block.ordered else "-"
            inner = [line for b in item.blocks for line in block_text(b)]
            if inner:
                out.append(f"{pad}{mark} {inner[0]}")
                out.extend(f"{pad}  {line}" for line in inner[1:])
        return out
    if isinstance(block, Table):
        heads = [plain(c.tokens) for c in block.header]
        return [pad + " | ".join(heads)] + [
            pad + " | ".join(plain(c.tokens) for c in row) for row in block.rows
        ]
    if isinstance(block, Code):
        return block.text.split("\n")
    return [pad + plain(t for t in block.tokens if t.type == "inline")]


def part_text(part: Part) -> list[str]:
    """Plain-text lines for an answer part."""
    if isinstance(part, Text):
        return [plain(part.inline.tokens)]
    if isinstance(part, Items):
        out = []
        for n, (head, rest) in enumerate(part.entries, start=1):
            mark = f"{n}." if part.ordered else "-"
            out.append(f"{mark} {plain(head.tokens)}")
            out.extend(f"  {line}" for b in rest for line in block_text(b))
        return out
    if isinstance(part, Pairs):
        return [f"{head}: {plain(value.tokens)}" for head, value in part.pairs]
    if isinstance(part, Blocks):
        return [line for b in part.blocks for line in block_text(b)]
    if isinstance(part, Snippet):
        return part.text.split("\n")
    unknown_part(part)


def cloze_text(card: Card, statement: Inline, *, shown: bool) -> str:
    """A hand-written cloze's plain text: ``[...]`` (or its hint) where hidden, else the answers."""
    text = plain(statement.tokens)
    if shown:
        text = CLOZE.sub(lambda m: m.group(2), text)
    else:
        text = CLOZE.sub(lambda m: f"[{m.group(3)}]" if m.group(3) else "[...]", text)
    crumb = breadcrumb(card.crumbs)
    return f"{crumb} — {text}" if crumb else text


def prompt_text(card: Card, gap: int = 1) -> str:
    """The plain-text prompt a learner reads (``[...]`` where a cloze hides its answer); for a
    generated cloze, the prompt of its card ``gap``."""
    form = card.form
    if isinstance(form, (Answered, OwnFields)):
        return card.prompt
    if isinstance(form, Clozed):
        return _with_crumb(card, form.cloze, cloze_plain(form.cloze, gap))
    if isinstance(form, Written):
        return cloze_text(card, form.statement, shown=False)
    unknown_form(form)


def cloze_prompts(card: Card) -> tuple[str, ...]:
    """The prompt of each card of a generated cloze that uses several numbers (else none): one
    per number it uses, never one for each number up to its highest."""
    if not isinstance(card.form, Clozed):
        return ()
    cloze = card.form.cloze
    numbers = cloze.numbers
    if len(numbers) < 2:
        return ()
    # Each line's text is made once: a prompt differs from the statement shown whole only in
    # the lines that hold its number (a list cloze of n items has n prompts of n lines).
    shown = [_marked(cloze, i, _line_text(line, None)) for i, line in enumerate(cloze.lines)]
    holding: dict[int | None, list[int]] = {}
    for i, line in enumerate(cloze.lines):
        for number in _numbers_in(line):
            holding.setdefault(number, []).append(i)
    prompts = []
    for number in numbers:
        lines = list(shown)
        for i in sorted({*holding.get(number, ()), *holding.get(None, ())}):
            lines[i] = _marked(cloze, i, _line_text(cloze.lines[i], number))
        prompts.append(_with_crumb(card, cloze, "\n".join([cloze.intro, *lines] if cloze.intro else lines)))
    return tuple(prompts)


def _numbers_in(line: tuple[Segment, ...]) -> set[int | None]:
    """The numbers of a line's gaps; None among them when its math may hold a deletion."""
    numbers: set[int | None] = {s.number for s in line if isinstance(s, Gap)}
    if any(math_text(t) is not None for s in line if not isinstance(s, Gap) for t in s.tokens):
        numbers.add(None)
    return numbers


def answer_text(card: Card) -> str:
    """The plain-text answer a learner reads (a team note type's card: its second field, its
    first being the prompt)."""
    form = card.form
    if isinstance(form, Answered):
        return _parts_text(form.answer)
    if isinstance(form, Clozed):
        return cloze_plain(form.cloze, None)
    if isinstance(form, Written):
        return cloze_text(card, form.statement, shown=True)
    if isinstance(form, OwnFields):
        return _parts_text(part for _, part in form.fields[1:2])
    unknown_form(form)


def _parts_text(parts: Iterable[Part]) -> str:
    """Answer parts as plain text, one after the other."""
    return "\n".join(line for part in parts for line in part_text(part)).strip()


def cloze_plain(cloze: ClozeText, hide: int | None) -> str:
    """A generated cloze as plain text, with gap ``hide`` shown as ``[...]`` (None: all shown)."""
    return _statement(cloze, [_line_text(line, hide) for line in cloze.lines])


def _statement(cloze: ClozeText, lines: list[str]) -> str:
    """A cloze's lines as one text: spaces collapsed, a list's items marked, its intro first."""
    lines = [_marked(cloze, i, line) for i, line in enumerate(lines)]
    return "\n".join([cloze.intro, *lines] if cloze.intro else lines)


def _marked(cloze: ClozeText, index: int, line: str) -> str:
    """Line ``index`` of a cloze, its spaces collapsed, marked as an item when it is a list's."""
    line = " ".join(line.split())
    return f"{f'{index + 1}.' if cloze.ordered else '-'} {line}" if cloze.listed else line


def _line_text(line: tuple[object, ...], hide: int | None) -> str:
    out = []
    for segment in line:
        if isinstance(segment, Gap):
            if segment.number == hide:
                out.append(f"[{segment.hint}]" if segment.hint else "[...]")
            else:
                out.append("".join(map(_raw_text, segment.inline.tokens)))
        else:
            assert hasattr(segment, "tokens")
            out.append("".join(_shown_text(t, hide) for t in segment.tokens))
    return "".join(out)


def _shown_text(token: Token, hide: int | None) -> str:
    """A shown token's text; in math, a deletion written there shows its answer, or ``[...]``
    (its hint) on the card that hides it."""
    text = _raw_text(token)
    if math_text(token) is None or "{{" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        if int(match.group(1)) != hide:
            return match.group(2)
        return f"[{match.group(3)}]" if match.group(3) else "[...]"

    return CLOZE.sub(one, text)


def _with_crumb(card: Card, cloze: ClozeText, text: str) -> str:
    """A generated cloze's ``text`` after the card's breadcrumb."""
    crumb = breadcrumb(card.crumbs)
    if not crumb:
        return text
    # A list starts on its own line, under the breadcrumb.
    return f"{crumb} —\n{text}" if cloze.listed and not cloze.intro else f"{crumb} — {text}"


def _raw_text(token: Token | str) -> str:
    """Text of one inline token with its surrounding spaces kept (``plain`` trims them)."""
    if isinstance(token, str):
        return token
    if token.type in ("text", "code_inline"):
        return token.content
    if token.type in ("softbreak", "hardbreak"):
        return " "
    if (tex := math_text(token)) is not None:
        return tex
    return plain([token]) if token.children else ""
