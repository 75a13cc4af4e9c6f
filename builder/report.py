"""What a build did, or would do, to each deck: one wording for ``build``, ``diff``,
``build --draft`` and ``watch``."""

from __future__ import annotations

from pathlib import Path

from .model import Diagnostic
from .version import Release


def changes(rel: Release) -> list[str]:
    """The prompts a release adds (``+``), changes (``~``) and removes (``-``), one a line."""
    lines = [f"  + {n.prompt}" for n in rel.added]
    lines += [f"  ~ {n.prompt}" for n in rel.changed]
    lines += [f"  - {t.prompt}" for t in rel.removed]
    return lines


def draft(rel: Release, target: Path) -> str:
    """A draft: what releasing it now would change, and where the draft went."""
    name = rel.plan.name
    if rel.bump is None:
        return f"{name}: {rel.version}, no change since the release -> {target}"
    if rel.previous is None:
        return f"{name}: draft of {rel.version} (first release), {len(rel.plan.notes)} notes -> {target}"
    head = f"{name}: draft, {rel.previous.version} -> {rel.version} ({rel.bump}) if released now -> {target}"
    return "\n".join([head, *changes(rel)])


def history_lost(rel: Release) -> list[Diagnostic]:
    """A warning for each note a release replaces by a new one (its key and its answer changed
    together), saying how to keep the learners' history."""
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
    return found
