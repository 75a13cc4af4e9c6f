"""Checking that parsed JSON has the shape deckbuilder writes, member by member, before it is
used: the cache's entries and stamps (:mod:`builder.cache`, :mod:`builder.stamp`) and the decks'
manifests (:mod:`builder.release.manifest`) are files anyone may have edited. A value of another
shape is a :class:`ShapeError` naming what was wrong; each reader says what that means to it (a
cache miss, a malformed manifest)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class ShapeError(ValueError):
    """Parsed data that is not of the shape deckbuilder writes."""


def member(data: Any, name: str, kind: type[T]) -> T:
    """``data[name]``, which must be of ``kind`` (an ``int`` is never a ``bool``)."""
    if not isinstance(data, dict):
        raise ShapeError(f"expected an object holding “{name}”")
    value = data.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ShapeError(f"“{name}” is not a {kind.__name__}")
    return value


def members(data: Any, name: str, each: Callable[[Any], T]) -> tuple[T, ...]:
    """``data[name]``, a list, each item read by ``each``."""
    return tuple(each(item) for item in member(data, name, list))


def text(value: Any, what: str = "a value", longest: int | None = None) -> str:
    """``value``, which must be a string (of at most ``longest`` characters)."""
    if not isinstance(value, str) or (longest is not None and len(value) > longest):
        raise ShapeError(f"{what} is not text")
    return value


def texts(value: Any, what: str = "a value", longest: int | None = None) -> list[str]:
    """``value``, which must be a list of strings."""
    if not isinstance(value, list):
        raise ShapeError(f"{what} is not a list")
    return [text(item, what, longest) for item in value]


def mapping(value: Any, what: str = "a value") -> dict[str, Any]:
    """``value``, which must be an object."""
    if not isinstance(value, dict):
        raise ShapeError(f"{what} is not a mapping")
    return value


def pair(value: Any, what: str = "a value") -> tuple[str, str]:
    """``value``, which must be a list of two strings."""
    if not isinstance(value, list) or len(value) != 2:
        raise ShapeError(f"{what} is not a pair of strings")
    return text(value[0], what), text(value[1], what)


def strings(data: Any, name: str) -> tuple[str, ...]:
    """``data[name]``, a list of strings (checked in one pass: a cache entry holds thousands)."""
    return strings_of(member(data, name, list), f"“{name}”")


def strings_of(value: Any, what: str = "a value") -> tuple[str, ...]:
    """``value``, which must be a list of strings (checked in one pass)."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ShapeError(f"{what} is not a list of strings")
    return tuple(value)


def pairs(data: Any, name: str) -> tuple[tuple[str, str], ...]:
    """``data[name]``, a list of pairs of strings (checked in one pass)."""
    return pairs_of(member(data, name, list), f"“{name}”")


def pairs_of(value: Any, what: str = "a value") -> tuple[tuple[str, str], ...]:
    """``value``, which must be a list of pairs of strings (checked in one pass)."""
    if not isinstance(value, list) or not all(
        isinstance(item, list) and len(item) == 2 and isinstance(item[0], str) and isinstance(item[1], str)
        for item in value
    ):
        raise ShapeError(f"{what} is not a list of pairs of strings")
    return tuple((item[0], item[1]) for item in value)


def number(value: Any, what: str = "a value", least: int | None = None, most: int | None = None) -> int:
    """``value``, which must be a whole number (never ``true``/``false``), in the bounds given."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ShapeError(f"{what} is not a number")
    if (least is not None and value < least) or (most is not None and value > most):
        raise ShapeError(f"{what} is out of bounds")
    return value


def row(value: Any, length: int, what: str = "a value") -> list[Any]:
    """``value``, which must be a list of ``length`` items."""
    if not isinstance(value, list) or len(value) != length:
        raise ShapeError(f"{what} is not a list of {length}")
    return value
