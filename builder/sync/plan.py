"""What a sync changes, worked out before anything is changed (and all ``--dry-run`` does).

The plan compares a release (:mod:`.release`) with what the learner's collection holds of it,
by GUID, and changes only what the release changed and only what is the release's own:

- **Fields**: a note whose fields equal a version some release shipped is brought to the
  current one; a note the learner edited is kept as they made it and reported by name (unless
  ``overwrite``). A field the learner added to a note type is theirs, never compared or cleared.
- **Tags**: the tags the deck's releases ever shipped are the release's; every other tag
  (the learner's own, Anki's ``marked`` and ``leech``) stays.
- **Layout**: a deck is followed where the learner put it: its place is read from where its
  notes' cards are (a deck renamed or nested under a parent of theirs, with its options). New
  cards go there; a card moves only when the release moved its note between the deck's own
  decks, never a card the learner moved elsewhere (``reset`` restores the release's layout).
- **Removals**: a removed note is deleted (or suspended, and marked so that it is unsuspended
  when it comes back) only when this deck made its GUID and the note is in the deck's place or
  where the learner moved it, never in another deck's. It is named by the learner's own text.
- **What cannot be done** (a note of another note type holding a GUID, a note type without one
  of the release's fields) is a conflict, with its reason: such a deck is never "up to date".

The changes found, and how they are told, are :mod:`.changes`'s; the deck's place,
:mod:`.layout`'s; each note compared with the release, :mod:`.compare`'s.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..names import deck_key, deck_name
from .changes import (
    DEFAULTS,
    Conflict,
    DeckChanges,
    HeldCard,
    HeldNote,
    Models,
    Move,
    Options,
    Update,
    plain,
    tell,
)
from .compare import (
    empty_cards,
    is_marked,
    merged_fields,
    merged_tags,
    model_differs,
    model_shape,
    refusal,
    release_names,
    suspended_by_us,
)
from .layout import layout
from .wanted import Removal, WantedDeck, WantedNote

__all__ = [
    "DEFAULTS",
    "Conflict",
    "DeckChanges",
    "HeldCard",
    "HeldNote",
    "Models",
    "Move",
    "Options",
    "Update",
    "layout",
    "plain",
    "plan",
    "tell",
]


def plan(
    deck: WantedDeck,
    held: Mapping[str, HeldNote],
    held_models: Models,
    options: Options = DEFAULTS,
    *,
    foreign: Callable[[str], bool] = lambda deck: False,
    others: Mapping[str, str] | None = None,
    model_names: Mapping[int, str] | None = None,
) -> DeckChanges:
    """What syncing ``deck`` into a collection holding ``held`` (by GUID) and ``held_models``
    changes. ``foreign(name)``: whether the learner's deck ``name`` holds notes of other
    deckbuilder decks (a removed note found there is not this deck's to delete); ``others``:
    the GUIDs of the other decks' current notes, by GUID -> deck name; ``model_names``: every
    note type's name in the collection, by id, for reports."""
    planner = _Planner(deck, held, held_models, options, foreign, others or {}, model_names or {})
    for note in deck.notes:
        planner.note(note)
    for removal in deck.removed:
        planner.removal(removal)
    return planner.changes()


class _Planner:
    """The changes of one deck, gathered note by note."""

    def __init__(
        self,
        deck: WantedDeck,
        held: Mapping[str, HeldNote],
        held_models: Models,
        options: Options,
        foreign: Callable[[str], bool],
        others: Mapping[str, str],
        model_names: Mapping[int, str],
    ) -> None:
        self.deck, self.held, self.held_models, self.options = deck, held, held_models, options
        self.foreign, self.others, self.model_names = foreign, others, model_names
        self.conflicts: list[Conflict] = []
        self.shapes = {
            mid: model_shape(deck, mid, held_models.get(mid), self.conflicts) for mid in deck.models
        }
        self.places = layout(deck, held, options.reset)
        self.ours = {deck_key(p) for p in self.places.values()}
        self.add: list[WantedNote] = []
        self.updates: list[Update] = []
        self.moves: list[Move] = []
        self.kept: list[tuple[str, HeldNote]] = []
        self.back: list[tuple[WantedNote, HeldNote]] = []
        self.empty: list[tuple[WantedNote, HeldNote, tuple[int, ...]]] = []
        self.remove: list[tuple[Removal, HeldNote]] = []

    def note(self, note: WantedNote) -> None:
        """A current note of the release: added, or what the release changed of the learner's."""
        mine = self.held.get(note.guid)
        if mine is None:
            self.add.append(note)
            return
        if mine.model_id != note.model_id:
            theirs = self.model_names.get(mine.model_id, "another")
            self.conflicts.append(
                Conflict(note.prompt, f"a “{theirs}” note holds this note's GUID; left alone")
            )
            return
        names = self.shapes.get(note.model_id)
        if names is None:
            return  # the note type's conflict is reported once
        fields, edited = merged_fields(note, mine, names, self.options.overwrite)
        if edited:
            self.kept.append((note.prompt, mine))
        tags = merged_tags(self.deck, note, mine)
        if fields or tags is not None:
            self.updates.append(Update(note, mine, fields, tags))
        if is_marked(mine) and any(c.suspended for c in mine.cards):
            self.back.append((note, mine))
        target = self.places[deck_name(note.deck)]
        stray = tuple(
            c.card_id
            for c in mine.cards
            if deck_key(c.deck) != deck_key(target) and (self.options.reset or deck_key(c.deck) in self.ours)
        )
        if stray:
            self.moves.append(Move(note, mine, stray, target))
        gone = () if edited else empty_cards(note, mine)
        if gone:
            self.empty.append((note, mine, gone))

    def removal(self, removal: Removal) -> None:
        """A note removed from the source: deleted (or suspended) when it is the deck's own."""
        mine = self.held.get(removal.guid)
        if mine is None or mine.model_id not in self.deck.models:
            return
        reason = refusal(
            self.deck,
            removal,
            mine,
            self.shapes.get(mine.model_id),
            self.ours,
            self.foreign,
            self.others,
            self.options.overwrite,
        )
        if reason == "edited":
            self.kept.append((removal.prompt, mine))
        elif reason:
            self.conflicts.append(Conflict(mine.text, reason))
        elif not (self.options.suspend and suspended_by_us(mine)):
            self.remove.append((removal, mine))

    def changes(self) -> DeckChanges:
        deck = self.deck
        models = tuple(
            mid for mid in deck.models if model_differs(deck.models[mid], self.held_models.get(mid))
        )
        extra = {
            mid: tuple(n for n in names if n not in release_names(deck, mid))
            for mid, names in self.shapes.items()
            if names is not None
        }
        return DeckChanges(
            deck,
            self.options,
            tuple(self.add),
            tuple(self.updates),
            tuple(self.moves),
            tuple(self.remove),
            tuple(self.back),
            tuple(self.empty),
            models,
            tuple(self.kept),
            tuple(self.conflicts),
            self.places,
            {mid: names for mid, names in extra.items() if names},
        )
