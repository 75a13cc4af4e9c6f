"""A deck's release: a planned deck compared with its manifest gives the notes with the GUIDs
learners have, the next version, what changed, and the manifest to commit."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from .. import keys
from ..identify import content_hash, fields_hash, guid, model_hashes
from ..model import DeckPlan, Note, NoteType
from ..notetypes import builtin, of
from .gaps import GapChange, Gapped, number_gaps
from .guids import Unsure, settle_guids
from .manifest import MAX_SHIPPED, Manifest, NoteState, ReleaseRecord, Tombstone
from .replaced import replacements
from .semver import FIRST_VERSION, Bump, bump_for, bump_version
from .tombstones import team_note_types, tombstone_note


@dataclass(frozen=True)
class Release:
    """A deck as it is to be shipped: its notes with settled GUIDs, and its new manifest."""

    plan: DeckPlan
    """The deck, its notes carrying their settled GUIDs and release tags."""
    manifest: Manifest
    """The manifest after this build (the previous one when nothing changed)."""
    previous: Manifest | None
    """The manifest before this build."""
    bump: Bump | None
    """How the version moved; None when nothing changed."""
    added: tuple[Note, ...] = ()
    changed: tuple[Note, ...] = ()
    removed: tuple[Tombstone, ...] = ()
    """Notes removed by this build."""
    tombstones: tuple[Note, ...] = field(default=())
    """Every removed note, shipped with the ``removed`` tag."""
    rekeyed: bool = False
    """No new version, but notes have new keys that the manifest must record."""
    replaced: tuple[tuple[Note, NoteState], ...] = ()
    """Added notes that look like a removed one edited twice over (key and answer in one
    release): the learner's history of the old one is lost. Each with the note it replaces."""
    unsure: tuple[Unsure, ...] = ()
    """Added notes made new because which old note they continue could not be told."""
    gaps: Mapping[str, GapChange] = field(default_factory=dict)
    """By GUID: the cloze notes whose gaps (cards) this release adds or removes."""

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def released(self) -> int:
        return self.manifest.released

    def note_times(self) -> dict[str, int]:
        """Each shipped note's modification time: the release it last changed in."""
        times = {n.guid: self.manifest.release_time(n.changed) for n in self.manifest.notes}
        for t in self.manifest.removed:
            times[t.guid] = self.manifest.release_time(t.removed)
        return times

    def model_times(self) -> dict[str, int]:
        """Each note type's modification time: the release that last changed it."""
        return {
            name: self.manifest.release_time(state["changed"]) for name, state in self.manifest.models.items()
        }

    @cached_property
    def notes(self) -> tuple[Note, ...]:
        """The current notes as shipped: each tagged with the release that last changed it."""
        changed = {s.guid: s.changed for s in self.manifest.notes}
        return tuple(replace(n, tags=(*n.tags, f"changed::{changed[n.guid]}")) for n in self.plan.notes)

    def gap_words(self, note: Note) -> str:
        """The gaps (cards) this release adds to and removes from a changed cloze note, in words
        after its prompt: `` (gap removed: “…”)``; '' when none."""
        return _said(self.gaps.get(note.guid))

    def gap_totals(self) -> tuple[int, int]:
        """How many gaps (cards) of cloze notes this release adds, and removes."""
        changes = self.gaps.values()
        return sum(len(c.added) for c in changes), sum(len(c.removed) for c in changes)

    def shipped(self) -> tuple[Note, ...]:
        """The notes in the package: current ones, then tombstones."""
        return (*self.notes, *self.tombstones)


@dataclass(frozen=True)
class _Changes:
    """How a build's notes differ from the last release's."""

    notes: Sequence[Note]
    """Every note, with its settled GUID."""
    added: Sequence[Note]
    changed: Sequence[Note]
    gone: Sequence[NoteState]
    """The last release's notes no note took."""
    gaps: Gapped
    """Each cloze note's gaps, and those added and removed."""


def release(plan: DeckPlan, previous: Manifest | None, now: int | None = None) -> Release:
    """Compare a planned deck with its manifest: settle GUIDs, version and changes.

    ``now`` is the time a new release gets (``SOURCE_DATE_EPOCH`` or the clock); an existing
    release keeps the time its manifest records, so rebuilding it gives the same bytes.
    """
    previous = _documents_renamed(plan, previous)
    settled, gone, unsure = settle_guids(plan, previous)
    gapped = number_gaps(settled, previous)
    notes = gapped.notes
    added, changed = _added_changed(notes, previous)
    diff = _Changes(notes, added, changed, gone, gapped)
    plan, used = _with_used_types(plan, previous, notes)
    types = of(plan.note_types)
    models = model_hashes(types, used)
    bump = bump_for(previous, models, added, gone, changed, tuple(gapped.changes))
    rekeyed = False
    if previous is not None and bump is None:
        manifest = _rekeyed(plan, previous, notes, gapped)
        rekeyed = manifest is not previous
    else:
        manifest = _next_manifest(plan, previous, bump or "major", diff, models, now, types)
    removed_now = tuple(t for t in manifest.removed if bump and t.removed == manifest.version)
    return Release(
        plan=replace(plan, notes=tuple(notes)),
        manifest=manifest,
        previous=previous,
        bump=bump,
        added=tuple(added) if previous else (),
        changed=tuple(changed),
        removed=removed_now,
        tombstones=tuple(tombstone_note(t, plan.name) for t in manifest.removed),
        rekeyed=rekeyed,
        replaced=replacements(added, gone) if previous else (),
        unsure=unsure,
        gaps=gapped.changes,
    )


def _added_changed(notes: Sequence[Note], previous: Manifest | None) -> tuple[list[Note], list[Note]]:
    """The notes the last release did not have, and those it had that a learner's copy would
    change by (their note type, fields, tags or deck)."""
    prev = {n.guid: n for n in previous.notes} if previous else {}
    added = [n for n in notes if n.guid not in prev]
    changed = [n for n in notes if n.guid in prev and prev[n.guid].digest != _digest(n)]
    return added, changed


def _with_used_types(
    plan: DeckPlan, previous: Manifest | None, notes: Sequence[Note]
) -> tuple[DeckPlan, set[str]]:
    """The plan with a team's note types that only the last release's notes used added (its
    removed notes ship on, of the note type they had), and the names of every note type the
    notes and the last release's use."""
    # Removed notes ship on as tombstones, of the note type they had.
    used = {n.model for n in notes}
    if previous is not None:
        used |= {n.model for n in previous.notes} | {t.model for t in previous.removed}
    if unknown := used - of(plan.note_types).keys():  # a team's, which no note uses any more
        roots = (root for root, _ in plan.files)
        plan = replace(plan, note_types=(*plan.note_types, *team_note_types(plan.name, unknown, roots)))
    return plan, used


def _documents_renamed(plan: DeckPlan, previous: Manifest | None) -> Manifest | None:
    """The previous manifest with the keys of a renamed source file written under its new
    name, so that every note of it is found by its key again (a key starts with its file's
    stem). A document the manifest knows and the plan no longer has is taken for renamed to
    a new one when at least half of its notes teach what the new one's do; each pairs once."""
    if previous is None:
        return None
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


def _teaching(found: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """What the notes of each document teach, by document (card-file keys belong to none)."""
    out: dict[str, set[str]] = {}
    for key, teaches in found:
        if keys.yaml_id(key) is None:
            out.setdefault(keys.document_of(key), set()).add(teaches)
    return out


def _digest(note: Note) -> str:
    return note.digest or content_hash(note.model, note.fields, note.tags, note.deck)


def _rekeyed(plan: DeckPlan, previous: Manifest, notes: Sequence[Note], gapped: Gapped) -> Manifest:
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


def _next_manifest(
    plan: DeckPlan,
    previous: Manifest | None,
    bump: Bump,
    diff: _Changes,
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
    previous: Manifest | None, diff: _Changes, version: str, names: Sequence[str]
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
            digest=_digest(n),
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
    diff: _Changes,
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
        changed=tuple(n.prompt + _said(diff.gaps.changes.get(n.guid)) for n in diff.changed),
        removed=tuple(t.prompt for t in new),
        why=" ".join(why),
    )


def _said(change: GapChange | None) -> str:
    """A changed note's gaps added and removed, in words after its prompt."""
    return change.said() if change is not None else ""
