"""What a build did, or would do, to each deck: one wording for ``build``, ``diff``,
``build --draft`` and ``watch``."""

from __future__ import annotations

from pathlib import Path

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
