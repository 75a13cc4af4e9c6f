"""Kind ``table-cell``: one card per cell worth one, prompted by the row's key (its first cell)
and the column's header: "Unbounded Mempool: Fix Complexity?". Tables with options as columns
read the same way ("Update Cost: Flat DB + Verkle?").

A cell gives no card when it is empty, when it is a bare rating inside a scenario (High, P0,
✓: a verdict the scenario gives itself, not knowledge), or when its column is a scenario's
bookkeeping (timeline, owner, priority). Before/after tables give metrics instead
(:mod:`.metric`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..markdown import plain
from ..model import Card, Inline, Origin, Table, Text
from .cues import is_bookkeeping_column, is_rating
from .metric import before_after, table_metrics
from .scope import Scope, Sink


def read_table(table: Table, scope: Scope, sink: Sink) -> None:
    """Cards for one table: a card per cell worth one."""
    if not table.rows:
        return
    columns = before_after(table)
    if columns is not None:
        table_metrics(table, columns, scope, sink)
        return
    heads = [plain(cell.tokens) or f"column {i + 1}" for i, cell in enumerate(table.header)]
    for row, origin in zip(table.rows, table.row_origins, strict=True):
        _read_row(row, origin, heads, scope, sink)


def _read_row(
    row: tuple[Inline, ...], origin: Origin, heads: Sequence[str], scope: Scope, sink: Sink
) -> None:
    """A card per cell of one row (past its key), or why the row gives none."""
    name = (plain(row[0].tokens) if row else "").rstrip("?？ ")
    made = 0
    reasons: list[str] = []
    row_text = " | ".join(plain(c.tokens) for c in row)
    for i, cell in enumerate(row):
        if not i or not plain(cell.tokens):
            continue
        if not name:
            reasons.append(f"{heads[i]}: no row key to ask by")
        elif _read_cell(cell, name, heads[i], origin, scope, sink):
            made += 1
    if reasons and not made:
        sink.skip(origin, f"table row gives no card ({'; '.join(reasons)})", row_text)
    elif len(row) < 2 or not any(plain(c.tokens) for c in row[1:]):
        sink.skip(origin, "table row gives no card (no cell besides its key)", row_text)


def _read_cell(cell: Inline, name: str, head: str, origin: Origin, scope: Scope, sink: Sink) -> bool:
    """The card of one cell, or why it gives none (inside a scenario: a bare rating, or a
    bookkeeping column); whether it gave one."""
    text = plain(cell.tokens)
    card = Card(
        kind="table-cell",
        key=scope.card("cell", name, head),
        crumbs=scope.crumbs,
        ask=f"{name}: {head.rstrip('?？ ')}?",
        answer=(Text(cell),),
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
