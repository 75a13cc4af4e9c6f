"""A command's run of the build use case (:func:`builder.usecase.run`): through the cache,
with a progress bar where one is wanted, every problem reported as it is found, and exit
status 1 when any is an error. Commands (and ``init``) build through :func:`built`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ..model import Diagnostic
from .options import DEFAULT_SOURCES
from .output import say

if TYPE_CHECKING:
    from ..lint import Finding
    from ..usecase import BuildResult, Request


def report(diagnostics: Iterable[Diagnostic | Finding]) -> None:
    """Print diagnostics, one line each, on standard error (escaped: see :func:`say`)."""
    for diagnostic in diagnostics:
        say(str(diagnostic), err=True)


def built(paths: tuple[str, ...], out: Path, request: Request, show_progress: bool = False) -> BuildResult:
    """Run the build use case (:func:`builder.usecase.run`, through the cache) as ``request``
    asks; report every problem, and stop (exit 1) if any is an error."""
    from ..cache import Cache
    from ..progress import progress_reporter
    from ..usecase import run

    progress = progress_reporter(force=show_progress)
    result = run(paths or DEFAULT_SOURCES, out, request, progress=progress, cache=Cache(), warn=_warn)
    if result.failed:
        raise SystemExit(1)
    return result


def _warn(diagnostic: Diagnostic | Finding) -> None:
    report([diagnostic])
