"""Kind ``table-row``: each body row of a table; the prompt names the row key (first column)
and the columns asked, the answer gives each other column as ``Header: value``. The first
column also makes a ``list`` card. Before/after tables give metrics instead (:mod:`.metric`).
A transposed table (options as columns) reads the same way: the first column is the key.
"""

from __future__ import annotations

from ..markdown import plain
from ..model import Card, Inline, Items, Pairs, Table
from .metric import before_after, table_metrics
from .scope import Scope, Sink, slug


def read_table(table: Table, scope: Scope, sink: Sink) -> None:
    """Cards for one table: a card per row, and a list of the first column."""
    if not table.rows:
        return
    columns = before_after(table)
    if columns is not None:
        table_metrics(table, columns, scope, sink)
        return
    heads = [plain(cell.tokens) or f"column {i + 1}" for i, cell in enumerate(table.header)]
    keys: list[tuple[Inline, tuple[()]]] = []
    for n, (row, origin) in enumerate(zip(table.rows, table.row_origins, strict=True), start=1):
        name = plain(row[0].tokens) if row else ""
        if name:
            keys.append((row[0], ()))
        pairs = tuple((heads[i], cell) for i, cell in enumerate(row) if i and plain(cell.tokens))
        if not pairs:
            continue
        asked = ", ".join(head for head, _ in pairs)
        sink.add(
            Card(
                kind="table-row",
                key=f"{scope.key}/row:{slug(name) if name else n}",
                crumbs=scope.crumbs,
                ask=f"{name or f'Row {n}'}: {asked}?",
                answer=(Pairs(pairs),),
                origin=origin,
                tags=scope.tags,
            )
        )
    if len(keys) >= 2:
        first = plain(table.header[0].tokens) if table.header else ""
        others = ", ".join(heads[1:])
        ask = (
            f"which {len(keys)} items in the “{first}” column?"
            if first
            else f"which {len(keys)} aspects are compared ({others})?"
        )
        sink.add(
            Card(
                kind="list",
                key=f"{scope.key}/list:{slug(heads[0])}",
                crumbs=scope.crumbs,
                ask=ask,
                answer=(Items(tuple(keys), False),),
                origin=table.origin,
                tags=scope.tags,
            )
        )
