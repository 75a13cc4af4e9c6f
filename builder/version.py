"""Stage 5: releases. A deck's manifest records what learners already have; a new build is
compared with it to keep every note's GUID, to decide the next version, and to say what changed.

The manifest (``decks/<slug>.manifest.json``, committed) holds the current version, its release
time, every note's GUID, key and content hash, the notes removed from the source (shipped on as
tagged tombstones, since Anki's import never deletes), and the release history from which the
changelog is written.

Versions follow semver:

- **major** when a note type's fields or templates change (learners' cards change shape); a
  note type the previous release did not record (one added to deckbuilder later, such as
  ``reverse``) is new to the deck, not a change: no note of the deck used it;
- **minor** when notes are added or removed;
- **patch** when only content changed (a note's fields or tags, or the note types' CSS);
- no new version, and nothing rewritten, when nothing changed.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from html import escape
from pathlib import Path
from typing import Literal, NamedTuple

from . import keys
from .errors import SourceError
from .identify import guid as fresh_guid
from .model import DeckPlan, Note, Origin
from .notetypes import MODELS

MANIFEST_FORMAT = 1
FIRST_VERSION = "1.0.0"
REMOVED_TAG = "removed"
REMOVED_MARK = "(removed) "

Bump = Literal["major", "minor", "patch"]


def content_hash(model: str, fields: dict[str, str], tags: Sequence[str], deck: str) -> str:
    """What a learner's copy would change by: the note type, fields, tags and deck."""
    data = json.dumps([model, fields, sorted(tags), deck], ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()[:16]


def body_hash(kind: str, body: str) -> str:
    """What the card teaches, without breadcrumb or label: found again after a rename."""
    return hashlib.sha256(f"{kind}\0{body}".encode()).hexdigest()[:16]


def _digest(note: Note) -> str:
    return note.digest or content_hash(note.model, note.fields, note.tags, note.deck)


def model_hashes() -> dict[str, dict[str, str]]:
    """Per note type: the hash of its shape (fields, templates) and of its CSS."""
    out = {}
    for name, factory in MODELS.items():
        model = factory()
        shape = json.dumps([model.name, model.fields, model.templates], sort_keys=True)
        out[name] = {
            "shape": hashlib.sha256(shape.encode()).hexdigest()[:16],
            "css": hashlib.sha256(model.css.encode()).hexdigest()[:16],
        }
    return out


class NoteState(NamedTuple):
    """One current note as the manifest records it (a tuple: manifests hold thousands)."""

    guid: str
    key: str
    kind: str
    model: str
    prompt: str
    hash: str
    """:func:`content_hash`."""
    body: str
    """:func:`body_hash`."""
    changed: str
    """The version in which the note last changed (or was added)."""


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

    def release_time(self, version: str) -> int:
        """When ``version`` was released."""
        for record in self.history:
            if record.version == version:
                return record.released
        return self.released

    def to_json(self) -> str:
        """The manifest file's text: stable key order, one note per line."""
        notes = ",\n".join(
            "    " + json.dumps(n._asdict(), ensure_ascii=False, sort_keys=True) for n in self.notes
        )
        head = {
            "format": MANIFEST_FORMAT,
            "deck": self.deck,
            "version": self.version,
            "released": self.released,
            "models": self.models,
        }
        rest = {
            "grammar": self.grammar,
            "sources": list(self.sources),
            "removed": [asdict(t) for t in self.removed],
            "history": [asdict(r) for r in self.history],
        }
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
        data = json.loads(text)
        manifest = Manifest(
            deck=data["deck"],
            version=data["version"],
            released=int(data["released"]),
            models=data["models"],
            notes=tuple(_state(n) for n in data["notes"]),
            removed=tuple(Tombstone(**t) for t in data.get("removed", [])),
            sources=tuple(str(name) for name in data.get("sources", [])),
            grammar=int(data.get("grammar", 1)),
            history=tuple(
                ReleaseRecord(**{**r, **{k: tuple(r.get(k, ())) for k in ("added", "changed", "removed")}})
                for r in data.get("history", [])
            ),
        )
        _check(manifest)
    except json.JSONDecodeError as exc:
        raise SourceError(f"{path}:{exc.lineno}", f"manifest is not valid JSON: {exc.msg}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise SourceError(str(path), f"manifest is malformed ({exc}); restore it from git") from None
    return manifest


def _check(manifest: Manifest) -> None:
    """Raise ValueError unless the manifest has the shape deckbuilder writes."""
    if not _VERSION.fullmatch(manifest.version):
        raise ValueError(f"version {manifest.version!r}")
    for name, state in manifest.models.items():
        if name not in MODELS or not {"shape", "css", "changed"} <= set(state):
            raise ValueError(f"note type {name!r}")
    guids = [n.guid for n in manifest.notes] + [t.guid for t in manifest.removed]
    if len(set(guids)) != len(guids):
        raise ValueError("a GUID is listed twice")
    if any(n.model not in MODELS for n in manifest.notes) or any(
        t.model not in MODELS for t in manifest.removed
    ):
        raise ValueError("a note has an unknown note type")


_VERSION = re.compile(r"\d+\.\d+\.\d+")


def _state(data: dict[str, str]) -> NoteState:
    if set(data) != _STATE_FIELDS:
        raise KeyError(f"note fields {sorted(data)}")
    return NoteState(**data)


_STATE_FIELDS = set(NoteState._fields)


def bump_version(version: str, bump: Bump) -> str:
    """The next semver version."""
    major, minor, patch = (int(p) for p in version.split("."))
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


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

    def shipped(self) -> tuple[Note, ...]:
        """The notes in the package: current ones, then tombstones."""
        return (*self.notes, *self.tombstones)


def release(plan: DeckPlan, previous: Manifest | None, now: int | None = None) -> Release:
    """Compare a planned deck with its manifest: settle GUIDs, version and changes.

    ``now`` is the time a new release gets (``SOURCE_DATE_EPOCH`` or the clock); an existing
    release keeps the time its manifest records, so rebuilding it gives the same bytes.
    """
    notes, gone = _settle_guids(plan, previous)
    prev = {n.guid: n for n in previous.notes} if previous else {}
    added = [n for n in notes if n.guid not in prev]
    changed = [n for n in notes if n.guid in prev and prev[n.guid].hash != _digest(n)]
    models = model_hashes()
    bump = _bump(previous, models, added, gone, changed)
    rekeyed = False
    if previous is not None and bump is None:
        manifest = previous
        key_of = {n.guid: n.key for n in notes}
        sources = tuple(name for _, name in plan.files)
        if any(key_of[s.guid] != s.key for s in previous.notes) or sources != previous.sources:
            # Same content under new keys (a pinned {#id}, a renamed heading) or from renamed
            # files: the version stays, but the manifest must learn them, or the next edit is
            # not recognised.
            notes_now = tuple(s._replace(key=key_of[s.guid]) for s in previous.notes)
            manifest = replace(previous, notes=notes_now, sources=sources)
            rekeyed = True
    else:
        manifest = _next_manifest(plan, previous, bump or "major", notes, added, changed, gone, models, now)
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
        replaced=_replacements(added, gone) if previous else (),
    )


def _next_manifest(
    plan: DeckPlan,
    previous: Manifest | None,
    bump: Bump,
    notes: Sequence[Note],
    added: Sequence[Note],
    changed: Sequence[Note],
    gone: Sequence[NoteState],
    models: dict[str, dict[str, str]],
    now: int | None,
) -> Manifest:
    clock = int(time.time()) if now is None else now
    if previous is None:
        version, released = FIRST_VERSION, clock
    else:
        version, released = bump_version(previous.version, bump), max(clock, previous.released + 1)
    prev = {n.guid: n for n in previous.notes} if previous else {}
    fresh = {n.guid for n in (*added, *changed)}
    states = tuple(
        NoteState(
            guid=n.guid,
            key=n.key,
            kind=n.kind,
            model=n.model,
            prompt=n.prompt,
            hash=_digest(n),
            body=n.teaches,
            changed=version if n.guid in fresh else prev[n.guid].changed,
        )
        for n in notes
    )
    current = {n.guid for n in notes}
    kept = [t for t in (previous.removed if previous else ()) if t.guid not in current]
    new = [
        Tombstone(guid=g.guid, key=g.key, kind=g.kind, model=g.model, prompt=g.prompt, removed=version)
        for g in gone
    ]
    model_state = {}
    for name, hashes in models.items():
        old = previous.models.get(name, {}) if previous else {}
        same = all(old.get(k) == v for k, v in hashes.items())
        model_state[name] = {
            **hashes,
            "changed": old["changed"] if same and "changed" in old else version,
        }
    record = ReleaseRecord(
        version=version,
        released=released,
        bump=bump,
        added=tuple(n.prompt for n in added) if previous else (),
        changed=tuple(n.prompt for n in changed),
        removed=tuple(t.prompt for t in new),
        why=keys.CHANGES.get(keys.GRAMMAR, "")
        if previous is not None and previous.grammar != keys.GRAMMAR and (added or new)
        else "",
    )
    return Manifest(
        deck=plan.name,
        version=version,
        released=released,
        models=model_state,
        notes=states,
        removed=(*kept, *new),
        history=(record, *(previous.history if previous else ())),
        sources=tuple(name for _, name in plan.files),
        grammar=keys.GRAMMAR,
    )


def tombstone_note(tomb: Tombstone, deck: str) -> Note:
    """The note shipped for a removed one: marked, tagged, and telling the learner why."""
    notice = (
        f"Removed from the deck in version {escape(tomb.removed)}. "
        f"Find every removed note with the search <code>tag:{REMOVED_TAG}</code>."
    )
    crumb = f'<div class="crumb">Removed in version {escape(tomb.removed)}</div>'
    if tomb.model == "cloze":
        fields = {
            "Text": f'{crumb}<div class="ask">{{{{c1::{escape(tomb.prompt)}}}}}</div>',
            "Extra": f"<p>{notice}</p>",
            "Source": "",
        }
    else:
        fields = {
            "Prompt": f'{crumb}<div class="ask">{escape(tomb.prompt)}</div>',
            "Answer": f"<p>{notice}</p>",
            "Source": "",
        }
    return Note(
        guid=tomb.guid,
        key=tomb.key,
        deck=deck,
        kind=tomb.kind,  # type: ignore[arg-type]
        model=tomb.model,
        prompt=f"{REMOVED_MARK}{tomb.prompt}",
        answer=f"Removed in version {tomb.removed}.",
        fields=fields,
        tags=(REMOVED_TAG, f"kind::{tomb.kind}"),
        origin=Origin("", 0),
    )


def _bump(
    previous: Manifest | None,
    models: dict[str, dict[str, str]],
    added: Sequence[Note],
    gone: Sequence[NoteState],
    changed: Sequence[Note],
) -> Bump | None:
    if previous is None:
        return "major"
    # A note type the previous release did not know held none of its notes: nothing to change.
    known = {name: h for name, h in models.items() if name in previous.models}
    if any(previous.models[name].get("shape") != h["shape"] for name, h in known.items()):
        return "major"
    if added or gone:
        return "minor"
    if changed or any(previous.models[name].get("css") != h["css"] for name, h in known.items()):
        return "patch"
    return None


SIMILAR = 0.6
"""How alike two prompts' questions must be (difflib's ratio) to read as one card renamed."""


def _replacements(added: Sequence[Note], gone: Sequence[NoteState]) -> tuple[tuple[Note, NoteState], ...]:
    """Pairs of an added note and a removed one that read as one card whose key and answer
    both changed: the same kind and note type, keys one part apart in the same document (a
    renamed heading, label or row), and asking the same question (or, under a renamed
    heading, the same card). Each note is paired once, the most alike first."""
    pairs = []
    for note in added:
        for old in gone:
            if (old.kind, old.model) != (note.kind, note.model):
                continue
            apart = keys.parts_apart(old.key, note.key)
            if apart is None:
                continue
            alike = difflib.SequenceMatcher(None, _question(old.prompt), _question(note.prompt)).ratio()
            if alike >= SIMILAR or not apart.endswith("card"):
                pairs.append((alike, note, old))
    pairs.sort(key=lambda p: -p[0])
    taken: set[str] = set()
    out = []
    for _, note, old in pairs:
        if note.key not in taken and old.guid not in taken:
            taken |= {note.key, old.guid}
            out.append((note, old))
    order = {note.key: i for i, note in enumerate(added)}
    return tuple(sorted(out, key=lambda p: order[p[0].key]))


def _question(prompt: str) -> str:
    """What a prompt asks, without its breadcrumb."""
    return prompt.rpartition(" — ")[2].lower()


def _settle_guids(plan: DeckPlan, previous: Manifest | None) -> tuple[list[Note], list[NoteState]]:
    """Give each note the GUID learners already have for it.

    By key first; a note whose key is new takes the GUID of a note that disappeared and taught
    the same thing (same kind and body: a renamed heading or label, a moved card); a key that
    was removed earlier and came back takes its old GUID again; anything else is a new note.

    A GUID never moves to a note of another note type (a YAML card that gains or loses
    ``reverse``): Anki's import skips a note whose note type differs from the learner's copy as
    "conflicting", so that note would never update. It becomes a new note instead, and the old
    one a tombstone; its key comes back with its old GUID if the note type does.
    """
    if previous is None:
        return list(plan.notes), []
    by_key = {n.key: n for n in previous.notes}
    tombs = {(t.key, t.model): t for t in previous.removed}
    out: list[Note] = list(plan.notes)
    assigned: dict[int, str] = {}
    # Keys repeated in a section are numbered by position (k, k~2, …): within such a family,
    # match by what the notes teach first, so that inserting one does not shift the others.
    new_families: dict[str, list[int]] = {}
    for index, note in enumerate(out):
        new_families.setdefault(keys.family(note.key), []).append(index)
    old_families: dict[str, list[NoteState]] = {}
    for state in previous.notes:
        old_families.setdefault(keys.family(state.key), []).append(state)
    for family, indexes in new_families.items():
        olds = old_families.get(family, [])
        if len(indexes) == 1 and len(olds) <= 1:
            known = by_key.get(out[indexes[0]].key)
            if known is not None and known.model == out[indexes[0]].model:
                assigned[indexes[0]] = known.guid
            continue
        free = list(olds)
        for index in indexes:
            note = out[index]
            same = next(
                (s for s in free if (s.kind, s.model, s.body) == (note.kind, note.model, note.teaches)), None
            )
            if same is not None:
                assigned[index] = same.guid
                free.remove(same)
        for index in indexes:
            spare = next((s for s in free if s.model == out[index].model), None)
            if index not in assigned and spare is not None:
                assigned[index] = spare.guid
                free.remove(spare)
    used: set[str] = set()
    pending: list[int] = []
    for index, note in enumerate(out):
        tomb = tombs.get((note.key, note.model))
        guid = assigned.get(index) or (tomb.guid if tomb is not None else None)
        if guid is None:
            pending.append(index)
            continue
        if guid != note.guid:
            out[index] = replace(note, guid=guid)
        used.add(guid)
    gone = [n for n in previous.notes if n.guid not in used]
    unmatched = []
    for index in pending:
        note = out[index]
        body = note.teaches
        match = next(
            (
                g
                for g in gone
                if g.kind == note.kind
                and g.model == note.model
                and g.body == body
                and g.guid not in used
                and keys.document_of(g.key) == keys.document_of(note.key)
            ),
            None,
        )
        if match is None:
            unmatched.append(index)
        else:
            out[index] = replace(note, guid=match.guid)
            used.add(match.guid)
    taken = used | {t.guid for t in previous.removed} | {g.guid for g in gone}
    for index in unmatched:
        note = out[index]
        guid, n = note.guid, 1
        while guid in taken:
            n += 1
            guid = fresh_guid(plan.name, keys.numbered(note.key, n))
        out[index] = replace(note, guid=guid)
        taken.add(guid)
    return out, [g for g in gone if g.guid not in used]


def changelog(manifest: Manifest) -> str:
    """The deck's changelog in Markdown, newest release first."""
    lines = [f"# Changelog: {manifest.deck}", ""]
    for record in manifest.history:
        day = time.strftime("%Y-%m-%d", time.gmtime(record.released))
        lines += [f"## {record.version} ({day})", ""]
        if record.version == FIRST_VERSION and not (record.changed or record.removed or record.added):
            lines += ["First release.", ""]
            continue
        for title, prompts in (
            ("Added", record.added),
            ("Changed", record.changed),
            ("Removed", record.removed),
        ):
            if prompts:
                lines += [
                    f"### {title}",
                    "",
                    *(f"- {_md_escape(' / '.join(p.splitlines()))}" for p in prompts),
                    "",
                ]
        if record.why:
            at = lines.index(f"## {record.version} ({day})") + 2
            lines[at:at] = [f"Why: {_md_escape(record.why)}", ""]
        if not (record.added or record.changed or record.removed):
            lines += ["Note types changed (templates or styling); no note content changed.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_escape(text: str) -> str:
    """Prompt text safe to show as a Markdown list item."""
    return "".join("\\" + c if c in "\\`*_[]<>#|" else c for c in text)
