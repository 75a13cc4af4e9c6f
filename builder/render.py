"""Stage 3: cards become note fields (HTML) and plain text.

Inline Markdown is rendered by markdown-it with raw HTML off, so anything a source wrote as
HTML arrives escaped; code is highlighted by Pygments with CSS classes only (the note type's
CSS colours it, in light and night mode); tables and code sit in boxes that scroll sideways.
Every field is built as :class:`~builder.markup.HTML` (see :mod:`builder.markup`): headings,
labels and hints are plain text, escaped as they are put in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .extract.clozescan import holds_whole
from .highlight import code_html
from .markdown import MATH_DISPLAY, MATH_INLINE, cloze_entities, parser, plain
from .markup import HTML, escape
from .media import offline
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
    Other,
    OwnFields,
    Pairs,
    Paragraph,
    Part,
    Snippet,
    Table,
    Text,
    Way,
    Written,
    breadcrumb,
    unknown_form,
    unknown_part,
)
from .model.cards import SOURCE_FIELD
from .plaintext import answer_text, prompt_text

if TYPE_CHECKING:
    from markdown_it.token import Token

MATH_TYPES = (MATH_INLINE, *MATH_DISPLAY)


@dataclass(frozen=True)
class Rendered:
    """A card ready to become a note."""

    card: Card
    model: str
    """``prompt``, ``reverse``, ``typein`` or ``cloze``, or a team's note type a hand-written
    card names: which note type it uses (its key)."""
    fields: dict[str, HTML]
    """The note's HTML fields by name, in the note type's order."""
    prompt: str
    """The plain-text prompt (``[...]`` where a cloze hides its figure)."""
    answer: str
    """The plain-text answer (for a cloze, the statement with its figure shown)."""
    teaches_html: HTML
    """What the card teaches, without its breadcrumb: the answer's HTML, or the cloze
    statement. Matching it finds a note again after its heading or label was renamed."""


def inline_html(inline: Inline, *, keep_space: bool = False, cloze: bool = False) -> HTML:
    """HTML for an inline run; with ``cloze``, its math is safe inside Anki's cloze marks."""
    md = parser()
    env = {"cloze": cloze}
    # A remote image is shown as its alt text (builder.media): a card never fetches anything.
    tokens = offline(inline.tokens)
    # Trusted: markdown-it renders with raw HTML off (builder.markdown), so every text it
    # writes, math included, is escaped, and every attribute it writes is quoted and escaped.
    html = HTML(md.renderer.renderInline(tokens, md.options, env))  # type: ignore[attr-defined]
    return html if keep_space else html.strip()


def blocks_html(blocks: Iterable[Block]) -> HTML:
    return HTML().join(block_html(b) for b in blocks)


def block_html(block: Block) -> HTML:
    """HTML for one block of a source."""
    if isinstance(block, Paragraph):
        return HTML("<p>{}</p>").format(HTML("<br>").join(inline_html(line) for line in block.lines))
    if isinstance(block, ListBlock):
        items = HTML().join(HTML("<li>{}</li>").format(_item_html(item.blocks)) for item in block.items)
        return _list(block.ordered, items)
    if isinstance(block, Table):
        head = HTML().join(HTML("<th>{}</th>").format(inline_html(c)) for c in block.header)
        body = HTML().join(
            HTML("<tr>{}</tr>").format(HTML().join(HTML("<td>{}</td>").format(inline_html(c)) for c in row))
            for row in block.rows
        )
        return HTML(
            '<div class="table"><table><thead><tr>{}</tr></thead><tbody>{}</tbody></table></div>'
        ).format(head, body)
    if isinstance(block, Code):
        return code_html(block.lang, block.text)
    assert isinstance(block, Other)
    return escape(plain(t for t in block.tokens if t.type == "inline"))


def _list(ordered: bool, items: HTML) -> HTML:
    return (HTML("<ol>{}</ol>") if ordered else HTML("<ul>{}</ul>")).format(items)


def _item_html(blocks: Sequence[Block]) -> HTML:
    if len(blocks) >= 1 and isinstance(blocks[0], Paragraph):
        first = HTML("<br>").join(inline_html(line) for line in blocks[0].lines)
        return first + blocks_html(blocks[1:])
    return blocks_html(blocks)


def part_html(part: Part) -> HTML:
    """HTML for one answer part."""
    if isinstance(part, Text):
        return HTML("<p>{}</p>").format(inline_html(part.inline))
    if isinstance(part, Items):
        entries = HTML().join(
            HTML("<li>{}{}</li>").format(inline_html(head), blocks_html(rest)) for head, rest in part.entries
        )
        return _list(part.ordered, entries)
    if isinstance(part, Pairs):
        # A pair's head is plain text: a label, or the header of a table's column.
        rows = HTML().join(
            HTML('<li><span class="key">{}:</span> {}</li>').format(head, inline_html(value))
            for head, value in part.pairs
        )
        return HTML('<ul class="pairs">{}</ul>').format(rows)
    if isinstance(part, Blocks):
        return blocks_html(part.blocks)
    if isinstance(part, Snippet):
        return code_html(part.lang, part.text, part.lines)
    unknown_part(part)


def parts_html(parts: Iterable[Part]) -> HTML:
    """HTML for answer parts, one after the other."""
    return HTML().join(part_html(p) for p in parts)


# --- Fields -------------------------------------------------------------------------------


def _prompt_html(card: Card, ask_html: HTML, *, cloze: bool = False) -> HTML:
    crumb = breadcrumb(card.crumbs)
    if not crumb:
        return _ask(ask_html)
    # A heading's math may hold ``}}``: in a cloze note's text it must not end a deletion.
    crumb_html = _cloze_safe(escape(crumb)) if cloze else escape(crumb)
    return HTML('<div class="crumb">{}</div>').format(crumb_html) + _ask(ask_html)


def _cloze_safe(html: HTML, *, inside: bool = False) -> HTML:
    """Text that Anki's cloze syntax cannot misread: braces as entities, and inside the
    hidden text colons too (``::`` would start a hint)."""
    # Still HTML: braces and colons are only swapped for the entities that stand for them (on
    # the plain string: HTML's own ``replace`` would escape the entities).
    return HTML(cloze_entities(str(html), colons=inside))


def _cloze_mark(number: int, inside: HTML, hint: HTML | None = None) -> HTML:
    """Anki's deletion ``{{cN::inside::hint}}`` around HTML made cloze-safe."""
    if hint is None:
        return HTML("{{{{c{}::{}}}}}").format(number, inside)
    return HTML("{{{{c{}::{}::{}}}}}").format(number, inside, hint)


def cloze_html(cloze: ClozeText) -> HTML:
    """A cloze's statement with Anki's ``{{cN::…}}`` marks around its gaps (and their hints)."""
    lines = []
    for line in cloze.lines:
        out = []
        for segment in line:
            if isinstance(segment, Gap):
                inside = _cloze_safe(inline_html(segment.inline), inside=True)
                hint = _cloze_safe(escape(segment.hint), inside=True) if segment.hint else None
                out.append(_cloze_mark(segment.number, inside, hint))
            else:
                out.append(_shown_html(segment))
        lines.append(HTML().join(out).strip())
    if not cloze.listed:
        return HTML("<br>").join(lines)
    intro = HTML("<p>{}</p>").format(_cloze_safe(escape(cloze.intro))) if cloze.intro else HTML()
    return intro + _list(cloze.ordered, HTML().join(HTML("<li>{}</li>").format(line) for line in lines))


def _shown_html(segment: Inline) -> HTML:
    """Shown text of a cloze, braces as entities, except the deletions written inside math
    (``$x^{ {{c1::2}} }$``), which stay Anki's marks."""
    out: list[HTML] = []
    run: list[Token] = []
    for tok in segment.tokens:
        if tok.type in MATH_TYPES and holds_whole(tok.content):
            out.append(_cloze_safe(inline_html(Inline(tuple(run), segment.origin), keep_space=True)))
            out.append(inline_html(Inline((tok,), segment.origin), keep_space=True, cloze=True))
            run = []
        else:
            run.append(tok)
    out.append(_cloze_safe(inline_html(Inline(tuple(run), segment.origin), keep_space=True)))
    return HTML().join(out)


_MODELS: dict[Way, str] = {"forward": "prompt", "both": "reverse", "typed": "typein"}
"""The note type of a prompt/answer card, by how it is asked."""


def render(card: Card) -> Rendered:
    """The note fields and plain text of a card."""
    # The file only: a line number would change every note below an inserted line.
    source = escape(card.origin.path)
    form = card.form
    if isinstance(form, Answered):
        fields = {
            "Prompt": _prompt_html(card, escape(card.ask)),
            "Answer": parts_html(form.answer),
            "Source": source,
        }
        return Rendered(card, _MODELS[form.way], fields, card.prompt, answer_text(card), fields["Answer"])
    if isinstance(form, Clozed):
        return _cloze_note(card, cloze_html(form.cloze), form.extra, source)
    if isinstance(form, Written):
        return _cloze_note(card, inline_html(form.statement, cloze=True), form.extra, source)
    if isinstance(form, OwnFields):
        fields = {name: source if name == SOURCE_FIELD else parts_html((part,)) for name, part in form.fields}
        taught = HTML().join(html for name, html in fields.items() if name != SOURCE_FIELD)
        return Rendered(card, form.note_type, fields, card.prompt, answer_text(card), taught)
    unknown_form(form)


def _cloze_note(card: Card, statement: HTML, extra: tuple[Part, ...], source: HTML) -> Rendered:
    """A cloze card rendered: its statement with Anki's marks, the context under it, its source."""
    fields = {
        "Text": _prompt_html(card, statement, cloze=True),
        "Extra": parts_html(extra),
        "Source": source,
    }
    return Rendered(card, "cloze", fields, prompt_text(card), answer_text(card), statement)


# --- Tombstones ---------------------------------------------------------------------------


def tombstone_fields(
    model: str, prompt: str, removed: str, tag: str, fields: Sequence[str] = ()
) -> dict[str, HTML]:
    """The fields of the note shipped for one removed from the source: its prompt, marked
    removed in version ``removed``, and how to find every removed note (by ``tag``). ``fields``:
    a team's note type's fields (a hand-written card's ``note_type``), the first of which says
    all that, the others empty; none: a built-in note type's."""
    notice = HTML(
        "<p>Removed from the deck in version {removed}. "
        "Find every removed note with the search <code>tag:{tag}</code>.</p>"
    ).format(removed=removed, tag=tag)
    crumb = HTML('<div class="crumb">Removed in version {}</div>').format(removed)
    if fields:
        first, *rest = fields
        return {first: crumb + _ask(escape(prompt)) + notice, **dict.fromkeys(rest, HTML())}
    if model == "cloze":
        # The prompt is text: braces and colons in it must not read as cloze syntax.
        hidden = _cloze_mark(1, _cloze_safe(escape(prompt), inside=True))
        return {"Text": crumb + _ask(hidden), "Extra": notice, "Source": HTML()}
    return {"Prompt": crumb + _ask(escape(prompt)), "Answer": notice, "Source": HTML()}


def _ask(html: HTML) -> HTML:
    return HTML('<div class="ask">{}</div>').format(html)
