"""Room for deeply nested sources.

Lists or quotes nested hundreds of levels deep are valid Markdown; the parser and the stages
after it walk them recursively. Reading a source (:func:`builder.build.read_source`) therefore
runs in a thread with a large stack and a high recursion limit, and the parser's nesting limit is raised to :data:`MAX_NESTING`; a source
nested deeper than that is reported, not silently cut short.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

MAX_NESTING = 2_000
STACK_BYTES = 512 * 1024 * 1024
RECURSION_LIMIT = 200_000


def run(task: Callable[[], T]) -> T:
    """Run ``task`` in a thread with room for deep recursion; re-raise what it raised."""
    result: list[T] = []
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result.append(task())
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    old_limit = sys.getrecursionlimit()
    old_stack = threading.stack_size()
    sys.setrecursionlimit(max(old_limit, RECURSION_LIMIT))
    threading.stack_size(STACK_BYTES)
    try:
        worker = threading.Thread(target=target, name="deckbuilder")
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    if failure:
        raise failure[0]
    return result[0]
