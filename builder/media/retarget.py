"""A card's media pointed at where the deck holds them: each image token at the name its file is
packed under (:func:`retargeted`), a remote one the deck does not hold as its alt text, and a
sound or a video as Anki's ``[sound:…]`` (:func:`offline`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any
from urllib.parse import unquote

from markdown_it.token import Token

from ..markdown import plain, text_token
from ..model import (
    Answered,
    Block,
    Blocks,
    Card,
    Clozed,
    Form,
    Gap,
    Inline,
    Items,
    ListBlock,
    Other,
    OwnFields,
    Pairs,
    Paragraph,
    Part,
    Segment,
    Table,
    Text,
    Written,
    unknown_form,
)
from .kinds import REMOTE, plays

SOURCE_PATH = "deckbuilder.source_path"
"""Key of an image token's ``meta``: the path its author wrote, kept where :func:`builder.media.attach` points
the token at the name it is packed under (a rewrite's draft writes the image by it)."""


def retargeted(card: Card, names: Mapping[str, str | None]) -> Card:
    """``card`` with copies of its image tokens pointing at ``names[src]``; an image whose
    name is None (a remote one) becomes its alt text (nothing when it has none)."""

    def tokens(run: Sequence[Token]) -> tuple[Token, ...]:
        out = []
        for tok in run:
            src = str(tok.attrs.get("src", ""))
            if tok.type == "image" and src in names and names[src] is None:
                out += _alt(tok)
                continue
            changes: dict[str, Any] = {}
            if tok.children:
                changes["children"] = list(tokens(tok.children))
            if tok.type == "image" and src in names:
                changes["attrs"] = {**tok.attrs, "src": names[src]}
                changes["meta"] = {**(tok.meta or {}), SOURCE_PATH: src}
            out.append(tok.copy(**changes) if changes else tok)
        return tuple(out)

    def inline(run: Inline) -> Inline:
        return replace(run, tokens=tokens(run.tokens))

    def segment(piece: Segment) -> Segment:
        return replace(piece, inline=inline(piece.inline)) if isinstance(piece, Gap) else inline(piece)

    def block(item: Block) -> Block:
        if isinstance(item, Paragraph):
            return replace(item, lines=tuple(inline(line) for line in item.lines))
        if isinstance(item, ListBlock):
            return replace(item, items=tuple(replace(i, blocks=blocks(i.blocks)) for i in item.items))
        if isinstance(item, Table):
            header = tuple(inline(cell) for cell in item.header)
            return replace(
                item, header=header, rows=tuple(tuple(inline(c) for c in row) for row in item.rows)
            )
        if isinstance(item, Other):
            return replace(item, tokens=tokens(item.tokens))
        return item

    def blocks(items: Iterable[Block]) -> tuple[Block, ...]:
        return tuple(block(item) for item in items)

    def part(piece: Part) -> Part:
        if isinstance(piece, Text):
            return Text(inline(piece.inline))
        if isinstance(piece, Items):
            return replace(piece, entries=tuple((inline(head), blocks(rest)) for head, rest in piece.entries))
        if isinstance(piece, Pairs):
            return Pairs(tuple((head, inline(value)) for head, value in piece.pairs))
        if isinstance(piece, Blocks):
            return Blocks(blocks(piece.blocks))
        return piece

    def form(shown: Form) -> Form:
        if isinstance(shown, Answered):
            return replace(shown, answer=tuple(part(p) for p in shown.answer))
        if isinstance(shown, Clozed):
            lines = tuple(tuple(segment(s) for s in line) for line in shown.cloze.lines)
            return Clozed(replace(shown.cloze, lines=lines), tuple(part(p) for p in shown.extra))
        if isinstance(shown, Written):
            return Written(inline(shown.statement), tuple(part(p) for p in shown.extra))
        if isinstance(shown, OwnFields):
            return replace(shown, fields=tuple((name, Blocks(blocks(b.blocks))) for name, b in shown.fields))
        unknown_form(shown)

    return replace(card, form=form(card.form))


def _alt(image: Token) -> list[Token]:
    """What a card shows in place of an image it cannot show: its alt text, or nothing."""
    alt = plain(image.children or ())
    return [text_token(alt)] if alt else []


def offline(tokens: Sequence[Token]) -> list[Token]:
    """Inline tokens with every remote image in them as its alt text: a card never fetches
    anything (:func:`attach` has already done so for a built card's images). A sound or a
    video is Anki's ``[sound:name]``, by the name it is packed under (:func:`attach`)."""
    out: list[Token] = []
    for tok in tokens:
        if tok.type == "image" and REMOTE.match(str(tok.attrs.get("src", ""))):
            out += _alt(tok)
        elif tok.type == "image" and plays(tok):
            out.append(text_token(f"[sound:{unquote(str(tok.attrs.get('src', '')))}]"))
        elif tok.children and any(t.type == "image" for t in tok.children):
            out.append(tok.copy(children=offline(tok.children)))
        else:
            out.append(tok)
    return out
