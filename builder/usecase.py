"""The build use case: plan every deck, compare each with its release, then write the
releases, write drafts, or write nothing.

``build``, ``init``, ``diff``, ``cards``, ``preview`` and ``watch`` are :func:`run` and a way of
printing its :class:`BuildResult` (in the words of :mod:`builder.release.report`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Literal

from . import stamp
from .build import Plan, Progress, context, plan_decks
from .cache import Cache
from .lint import Finding, warnings
from .media import Fetch
from .model import Diagnostic
from .release.deck import Release
from .release.files import DRAFTS, Listing, releases, write, write_drafts, write_previews
from .release.report import history_lost, steady
from .release.retire import retired
from .release.retire import steady as steady_retired
from .release.verify import check
from .sources import Found, find_all

Goal = Literal["plan", "compare", "drafts", "release"]
"""How far a build goes: plan the decks (``cards --skipped``); compare them with their releases
and write nothing (``diff``, ``cards``, ``preview``); write drafts into the drafts folder
(``build --draft``, ``watch``); or write the releases into the decks folder (``build``,
``init``)."""

Warn = Callable[[Diagnostic | Finding], None]
"""Told each problem (lint's warnings too) as soon as it is found, before anything is written."""


@dataclass(frozen=True)
class BuildResult:
    """What a build found, and what it wrote."""

    plan: Plan | None = None
    """Every deck and every problem the sources give; None when the last build was repeated."""
    linted: tuple[Finding, ...] = ()
    """The warnings ``deckbuilder lint`` gives the planned notes (``code_width``), sorted."""
    releases: tuple[Release, ...] = ()
    """Each deck compared with its release (none when the plan has errors)."""
    lost: tuple[Diagnostic, ...] = ()
    """A warning for each note a release replaces by a new one, losing its review history."""
    written: tuple[tuple[Release, Path, bool], ...] = ()
    """Each release written: its ``.apkg`` path, and whether the ``.apkg`` was (re)written."""
    drafts: tuple[tuple[Release, Path], ...] = ()
    """Each draft written, with its ``.apkg`` path."""
    dropped: tuple[Path, ...] = ()
    """The drafts removed because no deck of the build has them any more (see
    :func:`drop_stale_drafts`)."""
    previews: tuple[tuple[Release, Path], ...] = ()
    """Each preview page written beside its deck."""
    differ: tuple[Diagnostic, ...] = ()
    """An error for each committed file of the decks folder that is not what its sources
    build (``verify``): nothing was written."""
    stale: tuple[tuple[Path, str], ...] = ()
    """Packages of unchanged releases that give learners what the sources build but are not
    its bytes (``verify``), with how they differ: a build rewrites them."""
    refused: bool = False
    """Nothing was written: ``strict`` and a release would lose review history."""
    repeated: stamp.Stamp | None = None
    """The last build's stamp, when nothing it depended on changed: nothing was done, and
    its report holds."""

    @property
    def failed(self) -> bool:
        """The sources have errors (nothing was compared), or the decks folder holds files its
        sources do not build: nothing was written."""
        return self.plan is not None and bool(self.plan.errors or self.differ)


def run(
    paths: Sequence[str],
    out: Path,
    *,
    goal: Goal = "compare",
    drafts: Path = DRAFTS,
    strict: bool = False,
    previews: bool = False,
    remember: bool = False,
    progress: AbstractContextManager[Progress] | None = None,
    cache: Cache | None = None,
    warn: Warn | None = None,
    warn_lost: bool = True,
    verify: bool = False,
    fetch_images: bool = False,
    code_width: int | None = None,
) -> BuildResult:
    """Build the decks of ``paths`` against the releases in ``out``, as far as ``goal``.

    ``strict``: write nothing when a release would lose review history. ``previews``: also
    write each deck's preview page beside it. ``remember``: keep a stamp of the build, and
    when the last one's still holds do nothing (see :mod:`builder.stamp`). ``progress`` is
    entered while sources are read; ``warn`` is told the plan's problems and (``warn_lost``)
    the history-loss warnings. ``verify`` (always when releasing): check that the committed
    files of ``out`` are what their sources build (see :mod:`builder.release.verify`); a file
    that is not is an error, and nothing is written. ``fetch_images``: every source's remote
    images are fetched and packed (see :mod:`builder.media`), as ``fetch_images: true`` asks
    of one deck. ``code_width``: when the plan has no error, the rules of ``deckbuilder lint``
    are applied to its notes, with code lines of up to that many columns accepted, and ``warn``
    is told their warnings after the plan's problems, as ``lint --strict`` would fail on them
    (their notes, advice, are for ``lint`` to show; see :mod:`builder.lint`); None: they are not
    applied.
    """
    fetch = Fetch() if fetch_images else None
    compare = partial(_compare, paths, out, progress, cache, warn, warn_lost, fetch, code_width)
    if goal == "release":
        release = partial(compare, verify=True)
        return _release(paths, out, strict, previews, remember, fetch, code_width, release)
    if verify:
        compare = partial(compare, verify=True)
    if goal == "plan":
        return compare(release=False)
    result = compare()
    if goal == "drafts" and not result.failed:
        drafted = tuple(write_drafts(result.releases, drafts))
        dropped = drop_stale_drafts(drafts, drafted) if _searched(paths) is not None else ()
        return replace(result, drafts=drafted, dropped=dropped)
    return result


DRAFT_END = "-draft.apkg"
"""How :func:`builder.release.files.draft_path` ends a draft's name, after its deck's slug."""


def drop_stale_drafts(folder: Path, drafted: Sequence[tuple[Release, Path]]) -> tuple[Path, ...]:
    """Remove from the drafts ``folder`` each draft (``<slug>-draft.apkg`` and its
    ``<slug>.preview.html``) of a deck the build did not draft: its sources are gone, and it
    was never released (a released deck's retirement is drafted like any release). Only a
    build of folders calls this: it drafts every deck whose sources lie there, so the drafts
    folder is its own. Other files are left alone. The drafts removed, sorted."""
    kept = {target.name for _, target in drafted}
    dropped = []
    for draft in sorted(folder.glob(f"*{DRAFT_END}")):
        if draft.name in kept or draft.is_symlink() or not draft.is_file():
            continue
        page = folder / f"{draft.name[: -len(DRAFT_END)]}.preview.html"
        try:
            draft.unlink()
            if page.is_file() and not page.is_symlink():
                page.unlink()
        except OSError:
            continue  # one that cannot be removed stays; the next draft build tries again
        dropped.append(draft)
    return tuple(dropped)


def _compare(
    paths: Sequence[str],
    out: Path,
    progress: AbstractContextManager[Progress] | None,
    cache: Cache | None,
    warn: Warn | None,
    warn_lost: bool,
    fetch: Fetch | None,
    code_width: int | None,
    release: bool = True,
    verify: bool = False,
    found: Found | None = None,
) -> BuildResult:
    """Plan the decks and (``release``) compare each with its release; (``verify``) check the
    committed files against what the sources build. ``found``: the sources, when already found;
    ``code_width``: apply lint's rules (see :func:`run`)."""
    with progress or nullcontext() as told:
        plan = plan_decks(paths, told, cache, out, fetch, found)
    _tell(warn, plan.diagnostics)
    linted = () if code_width is None or plan.errors else tuple(warnings(plan, code_width))
    _tell(warn, linted)
    if plan.errors or not release:
        return BuildResult(plan, linted)
    listed = Listing(out)  # the decks folder, listed once for every deck's release and check
    rels = tuple(releases(plan, out, searched=_searched(paths), listed=listed))
    lost = tuple(d for rel in rels for d in history_lost(rel))
    if warn_lost:
        _tell(warn, lost)
    if not verify:
        return BuildResult(plan, linted, rels, lost)
    checked = check(rels, out, listed)
    _tell(warn, checked.problems)
    return BuildResult(plan, linted, rels, lost, differ=checked.problems, stale=checked.stale)


def _searched(paths: Sequence[str]) -> tuple[Path, ...] | None:
    """The folders a build searches, when it is given folders only: then it is the build of
    every deck of the decks folder whose sources lie there, and retires those whose sources are
    gone. A build naming files builds some decks, and says nothing of the others."""
    folders = tuple(Path(p) for p in paths)
    return folders if folders and all(p.is_dir() for p in folders) else None


def _release(
    paths: Sequence[str],
    out: Path,
    strict: bool,
    previews: bool,
    remember: bool,
    fetch: Fetch | None,
    code_width: int | None,
    compare: Callable[..., BuildResult],
) -> BuildResult:
    """Release every deck into ``out``, unless the last build's stamp still holds (a remote
    image is not asked for again then: the stamp knows only local files). The sources are
    looked for once, for the stamp and the plan alike. What lint says depends on
    ``code_width`` as well as on the sources: a stamp holds only for the width it was made with."""
    sources: Found | None = None
    if remember:
        sources = find_all(paths, out)
        problems = [*sources.problems, *sources.orphans]
        width = "" if code_width is None else f"\0code width {code_width}"
        found = [(s.path, context(s, fetch) + width) for s in sources.sources]
        last = None if previews or problems or strict else stamp.load(paths, out)
        if last is not None and last.holds(found, out):
            return BuildResult(repeated=last)
        before = stamp.inputs(found)
    result = compare(found=sources)
    if result.failed or (strict and result.lost):
        return replace(result, refused=not result.failed)
    written = tuple(write(result.releases, out, rewrite={path for path, _ in result.stale}))
    if remember:
        _remember(paths, out, before, result, written)
    pages = tuple(write_previews(result.releases, out)) if previews else ()
    return replace(result, written=written, previews=pages)


def _remember(
    paths: Sequence[str],
    out: Path,
    before: str | None,
    result: BuildResult,
    written: Sequence[tuple[Release, Path, bool]],
) -> None:
    """Keep the stamp that lets the next build with nothing to do stop at once."""
    after = stamp.decks(out)
    if before is None or after is None or result.plan is None:
        return
    media = tuple((f.path, f.name) for rel in result.releases for f in rel.plan.media) + tuple(
        read for rel in result.releases for note_type in rel.plan.note_types for read in note_type.files
    )
    errors = tuple(str(d) for d in (*result.plan.diagnostics, *result.linted))
    output = tuple((steady_retired if retired(rel) else steady)(rel, target) for rel, target, _ in written)
    stamp.save(paths, out, stamp.Stamp(before, media, after, errors, output))


def _tell(warn: Warn | None, diagnostics: Sequence[Diagnostic | Finding]) -> None:
    if warn is not None:
        for diagnostic in diagnostics:
            warn(diagnostic)
