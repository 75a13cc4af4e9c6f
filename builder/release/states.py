"""The manifest a deck's release leaves: for a new version, every note's state, its note types'
hashes, its tombstones and the history's new line; for a build with no new version, the last
manifest, with the new keys of notes it must learn."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .. import keys
from ..identify import content_hash, fields_hash, guid
from ..model import DeckPlan, Note, NoteType
from ..notetypes import builtin
from .gaps import GapChange, Gapped
from .manifest import MAX_SHIPPED, Manifest, NoteState, ReleaseRecord, Tombstone
from .semver import FIRST_VERSION, Bump, bump_version


@dataclass(frozen=True)
class Changes:
    """How a build's notes differ from the last release's."""

    notes: Sequence[Note]
    """Every note, with its settled GUID."""
    added: Sequence[Note]
    changed: Sequence[Note]
    gone: Sequence[NoteState]
    """The last release's notes no note took."""
    gaps: Gapped
    """Each cloze note's gaps, and those added and removed."""


def note_digest(note: Note) -> str:
    return note.digest or content_hash(note.model, note.fields, note.tags, note.deck)


def rekeyed_manifest(plan: DeckPlan, previous: Manifest, notes: Sequence[Note], gapped: Gapped) -> Manifest:
    """The manifest of a build with no new version: the previous one, unless notes have new
    keys (a pinned ``{#id}``, a renamed heading) or come from renamed files. Then the version
    stays, but the manifest must learn them, or the next edit is not recognised (and learns
    the gaps of cloze notes an older release did not record)."""
    key_of = {n.guid: n.key for n in notes}
    sources = tuple(name for _, name in plan.files)
    if all(key_of[s.guid] == s.key for s in previous.notes) and sources == previous.sources:
        return previous
    notes_now = tuple(
        s._replace(key=key_of[s.guid], gaps=gaps, top=top)
        for s in previous.notes
        for gaps, top in [gapped.states.get(s.guid, (s.gaps, s.top))]
    )
    return replace(previous, notes=notes_now, sources=sources)


def next_manifest(
    plan: DeckPlan,
    previous: Manifest | None,
    bump: Bump,
    diff: Changes,
    models: dict[str, dict[str, str]],
    now: int | None,
    types: Mapping[str, NoteType],
) -> Manifest:
    """The manifest of a new version (``types``: the deck's note types, by key)."""
    clock = int(time.time()) if now is None else now
    if previous is None:
        version, released = FIRST_VERSION, clock
    else:
        version, released = bump_version(previous.version, bump), max(clock, previous.released + 1)
    new = [
        Tombstone(
            guid=g.guid,
            key=g.key,
            kind=g.kind,
            model=g.model,
            prompt=g.prompt,
            removed=version,
            shipped=g.shipped,
            minted=g.minted,
            gaps=g.gaps,
            top=g.top,
            fields=types[g.model].fields if g.model not in builtin() else (),
        )
        for g in diff.gone
    ]
    names = _former_names(plan.name, previous)
    current = {n.guid for n in diff.notes}
    kept = [t for t in (previous.removed if previous else ()) if t.guid not in current]
    return Manifest(
        deck=plan.name,
        version=version,
        released=released,
        models=_model_states(previous, models, version),
        notes=_note_states(previous, diff, version, (plan.name, *names)),
        removed=(*kept, *new),
        history=(
            _record(plan.name, previous, bump, diff, new, version, released),
            *(previous.history if previous else ()),
        ),
        sources=tuple(name for _, name in plan.files),
        grammar=keys.GRAMMAR,
        names=names,
        tags=_tags(previous, diff.notes),
    )


def _former_names(name: str, previous: Manifest | None) -> tuple[str, ...]:
    """The deck's former titles: the previous manifest's, and its title when it changed."""
    if previous is None:
        return ()
    return tuple(n for n in dict.fromkeys((*previous.names, previous.deck)) if n != name)


def _tags(previous: Manifest | None, notes: Sequence[Note]) -> tuple[str, ...]:
    """Every tag a release of the deck has shipped, this one's included."""
    return tuple(sorted({*(previous.tags if previous else ()), *(t for n in notes for t in n.tags)}))


def _note_states(
    previous: Manifest | None, diff: Changes, version: str, names: Sequence[str]
) -> tuple[NoteState, ...]:
    """Every note as the new manifest records it; added and changed ones changed in ``version``."""
    prev = {n.guid: n for n in previous.notes} if previous else {}
    fresh = {n.guid for n in (*diff.added, *diff.changed)}
    gaps = diff.gaps.states
    return tuple(
        NoteState(
            guid=n.guid,
            key=n.key,
            kind=n.kind,
            model=n.model,
            prompt=n.prompt,
            digest=note_digest(n),
            teaches=n.teaches,
            changed=version if n.guid in fresh else prev[n.guid].changed,
            shipped=_shipped(prev.get(n.guid), fields_hash(tuple(n.fields.values()))),
            minted=_minted(n, prev.get(n.guid), names),
            gaps=gaps[n.guid][0] if n.guid in gaps else (),
            top=gaps[n.guid][1] if n.guid in gaps else 0,
        )
        for n in diff.notes
    )


def _shipped(before: NoteState | None, now: str) -> tuple[str, ...]:
    """The versions of a note's fields shipped so far, ``now`` last."""
    earlier = [h for h in (before.shipped if before else ()) if h != now]
    return (*earlier, now)[-MAX_SHIPPED:]


def _minted(note: Note, before: NoteState | None, names: Sequence[str]) -> str:
    """The key a note's GUID was made from, when it is not the note's key now ("" when it is,
    or when no release recorded it)."""
    if any(guid(name, note.key) == note.guid for name in names):
        return ""
    for key in (before.minted, before.key) if before is not None else ():
        if key and any(guid(name, key) == note.guid for name in names):
            return key
    return ""


def _model_states(
    previous: Manifest | None, models: dict[str, dict[str, str]], version: str
) -> dict[str, dict[str, str]]:
    """Each note type's hashes, and the version that last changed it."""
    out = {}
    for name, hashes in models.items():
        old = previous.models.get(name, {}) if previous else {}
        # A hash an older manifest did not record yet is taken as unchanged.
        same = all(old.get(k, v) == v for k, v in hashes.items())
        out[name] = {**hashes, "changed": old["changed"] if same and "changed" in old else version}
    return out


def _record(
    deck: str,
    previous: Manifest | None,
    bump: Bump,
    diff: Changes,
    new: Sequence[Tombstone],
    version: str,
    released: int,
) -> ReleaseRecord:
    """The changelog's line for the new version."""
    regrammar = previous is not None and previous.grammar != keys.GRAMMAR and (diff.added or new)
    why = [keys.CHANGES.get(keys.GRAMMAR, "")] if regrammar else []
    if previous is not None and previous.deck != deck:
        why.insert(0, f"the deck was renamed from “{previous.deck}”; every note keeps its history.")
    return ReleaseRecord(
        version=version,
        released=released,
        bump=bump,
        added=tuple(n.prompt for n in diff.added) if previous else (),
        changed=tuple(n.prompt + gap_said(diff.gaps.changes.get(n.guid)) for n in diff.changed),
        removed=tuple(t.prompt for t in new),
        why=" ".join(why),
    )


def gap_said(change: GapChange | None) -> str:
    """A changed note's gaps added and removed, in words after its prompt."""
    return change.said() if change is not None else ""
