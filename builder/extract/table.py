"""Kind ``table-cell``: one card per cell worth one, prompted by the row's key (its first cell)
and the column's header: "Unbounded Mempool: Fix Complexity?". Tables with options as columns
read the same way ("Update Cost: Flat DB + Verkle?").

A cell gives no card when it is empty, when it is a bare rating inside a scenario (High, P0,
✓: a verdict the scenario gives itself, not knowledge), or when its column is a scenario's
bookkeeping (timeline, owner, priority). Before/after tables give metrics instead
(:mod:`.metric`).
"""

from __future__ import annotations

from ..markdown import plain
from ..model import Card, Table, Text
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
        name = (plain(row[0].tokens) if row else "").rstrip("?？ ")
        made = 0
        reasons: list[str] = []
        row_text = " | ".join(plain(c.tokens) for c in row)
        for i, cell in enumerate(row):
            text = plain(cell.tokens)
            if not i or not text:
                continue
            card = Card(
                kind="table-cell",
                key=scope.card("cell", name, heads[i]),
                crumbs=scope.crumbs,
                ask=f"{name}: {heads[i].rstrip('?？ ')}?",
                answer=(Text(cell),),
                origin=origin,
                tags=scope.tags,
            )
            if not name:
                reasons.append(f"{heads[i]}: no row key to ask by")
            elif scope.scenario and is_rating(text):
                sink.skip(
                    origin, "table cell gives no card (a bare rating)", f"{name}: {heads[i]}: {text}", card
                )
            elif scope.scenario and is_bookkeeping_column(heads[i]):
                sink.skip(
                    origin,
                    "table cell gives no card (the scenario's bookkeeping)",
                    f"{name}: {heads[i]}: {text}",
                    card,
                )
            else:
                sink.add(card)
                made += 1
        if reasons and not made:
            sink.skip(origin, f"table row gives no card ({'; '.join(reasons)})", row_text)
        elif len(row) < 2 or not any(plain(c.tokens) for c in row[1:]):
            sink.skip(origin, "table row gives no card (no cell besides its key)", row_text)
