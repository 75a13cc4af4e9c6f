"""The manifest format: what a deck's last release shipped, as committed beside its ``.apkg``.

The manifest (``decks/<slug>.manifest.json``) holds the current version, its release time,
every note's GUID, key and hashes, the notes removed from the source (shipped on as tagged
tombstones, since Anki's import never deletes), and the release history from which the
changelog is written. For a cloze note it records which cloze number (which card) hides what
(``gaps``), so that a gap keeps its card from release to release (:mod:`.gaps`).

Each entry (a note, a removed note, a line of the history) is :mod:`.entries`'s.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from .. import shapes
from ..errors import SourceError
from ..model.notetype import KEY
from .entries import (
    LATEST,
    LONGEST,
    MAX_GAP,
    MAX_GUID,
    MAX_SHIPPED,
    GapState,
    NoteState,
    ReleaseRecord,
    Tombstone,
    read_record,
    read_state,
    read_time,
    read_tombstone,
    state_json,
    without_defaults,
)
from .semver import is_version

__all__ = [
    "LATEST",
    "LONGEST",
    "MANIFEST_FORMAT",
    "MAX_GAP",
    "MAX_GUID",
    "MAX_SHIPPED",
    "GapState",
    "Manifest",
    "NoteState",
    "ReleaseRecord",
    "Tombstone",
    "load_manifest",
]


MANIFEST_FORMAT = 1

_ONE_LINE = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
"""How a note's state is written, one line each (made once: ``json.dumps`` with options makes
an encoder a call)."""


@dataclass(frozen=True)
class Manifest:
    """The committed state of one deck."""

    deck: str
    version: str
    released: int
    models: dict[str, dict[str, str]]
    """Per note type: shape and css hashes, and ``changed``: the version that last changed it."""
    notes: tuple[NoteState, ...]
    removed: tuple[Tombstone, ...] = ()
    history: tuple[ReleaseRecord, ...] = ()
    sources: tuple[str, ...] = ()
    """The deck's source files, by their path inside the source folder."""
    grammar: int = 1
    """The card rules and key grammar (:data:`builder.keys.GRAMMAR`) the notes were made by."""
    names: tuple[str, ...] = ()
    """The deck's former titles, oldest first: GUIDs made under them are the deck's own."""
    tags: tuple[str, ...] = ()
    """Every tag a release of the deck has put on a note: the tags a sync owns (and may take
    off again); every other tag on a learner's note is theirs."""

    def release_time(self, version: str) -> int:
        """When ``version`` was released."""
        return self._release_times.get(version, self.released)

    @cached_property
    def _release_times(self) -> dict[str, int]:
        """Each version's release time, looked up once per note: a table, not a scan."""
        times: dict[str, int] = {}
        for record in self.history:
            times.setdefault(record.version, record.released)
        return times

    def to_json(self) -> str:
        """The manifest file's text: stable key order, one note per line."""
        notes = ",\n".join("    " + _ONE_LINE.encode(state_json(n)) for n in self.notes)
        head = {
            "format": MANIFEST_FORMAT,
            "deck": self.deck,
            "version": self.version,
            "released": self.released,
            "models": self.models,
        }
        rest: dict[str, object] = {
            "grammar": self.grammar,
            "sources": list(self.sources),
            "removed": [without_defaults(asdict(t)) for t in self.removed],
            "history": [asdict(r) for r in self.history],
        }
        if self.names:
            rest["names"] = list(self.names)
        if self.tags:
            rest["tags"] = list(self.tags)
        head_text = json.dumps(head, ensure_ascii=False, indent=2, sort_keys=True)[:-2]
        rest_text = json.dumps(rest, ensure_ascii=False, indent=2, sort_keys=True)[1:]
        return f'{head_text},\n  "notes": [\n{notes}\n  ],{rest_text}\n'


def load_manifest(path: Path) -> Manifest | None:
    """The manifest at ``path``, or None when there is none yet."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None  # no release yet (or no decks folder: writing will say why)
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(str(path), f"cannot read manifest: {exc}") from None
    try:
        manifest = _manifest(json.loads(text))
        _check(manifest)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path}:{exc.lineno}", f"manifest is not valid JSON: {exc.msg}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SourceError(str(path), f"manifest is malformed ({exc}); restore it from git") from None
    except RecursionError:
        raise SourceError(str(path), "manifest is malformed (nested too deep); restore it from git") from None
    return manifest


def _manifest(data: Any) -> Manifest:
    """The manifest a parsed file holds, every field checked for the type deckbuilder writes;
    KeyError, TypeError or ValueError when malformed."""
    data = shapes.mapping(data, "the manifest")
    shapes.text(data["deck"], "deck", LONGEST)
    shapes.text(data["version"], "version", LONGEST)
    read_time(data["released"], "released")
    for name, state in shapes.mapping(data["models"], "models").items():
        for key, value in shapes.mapping(state, f"note type {name}").items():
            shapes.text(value, f"note type {name}: {key}", LONGEST)
    shapes.texts(data.get("sources", []), "sources", LONGEST)
    shapes.texts(data.get("names", []), "names", LONGEST)
    shapes.texts(data.get("tags", []), "tags", LONGEST)
    grammar = data.get("grammar", 1)
    if isinstance(grammar, bool) or not isinstance(grammar, int) or not 0 < grammar < 1000:
        raise ValueError("grammar is not a rules version")
    return Manifest(
        deck=data["deck"],
        version=data["version"],
        released=int(data["released"]),
        models=data["models"],
        notes=tuple(read_state(n) for n in data["notes"]),
        removed=tuple(read_tombstone(t) for t in data.get("removed", [])),
        sources=tuple(str(name) for name in data.get("sources", [])),
        grammar=int(data.get("grammar", 1)),
        history=tuple(read_record(r) for r in data.get("history", [])),
        names=tuple(data.get("names", ())),
        tags=tuple(data.get("tags", ())),
    )


def _check(manifest: Manifest) -> None:
    """Raise ValueError unless the manifest has the shape deckbuilder writes."""
    if not is_version(manifest.version):
        raise ValueError(f"version {manifest.version[:20]!r}")
    if any(not is_version(r.version) for r in manifest.history):
        raise ValueError("a history entry's version")
    for name, state in manifest.models.items():
        if not KEY.fullmatch(name) or not {"shape", "css", "changed"} <= set(state):
            raise ValueError(f"note type {name[:40]!r}")
        if not _ID.fullmatch(state.get("id", "1")) or not _NAME.fullmatch(state.get("name", "-")):
            raise ValueError(f"the id or name of note type {name!r}")
    guids = [n.guid for n in manifest.notes] + [t.guid for t in manifest.removed]
    if len(set(guids)) != len(guids):
        raise ValueError("a GUID is listed twice")
    if any(n.model not in manifest.models for n in manifest.notes) or any(
        t.model not in manifest.models for t in manifest.removed
    ):
        raise ValueError("a note has an unknown note type")


_ID = re.compile(r"[1-9]\d{0,17}")
"""A note type's id in Anki: a positive 64-bit integer, as text."""
_NAME = re.compile(r"[^\x00-\x1f\x7f]{1,200}")
