"""Stage 3: cards become note fields (HTML) and plain text.

Inline Markdown is rendered by markdown-it with raw HTML off, so anything a source wrote as
HTML arrives escaped; code is highlighted by Pygments with CSS classes only (the note type's
CSS colours it, in light and night mode); tables and code sit in boxes that scroll sideways.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from .highlight import code_html
from .markdown import CLOZE, MATH_DISPLAY, MATH_INLINE, cloze_entities, parser, plain
from .model import (
    Block,
    Blocks,
    Card,
    ClozeText,
    Code,
    Gap,
    Inline,
    Items,
    ListBlock,
    Other,
    Pairs,
    Paragraph,
    Part,
    Table,
    Text,
    breadcrumb,
)
from .plaintext import answer_text, prompt_text

if TYPE_CHECKING:
    from markdown_it.token import Token

MATH_TYPES = (MATH_INLINE, *MATH_DISPLAY)


@dataclass(frozen=True)
class Rendered:
    """A card ready to become a note."""

    card: Card
    model: str
    """``prompt``, ``reverse`` or ``cloze``: which note type it uses."""
    fields: dict[str, str]
    """The note's HTML fields by name, in the note type's order."""
    prompt: str
    """The plain-text prompt (``[...]`` where a cloze hides its figure)."""
    answer: str
    """The plain-text answer (for a cloze, the statement with its figure shown)."""
    teaches_html: str
    """What the card teaches, without its breadcrumb: the answer's HTML, or the cloze
    statement. Matching it finds a note again after its heading or label was renamed."""


def inline_html(inline: Inline, *, keep_space: bool = False, cloze: bool = False) -> str:
    """HTML for an inline run; with ``cloze``, its math is safe inside Anki's cloze marks."""
    md = parser()
    env = {"cloze": cloze}
    html: str = md.renderer.renderInline(list(inline.tokens), md.options, env)  # type: ignore[attr-defined]
    return html if keep_space else html.strip()


def blocks_html(blocks: Iterable[Block]) -> str:
    return "".join(block_html(b) for b in blocks)


def block_html(block: Block) -> str:
    """HTML for one block of a source."""
    if isinstance(block, Paragraph):
        return "<p>" + "<br>".join(inline_html(line) for line in block.lines) + "</p>"
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{_item_html(item.blocks)}</li>" for item in block.items)
        return f"<{tag}>{items}</{tag}>"
    if isinstance(block, Table):
        head = "".join(f"<th>{inline_html(c)}</th>" for c in block.header)
        body = "".join(
            "<tr>" + "".join(f"<td>{inline_html(c)}</td>" for c in row) + "</tr>" for row in block.rows
        )
        table = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        return f'<div class="table">{table}</div>'
    if isinstance(block, Code):
        return code_html(block.lang, block.text)
    assert isinstance(block, Other)
    return escape(plain(t for t in block.tokens if t.type == "inline"))


def _item_html(blocks: Sequence[Block]) -> str:
    if len(blocks) >= 1 and isinstance(blocks[0], Paragraph):
        first = "<br>".join(inline_html(line) for line in blocks[0].lines)
        return first + blocks_html(blocks[1:])
    return blocks_html(blocks)


def part_html(part: Part) -> str:
    """HTML for one answer part."""
    if isinstance(part, Text):
        return f"<p>{inline_html(part.inline)}</p>"
    if isinstance(part, Items):
        tag = "ol" if part.ordered else "ul"
        entries = "".join(f"<li>{inline_html(head)}{blocks_html(rest)}</li>" for head, rest in part.entries)
        return f"<{tag}>{entries}</{tag}>"
    if isinstance(part, Pairs):
        rows = "".join(
            f'<li><span class="key">{escape(head)}:</span> {inline_html(value)}</li>'
            for head, value in part.pairs
        )
        return f'<ul class="pairs">{rows}</ul>'
    if isinstance(part, Blocks):
        return blocks_html(part.blocks)
    return code_html(part.lang, part.text, part.lines)


# --- Fields -------------------------------------------------------------------------------


def _prompt_html(card: Card, ask_html: str, *, cloze: bool = False) -> str:
    crumb = breadcrumb(card.crumbs)
    if not crumb:
        return f'<div class="ask">{ask_html}</div>'
    # A heading's math may hold ``}}``: in a cloze note's text it must not end a deletion.
    crumb_html = _cloze_safe(escape(crumb)) if cloze else escape(crumb)
    return f'<div class="crumb">{crumb_html}</div><div class="ask">{ask_html}</div>'


def _cloze_safe(html: str, *, inside: bool = False) -> str:
    """Text that Anki's cloze syntax cannot misread: braces as entities, and inside the
    hidden text colons too (``::`` would start a hint)."""
    return cloze_entities(html, colons=inside)


def cloze_html(cloze: ClozeText) -> str:
    """A cloze's statement with Anki's ``{{cN::…}}`` marks around its gaps (and their hints)."""
    lines = []
    for line in cloze.lines:
        out = []
        for segment in line:
            if isinstance(segment, Gap):
                inside = _cloze_safe(inline_html(segment.inline), inside=True)
                hint = f"::{_cloze_safe(escape(segment.hint), inside=True)}" if segment.hint else ""
                out.append(f"{{{{c{segment.number}::{inside}{hint}}}}}")
            else:
                out.append(_shown_html(segment))
        lines.append("".join(out).strip())
    if not cloze.listed:
        return "<br>".join(lines)
    intro = f"<p>{_cloze_safe(escape(cloze.intro))}</p>" if cloze.intro else ""
    tag = "ol" if cloze.ordered else "ul"
    return f"{intro}<{tag}>" + "".join(f"<li>{line}</li>" for line in lines) + f"</{tag}>"


def _shown_html(segment: Inline) -> str:
    """Shown text of a cloze, braces as entities, except the deletions written inside math
    (``$x^{ {{c1::2}} }$``), which stay Anki's marks."""
    out: list[str] = []
    run: list[Token] = []
    for tok in segment.tokens:
        if tok.type in MATH_TYPES and CLOZE.search(tok.content):
            out.append(_cloze_safe(inline_html(Inline(tuple(run), segment.origin), keep_space=True)))
            out.append(inline_html(Inline((tok,), segment.origin), keep_space=True, cloze=True))
            run = []
        else:
            run.append(tok)
    out.append(_cloze_safe(inline_html(Inline(tuple(run), segment.origin), keep_space=True)))
    return "".join(out)


def render(card: Card) -> Rendered:
    """The note fields and plain text of a card."""
    # The file only: a line number would change every note below an inserted line.
    source = escape(card.origin.path)
    if card.statement is not None:
        statement = inline_html(card.statement, cloze=True)
        fields = {
            "Text": _prompt_html(card, statement, cloze=True),
            "Extra": "".join(part_html(p) for p in card.extra),
            "Source": source,
        }
        return Rendered(card, "cloze", fields, prompt_text(card), answer_text(card), statement)
    if card.cloze is not None:
        statement = cloze_html(card.cloze)
        fields = {
            "Text": _prompt_html(card, statement, cloze=True),
            "Extra": "".join(part_html(p) for p in card.extra),
            "Source": source,
        }
        return Rendered(card, "cloze", fields, prompt_text(card), answer_text(card), statement)
    fields = {
        "Prompt": _prompt_html(card, escape(card.ask)),
        "Answer": "".join(part_html(p) for p in card.answer),
        "Source": source,
    }
    model = "reverse" if card.reverse else "prompt"
    return Rendered(card, model, fields, card.prompt, answer_text(card), fields["Answer"])


# --- Tombstones ---------------------------------------------------------------------------


def tombstone_fields(model: str, prompt: str, removed: str, tag: str) -> dict[str, str]:
    """The fields of the note shipped for one removed from the source: its prompt, marked
    removed in version ``removed``, and how to find every removed note (by ``tag``)."""
    notice = (
        f"Removed from the deck in version {escape(removed)}. "
        f"Find every removed note with the search <code>tag:{tag}</code>."
    )
    crumb = f'<div class="crumb">Removed in version {escape(removed)}</div>'
    if model == "cloze":
        return {
            # The prompt is text: braces and colons in it must not read as cloze syntax.
            "Text": f'{crumb}<div class="ask">{{{{c1::{_cloze_safe(escape(prompt), inside=True)}}}}}</div>',
            "Extra": f"<p>{notice}</p>",
            "Source": "",
        }
    return {
        "Prompt": f'{crumb}<div class="ask">{escape(prompt)}</div>',
        "Answer": f"<p>{notice}</p>",
        "Source": "",
    }
