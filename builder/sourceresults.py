"""A source's result as plain data and back (:mod:`builder.cache` keeps it as JSON): every
member written as it is and read back checked, member by member, never a pickle. A note is a
list of its members in order (:data:`NOTE_FIELDS`); the rest are objects by name."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import KINDS, Diagnostic, Kind, Look, MediaFile, Note, Origin, Skipped, SourceResult
from .shapes import ShapeError, member, members, number, pair, pairs_of, row, strings_of, text

_KINDS: dict[str, Kind] = {kind: kind for kind in KINDS}
"""Each card kind by its name (read as the :data:`~builder.model.Kind` it is)."""

BadEntry = ShapeError
"""Data that is not what deckbuilder writes: truncated, foreign, tampered with."""


def _origin_data(origin: Origin) -> list[Any]:
    return [origin.path, origin.line]


def _origin(value: Any) -> Origin:
    path, line = row(value, 2, "an origin [path, line]")
    if type(path) is str and type(line) is int:  # the common case, told at once
        return Origin(path, line)
    return Origin(text(path), number(line, "an origin's line"))


NOTE_FIELDS = (
    "guid",
    "key",
    "deck",
    "kind",
    "model",
    "prompt",
    "answer",
    "fields",
    "tags",
    "origin",
    "teaches",
    "digest",
    "sides",
    "draft",
    "generated",
)
"""What a note's entry holds, in its order: a list, not an object (an entry holds hundreds of
notes, and reading back an object a note costs twice the time)."""


def note_data(note: Note) -> list[Any]:
    """A note as plain data, its :data:`NOTE_FIELDS` in order (:func:`note_from` reads it back)."""
    return [
        note.guid,
        note.key,
        note.deck,
        note.kind,
        note.model,
        note.prompt,
        note.answer,
        [[name, value] for name, value in note.fields.items()],
        list(note.tags),
        _origin_data(note.origin),
        note.teaches,
        note.digest,
        list(note.sides),
        None if note.draft is None else [list(pair) for pair in note.draft],
        note.generated,
    ]


def note_from(data: Any) -> Note:
    """The note :func:`note_data` gave; :class:`BadEntry` if ``data`` is not one."""
    (
        guid,
        key,
        deck,
        kind,
        model,
        prompt,
        answer,
        fields,
        tags,
        origin,
        teaches,
        digest,
        sides,
        draft,
        generated,
    ) = row(data, len(NOTE_FIELDS), "a note")
    known = _KINDS.get(kind) if isinstance(kind, str) else None
    if known is None:
        raise BadEntry(f"unknown card kind “{kind}”")
    if not all(isinstance(data[i], str) for i in _NOTE_TEXTS):
        raise BadEntry("a note's entry holds something other than text where text is due")
    return Note(
        guid=guid,
        key=key,
        deck=deck,
        kind=known,
        model=model,
        prompt=prompt,
        answer=answer,
        fields=dict(pairs_of(fields, "a note's fields")),
        tags=strings_of(tags, "a note's tags"),
        origin=_origin(origin),
        teaches=teaches,
        digest=digest,
        sides=strings_of(sides, "a note's sides"),
        draft=None if draft is None else pairs_of(draft, "a note's draft"),
        generated=generated,
    )


_NOTE_TEXTS = tuple(
    NOTE_FIELDS.index(name)
    for name in ("guid", "key", "deck", "model", "prompt", "answer", "teaches", "digest", "generated")
)
"""Where a note's entry holds strings."""


def _diagnostic(value: Any) -> Diagnostic:
    level = member(value, "level", str)
    if level == "error":
        return Diagnostic(_origin(value.get("origin")), "error", member(value, "message", str))
    if level == "warning":
        return Diagnostic(_origin(value.get("origin")), "warning", member(value, "message", str))
    raise BadEntry(f"unknown level “{level}”")


def _skipped(value: Any) -> Skipped:
    return Skipped(
        _origin(member(value, "origin", list)),
        member(value, "reason", str),
        member(value, "text", str),
        member(value, "key", str),
    )


def _media(value: Any) -> MediaFile:
    name, path = pair(value)
    return MediaFile(name, Path(path))


def result_data(result: SourceResult) -> dict[str, Any]:
    """What one source gave, as plain data (:func:`result_from` reads it back)."""
    return {
        "source": result.source,
        "deck": result.deck,
        "notes": [note_data(n) for n in result.notes],
        "media": [[f.name, str(f.path)] for f in result.media],
        "problems": [
            {"origin": _origin_data(d.origin), "level": d.level, "message": d.message}
            for d in result.problems
        ],
        "skipped": [
            {"origin": _origin_data(s.origin), "reason": s.reason, "text": s.text, "key": s.key}
            for s in result.skipped
        ],
        "look": _look_data(result.look),
    }


def _look_data(look: Look) -> dict[str, Any]:
    return {
        "style": look.style,
        "replace": look.replace,
        "note_types": [list(pair) for pair in look.note_types],
        "tts": look.tts,
        "origin": _origin_data(look.origin),
    }


def _look(value: Any) -> Look:
    if not isinstance(value, dict):
        raise BadEntry("“look” is not a mapping")
    style, tts = value.get("style"), value.get("tts")
    if not isinstance(style, (str, type(None))) or not isinstance(tts, (str, type(None))):
        raise BadEntry("“look” has a style or tts that is not a string")
    return Look(
        style,
        member(value, "replace", bool),
        members(value, "note_types", pair),
        tts,
        _origin(value.get("origin")),
    )


def result_from(data: Any) -> SourceResult:
    """The result :func:`result_data` gave; :class:`BadEntry` if ``data`` is not one."""
    deck = data.get("deck") if isinstance(data, dict) else None
    if deck is not None and not isinstance(deck, str):
        raise BadEntry("“deck” is not a string")
    return SourceResult(
        member(data, "source", str),
        deck,
        members(data, "notes", note_from),
        members(data, "media", _media),
        members(data, "problems", _diagnostic),
        members(data, "skipped", _skipped),
        _look(data.get("look")),
    )
