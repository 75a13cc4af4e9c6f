"""Drafts and preview pages: what the next release would ship, written into the drafts folder
(``build --draft``, ``watch``) with a preview page per deck, and ``build --preview``'s pages
beside the releases. The drafts of decks no source gives any more are removed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .atomic import Staging
from .preview import preview_page
from .release.deck import Release
from .release.packaging import packages_of
from .release.paths import DRAFT_SUFFIX, draft_path, preview_path


def write_drafts(rels: Sequence[Release], folder: Path) -> list[tuple[Release, Path]]:
    """Write each release as a draft into ``folder``: its ``.apkg`` (what the next release
    would ship, same GUIDs) and its preview. Nothing in the decks folder is touched: no
    version is taken, no manifest or changelog written."""
    done = []
    with Staging() as staging:
        for rel, packed in zip(rels, packages_of(rels, draft=True), strict=True):
            target = draft_path(folder, rel.plan)
            staging.write_bytes(target, packed.data)
            title = f"{rel.plan.name} {rel.version} (draft)" if rel.bump else f"{rel.plan.name} {rel.version}"
            staging.write_text(preview_path(folder, rel.plan), preview_page([rel], title))
            done.append((rel, target))
    return done


def write_previews(rels: Sequence[Release], out: Path) -> list[tuple[Release, Path]]:
    """Write each release's preview page beside its deck in ``out``."""
    done = []
    with Staging() as staging:
        for rel in rels:
            page = preview_path(out, rel.plan)
            staging.write_text(page, preview_page([rel], f"{rel.plan.name} {rel.version}"))
            done.append((rel, page))
    return done


def drop_stale_drafts(folder: Path, drafted: Sequence[tuple[Release, Path]]) -> tuple[Path, ...]:
    """Remove from the drafts ``folder`` each draft (``<slug>-draft.apkg`` and its
    ``<slug>.preview.html``) of a deck the build did not draft: its sources are gone, and it
    was never released (a released deck's retirement is drafted like any release). Only a
    build of folders calls this: it drafts every deck whose sources lie there, so the drafts
    folder is its own. Other files are left alone. The drafts removed, sorted."""
    kept = {target.name for _, target in drafted}
    dropped = []
    for draft in sorted(folder.glob(f"*{DRAFT_SUFFIX}")):
        if draft.name in kept or draft.is_symlink() or not draft.is_file():
            continue
        page = preview_path(folder, draft.name[: -len(DRAFT_SUFFIX)])
        try:
            draft.unlink()
            if page.is_file() and not page.is_symlink():
                page.unlink()
        except OSError:
            continue  # one that cannot be removed stays; the next draft build tries again
        dropped.append(draft)
    return tuple(dropped)
