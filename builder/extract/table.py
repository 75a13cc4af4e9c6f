"""Kind ``table-cell``: one card per cell worth one, prompted by the row's key (its first cell)
and the column's header: "Unbounded Mempool: Fix Complexity?". Tables with options as columns
read the same way ("Update Cost: Flat DB + Verkle?"). Columns without a header are asked by the
row's key alone, the table's caption or section standing above it in the breadcrumb; every
prompt ends with the question mark of the document's language.

A cell gives no card when it is empty, when it is a bare rating inside a scenario (High, P0,
✓: a verdict the scenario gives itself, not knowledge), or when its column is a scenario's
bookkeeping (timeline, owner, priority). Before/after tables give metrics instead
(:mod:`.metric`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..locale import Words
from ..markdown import plain
from ..model import Answered, Card, Inline, Origin, Table, Text
from .cues import is_bookkeeping_column, is_rating
from .metric import before_after, table_metrics
from .scope import Scope, Sink

_DESCRIPTION = re.compile(
    r"^(?:descriptions?|meaning|explanation|details?|definition|purpose|what it does|description"
    r"|descripción|significado|signification|beschreibung|bedeutung|descrição|описание|значение"
    r"|说明|描述|含义|意义|説明|意味|설명|의미|توضیحات|شرح|معنی|الوصف|المعنى|περιγραφή)$",
    re.IGNORECASE,
)
"""Headers that only say the column describes the row's key ("Value | Description")."""


def read_table(table: Table, scope: Scope, sink: Sink) -> None:
    """Cards for one table: a card per cell worth one."""
    if not table.rows:
        return
    columns = before_after(table)
    if columns is not None:
        table_metrics(table, columns, scope, sink)
        return
    heads = [plain(cell.tokens) for cell in table.header]
    words = sink.words
    # A key and its description ("Value | Description"): the row's key alone asks for it.
    described = len(heads) == 2 and bool(_DESCRIPTION.match(heads[1].strip()))
    for row, origin in zip(table.rows, table.row_origins, strict=True):
        _read_row(row, origin, heads, words, scope, sink, described=described)


def _read_row(
    row: tuple[Inline, ...],
    origin: Origin,
    heads: Sequence[str],
    words: Words,
    scope: Scope,
    sink: Sink,
    *,
    described: bool = False,
) -> None:
    """A card per cell of one row (past its key), or why the row gives none. The cells of
    columns without a header make one card, asked by the row's key alone under the table's
    caption or section."""
    name = words.unasked(plain(row[0].tokens) if row else "")
    made = 0
    reasons: list[str] = []
    unheaded: list[int] = []
    row_text = " | ".join(plain(c.tokens) for c in row)
    for i, cell in enumerate(row):
        if not i or not plain(cell.tokens):
            continue
        if not name:
            reasons.append(f"{heads[i] or f'column {i + 1}'}: no row key to ask by")
        elif not heads[i]:
            unheaded.append(i)
        elif _read_cell(cell, name, heads[i], words, origin, scope, sink, alone=described):
            made += 1
    if unheaded and _read_unheaded(row, unheaded, name, words, origin, scope, sink):
        made += 1
    if reasons and not made:
        sink.skip(origin, f"table row gives no card ({'; '.join(reasons)})", row_text)
    elif len(row) < 2 or not any(plain(c.tokens) for c in row[1:]):
        sink.skip(origin, "table row gives no card (no cell besides its key)", row_text)


def _read_cell(
    cell: Inline,
    name: str,
    head: str,
    words: Words,
    origin: Origin,
    scope: Scope,
    sink: Sink,
    *,
    alone: bool = False,
) -> bool:
    """The card of one cell, or why it gives none (inside a scenario: a bare rating, or a
    bookkeeping column); whether it gave one. ``alone``: the column only describes the row's
    key, which asks for it by itself."""
    text = plain(cell.tokens)
    card = Card(
        kind="table-cell",
        key=scope.card("cell", name, head),
        crumbs=scope.crumbs,
        ask=words.ask(name if alone else words.pair(name, words.unasked(head))),
        form=Answered((Text(cell),)),
        origin=origin,
        tags=scope.tags,
    )
    if scope.scenario and is_rating(text):
        sink.skip(origin, "table cell gives no card (a bare rating)", f"{name}: {head}: {text}", card)
        return False
    if scope.scenario and is_bookkeeping_column(head):
        sink.skip(
            origin, "table cell gives no card (the scenario's bookkeeping)", f"{name}: {head}: {text}", card
        )
        return False
    sink.add(card)
    return True


def _read_unheaded(
    row: tuple[Inline, ...],
    columns: Sequence[int],
    name: str,
    words: Words,
    origin: Origin,
    scope: Scope,
    sink: Sink,
) -> bool:
    """One card for the cells of a row whose columns have no header: the row's key asks
    (the breadcrumb names the table), the cells answer; whether it gave one. Keyed by the
    first of those columns' place, as its cell's card always was."""
    cells = [row[i] for i in columns]
    card = Card(
        kind="table-cell",
        key=scope.card("cell", name, f"column {columns[0] + 1}"),
        crumbs=scope.crumbs,
        ask=words.ask(name),
        form=Answered(tuple(Text(cell) for cell in cells)),
        origin=origin,
        tags=scope.tags,
    )
    shown = f"{name}: {' | '.join(plain(cell.tokens) for cell in cells)}"
    if scope.scenario and all(is_rating(plain(cell.tokens)) for cell in cells):
        sink.skip(origin, "table cell gives no card (a bare rating)", shown, card)
        return False
    sink.add(card)
    return True
