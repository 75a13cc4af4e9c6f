"""Applying a curation file to a source's cards: drops, restores and rewrites, each checked
against the cards the source gives now."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from ..markdown import parser, plain
from ..model import (
    Answered,
    Blocks,
    Card,
    Clozed,
    ClozeText,
    Diagnostic,
    Gap,
    Inline,
    Origin,
    OwnFields,
    Part,
    Segment,
    Skipped,
    Written,
    unknown_form,
)
from ..read import snippet_blocks
from .load import Curation, Entry


def fingerprint(kind: str, prompt: str, answer: str) -> str:
    """A short hash of what a card shows (its kind, plain prompt and answer, see
    :func:`card_fingerprint`): how a rewrite notices that the card it replaced changed."""
    return hashlib.sha256(f"{kind}\0{prompt}\0{answer}".encode()).hexdigest()[:8]


def card_fingerprint(card: Card) -> str:
    """:func:`fingerprint` of a card, from its plain text (which rendering it gives too)."""
    from ..plaintext import answer_text, prompt_text

    return fingerprint(card.kind, prompt_text(card), answer_text(card))


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
                    f"no card has the key “{entry.named}” any more (its heading, label or row was renamed,"
                    " or the part was removed); update the key or remove the entry",
                )
            )
            continue
        if entry.action == "restore":
            if entry.key in gone or entry.key not in by_key:
                problems.append(Diagnostic(where, "warning", f"“{entry.named}” could not be restored"))
            elif entry.key not in could:
                problems.append(
                    Diagnostic(
                        where, "warning", f"“{entry.named}” is not skipped: there is nothing to restore"
                    )
                )
            continue
        card = by_key.get(entry.key)
        if card is None:  # the rules skip it and it was not restored (a duplicate answer)
            problems.append(Diagnostic(where, "warning", f"“{entry.named}” is skipped: restore it first"))
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
    now = card_fingerprint(card)
    if entry.was is None:
        problems.append(
            Diagnostic(
                where,
                "warning",
                f"“{entry.named}”: add was: {now} to be told when the generated card under this rewrite changes",
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
    form = card.form
    if isinstance(form, Answered):
        made = _rewritten_answer(card, form, entry, curation, problems)
    elif isinstance(form, (Clozed, Written)):
        made = _rewritten_cloze(card, form.extra, entry, where, problems)
    elif isinstance(form, OwnFields):
        problems.append(own_fields_refused(entry, where))
        made = None
    else:
        unknown_form(form)
    return None if made is None else replace(made, generated=now)


def own_fields_refused(entry: Entry, where: Origin) -> Diagnostic:
    """The error a rewrite of a card of a team's note type is: its fields are its own, which a
    rewrite cannot give."""
    return Diagnostic(
        where,
        "error",
        f"“{entry.named}” is a card of a team's note type: edit its fields in its card file, not by a rewrite",
    )


def _rewritten_answer(
    card: Card, form: Answered, entry: Entry, curation: Curation, problems: list[Diagnostic]
) -> Card | None:
    """A prompt/answer card rewritten with ``prompt:`` and ``answer:``, asked as before; None
    (an error reported) when the entry gives a ``cloze:``."""
    if entry.cloze is not None:
        problems.append(
            Diagnostic(
                curation.origin(entry),
                "error",
                f"“{entry.named}” is a prompt/answer card: rewrite it with prompt: and answer: (its note keeps its type)",
            )
        )
        return None
    ask = (
        " ".join(plain(parser().parseInline(entry.prompt.strip())[0].children or ()).split())
        if entry.prompt
        else card.ask
    )
    answer = form.answer
    if entry.answer is not None:
        text, line = entry.answer
        blocks, _, found = snippet_blocks(text, curation.path, line)
        problems.extend(found)
        answer = (Blocks(tuple(blocks)),)
    return replace(card, ask=ask, form=replace(form, answer=answer))


def _rewritten_cloze(
    card: Card, extra: tuple[Part, ...], entry: Entry, where: Origin, problems: list[Diagnostic]
) -> Card | None:
    """A cloze card rewritten with ``cloze:``, ``extra`` shown under it as before; None (an error
    reported) when the entry gives no ``cloze:`` or its deletions are broken."""
    if entry.cloze is None:
        problems.append(
            Diagnostic(
                where,
                "error",
                f"“{entry.named}” is a cloze card: rewrite it with cloze: (its note keeps its type)",
            )
        )
        return None
    cloze = _cloze(entry.cloze, where, entry.named, problems)
    return None if cloze is None else replace(card, form=Clozed(cloze, extra))


_LIST_MARK = re.compile(r"^\s*(?:[-*+]|(\d+)[.)])\s+")


def _cloze(text: str, where: Origin, key: str, problems: list[Diagnostic]) -> ClozeText | None:
    """A rewritten cloze: one line, or a list (every line after an optional first one starts
    with ``-`` or ``1.``, a list of one item too), its deletions read as Anki reads them."""
    intro, rows = _intro(text)
    listed = bool(rows) and all(_LIST_MARK.match(r) for r in rows)
    parts = [_LIST_MARK.sub("", row, count=1) for row in rows] if listed else [" ".join(rows)]
    lines: list[tuple[Segment, ...]] = []
    for part in parts:
        line = _cloze_line(part, where, key, problems)
        if line is None:
            return None
        lines.append(line)
    if not any(isinstance(segment, Gap) for line in lines for segment in line):
        problems.append(Diagnostic(where, "error", f"“{key}”: cloze has no {{{{c1::…}}}} deletion"))
        return None
    ordered = listed and all((m := _LIST_MARK.match(r)) is not None and m.group(1) for r in rows)
    return ClozeText(tuple(lines), listed=listed, intro=intro, ordered=ordered)


def _intro(text: str) -> tuple[str, list[str]]:
    """A rewritten cloze's non-empty lines, a first line that introduces a list split off."""
    rows = [row for row in text.strip().split("\n") if row.strip()]
    if len(rows) > 1 and not _LIST_MARK.match(rows[0]) and all(_LIST_MARK.match(r) for r in rows[1:]):
        return rows[0].strip(), rows[1:]
    return "", rows


def _cloze_line(part: str, where: Origin, key: str, problems: list[Diagnostic]) -> tuple[Segment, ...] | None:
    """One line of a rewritten cloze as shown text and gaps; None (an error reported) when a
    deletion in it is broken."""
    from ..extract.clozescan import scan

    tokens = tuple(parser().parseInline(part)[0].children or ())
    found = scan(tokens, where)
    if found.problems or found.open:
        why = found.problems[0][1] if found.problems else "a deletion is not closed"
        problems.append(Diagnostic(where, "error", f"“{key}”: cloze: {why}"))
        return None
    return found.segments if found.segments is not None else (Inline(tokens, where),)
