"""The build use case: plan every deck, compare each with its release, then write the
releases, write drafts, or write nothing. The pipeline's modules are imported by the step
that uses them, so that a build with nothing to do (the stamp holds) imports none of them.

``build``, ``init``, ``diff``, ``cards``, ``preview`` and ``watch`` are :func:`run` and a way of
printing its :class:`BuildResult` (in the words of :mod:`builder.release.report`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeAlias

from . import stamp
from .callbacks import Progress
from .model import Diagnostic
from .release.paths import DRAFTS
from .sources import Found, context, find_all

if TYPE_CHECKING:
    from .build import Plan
    from .cache import Cache
    from .lint import Finding
    from .media import Fetch
    from .release.deck import Release
    from .release.kept import Inputs

Goal = Literal["plan", "compare", "drafts", "release"]
"""How far a build goes: plan the decks (``cards --skipped``); compare them with their releases
and write nothing (``diff``, ``cards``, ``preview``); write drafts into the drafts folder
(``build --draft``, ``watch``); or write the releases into the decks folder (``build``,
``init``)."""

Warn: TypeAlias = "Callable[[Diagnostic | Finding], None]"
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
    kept: tuple[stamp.Unchanged, ...] = ()
    """The planned decks whose inputs are those of a deck released or found unchanged before:
    not compared again, unchanged (see :mod:`builder.release.kept`), in plan order."""

    def outcome(self) -> list[tuple[Release, Path, bool] | stamp.Unchanged]:
        """Each deck of the build as its report says it, in plan order: written (its release,
        ``.apkg`` and whether that was written) or kept; then the decks no source gives."""
        if not self.kept or self.plan is None:
            return list(self.written)
        kept = {deck.deck: deck for deck in self.kept}
        written = iter(self.written)
        said: list[tuple[Release, Path, bool] | stamp.Unchanged] = [
            kept[deck.name] if deck.name in kept else next(written) for deck in self.plan.decks
        ]
        return [*said, *written]

    @property
    def failed(self) -> bool:
        """The sources have errors (nothing was compared), or the decks folder holds files its
        sources do not build: nothing was written."""
        return self.plan is not None and bool(self.plan.errors or self.differ)


@dataclass(frozen=True)
class Request:
    """What a build is asked for: how far it goes, and how."""

    goal: Goal = "compare"
    drafts: Path = DRAFTS
    """Where drafts are written (``goal="drafts"``)."""
    strict: bool = False
    """Write nothing when a release would lose review history."""
    previews: bool = False
    """Also write each deck's preview page beside it (``goal="release"``)."""
    rewrite_drafts: bool = False
    """Give each note the text a rewrite of it starts from (:attr:`builder.model.Note.draft`),
    which preview pages offer and ``pull`` writes (done anyway for ``previews`` and
    ``goal="drafts"``, whose pages offer it); else it is not made."""
    remember: bool = False
    """Keep a stamp of the build, and when the last one's still holds do nothing (see
    :mod:`builder.stamp`)."""
    warn_lost: bool = True
    """Tell ``warn`` the history-loss warnings too."""
    verify: bool = False
    """Check that the committed files of the decks folder are what their sources build (see
    :mod:`builder.release.verify`); a file that is not is an error, and nothing is written.
    Always done when releasing."""
    fetch_images: bool = False
    """Fetch and pack every source's remote images (see :mod:`builder.media`), as
    ``fetch_images: true`` asks of one deck."""
    code_width: int | None = None
    """When the plan has no error, apply the rules of ``deckbuilder lint`` to its notes, with
    code lines of up to that many columns accepted, and tell ``warn`` their warnings after the
    plan's problems, as ``lint --strict`` would fail on them (their notes, advice, are for
    ``lint`` to show; see :mod:`builder.lint`); None: they are not applied."""


COMPARE = Request()
"""Compare the decks with their releases and write nothing."""


def run(
    paths: Sequence[str],
    out: Path,
    request: Request = COMPARE,
    *,
    progress: AbstractContextManager[Progress] | None = None,
    cache: Cache | None = None,
    warn: Warn | None = None,
) -> BuildResult:
    """Build the decks of ``paths`` against the releases in ``out``, as ``request`` asks.

    ``progress`` is entered while sources are read; ``warn`` is told the plan's problems as
    they are found, before anything is written; ``cache`` keeps what unchanged sources give.
    """
    build = _Build(paths, out, request, progress, cache, warn)
    if request.goal == "release":
        return build.release()
    result = build.compare(release=request.goal != "plan", verify=request.verify)
    if request.goal == "drafts" and not result.failed:
        return build.drafts(result)
    return result


class _Build:
    """One build: its sources, its decks folder, what it is asked, and the tools it reports
    with; its steps, in the order a release takes them."""

    def __init__(
        self,
        paths: Sequence[str],
        out: Path,
        request: Request,
        progress: AbstractContextManager[Progress] | None,
        cache: Cache | None,
        warn: Warn | None,
    ) -> None:
        self.paths, self.out, self.request = paths, out, request
        self.progress, self.cache, self.warn = progress, cache, warn
        self.fetch: Fetch | None = None
        self.inputs: Inputs | None = None
        """The planned decks' inputs as the compare found them, when it may keep decks."""
        if request.fetch_images:
            from .media import Fetch

            self.fetch = Fetch()

    def release(self) -> BuildResult:
        """Release every deck into the decks folder, unless the last build's stamp still
        holds (a remote image is not asked for again then: the stamp knows only local files).
        The sources are looked for once, for the stamp and the plan alike. What lint says
        depends on the code width as well as on the sources: a stamp holds only for the width
        it was made with."""
        request = self.request
        sources: Found | None = None
        before: str | None = None
        if request.remember:
            sources = find_all(self.paths, self.out)
            problems = [*sources.problems, *sources.orphans]
            width = "" if request.code_width is None else f"\0code width {request.code_width}"
            found = [(s.path, context(s, self.fetch) + width) for s in sources.sources]
            repeat = not (request.previews or problems or request.strict)
            last = stamp.load(self.paths, self.out) if repeat else None
            if last is not None and last.holds(found, self.out):
                return BuildResult(repeated=last)
            before = stamp.inputs(found)
        result = self.compare(release=True, verify=True, found=sources, keep=not request.previews)
        if result.failed or (request.strict and result.lost):
            return replace(result, refused=not result.failed)
        from .drafts import write_previews

        result = self._write(result)
        if request.remember:
            self._remember(before, result)
        pages = tuple(write_previews(result.releases, self.out)) if request.previews else ()
        return replace(result, previews=pages)

    def _write(self, result: BuildResult) -> BuildResult:
        """Write the releases of a compared build, and remember what the next build need not
        check or compare again."""
        from .release.kept import remember
        from .release.verify import vouch
        from .release.write import write

        written = tuple(write(result.releases, self.out, rewrite={path for path, _ in result.stale}))
        # Checked, then written from the sources: what they build, until a file or a source
        # changes (the others were remembered when they were checked).
        vouch([rel for rel, _, wrote in written if wrote or rel.bump is not None or rel.rekeyed], self.out)
        if result.plan is not None and self.inputs is not None:
            remember(result.plan.decks, written, self.inputs, self.out)
        return replace(result, written=written)

    def compare(
        self, *, release: bool, verify: bool, found: Found | None = None, keep: bool = False
    ) -> BuildResult:
        """Plan the decks and (``release``) compare each with its release; (``verify``) check
        the committed files against what the sources build. ``found``: the sources, when
        already found; ``keep``: decks whose inputs were released or checked before are not
        compared again (see :mod:`builder.release.kept`)."""
        from .build import plan_decks
        from .lint import warnings
        from .release.folder import releases
        from .release.kept import inputs
        from .release.paths import Listing
        from .release.report import history_lost
        from .release.verify import check

        with self.progress or nullcontext() as told:
            plan = plan_decks(
                self.paths, told, self.cache, self.out, self.fetch, found, self._rewrite_drafts()
            )
        self._tell(plan.diagnostics)
        width = self.request.code_width
        linted = () if width is None or plan.errors else tuple(warnings(plan, width))
        self._tell(linted)
        if plan.errors or not release:
            return BuildResult(plan, linted)
        listed = Listing(self.out)  # the decks folder, listed once for every deck's release and check
        self.inputs = inputs(plan, self.out, listed) if keep else None
        kept = self.inputs.kept if self.inputs is not None else {}
        rels = tuple(releases(plan, self.out, searched=_searched(self.paths), listed=listed, kept=kept))
        lost = tuple(d for rel in rels for d in history_lost(rel))
        if self.request.warn_lost:
            self._tell(lost)
        if not verify:
            return BuildResult(plan, linted, rels, lost, kept=tuple(kept.values()))
        checked = check(rels, self.out, listed)
        self._tell(checked.problems)
        return BuildResult(
            plan, linted, rels, lost, differ=checked.problems, stale=checked.stale, kept=tuple(kept.values())
        )

    def _rewrite_drafts(self) -> bool:
        """Whether the notes need their rewrite drafts: for preview pages, or when asked."""
        request = self.request
        return request.rewrite_drafts or request.previews or request.goal == "drafts"

    def drafts(self, result: BuildResult) -> BuildResult:
        """Write each compared deck's draft into the drafts folder; a build of folders also
        removes the drafts of decks no source gives any more."""
        folder = self.request.drafts
        from .drafts import drop_stale_drafts, write_drafts

        drafted = tuple(write_drafts(result.releases, folder))
        dropped = drop_stale_drafts(folder, drafted) if _searched(self.paths) is not None else ()
        return replace(result, drafts=drafted, dropped=dropped)

    def _remember(self, before: str | None, result: BuildResult) -> None:
        """Keep the stamp that lets the next build with nothing to do stop at once."""
        after = stamp.decks(self.out)
        if before is None or after is None or result.plan is None:
            return
        kept = {deck.deck for deck in result.kept}
        plans = [*(d for d in result.plan.decks if d.name in kept), *(rel.plan for rel in result.releases)]
        media = tuple((f.path, f.name) for plan in plans for f in plan.media) + tuple(
            read for plan in plans for note_type in plan.note_types for read in note_type.files
        )
        warned: list[Diagnostic | Finding] = [*result.plan.diagnostics, *result.linted]
        told = tuple(Diagnostic(d.origin, "warning", d.message) for d in warned)
        from .release.report import unchanged
        from .release.retire import retired

        found = tuple(
            said if isinstance(said, stamp.Unchanged) else unchanged(said[0], said[1], retired(said[0]))
            for said in result.outcome()
        )
        stamp.save(self.paths, self.out, stamp.Stamp(before, media, after, told, found))

    def _tell(self, diagnostics: Sequence[Diagnostic | Finding]) -> None:
        if self.warn is not None:
            for diagnostic in diagnostics:
                self.warn(diagnostic)


def _searched(paths: Sequence[str]) -> tuple[Path, ...] | None:
    """The folders a build searches, when it is given folders only: then it is the build of
    every deck of the decks folder whose sources lie there, and retires those whose sources are
    gone. A build naming files builds some decks, and says nothing of the others."""
    folders = tuple(Path(p) for p in paths)
    return folders if folders and all(p.is_dir() for p in folders) else None
