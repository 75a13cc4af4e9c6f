"""A deck's release: a planned deck compared with its manifest gives the notes with the GUIDs
learners have, the next version, what changed, and the manifest to commit (made by
:mod:`.states`; a renamed source file's notes are found again by :mod:`.renamed`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from ..identify import model_hashes
from ..model import DeckPlan, Note
from ..notetypes import of
from .gaps import GapChange, number_gaps
from .guids import Unsure, settle_guids
from .manifest import Manifest, NoteState, Tombstone
from .renamed import documents_renamed
from .replaced import replacements
from .semver import Bump, bump_for
from .states import Changes, gap_said, next_manifest, note_digest, rekeyed_manifest
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
        return gap_said(self.gaps.get(note.guid))

    def gap_totals(self) -> tuple[int, int]:
        """How many gaps (cards) of cloze notes this release adds, and removes."""
        changes = self.gaps.values()
        return sum(len(c.added) for c in changes), sum(len(c.removed) for c in changes)

    def shipped(self) -> tuple[Note, ...]:
        """The notes in the package: current ones, then tombstones."""
        return (*self.notes, *self.tombstones)


def release(plan: DeckPlan, previous: Manifest | None, now: int | None = None) -> Release:
    """Compare a planned deck with its manifest: settle GUIDs, version and changes.

    ``now`` is the time a new release gets (``SOURCE_DATE_EPOCH`` or the clock); an existing
    release keeps the time its manifest records, so rebuilding it gives the same bytes.
    """
    previous = documents_renamed(plan, previous)
    settled, gone, unsure = settle_guids(plan, previous)
    gapped = number_gaps(settled, previous)
    notes = gapped.notes
    added, changed = _added_changed(notes, previous)
    diff = Changes(notes, added, changed, gone, gapped)
    plan, used = _with_used_types(plan, previous, notes)
    types = of(plan.note_types)
    models = model_hashes(types, used)
    bump = bump_for(previous, models, added, gone, changed, tuple(gapped.changes))
    rekeyed = False
    if previous is not None and bump is None:
        manifest = rekeyed_manifest(plan, previous, notes, gapped)
        rekeyed = manifest is not previous
    else:
        manifest = next_manifest(plan, previous, bump or "major", diff, models, now, types)
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
    changed = [n for n in notes if n.guid in prev and prev[n.guid].digest != note_digest(n)]
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
