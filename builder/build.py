"""The pipeline: find sources, read, extract, render and identify every card, then write.

Everything is collected and checked before any file is written, so a bad source stops the
build with nothing half-done.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from multiprocessing.context import BaseContext
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from . import deep
from .cache import Cache
from .callbacks import Progress
from .config import FRONT_MATTER_KEYS, DeckConfig, read_config
from .curation import curate, draft, fingerprint, load_curation, orphaned
from .curation.load import Curation
from .errors import SourceError
from .extract import extract
from .identify import body_hash, content_hash, guid
from .keys import document as document_key
from .keys import slug, yaml_id
from .markdown import title_from_path
from .markup import HTML, escape
from .media import Fetch, attach, fetching, forget_fetched
from .model import (
    Card,
    DeckPlan,
    Diagnostic,
    Document,
    Look,
    MediaFile,
    Note,
    NoteType,
    Origin,
    Skipped,
    SourceResult,
)
from .model.cards import SOURCE_FIELD
from .names import deck_name, tag_key
from .names import tags as anki_tags
from .notetypes import builtin, resolve
from .plaintext import cloze_prompts
from .read import read
from .read.hashtags import tag_cards
from .read.notetypes import read_note_type, read_note_types, read_style
from .render import render
from .sources import CARD_SUFFIXES, NOTE_TYPES, Found, Source, context, find_all
from .text import CONTROL
from .yamlcards import load_cards


def notes_of(
    deck: str,
    cards: Iterable[Card],
    config: DeckConfig | None = None,
    source_name: str | None = None,
    rewrite_drafts: bool = True,
) -> list[Note]:
    """Render and identify cards for ``deck``, with the configuration's tags and subdecks.

    ``source_name``: the source as its Source field shows it (its path inside the source
    folder, the same however the build was invoked); default: the path as given. ``rewrite_drafts``:
    each note gets its rewrite draft (:attr:`builder.model.Note.draft`), else None.
    """
    config = config or DeckConfig()
    folders = _folders(source_name) if config.folders else ()
    folder_deck = "::".join((deck, *folders)) if "subdecks" in config.folders and folders else deck
    # A tag holds no space (Anki splits tags there): ``Getting started`` is ``Getting_started``.
    folder_tags = (
        ("::".join("_".join(f.split()) for f in folders),) if "tags" in config.folders and folders else ()
    )
    notes = []
    for card in cards:
        shown = render(card)
        shown_fields = (
            {**shown.fields, SOURCE_FIELD: source_field(source_name, card.origin, config.source_link)}
            if source_name and SOURCE_FIELD in shown.fields
            else shown.fields
        )
        # The last guard: a control character in a field (U+001F separates Anki's fields) would
        # make the whole deck one Anki refuses; sources lose them when read, with a warning.
        # Here the fields become the plain strings Anki stores.
        fields = {name: CONTROL.sub("", str(value)) for name, value in shown_fields.items()}
        # As Anki keeps them, so that what is shipped is what a learner's collection holds.
        first: dict[str, str] = {}
        for given in (f"kind::{card.kind}", *card.tags, *config.tags, *folder_tags):
            for tag in anki_tags(given):
                first.setdefault(tag_key(tag), tag)
        tags = tuple(first.values())
        home = (
            deck_name(f"{folder_deck}::{card.top}")
            if config.subdecks and card.top
            else deck_name(folder_deck)
        )
        notes.append(
            Note(
                guid=guid(deck, card.key),
                key=card.key,
                deck=home,
                kind=card.kind,
                model=shown.model,
                prompt=shown.prompt,
                answer=shown.answer,
                fields=fields,
                tags=tags,
                origin=card.origin,
                teaches=body_hash(card.kind, shown.teaches_html),
                digest=content_hash(shown.model, fields, tags, home),
                sides=cloze_prompts(card),
                # A team note type's card is rewritten in its card file, not by curation.
                draft=(draft(card) if card.note_type is None else ()) if rewrite_drafts else None,
                generated=card.generated or fingerprint(card.kind, shown.prompt, shown.answer),
            )
        )
    return notes


@dataclass(frozen=True)
class Plan:
    """Every deck the sources make, and every problem found on the way."""

    decks: tuple[DeckPlan, ...]
    diagnostics: tuple[Diagnostic, ...]
    """Sorted by file and line."""
    skipped: tuple[Skipped, ...] = ()
    """What gave no card, by file and line."""

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.level == "error"]


def _folders(source_name: str | None) -> tuple[str, ...]:
    """The folders a source lies in inside its source folder (``a/b/x.md``: ``a``, ``b``)."""
    return tuple(PurePosixPath(source_name).parts[:-1]) if source_name else ()


def source_field(name: str, origin: Origin, link: str | None) -> str:
    """The Source field: the source's path inside its source folder; with a ``source_link``
    template, a link to the card's line there (``{path}``: the source as the build was given
    it, ``{name}``: its path inside the source folder, ``{line}``), escaped."""
    if link is None:
        return escape(name)
    url = link.format(
        path=quote(PurePosixPath(origin.path).as_posix()), name=quote(name), line=max(origin.line, 1)
    )
    return HTML('<a href="{}">{}:{}</a>').format(url, name, origin.line)


def _load(
    source: Source, problems: list[Diagnostic], skipped: list[Skipped]
) -> tuple[str, DeckConfig, list[Card]]:
    """Read one source and apply its curation file: its deck's name, its configuration and
    its cards (what gave none goes to ``skipped``)."""
    group = source.group.config if source.group else None
    curation = load_curation(source.path, source.shown)
    if source.path.suffix.lower() in CARD_SUFFIXES:
        name, config, cards, restorable = _card_file(source, group, problems)
    else:
        document = read(source.path, source.shown, source.root)
        if curation is not None:  # keys written under the file's old name still apply
            curation = curation.under(document_key(Path(document.path).stem))
        name, config, cards, restorable = _document(document, source, group, curation, problems, skipped)
    if curation is not None:
        curation = _without_rewrites_of_own_fields(curation, cards, problems)
    cards, restorable = _excluded(cards, config, curation, skipped, restorable)
    if curation is not None:
        cards, dropped, found = curate(curation, cards, skipped, restorable)
        skipped.extend(dropped)
        problems.extend(found)
    return name, config, cards


_Loaded = tuple[str, DeckConfig, list[Card], set[str]]
"""A source's deck name, configuration, cards, and the keys of the cards a curation may restore."""


def _card_file(source: Source, group: DeckConfig | None, problems: list[Diagnostic]) -> _Loaded:
    """A YAML card file's cards (its cards of a team's note type read with it)."""
    team = partial(read_note_type, source.root / NOTE_TYPES)
    card_file, found = load_cards(source.path, source.shown, team)
    problems.extend(found)
    config = DeckConfig(deck=card_file.deck).under(group)
    return deck_name(config.deck or title_from_path(source.shown)), config, list(card_file.cards), set()


def _document(
    document: Document,
    source: Source,
    group: DeckConfig | None,
    curation: Curation | None,
    problems: list[Diagnostic],
    skipped: list[Skipped],
) -> _Loaded:
    """A Markdown document's cards, as its front matter and its ``decks.yaml`` group say."""
    config, found = read_config(
        document.meta, document.meta_lines, source.shown, FRONT_MATTER_KEYS, "front matter"
    )
    problems.extend(found)
    config = config.under(group)
    extraction = extract(document, config.skip, curation.wanted if curation else ())
    problems.extend(extraction.diagnostics)
    skipped.extend(extraction.skipped)
    cards = tag_cards(document, extraction.cards)
    return deck_name(config.deck or document.title), config, cards, set(extraction.restorable)


def _without_rewrites_of_own_fields(
    curation: Curation, cards: list[Card], problems: list[Diagnostic]
) -> Curation:
    """The curation without rewrites of cards of a team's note type (their fields are their own,
    which a rewrite cannot give): each is an error at its entry."""
    own = {c.key for c in cards if c.note_type is not None}
    refused = [e for e in curation.entries if e.action == "rewrite" and e.key in own]
    problems += [
        Diagnostic(
            curation.origin(e),
            "error",
            f"“{e.named}” is a card of a team's note type: edit its fields in its card file, not by a rewrite",
        )
        for e in refused
    ]
    return (
        replace(curation, entries=tuple(e for e in curation.entries if e not in refused))
        if refused
        else curation
    )


def _excluded(
    cards: list[Card],
    config: DeckConfig,
    curation: Curation | None,
    skipped: list[Skipped],
    restorable: set[str],
) -> tuple[list[Card], set[str]]:
    """The cards of kinds the configuration excludes taken out (listed as skipped, and
    restorable), but those the curation file wants back."""
    wanted = curation.wanted if curation else frozenset()
    excluded = [c for c in cards if c.kind in config.exclude]
    skipped += [
        Skipped(c.origin, f"kind “{c.kind}” excluded", c.prompt, c.key)
        for c in excluded
        if c.key not in wanted
    ]
    kept = [c for c in cards if c.kind not in config.exclude or c.key in wanted]
    return kept, restorable | {c.key for c in excluded}


PARALLEL_FROM = 4
"""Sources to read before a pool of processes pays for itself."""


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


def _read_all(
    sources: Sequence[Source],
    cache: Cache | None,
    progress: Progress | None,
    fetch: Fetch | None = None,
    rewrite_drafts: bool = True,
) -> list[SourceResult]:
    """Read sources, in order: from the cache when they did not change, the rest in parallel."""
    keys = [cache.key(s.path, context(s, fetch)) if cache else None for s in sources]
    results: list[SourceResult | None] = [
        cache.get(s.shown, key, rewrite_drafts) if cache else None
        for s, key in zip(sources, keys, strict=True)
    ]
    todo = [i for i, r in enumerate(results) if r is None]
    tell = _Told(progress, len(sources))
    for i, result in enumerate(results):
        if result is not None:
            tell(sources[i].shown)
    for i, result in zip(
        todo, _read_fresh([sources[i] for i in todo], tell, fetch, rewrite_drafts), strict=True
    ):
        results[i] = result
        # A source with errors is read again next time: what it lacked may exist by then.
        if cache is not None and not any(p.level == "error" for p in result.problems):
            cache.put(sources[i].shown, keys[i], result)
    return [r for r in results if r is not None]


class _Told:
    """Tells ``progress`` of each source in turn (nothing when there is no ``progress``)."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def __call__(self, shown: str) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total, shown)
        self.done += 1


def _read_fresh(
    sources: Sequence[Source], tell: _Told, fetch: Fetch | None, rewrite_drafts: bool
) -> Iterator[SourceResult]:
    """Read sources the cache did not have, in a pool of processes when there are enough."""
    jobs = min(os.cpu_count() or 1, len(sources))
    if len(sources) < PARALLEL_FROM or jobs < 2:
        for source in sources:
            tell(source.shown)
            yield read_source(source, fetch, rewrite_drafts)
        return
    with worker_pool(jobs) as pool:
        results = pool.map(
            partial(read_source, fetch=fetch, rewrite_drafts=rewrite_drafts), sources, chunksize=1
        )
        for source, result in zip(sources, results, strict=True):
            tell(source.shown)
            yield result


def pool_context() -> BaseContext:
    """Fork on Linux (workers start at once, with everything imported); elsewhere the
    platform's safe default."""
    return multiprocessing.get_context("fork" if sys.platform.startswith("linux") else None)


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """A pool of ``jobs`` worker processes that end when this process ends, however it ends
    (a killed build leaves no worker behind)."""
    return ProcessPoolExecutor(
        max_workers=jobs, mp_context=pool_context(), initializer=_die_with, initargs=(os.getpid(),)
    )


def _die_with(parent: int) -> None:
    """In a worker: end when ``parent`` does. Linux tells the worker at once (a parent-death
    signal); elsewhere a watcher thread looks every half second."""
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the signal was asked for
            os._exit(1)
        return
    import threading

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def plan_decks(
    paths: Sequence[str],
    progress: Progress | None = None,
    cache: Cache | None = None,
    out: Path | None = None,
    fetch: Fetch | None = None,
    found: Found | None = None,
    rewrite_drafts: bool = True,
) -> Plan:
    """Read every source and plan its deck; problems are collected, not raised. Files in the
    decks folder ``out`` are never sources. ``fetch`` (``--fetch-images``): every source's
    remote images are fetched, each once. ``found``: the sources of ``paths`` when the caller
    has already looked for them (they are not looked for twice). ``rewrite_drafts``: the notes get
    their rewrite drafts (what preview pages and ``pull`` need; see :func:`notes_of`)."""
    found = find_all(paths, out) if found is None else found
    sources, problems = found.sources, list(found.problems)
    forget_fetched()
    read = list(zip(sources, _read_all(sources, cache, progress, fetch, rewrite_drafts), strict=True))
    # A curation file its source was renamed or moved away from: an error naming the source.
    problems.extend(orphaned(found.orphans, read))
    skipped: list[Skipped] = []
    decks: dict[str, tuple[list[Note], list[str], dict[str, MediaFile]]] = {}
    files: dict[str, list[tuple[Path, str]]] = {}
    looks = _Looks()
    for source, result in read:
        problems.extend(result.problems)
        skipped.extend(result.skipped)
        if result.deck is None:
            continue
        looks.add(result.deck, source, result)
        notes, names, media = decks.setdefault(result.deck, ([], [], {}))
        notes.extend(result.notes)
        names.append(result.source)
        media.update((f.name, f) for f in result.media)
        files.setdefault(result.deck, []).append(
            (source.root, source.path.relative_to(source.root).as_posix())
        )
    plans = [
        DeckPlan(
            name,
            slug(name, 80),
            tuple(notes),
            tuple(names),
            tuple(media[k] for k in sorted(media)),
            tuple(files[name]),
            looks.note_types(name, notes, problems),
        )
        for name, (notes, names, media) in decks.items()
    ]
    problems.extend(_clashes(plans))
    return Plan(tuple(plans), tuple(sorted(problems, key=_place)), tuple(skipped))


class _Looks:
    """How each deck's sources ask its cards to look, and the note types that makes."""

    def __init__(self) -> None:
        self.asked: dict[str, tuple[Look, Path]] = {}
        self.roots: dict[str, Path] = {}
        self.teams: dict[Path, tuple[dict[str, NoteType], list[Diagnostic]]] = {}
        self.problems: list[Diagnostic] = []

    def add(self, deck: str, source: Source, result: SourceResult) -> None:
        """One source of ``deck``: its look (all of a deck's sources that ask must agree)."""
        self.roots.setdefault(deck, source.root)
        if not result.look:
            return
        first = self.asked.setdefault(deck, (result.look, source.root))[0]
        if first != result.look:
            self.problems.append(
                Diagnostic(
                    result.look.origin if result.look.origin.path else Origin(result.source, 1),
                    "error",
                    f"deck “{deck}” is asked to look another way at {first.origin}"
                    " (style, tts or note_types): give them once, in decks.yaml or one source",
                )
            )

    def note_types(
        self, deck: str, notes: Sequence[Note], problems: list[Diagnostic]
    ) -> tuple[NoteType, ...]:
        """The deck's own note types (none: the built-in ones): those its look makes, and the
        team's note types its notes name (a hand-written card's ``note_type``); problems go to
        ``problems``."""
        problems += self.problems
        self.problems = []
        own = self._looked(deck, problems) if deck in self.asked else ()
        known = {*builtin(), *(t.key for t in own)}
        named = {n.model: n for n in reversed(notes) if n.model not in known}
        if not named:
            return own
        team = self._team(self.roots[deck], problems)
        for key, note in sorted(named.items()):
            if key not in team:
                there = ", ".join(sorted(team)) or "none"
                problems.append(
                    Diagnostic(
                        note.origin, "error", f"no note type “{key}” in {NOTE_TYPES}/ (there: {there})"
                    )
                )
        return (*own, *(team[key] for key in sorted(named) if key in team))

    def _team(self, root: Path, problems: list[Diagnostic]) -> dict[str, NoteType]:
        """The note types of the source folder ``root`` (read once; their problems told once)."""
        if root not in self.teams:
            self.teams[root] = read_note_types(root / NOTE_TYPES)
            problems += self.teams[root][1]
        return self.teams[root][0]

    def _looked(self, deck: str, problems: list[Diagnostic]) -> tuple[NoteType, ...]:
        """The note types the deck's look makes."""
        look, root = self.asked[deck]
        where = look.origin if look.origin.path else Origin(str(root), 0)
        team = self._team(root, problems)
        style = None
        try:
            if look.style is not None:
                path = Path(look.style)
                if not path.resolve().is_relative_to(root.resolve()):
                    raise SourceError(
                        where, f"the style {look.style} must be inside the source folder {root}/"
                    )
                style = read_style(path, look.style)
            return resolve(look, style, team)
        except SourceError as error:
            problems.append(error.diagnostic())
        except ValueError as error:
            problems.append(Diagnostic(where, "error", str(error)))
        return ()


def _clashes(plans: Sequence[DeckPlan]) -> list[Diagnostic]:
    """Two notes of a deck with one key, or two decks with one file name."""
    problems = []
    for deck in plans:
        seen: dict[str, Note] = {}
        for note in deck.notes:
            first = seen.setdefault(note.key, note)
            if first is not note:
                what = (
                    f"card id “{yaml_id(note.key)}” is already used at {first.origin}"
                    if yaml_id(note.key) is not None
                    else f"card key “{note.key}” is already used at {first.origin}; rename one of the files"
                )
                problems.append(Diagnostic(note.origin, "error", what))
    by_slug: dict[str, DeckPlan] = {}
    for deck in plans:
        other = by_slug.setdefault(deck.slug, deck)
        if other is not deck:
            problems.append(
                Diagnostic(
                    Origin(deck.sources[0], 0),
                    "error",
                    f"deck “{deck.name}” would share the file {deck.slug}.apkg with deck “{other.name}”"
                    f" ({other.sources[0]}); give one of them another name",
                )
            )
    return problems


def _place(diagnostic: Diagnostic) -> tuple[str, int, str]:
    return (diagnostic.origin.path, diagnostic.origin.line, diagnostic.message)
