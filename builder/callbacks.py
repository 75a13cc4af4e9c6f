"""How a long step tells its caller what it is doing, without knowing who listens (a terminal,
a log, a test)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeAlias

Progress: TypeAlias = Callable[[int, int, str], None]
"""Told (items done, items in all, the item at hand) as a step goes: sources read, notes synced."""

Echo: TypeAlias = Callable[[str], None]
"""Told each line a step says (already one line; the caller escapes it as it prints it)."""
