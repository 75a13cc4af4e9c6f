"""Notes from cards: each card of a deck rendered and identified (its GUID, its hashes), with
the tags, subdecks and Source field its configuration asks for (:func:`notes_of`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath
from urllib.parse import quote

from .config import DeckConfig
from .curation import draft, fingerprint
from .identify import body_hash, content_hash, guid
from .markup import HTML, escape
from .model import Card, Note, Origin
from .model.cards import SOURCE_FIELD
from .names import deck_name, tag_key
from .names import tags as anki_tags
from .plaintext import cloze_prompts
from .render import render
from .text import CONTROL


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
                draft=draft(card) if rewrite_drafts else None,
                generated=card.generated or fingerprint(card.kind, shown.prompt, shown.answer),
            )
        )
    return notes


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
