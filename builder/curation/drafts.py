"""The curation entries the preview's buttons copy: a drop line, or a rewrite that starts from
the card's current text as Markdown."""

from __future__ import annotations

import json
import re

import yaml

from ..markdown import markdown_text, plain
from ..model import Block, Blocks, Card, Code, Items, ListBlock, Note, Pairs, Paragraph, Part, Table, Text


def draft(card: Card) -> tuple[tuple[str, str], ...]:
    """The fields a rewrite of ``card`` starts from, as Markdown: its prompt and answer, or its
    cloze statement."""
    from ..plaintext import cloze_source

    if card.cloze is not None or card.statement is not None:
        return (("cloze", cloze_source(card)),)
    return (("prompt", card.ask), ("answer", "\n\n".join(_part_markdown(p) for p in card.answer).strip()))


def _part_markdown(part: Part) -> str:
    if isinstance(part, Text):
        return markdown_text(part.inline.tokens)
    if isinstance(part, Items):
        return "\n".join(
            f"{f'{n}.' if part.ordered else '-'} {markdown_text(head.tokens)}"
            + "".join("\n" + _indent(_block_markdown(b)) for b in rest)
            for n, (head, rest) in enumerate(part.entries, start=1)
        )
    if isinstance(part, Pairs):
        return "\n".join(f"- **{head}:** {markdown_text(value.tokens)}" for head, value in part.pairs)
    if isinstance(part, Blocks):
        return "\n\n".join(_block_markdown(b) for b in part.blocks)
    return _fenced(part.lang, part.text)


def _block_markdown(block: Block) -> str:
    if isinstance(block, Paragraph):
        return "\n".join(markdown_text(line.tokens) for line in block.lines)
    if isinstance(block, ListBlock):
        out = []
        for n, item in enumerate(block.items, start=1):
            body = "\n".join(_block_markdown(b) for b in item.blocks)
            mark = f"{n}." if block.ordered else "-"
            out.append(f"{mark} " + _indent(body, " " * (len(mark) + 1)).lstrip())
        return "\n".join(out)
    if isinstance(block, Table):
        rows = [block.header, *block.rows]
        lines = ["| " + " | ".join(markdown_text(c.tokens) for c in row) + " |" for row in rows]
        return "\n".join([lines[0], "|" + "---|" * len(block.header), *lines[1:]])
    if isinstance(block, Code):
        return _fenced(block.lang, block.text)
    return plain(t for t in block.tokens if t.type == "inline")


def _fenced(lang: str, text: str) -> str:
    fence = "~~~" if "```" in text else "```"
    return f"{fence}{lang}\n{text}\n{fence}"


def _indent(text: str, pad: str = "  ") -> str:
    return "\n".join(pad + line if line else line for line in text.split("\n"))


def drop_entry(note: Note) -> str:
    """The curation line that drops ``note``."""
    return f"{_key(note.key)}: drop\n"


def rewrite_entry(note: Note) -> str:
    """The curation entry that starts a rewrite of ``note``, with its current text."""
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
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, text)
    dumped: str = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    return dumped
