"""A source's cards before its notes are made: a YAML card file's, or a Markdown document's as
its front matter and ``decks.yaml`` group configure it, with the kinds its configuration
excludes taken out and the rewrites a curation file cannot make refused.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from .config import FRONT_MATTER_KEYS, DeckConfig, read_config
from .curation.apply import own_fields_refused
from .curation.load import Curation
from .extract import extract
from .markdown import title_from_path
from .model import Card, Diagnostic, Document, OwnFields, Skipped
from .names import deck_name
from .read.hashtags import tag_cards
from .read.notetypes import read_note_type
from .sources import NOTE_TYPES, Source
from .yamlcards import load_cards

Loaded = tuple[str, DeckConfig, list[Card], set[str]]
"""A source's deck name, configuration, cards, and the keys of the cards a curation may restore."""


def from_card_file(source: Source, group: DeckConfig | None, problems: list[Diagnostic]) -> Loaded:
    """A YAML card file's cards (its cards of a team's note type read with it)."""
    team = partial(read_note_type, source.root / NOTE_TYPES)
    card_file, found = load_cards(source.path, source.shown, team)
    problems.extend(found)
    config = DeckConfig(deck=card_file.deck).under(group)
    return deck_name(config.deck or title_from_path(source.shown)), config, list(card_file.cards), set()


def from_document(
    document: Document,
    source: Source,
    group: DeckConfig | None,
    curation: Curation | None,
    problems: list[Diagnostic],
    skipped: list[Skipped],
) -> Loaded:
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


def without_rewrites_of_own_fields(
    curation: Curation, cards: list[Card], problems: list[Diagnostic]
) -> Curation:
    """The curation without rewrites of cards of a team's note type (their fields are their own,
    which a rewrite cannot give): each is an error at its entry."""
    own = {c.key for c in cards if isinstance(c.form, OwnFields)}
    refused = [e for e in curation.entries if e.action == "rewrite" and e.key in own]
    problems += [own_fields_refused(e, curation.origin(e)) for e in refused]
    return (
        replace(curation, entries=tuple(e for e in curation.entries if e not in refused))
        if refused
        else curation
    )


def without_excluded(
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
