"""What a build did, or would do, to each deck: one wording for ``build``, ``init``, ``diff``,
``build --draft`` and ``watch``. Each function gives lines; the command line escapes each as it
prints it (:func:`builder.commands.output.say`), so a deck name or prompt holding a control
character cannot break or rewrite a line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Diagnostic
from ..stamp import Unchanged

if TYPE_CHECKING:
    from .deck import Release


def changes(rel: Release) -> list[str]:
    """The prompts a release adds (``+``), changes (``~``) and removes (``-``), one a line."""
    lines = [f"  + {n.prompt}" for n in rel.added]
    lines += [f"  ~ {n.prompt}{rel.gap_words(n)}" for n in rel.changed]
    lines += [f"  - {t.prompt}" for t in rel.removed]
    return lines


def released(rel: Release, target: Path, written: bool) -> str:
    """A deck a build wrote (or left as it was): its notes, its ``.apkg`` and its version."""
    return f"{rel.plan.name}: {_summary(rel)} -> {target} ({_state(rel, written)})"


def unchanged(rel: Release, target: Path, retired: bool) -> Unchanged:
    """What a build of the same sources finds of the deck once it is released (``retired``:
    its sources are gone, see :func:`builder.release.retire.retired`)."""
    counts = () if retired else tuple(rel.plan.counts().items())
    return Unchanged(rel.plan.name, rel.version, str(target), counts, retired)


def unchanged_line(deck: Unchanged) -> str:
    """The line a build says of a deck it left unchanged."""
    if deck.retired:
        return f"{deck.deck}: retired -> {deck.target} ({deck.version}, unchanged)"
    return f"{deck.deck}: {_counted(deck.counts)} -> {deck.target} ({deck.version}, unchanged)"


def _summary(rel: Release) -> str:
    return _counted(tuple(rel.plan.counts().items()))


def _counted(counts: tuple[tuple[str, int], ...]) -> str:
    kinds = ", ".join(f"{kind} {n}" for kind, n in counts)
    return f"{sum(n for _, n in counts)} notes ({kinds})"


def _state(rel: Release, written: bool) -> str:
    if rel.bump is None:
        return f"{rel.version}, unchanged" + (", rewritten" if written else "")
    if rel.previous is None:
        return f"{rel.version}, first release"
    parts = [f"{len(rel.added)} added", f"{len(rel.changed)} changed", f"{len(rel.removed)} removed"]
    gained, lost = rel.gap_totals()
    parts += [f"{n} gap{'s' * (n > 1)} {how}" for n, how in ((lost, "removed"), (gained, "added")) if n]
    parts += [f"{n} note type{'s' * (n > 1)} {how}" for how, n in _note_types_changed(rel).items() if n]
    return f"{rel.previous.version} -> {rel.version}, {rel.bump}: {', '.join(parts)}"


def _note_types_changed(rel: Release) -> dict[str, int]:
    """How many of the note types both releases record changed shape (fields, templates) and
    how many only their style (CSS)."""
    before = rel.previous.models if rel.previous else {}
    after = rel.manifest.models
    both = [key for key in after if key in before]
    reshaped = [key for key in both if after[key].get("shape") != before[key].get("shape")]
    restyled = [
        key for key in both if key not in reshaped and after[key].get("css") != before[key].get("css")
    ]
    return {"reshaped": len(reshaped), "restyled": len(restyled)}


def pending(rel: Release, target: Path) -> tuple[list[str], bool]:
    """What the next build would do to a deck whose ``.apkg`` is ``target``, and whether the
    decks folder is out of date (a new version, keys to record, a missing ``.apkg``)."""
    name = rel.plan.name
    if rel.bump is None:
        if rel.rekeyed:
            return [f"{name}: {rel.version}, notes have new keys for the manifest to record"], True
        if target.exists():
            return [f"{name}: {rel.version}, up to date"], False
        return [f"{name}: {rel.version}, {target} is missing"], True
    before = rel.previous.version if rel.previous else "none"
    lines = [f"{name}: {before} -> {rel.version} ({rel.bump})", *changes(rel)]
    if rel.previous is None:
        lines.append(f"  + {len(rel.plan.notes)} notes (first release)")
    return lines, True


def draft(rel: Release, target: Path) -> list[str]:
    """A draft: what releasing it now would change, and where the draft went, one a line."""
    name = rel.plan.name
    if rel.bump is None:
        return [f"{name}: {rel.version}, no change since the release -> {target}"]
    if rel.previous is None:
        return [f"{name}: draft of {rel.version} (first release), {len(rel.plan.notes)} notes -> {target}"]
    head = f"{name}: draft, {rel.previous.version} -> {rel.version} ({rel.bump}) if released now -> {target}"
    return [head, *changes(rel)]


def dropped(draft: Path) -> str:
    """A draft removed by a draft build: its deck is gone."""
    return f"removed {draft} and its preview: no source gives its deck any more"


def history_lost(rel: Release) -> list[Diagnostic]:
    """A warning for each note a release replaces by a new one (its key and its answer changed
    together, or which old note it continues cannot be told), saying how to keep the learners'
    history."""
    found = []
    for note, old in rel.replaced:
        was, now = old.key.split("/"), note.key.split("/")
        at = next(i for i, (a, b) in enumerate(zip(was, now, strict=False)) if a != b)
        if at == 1 and len(was) > 2:
            keep = f"pin the renamed heading with {{#{was[1]}}}, or rename and edit in two builds"
        elif at == len(was) - 1:
            keep = "rename in one build and edit the answer in the next"
        else:
            keep = "rename the heading in one build and edit the answer in the next"
        found.append(
            Diagnostic(
                note.origin,
                "warning",
                f"“{note.prompt}” will replace “{old.prompt}” as a new note: its key and its answer"
                f" changed in one release, so learners lose its review history; to keep it, {keep}",
            )
        )
    replacing = {note.key for note, _ in rel.replaced}
    for note, olds in rel.unsure:
        if note.key not in replacing:
            found.append(Diagnostic(note.origin, "warning", _unsure(note.prompt, [o.prompt for o in olds])))
    return found


def _unsure(prompt: str, olds: list[str]) -> str:
    was = ", ".join(f"“{p}”" for p in dict.fromkeys(olds))
    return (
        f"could not tell which note “{prompt}” continues (it might be {was}); it is a new note, and"
        " the learners' review history stays with the removed one; to keep it, insert, remove or"
        " reorder cards in one build and edit or rename them in the next"
    )
