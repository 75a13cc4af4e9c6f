"""A manifest's entries: each current note, removed note and changelog line as a manifest
records them (:class:`NoteState`, :class:`Tombstone`, :class:`ReleaseRecord`), each written as
the file holds it and read back from it, every value checked for the type deckbuilder writes.

The manifest as a whole, its file read and written, is :mod:`.manifest`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from .. import shapes


class GapState(NamedTuple):
    """One gap of a cloze note as the manifest records it: ``[number, hides, text]`` in the file."""

    number: int
    """Its cloze number: the note's card ``number`` (Anki's ``ord`` is ``number - 1``)."""
    hides: str
    """:func:`builder.release.gaps.hidden_hash` of what it hides: how it is found again."""
    text: str
    """What it hides, as plain text, shortened: what the changelog names, and what an edited
    gap is compared with."""


class NoteState(NamedTuple):
    """One current note as the manifest records it (a tuple: manifests hold thousands)."""

    guid: str
    key: str
    kind: str
    model: str
    prompt: str
    digest: str
    """:func:`builder.identify.content_hash` (``Note.digest``); ``hash`` in the file."""
    teaches: str
    """:func:`builder.identify.body_hash` (``Note.teaches``); ``body`` in the file."""
    changed: str
    """The version in which the note last changed (or was added)."""
    shipped: tuple[str, ...] = ()
    """:func:`builder.identify.fields_hash` of every version of its fields a release shipped,
    oldest first, the current one last: a learner's copy equal to one of them is not their edit."""
    minted: str = ""
    """The key its GUID was made from, when that is not ``key`` (the card was renamed)."""
    gaps: tuple[GapState, ...] = ()
    """For a cloze note: its gaps in the order of its text, each with the number (the card) it
    has. These are the note's current cards; every other card of the note is a removed gap's.
    Empty for other notes, and for notes of releases that did not record them yet."""
    top: int = 0
    """The highest gap number the note ever used, when that is above every number of ``gaps``
    (a removed gap's): a new gap takes a number above it, so no number is given twice."""

    def numbers(self) -> frozenset[int]:
        """The cloze numbers of the note's current gaps (empty when not recorded)."""
        return frozenset(g.number for g in self.gaps)

    def last_gap(self) -> int:
        """The highest gap number the note ever used (0 when none was recorded)."""
        return max(self.top, 0, *(g.number for g in self.gaps))


_OPTIONAL = ("shipped", "minted", "gaps", "top")
"""NoteState's and Tombstone's fields that a manifest may omit (empty), and older ones lack."""
MAX_SHIPPED = 50
"""How many versions of a note's fields a manifest remembers."""
MAX_GAP = 100_000
"""The highest cloze number a manifest may record."""
_HASH = re.compile(r"[0-9a-f]{16}")
MAX_GUID = 64
"""The longest GUID a manifest may hold: Anki's own are ten characters, older add-ons' longer."""
_GUID = re.compile(rf"[\x21-\x7e]{{1,{MAX_GUID}}}")

_ON_DISK = {"digest": "hash", "teaches": "body"}
"""NoteState's fields whose manifest keys have other names (the names of format 1)."""
_IN_MEMORY = {disk: name for name, disk in _ON_DISK.items()}
_STATE_KEYS = {_ON_DISK.get(name, name) for name in NoteState._fields if name not in _OPTIONAL}
_KNOWN_KEYS = _STATE_KEYS | set(_OPTIONAL)
"""Every key a note's entry may hold."""


@dataclass(frozen=True)
class Tombstone:
    """A note removed from the source; shipped on so that learners can find it by its tag."""

    guid: str
    key: str
    kind: str
    model: str
    prompt: str
    removed: str
    """The version that removed it."""
    shipped: tuple[str, ...] = ()
    """The hashes of the versions of its fields releases shipped before it was removed."""
    minted: str = ""
    """The key its GUID was made from, when that is not ``key``."""
    gaps: tuple[GapState, ...] = ()
    """A cloze note's gaps when it was removed (:attr:`NoteState.gaps`): if it comes back, its
    gaps keep their numbers."""
    top: int = 0
    """:attr:`NoteState.top` when it was removed."""
    fields: tuple[str, ...] = ()
    """For a note of a team's note type (a hand-written card's ``note_type``): the names of its
    fields when it was removed, which its tombstone fills (none: a built-in note type's)."""


@dataclass(frozen=True)
class ReleaseRecord:
    """One line of the changelog."""

    version: str
    released: int
    bump: str
    added: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    why: str = ""
    """Why notes were added or removed beyond the sources' edits (new card rules)."""


LONGEST = 100_000
"""The most characters a manifest's text may have."""
LATEST = 253_402_300_799
"""The last second of the year 9999: a release time past it is not one deckbuilder wrote."""


def read_time(value: Any, what: str) -> int:
    return shapes.number(value, f"{what} (a release time)", 0, LATEST)


def read_record(data: Any) -> ReleaseRecord:
    data = shapes.mapping(data, "a history entry")
    lists = {
        k: tuple(shapes.texts(data.get(k, []), f"history {k}", LONGEST))
        for k in ("added", "changed", "removed")
    }
    shapes.text(data["version"], "history version", LONGEST)
    read_time(data["released"], "history released")
    if data["bump"] not in ("major", "minor", "patch"):
        raise ValueError(f"history bump {data['bump']!r}")
    shapes.text(data.get("why", ""), "history why", LONGEST)
    return ReleaseRecord(**{**data, **lists})


def read_tombstone(data: Any) -> Tombstone:
    data = dict(shapes.mapping(data, "a removed note"))
    _guid(data.get("guid"), "a removed note's guid")
    shipped = _shipped(data.pop("shipped", []))
    gaps, top = _gaps(data.pop("gaps", []), data.pop("top", 0))
    fields = tuple(shapes.texts(data.pop("fields", []), "a removed note's fields", LONGEST))
    for key, value in data.items():
        if not isinstance(value, str) or len(value) > LONGEST:
            shapes.text(value, f"removed note {key}", LONGEST)  # raises, naming it
    return Tombstone(**data, shipped=shipped, gaps=gaps, top=top, fields=fields)


def _guid(value: Any, what: str) -> None:
    """A GUID as Anki and deckbuilder write them (:func:`builder.identify.guid`: ten characters
    of base91): 1 to :data:`MAX_GUID` printable ASCII characters, no space; a missing one is
    left to the check of the note's fields."""
    if value is not None and not (isinstance(value, str) and _GUID.fullmatch(value)):
        raise ValueError(f"{what} is not a GUID")


def _shipped(value: Any) -> tuple[str, ...]:
    """A note's list of shipped field hashes, checked."""
    if not isinstance(value, list):
        raise shapes.ShapeError("shipped is not a list")
    if len(value) > MAX_SHIPPED or not all(isinstance(h, str) and _HASH.fullmatch(h) for h in value):
        raise ValueError("a note's shipped hashes")
    return tuple(value)


def _gaps(value: Any, top: Any) -> tuple[tuple[GapState, ...], int]:
    """A cloze note's recorded gaps and highest number, checked."""
    if not isinstance(value, list):
        raise TypeError("gaps is not a list")
    gaps = []
    for item in value:
        number, hides, text = shapes.row(item, 3, "a gap [number, hash, text]")
        shapes.number(number, "a gap's number", 1, MAX_GAP)
        if not isinstance(hides, str) or not _HASH.fullmatch(hides):
            raise ValueError("a gap's hash")
        gaps.append(GapState(number, hides, shapes.text(text, "a gap's text", LONGEST)))
    if len({g.number for g in gaps}) != len(gaps):
        raise ValueError("a gap number is listed twice")
    if isinstance(top, bool) or not isinstance(top, int) or not 0 <= top <= MAX_GAP:
        raise ValueError("a note's top gap number")
    return tuple(gaps), top


def without_defaults(data: dict[str, Any]) -> dict[str, Any]:
    """A note's or tombstone's entry as written: the optional fields only when set."""
    optional = (*_OPTIONAL, "fields")
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in data.items() if k not in optional or v}


def read_state(data: Any) -> NoteState:
    data = dict(shapes.mapping(data, "a note"))
    _guid(data.get("guid"), "a note's guid")
    shipped = _shipped(data.pop("shipped", []))
    gaps, top = _gaps(data.pop("gaps", []), data.pop("top", 0))
    for key, value in data.items():
        if not isinstance(value, str) or len(value) > LONGEST:
            shapes.text(value, f"note {key}", LONGEST)  # raises, naming it
    if not _STATE_KEYS <= data.keys() <= _KNOWN_KEYS:
        raise KeyError(f"note fields {sorted(data)}")
    fields = {_IN_MEMORY.get(k, k): v for k, v in data.items()}
    return NoteState(**fields, shipped=shipped, gaps=gaps, top=top)


def state_json(state: NoteState) -> dict[str, Any]:
    return without_defaults({_ON_DISK.get(k, k): v for k, v in state._asdict().items()})
