"""What each AnkiConnect action sync asks must answer: its result's shape, checked before the
result is used (:data:`ANSWERS`). An answer of another shape is a :class:`.collection.SyncError`
of one line, never a traceback further on."""

from __future__ import annotations

import reprlib
from collections.abc import Callable

__all__ = ["ANSWERS", "Shape", "glimpse"]

Shape = Callable[[object], bool]
"""Whether a result has the shape an action answers."""


def _int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _str(value: object) -> bool:
    return isinstance(value, str)


def _bool(value: object) -> bool:
    return isinstance(value, bool)


def _done(value: object) -> bool:
    """The result of an action whose result is not read: null, or whether it did something."""
    return value is None or isinstance(value, bool)


def _anything(value: object) -> bool:
    return True


def _list_of(item: Shape) -> Shape:
    return lambda value: isinstance(value, list) and all(item(x) for x in value)


def _dict_of(item: Shape) -> Shape:
    return lambda value: isinstance(value, dict) and all(item(x) for x in value.values())


def _record(**fields: Shape) -> Shape:
    """An object with at least these members, of these shapes."""
    return lambda value: (
        isinstance(value, dict)
        and all(name in value and shape(value[name]) for name, shape in fields.items())
    )


def _either(*shapes: Shape) -> Shape:
    return lambda value: any(shape(value) for shape in shapes)


def _empty(value: object) -> bool:
    return value == {}


ANSWERS: dict[str, Shape] = {
    "version": _int,
    "multi": _list_of(_anything),  # each reply is checked as its own action's
    "modelNamesAndIds": _dict_of(_int),
    "modelFieldNames": _list_of(_str),
    "modelTemplates": _dict_of(_record(Front=_str, Back=_str)),
    "modelStyling": _record(css=_str),
    "findCards": _list_of(_int),
    "findNotes": _list_of(_int),
    "getDecks": _dict_of(_list_of(_int)),
    "areSuspended": _list_of(_either(_bool, lambda value: value is None)),
    "exportPackage": _done,  # false: no such deck
    # A note that is gone is {}.
    "notesInfo": _list_of(_either(_record(noteId=_int, tags=_list_of(_str)), _empty)),
    "importPackage": _done,
    "updateModelTemplates": _done,
    "updateModelStyling": _done,
    "updateNoteFields": _done,
    "updateNoteTags": _done,
    "unsuspend": _done,
    "suspend": _done,
    "changeDeck": _done,
    "deleteNotes": _done,
    "addTags": _done,
}
"""Each action sync asks, and the shape of its result."""

_short = reprlib.Repr()
_short.maxlevel = 3
_short.maxstring = 40
_short.maxother = 40


def glimpse(value: object) -> str:
    """A short look at a result for a message: a few levels, a few items."""
    return _short.repr(value)
