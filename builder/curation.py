"""Curation: the author's word on the generated cards, kept beside the source.

``notes.md`` is curated by ``notes.curation.yaml`` in the same folder (a YAML card file
``cards.yaml`` by ``cards.curation.yaml``). It maps card keys (``deckbuilder cards --json``, the
preview, ``cards --skipped``) to what the author wants::

    # A generated card that teaches nothing:
    notes/storage/cell:innodb:best-for: drop
    # A part the rules skipped, wanted after all:
    notes/failover/cell:split-brain:likelihood: restore
    # A card said better by hand; ``was`` is the generated card's fingerprint:
    notes/storage/fact:root-cause:
      prompt: What made the mempool grow without bound?
      answer: transactions were never evicted
      was: 3f2a9c1b

A rewrite keeps the card's key, so its note (and the learner's history) stays; a cloze card
is rewritten with ``cloze:`` (Anki's ``{{c1::…}}`` marks) and a prompt/answer card with
``prompt:`` and/or ``answer:`` (Markdown), because a note that changed type would be a new note.
The breadcrumb stays. Every build applies the file again, so the curation survives any
regeneration; an entry whose key no longer exists is a warning at its line, and so is a
rewrite whose generated card changed since ``was`` was written: the author reviews it and
updates ``was``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from .errors import SourceError
from .markdown import markdown_text, parser, plain
from .model import (
    Block,
    Blocks,
    Card,
    ClozeText,
    Code,
    Diagnostic,
    Gap,
    Inline,
    Items,
    ListBlock,
    Note,
    Origin,
    Pairs,
    Paragraph,
    Part,
    Segment,
    Skipped,
    Table,
    Text,
)
from .read import snippet_blocks
from .sources import curation_path
from .text import read_text

ACTIONS = ("drop", "restore")
REWRITE_KEYS = ("prompt", "answer", "cloze", "was")


def fingerprint(card: Card) -> str:
    """A short hash of what a card shows (prompt and answer): how a rewrite notices that the
    card it replaced changed."""
    from .plaintext import answer_text, prompt_text

    data = f"{card.kind}\0{prompt_text(card)}\0{answer_text(card)}"
    return hashlib.sha256(data.encode()).hexdigest()[:8]


@dataclass(frozen=True)
class Entry:
    """One line (or block) of a curation file."""

    key: str
    line: int
    action: str
    """``drop``, ``restore`` or ``rewrite``."""
    prompt: str | None = None
    answer: tuple[str, int] | None = None
    """The answer's Markdown and the line it starts on."""
    cloze: str | None = None
    was: str | None = None


@dataclass(frozen=True)
class Curation:
    """A loaded curation file."""

    path: str
    """As shown in messages."""
    entries: tuple[Entry, ...]

    @property
    def wanted(self) -> frozenset[str]:
        """Keys of skipped cards the author wants back (restored, or rewritten)."""
        return frozenset(e.key for e in self.entries if e.action in ("restore", "rewrite"))

    def origin(self, entry: Entry) -> Origin:
        return Origin(self.path, entry.line)


def load_curation(source: Path, shown: str) -> Curation | None:
    """The curation file of the source at ``source`` (``shown`` in messages), if it has one."""
    path = curation_path(source)
    if not path.is_file():
        return None
    where = str(Path(shown).with_name(path.name))
    return parse_curation(read_text(path, where), where)


def parse_curation(text: str, shown: str) -> Curation:
    """Curation text, checked: a problem is an error at its line."""
    from .yamlcards import compose

    root = compose(text, shown, "a curation file")
    if root is None:
        return Curation(shown, ())
    if not isinstance(root, MappingNode):
        raise SourceError(Origin(shown, 1), "a curation file maps card keys to drop, restore or a rewrite")
    entries: dict[str, Entry] = {}
    for key_node, value in root.value:
        line = key_node.start_mark.line + 1
        key = str(key_node.value).strip() if isinstance(key_node, ScalarNode) else ""
        if not key:
            raise SourceError(Origin(shown, line), "a curation entry is named by a card key")
        if key in entries:
            raise SourceError(
                Origin(shown, line), f"“{key}” is curated twice (first at line {entries[key].line})"
            )
        entries[key] = _entry(key, line, value, shown)
    return Curation(shown, tuple(entries.values()))


def _entry(key: str, line: int, value: Node, shown: str) -> Entry:
    if isinstance(value, ScalarNode) and str(value.value).strip().lower() in ACTIONS:
        return Entry(key, line, str(value.value).strip().lower())
    if not isinstance(value, MappingNode):
        raise SourceError(
            Origin(shown, line),
            f"“{key}”: write drop, restore, or a rewrite (prompt:, answer:, cloze:, was:)",
        )
    found: dict[str, tuple[str, int]] = {}
    for name_node, text_node in value.value:
        name = str(name_node.value) if isinstance(name_node, ScalarNode) else "…"
        at = name_node.start_mark.line + 1
        if name not in REWRITE_KEYS:
            raise SourceError(
                Origin(shown, at), f"“{key}”: unknown key “{name}” (known: {', '.join(REWRITE_KEYS)})"
            )
        if not isinstance(text_node, ScalarNode) or text_node.tag.endswith(":null"):
            raise SourceError(Origin(shown, at), f"“{key}”: {name} must be text")
        block = text_node.style in ("|", ">")
        found[name] = (str(text_node.value), text_node.start_mark.line + 1 + (1 if block else 0))
    if not {"prompt", "answer", "cloze"} & set(found):
        raise SourceError(Origin(shown, line), f"“{key}”: a rewrite needs prompt:, answer: or cloze:")
    if "cloze" in found and {"prompt", "answer"} & set(found):
        raise SourceError(Origin(shown, line), f"“{key}”: a rewrite is either cloze: or prompt:/answer:")
    for name in ("prompt", "answer", "cloze"):
        if name in found and not found[name][0].strip():
            raise SourceError(Origin(shown, found[name][1]), f"“{key}”: {name} is empty")
    return Entry(
        key,
        line,
        "rewrite",
        prompt=found["prompt"][0] if "prompt" in found else None,
        answer=found.get("answer"),
        cloze=found["cloze"][0] if "cloze" in found else None,
        was=found["was"][0].strip() if "was" in found else None,
    )


def curate(
    curation: Curation, cards: Sequence[Card], skipped: Iterable[Skipped], restorable: Iterable[str]
) -> tuple[list[Card], list[Skipped], list[Diagnostic]]:
    """Apply a curation to a source's cards (restored ones already among them).

    ``skipped``: what gave no card; ``restorable``: the keys of skipped cards the source could
    give. Returns the cards, the parts that gave no card (dropped ones added) and the warnings
    and errors found.
    """
    by_key = {card.key: card for card in cards}
    could = set(restorable)
    gone = {s.key for s in skipped if s.key}
    problems: list[Diagnostic] = []
    dropped: dict[str, Entry] = {}
    rewritten: dict[str, Card] = {}
    for entry in curation.entries:
        where = curation.origin(entry)
        if entry.key not in by_key and entry.key not in could:
            problems.append(
                Diagnostic(
                    where,
                    "warning",
                    f"no card has the key “{entry.key}” any more (its heading, label or row was renamed,"
                    " or the part was removed); update the key or remove the entry",
                )
            )
            continue
        if entry.action == "restore":
            if entry.key in gone or entry.key not in by_key:
                problems.append(Diagnostic(where, "warning", f"“{entry.key}” could not be restored"))
            elif entry.key not in could:
                problems.append(
                    Diagnostic(where, "warning", f"“{entry.key}” is not skipped: there is nothing to restore")
                )
            continue
        card = by_key.get(entry.key)
        if card is None:  # the rules skip it and it was not restored (a duplicate answer)
            problems.append(Diagnostic(where, "warning", f"“{entry.key}” is skipped: restore it first"))
            continue
        if entry.action == "drop":
            dropped[entry.key] = entry
            continue
        made = _rewrite(card, entry, curation, problems)
        if made is not None:
            rewritten[entry.key] = made
    kept = [rewritten.get(card.key, card) for card in cards if card.key not in dropped]
    extra = [
        Skipped(card.origin, f"dropped by {curation.origin(dropped[card.key])}", card.prompt)
        for card in cards
        if card.key in dropped
    ]
    return kept, extra, problems


def _rewrite(card: Card, entry: Entry, curation: Curation, problems: list[Diagnostic]) -> Card | None:
    """The card as the author rewrote it, with the fingerprint of the card it replaces."""
    where = curation.origin(entry)
    now = fingerprint(card)
    if entry.was is None:
        problems.append(
            Diagnostic(
                where,
                "warning",
                f"“{entry.key}”: add was: {now} to be told when the generated card under this rewrite changes",
            )
        )
    elif entry.was != now:
        problems.append(
            Diagnostic(
                where,
                "warning",
                f"the generated card “{card.prompt}” ({card.origin}) changed since it was rewritten"
                f" (was {entry.was}, now {now}): review the rewrite, then set was: {now}",
            )
        )
    is_cloze = card.cloze is not None or card.statement is not None
    if is_cloze and entry.cloze is None:
        problems.append(
            Diagnostic(
                where,
                "error",
                f"“{entry.key}” is a cloze card: rewrite it with cloze: (its note keeps its type)",
            )
        )
        return None
    if not is_cloze and entry.cloze is not None:
        problems.append(
            Diagnostic(
                where,
                "error",
                f"“{entry.key}” is a prompt/answer card: rewrite it with prompt: and answer: (its note keeps its type)",
            )
        )
        return None
    if entry.cloze is not None:
        cloze = _cloze(entry.cloze, where, entry.key, problems)
        return None if cloze is None else replace(card, cloze=cloze, statement=None, generated=now)
    ask = (
        " ".join(plain(parser().parseInline(entry.prompt.strip())[0].children or ()).split())
        if entry.prompt
        else card.ask
    )
    answer = card.answer
    if entry.answer is not None:
        text, line = entry.answer
        blocks, _, found = snippet_blocks(text, curation.path, line)
        problems.extend(found)
        answer = (Blocks(tuple(blocks)),)
    return replace(card, ask=ask, answer=answer, generated=now)


_LIST_MARK = re.compile(r"^\s*(?:[-*+]|(\d+)[.)])\s+")


def _cloze(text: str, where: Origin, key: str, problems: list[Diagnostic]) -> ClozeText | None:
    """A rewritten cloze: one line, or a list (every line after an optional first one starts
    with ``-`` or ``1.``), its deletions read as Anki reads them."""
    from .extract.clozescan import scan

    rows = [row for row in text.strip().split("\n") if row.strip()]
    intro = ""
    if len(rows) > 2 and not _LIST_MARK.match(rows[0]) and all(_LIST_MARK.match(r) for r in rows[1:]):
        intro, rows = rows[0].strip(), rows[1:]
    listed = len(rows) > 1 and all(_LIST_MARK.match(r) for r in rows)
    parts = [_LIST_MARK.sub("", row, count=1) for row in rows] if listed else [" ".join(rows)]
    lines: list[tuple[Segment, ...]] = []
    for part in parts:
        tokens = tuple(parser().parseInline(part)[0].children or ())
        found = scan(tokens, where)
        if found.problems or found.open:
            why = found.problems[0][1] if found.problems else "a deletion is not closed"
            problems.append(Diagnostic(where, "error", f"“{key}”: cloze: {why}"))
            return None
        lines.append(found.segments if found.segments is not None else (Inline(tokens, where),))
    if not any(isinstance(segment, Gap) for line in lines for segment in line):
        problems.append(Diagnostic(where, "error", f"“{key}”: cloze has no {{{{c1::…}}}} deletion"))
        return None
    ordered = listed and all((m := _LIST_MARK.match(r)) is not None and m.group(1) for r in rows)
    return ClozeText(tuple(lines), listed=listed, intro=intro, ordered=ordered)


# --- Entries to copy (the preview's buttons) ----------------------------------------------


def draft(card: Card) -> tuple[tuple[str, str], ...]:
    """The fields a rewrite of ``card`` starts from, as Markdown: its prompt and answer, or its
    cloze statement."""
    from .plaintext import cloze_source

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
    body = _dump({**dict(note.draft), "was": note.generated})
    return f"{_key(note.key)}:\n" + "".join(f"  {line}\n" for line in body.splitlines())


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
