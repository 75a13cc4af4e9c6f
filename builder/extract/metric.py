"""Kind ``metric``: a figure worth remembering becomes a cloze with the figure hidden.

Two sources: rows of a before/after table (the "after" figure is hidden, the "before" stays as
context, the columns that would give it away go to the back), and labelled facts that state a
limit: a figure with a comparison sign (``<126``, ``≥ 99.9%``). A scenario's own targets are
not carded at all (see :mod:`.fact`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it.token import Token

from ..locale import before_after_starts
from ..markdown import plain, strip, text_token
from ..model import Card, ClozeText, Gap, Inline, Origin, Pairs, Segment, Table
from .scope import Scope, Sink

_NUMBER = r"\d+(?:[.,]\d+)*(?:\s?[-–]\s?\d+(?:[.,]\d+)*)?"
"""A number, or a range of two ("2-4", "3–5")."""
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
_MEASURE = re.compile(
    rf"(?<![\w.$€£])(?:[<>≤≥±~]=?\s?)?[$€£]?{_NUMBER}(?:\s?(?:%|×)|\s(?:{_WORDS})\b|[A-Za-zμµ]+\b)(?:/[A-Za-z]+)?"
)

_BEFORE_WORDS, _AFTER_WORDS = before_after_starts()
_BEFORE = re.compile(
    rf"^(before|old|baseline|current|previous|from|was|v1{''.join('|' + re.escape(w) for w in _BEFORE_WORDS)})\b",
    re.IGNORECASE,
)
_AFTER = re.compile(
    rf"^(after|new|optimi[sz]ed|improved|target|to|now|v2{''.join('|' + re.escape(w) for w in _AFTER_WORDS)})\b",
    re.IGNORECASE,
)
"""How the headers of a before/after table's columns start; the other languages' words are
the catalogue's (:func:`builder.locale.before_after_starts`)."""


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


def measures(tokens: Sequence[Token]) -> list[tuple[int, int, int]]:
    """Every figure with a unit (``50ms``, ``3 days``, ``<5%``) in the text of a run."""
    found = []
    for i, tok in enumerate(tokens):
        if tok.type == "text":
            found += [(i, m.start(), m.end()) for m in _MEASURE.finditer(tok.content)]
    return found


def gapped(tokens: Sequence[Token], where: tuple[int, int, int], origin: Origin) -> tuple[Segment, ...]:
    """A run cut around the figure found by :func:`find_figure`: shown, gap 1, shown."""
    index, start, end = where
    tok = tokens[index]
    lead, figure, tail = tok.content[:start], tok.content[start:end], tok.content[end:]
    core = figure.strip()
    lead += figure[: len(figure) - len(figure.lstrip())]
    tail = figure[len(figure.rstrip()) :] + tail
    before = Inline((*tokens[:index], text_token(lead)), origin)
    after = Inline((text_token(tail), *tokens[index + 1 :]), origin)
    return (before, Gap(1, Inline((text_token(core),), origin)), after)


def fact_metric(label: str, value: Sequence[Token], scope: Scope, origin: Origin) -> Card | None:
    """A cloze hiding the limit a labelled fact states (``<126``, ``≤ 4 hours``), else None."""
    if not value or any(t.type == "image" for t in value):
        return None
    where = find_figure(value, compared_only=True)
    if where is None:
        return None
    labelled = [text_token(f"{label}: "), *value]
    where = (where[0] + 1, where[1], where[2])
    return scope.cloze(
        "metric", scope.card("metric", label), origin, ClozeText((gapped(labelled, where, origin),))
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
    """One cloze per body row of a before/after table: ``key: before → {{after}}``.

    The other columns (an improvement factor, a note) would give the hidden figure away: they
    are shown on the back only.
    """
    before_col, after_col = columns
    heads = [plain(cell.tokens) for cell in table.header]
    words = sink.words
    for n, (row, origin) in enumerate(zip(table.rows, table.row_origins, strict=True), start=1):
        name = plain(row[0].tokens) or words.row(n)
        after = strip(row[after_col].tokens)
        if not plain(after):
            sink.skip(origin, "no figure after the change", name)
            continue
        before = strip(row[before_col].tokens)
        lead = Inline((text_token(f"{name}{words.colon}"), *before, text_token(" → ")), origin)
        others = tuple(
            (heads[i] or words.column(i + 1), row[i])
            for i in range(1, len(row))
            if i not in columns and plain(row[i].tokens)
        )
        sink.add(
            scope.cloze(
                "metric",
                scope.card("metric", plain(row[0].tokens) or f"row {n}"),
                origin,
                ClozeText(((lead, Gap(1, Inline(tuple(after), origin))),)),
                (Pairs(others),) if others else (),
            )
        )
