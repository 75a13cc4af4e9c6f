"""A table row read again from its source line when a code span's ``|`` cut it apart: the
cells the author meant, code spans kept whole and ``\\|`` escaped."""

from __future__ import annotations

from ..model import Inline


def unbalanced(cell: Inline) -> bool:
    """Whether a cell's text holds an odd number of backticks (a code span cut apart)."""
    return any(t.type == "text" and t.content.count("`") % 2 == 1 for t in cell.tokens)


def split_cells(line: str) -> list[str]:
    """Cells of a table row, keeping code spans whole and ``\\|`` escaped."""
    body = line.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    cells, current, i = [], [], 0
    while i < len(body):
        char = body[i]
        if char == "\\" and i + 1 < len(body):
            current.append(body[i : i + 2])
            i += 2
            continue
        if char == "`":
            run = len(body[i:]) - len(body[i:].lstrip("`"))
            fence = "`" * run
            end = body.find(fence, i + run)
            if end != -1:
                current.append(body[i : end + run])
                i = end + run
                continue
        if char == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    cells.append("".join(current))
    return cells
