"""Source files renamed: the previous manifest's keys written under a document's new name,
so that a release finds every note of a renamed file by its key again (a key starts with its
file's stem) and the notes keep their GUIDs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from .. import keys
from ..model import DeckPlan
from .manifest import Manifest, NoteState, Tombstone


def documents_renamed(plan: DeckPlan, previous: Manifest | None) -> Manifest | None:
    """The previous manifest with the keys of a renamed source file written under its new
    name, so that every note of it is found by its key again (a key starts with its file's
    stem). A document the manifest knows and the plan no longer has is taken for renamed to
    a new one when at least half of its notes teach what the new one's do; each pairs once."""
    if previous is None:
        return None
    known, planned = _documents(s.key for s in previous.notes), _documents(n.key for n in plan.notes)
    if not (known - planned and planned - known):
        return previous  # no document gone while another came: nothing renamed
    old = _teaching((s.key, s.teaches) for s in previous.notes)
    new = _teaching((n.key, n.teaches) for n in plan.notes)
    renamed: dict[str, str] = {}
    for gone in sorted(set(old) - set(new)):
        mine = old[gone]
        candidates = [doc for doc in sorted(set(new) - set(old)) if doc not in renamed.values()]
        best = max(candidates, key=lambda doc: len(mine & new[doc]), default=None)
        if best is not None and len(mine & new[best]) * 2 >= len(mine):
            renamed[gone] = best
    if not renamed:
        return previous
    return replace(
        previous,
        notes=tuple(s._replace(key=k, minted=m) for s in previous.notes for k, m in [_moved(s, renamed)]),
        removed=tuple(replace(t, key=k, minted=m) for t in previous.removed for k, m in [_moved(t, renamed)]),
    )


def _moved(note: NoteState | Tombstone, renamed: dict[str, str]) -> tuple[str, str]:
    """A note's key under its document's new name, and the key its GUID was made from."""
    new = keys.moved(note.key, renamed)
    return (new, note.minted or note.key) if new != note.key else (note.key, note.minted)


def _documents(found: Iterable[str]) -> set[str]:
    """The documents notes with these keys come from (card-file keys belong to none)."""
    return {keys.document_of(key) for key in found if keys.yaml_id(key) is None}


def _teaching(found: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """What the notes of each document teach, by document (card-file keys belong to none)."""
    out: dict[str, set[str]] = {}
    for key, teaches in found:
        if keys.yaml_id(key) is None:
            out.setdefault(keys.document_of(key), set()).add(teaches)
    return out
