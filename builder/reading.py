"""Sources read into results: one source, a pure function of its file that the cache keeps
(:func:`read_source`), and all of a build's in order, from the cache when they did not change
and the rest in a pool of processes when there are enough (:func:`read_all`). A Markdown
file itself is read by :mod:`builder.read`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path

from . import deep
from .cache import Cache
from .callbacks import Progress
from .config import DeckConfig
from .curation import curate, load_curation
from .errors import SourceError
from .keys import document as document_key
from .media import Fetch, attach, fetching
from .model import Card, Diagnostic, Look, Skipped, SourceResult
from .notemaking import notes_of
from .pool import pool_context, worker_pool
from .read import read
from .sourcecards import from_card_file, from_document, without_excluded, without_rewrites_of_own_fields
from .sources import CARD_SUFFIXES, Source, context

PARALLEL_FROM = 4
"""Sources to read, or cached results to take apart while a worker reads, before a pool of
processes pays for itself."""


def _load(
    source: Source, problems: list[Diagnostic], skipped: list[Skipped]
) -> tuple[str, DeckConfig, list[Card]]:
    """Read one source and apply its curation file: its deck's name, its configuration and
    its cards (what gave none goes to ``skipped``)."""
    group = source.group.config if source.group else None
    curation = load_curation(source.path, source.shown)
    if source.path.suffix.lower() in CARD_SUFFIXES:
        name, config, cards, restorable = from_card_file(source, group, problems)
    else:
        document = read(source.path, source.shown, source.root)
        if curation is not None:  # keys written under the file's old name still apply
            curation = curation.under(document_key(Path(document.path).stem))
        name, config, cards, restorable = from_document(document, source, group, curation, problems, skipped)
    if curation is not None:
        curation = without_rewrites_of_own_fields(curation, cards, problems)
    cards, restorable = without_excluded(cards, config, curation, skipped, restorable)
    if curation is not None:
        cards, dropped, found = curate(curation, cards, skipped, restorable)
        skipped.extend(dropped)
        problems.extend(found)
    return name, config, cards


def read_source(source: Source, fetch: Fetch | None = None, rewrite_drafts: bool = True) -> SourceResult:
    """Everything one source gives: its deck's name, its notes, images and problems.

    A pure function of the file (and the images it shows) and its ``decks.yaml`` group, which
    is what lets :mod:`builder.cache` keep it and a process pool compute it. The source is read
    where deeply nested input has room (:func:`builder.deep.run`); nothing else is. ``fetch``
    (``--fetch-images``): its remote images are fetched, as ``fetch_images: true`` asks.
    ``rewrite_drafts``: its notes get their rewrite drafts (see :func:`notes_of`).
    """
    return deep.run(lambda: _read_source(source, fetch, rewrite_drafts))


def _read_source(source: Source, fetch: Fetch | None, rewrite_drafts: bool = True) -> SourceResult:
    problems: list[Diagnostic] = []
    skipped: list[Skipped] = []
    try:
        name, config, cards = _load(source, problems, skipped)
    except SourceError as error:
        return SourceResult(source.shown, None, (), (), (error.diagnostic(),))
    skipped.sort(key=lambda s: s.origin.line)
    if fetch is None and config.fetch_images:
        fetch = Fetch()
    if fetch is not None:
        problems = fetching(problems)
    cards, files, found = attach(cards, source.path, source.root, fetch)
    problems.extend(found)
    return SourceResult(
        source.shown,
        name,
        tuple(notes_of(name, cards, config, source.path.relative_to(source.root).as_posix(), rewrite_drafts)),
        tuple(files),
        tuple(problems),
        tuple(skipped),
        _look(config),
    )


def _look(config: DeckConfig) -> Look:
    """How the source's configuration asks its deck's cards to look."""
    style = config.style
    return Look(
        style.path if style else None,
        style.replace if style else False,
        config.note_types,
        config.tts,
        config.looks_at,
    )


def read_all(
    sources: Sequence[Source],
    cache: Cache | None,
    progress: Progress | None,
    fetch: Fetch | None = None,
    rewrite_drafts: bool = True,
) -> list[SourceResult]:
    """Read sources, in order: from the cache when they did not change, the rest in worker
    processes when there are enough of them, or when there are enough cached results for this
    process to take apart while a worker reads (one edited source among many)."""
    keys = [cache.key(s.path, context(s, fetch)) if cache else None for s in sources]
    entries = [cache.entry(s.shown, key) if cache else None for s, key in zip(sources, keys, strict=True)]
    results: list[SourceResult | None] = [None] * len(sources)
    tell = _Told(progress, len(sources))
    missed = [i for i, entry in enumerate(entries) if entry is None]
    with _fresh(
        [sources[i] for i in missed], tell, fetch, rewrite_drafts, len(sources) - len(missed)
    ) as fresh:
        for i, entry in enumerate(entries):
            if cache is not None and entry is not None:
                results[i] = cache.result(entry, rewrite_drafts)
                if results[i] is not None:
                    tell(sources[i].shown)
        for i, result in zip(missed, fresh, strict=True):
            results[i] = _cached(cache, sources[i], keys[i], result)
    # Entries found under their key that cannot be used after all (kept without the drafts
    # asked for, or a tampered one): read now, one by one.
    unused = [i for i, result in enumerate(results) if result is None and i not in missed]
    with _fresh([sources[i] for i in unused], tell, fetch, rewrite_drafts, 0) as fresh:
        for i, result in zip(unused, fresh, strict=True):
            results[i] = _cached(cache, sources[i], keys[i], result)
    return [r for r in results if r is not None]


def _cached(cache: Cache | None, source: Source, key: str | None, result: SourceResult) -> SourceResult:
    """A source's result just read, kept in the cache unless it has errors (what it lacked
    may exist by the next build)."""
    if cache is not None and not any(p.level == "error" for p in result.problems):
        cache.put(source.shown, key, result)
    return result


class _Told:
    """Tells ``progress`` of each source in turn (nothing when there is no ``progress``)."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, shown: str) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total, shown)
        self.done += 1


@contextmanager
def _fresh(
    sources: Sequence[Source], tell: _Told, fetch: Fetch | None, rewrite_drafts: bool, alongside: int
) -> Iterator[Iterator[SourceResult]]:
    """Sources the cache did not have, read as their results are asked for: in worker
    processes, started at once, when there are enough sources, or when this process has
    ``alongside`` cached results to take apart meanwhile and a worker starts at once (forked, a
    copy of this process: a new interpreter takes longer to start than a source to read); else
    here, one by one."""
    read = partial(read_source, fetch=fetch, rewrite_drafts=rewrite_drafts)
    cores = os.cpu_count() or 1
    if pool_context().get_start_method() != "fork":
        alongside = 0
    if not sources or cores < 2 or max(len(sources), alongside) < PARALLEL_FROM:
        yield _one_by_one(sources, read, tell)
        return
    with worker_pool(min(cores, len(sources))) as pool:
        yield _told(sources, pool.map(read, sources, chunksize=1), tell)


def _one_by_one(
    sources: Sequence[Source], read: Callable[[Source], SourceResult], tell: _Told
) -> Iterator[SourceResult]:
    for source in sources:
        tell(source.shown)
        yield read(source)


def _told(sources: Sequence[Source], results: Iterator[SourceResult], tell: _Told) -> Iterator[SourceResult]:
    for source, result in zip(sources, results, strict=True):
        tell(source.shown)
        yield result
