"""Kind ``metric``: a figure worth remembering becomes a cloze with the figure hidden.

Two sources: rows of a before/after table (the "after" figure is hidden, the "before" stays as
context), and labelled facts that state a target: a figure with a comparison sign (``<3%``,
``≥ 99.9%``), or any figure under a heading about success criteria, metrics or targets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from ..markdown import plain, strip, text_token
from ..model import Card, Cloze, Inline, Origin, Table
from .scope import Scope, Sink, slug

_NUMBER = r"\d+(?:[.,]\d+)*"
# Units written apart from their number ("4 hours", "10 ETH"); attached ones ("50μs") need no list.
_WORDS = (
    r"ns|μs|µs|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?|days?|weeks?|months?|years?"
    r"|[KMGTP]i?B|B|bytes?|bits?|TPS|QPS|RPS|ops|req/s|x|×|%|ETH|BTC|USD|EUR|nodes?|slots?|blocks?"
)
_UNIT = rf"(?:\s?(?:%|×)|\s(?:{_WORDS})\b(?:/[A-Za-z]+)?|[A-Za-zμµ%]+(?:/[A-Za-z]+)?|/[A-Za-z]+)?"
_COMPARED = re.compile(
    rf"(?<![\w.])(?:[<>≤≥±]=?\s?|(?:up to|at least|at most|under|over)\s)[$€£]?{_NUMBER}{_UNIT}"
)
_FIGURE = re.compile(rf"(?<![\w.])[$€£]?{_NUMBER}(?:{_UNIT})")

_SUCCESS_WORDS = re.compile(
    r"\b(success|metrics?|criteria|targets?|goals?|kpis?|sla|slo|objectives?|guarantees?|benchmarks?)\b",
    re.IGNORECASE,
)
_BEFORE = re.compile(r"^(before|old|baseline|current|previous|from|was|v1)\b", re.IGNORECASE)
_AFTER = re.compile(r"^(after|new|optimi[sz]ed|improved|target|to|now|v2)\b", re.IGNORECASE)


def is_success_heading(title: str) -> bool:
    """True for a heading about success criteria, metrics or targets."""
    return bool(_SUCCESS_WORDS.search(title))


def find_figure(tokens: Sequence[Token], *, compared_only: bool) -> tuple[int, int, int] | None:
    """Locate the figure to hide: (token index, start, end) inside a text token.

    A compared figure (``<5%``) wins over a plain one; code spans are never searched.
    """
    patterns = [_COMPARED] if compared_only else [_COMPARED, _FIGURE]
    for pattern in patterns:
        for i, tok in enumerate(tokens):
            if tok.type != "text":
                continue
            match = pattern.search(tok.content)
            if match:
                return i, match.start(), match.end()
    return None


def cloze_of(tokens: Sequence[Token], where: tuple[int, int, int], origin: Origin) -> Cloze:
    """Cut an inline run around the figure found by :func:`find_figure`."""
    index, start, end = where
    tok = tokens[index]
    before = [*tokens[:index], text_token(tok.content[:start])]
    after = [text_token(tok.content[end:]), *tokens[index + 1 :]]
    figure = tok.content[start:end].strip()
    return Cloze(Inline(tuple(before), origin), figure, Inline(tuple(after), origin))


def fact_metric(label: str, value: Sequence[Token], scope: Scope, origin: Origin, key: str) -> Card | None:
    """A cloze card for a labelled fact that states a figure worth hiding, else None."""
    if not value or any(t.type == "image" for t in value):
        return None
    where = find_figure(value, compared_only=not scope.success)
    if where is None:
        return None
    labelled = [text_token(f"{label}: "), *value]
    where = (where[0] + 1, where[1], where[2])
    return Card(
        kind="metric",
        key=f"{scope.key}/metric:{key}",
        crumbs=scope.crumbs,
        ask="",
        answer=(),
        origin=origin,
        tags=scope.tags,
        cloze=cloze_of(labelled, where, origin),
    )


def before_after(table: Table) -> tuple[int, int] | None:
    """Column indexes of a table's "before" and "after" figures, if it has both."""
    heads = [plain(cell.tokens) for cell in table.header]
    before = next((i for i, h in enumerate(heads) if i and _BEFORE.match(h)), None)
    after = next((i for i, h in enumerate(heads) if i and _AFTER.match(h)), None)
    if before is None or after is None or before == after:
        return None
    return before, after


def table_metrics(table: Table, columns: tuple[int, int], scope: Scope, sink: Sink) -> None:
    """One cloze per body row of a before/after table: ``key: before → {{after}}``."""
    before_col, after_col = columns
    heads = [plain(cell.tokens) for cell in table.header]
    for n, (row, origin) in enumerate(zip(table.rows, table.row_origins, strict=True), start=1):
        name = plain(row[0].tokens) or f"row {n}"
        after = strip(row[after_col].tokens)
        if not plain(after):
            continue
        before = strip(row[before_col].tokens)
        lead: list[Token] = [text_token(f"{name}: "), *before, text_token(" → ")]
        others = [
            (heads[i] or f"column {i + 1}", row[i])
            for i in range(1, len(row))
            if i not in columns and plain(row[i].tokens)
        ]
        tail: list[Token] = []
        for head, cell in others:
            tail += [text_token(f" ({head}: "), *strip(cell.tokens), text_token(")")]
        sink.add(
            Card(
                kind="metric",
                key=f"{scope.key}/metric:{slug(name)}",
                crumbs=scope.crumbs,
                ask="",
                answer=(),
                origin=origin,
                tags=scope.tags,
                cloze=Cloze(Inline(tuple(lead), origin), plain(after), Inline(tuple(tail), origin)),
            )
        )
