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
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..identify import fields_hash
from ..markup import shown_text
from ..names import deck_key, deck_name, tag_key
from .release import SUSPENDED_TAG, Removal, WantedDeck, WantedNote

Models = Mapping[int, Mapping[str, object] | None]
"""The learner's copy of each note type, by id (None where they have none)."""


@dataclass(frozen=True)
class Options:
    """How a sync treats the learner's collection, as the command line asks."""

    suspend: bool = False
    """Suspend (and tag) the notes removed from the source instead of deleting them."""
    overwrite: bool = False
    """Set the notes the learner edited back to the release."""
    reset: bool = False
    """Put every card back in the deck the release names."""


DEFAULTS = Options()
"""Removed notes deleted, the learner's edits and layout kept."""


@dataclass(frozen=True)
class HeldCard:
    """A card of a learner's note."""

    card_id: int
    deck: str
    suspended: bool
    ord: int = 0


@dataclass(frozen=True)
class HeldNote:
    """A note as the learner's collection holds it."""

    note_id: int
    guid: str
    model_id: int
    fields: tuple[str, ...]
    tags: tuple[str, ...]
    cards: tuple[HeldCard, ...]

    @property
    def text(self) -> str:
        """The learner's own text of the note (its first field, plain), for reports."""
        return plain(self.fields[0] if self.fields else "")


@dataclass(frozen=True)
class Update:
    """A note brought to the release: the fields to set (by name) and the tags it gets."""

    note: WantedNote
    mine: HeldNote
    fields: tuple[tuple[str, str], ...]
    tags: tuple[str, ...] | None
    """The note's tags after the sync; None when they stay."""


@dataclass(frozen=True)
class Move:
    """Cards of a note going to the deck's place."""

    note: WantedNote
    mine: HeldNote
    cards: tuple[int, ...]
    target: str


@dataclass(frozen=True)
class Conflict:
    """What a sync cannot do, and why."""

    prompt: str
    reason: str


@dataclass(frozen=True)
class DeckChanges:
    """What syncing one deck changes."""

    deck: WantedDeck
    options: Options = DEFAULTS
    add: tuple[WantedNote, ...] = ()
    update: tuple[Update, ...] = ()
    """Notes whose fields or tags the release changed: updated in place."""
    move: tuple[Move, ...] = ()
    remove: tuple[tuple[Removal, HeldNote], ...] = ()
    """Removed from the source: deleted or suspended."""
    unsuspend: tuple[tuple[WantedNote, HeldNote], ...] = ()
    """Notes a sync suspended when they were removed, back in the deck."""
    empty: tuple[tuple[WantedNote, HeldNote, tuple[int, ...]], ...] = ()
    """Cards of a cloze note whose gap the release removed: deleted (never left empty)."""
    models: tuple[int, ...] = ()
    """Note types the collection lacks or holds with other templates or CSS."""
    kept: tuple[tuple[str, HeldNote], ...] = ()
    """The learner's edits kept: (what the release has, their note)."""
    conflicts: tuple[Conflict, ...] = ()
    places: Mapping[str, str] = field(default_factory=dict)
    """Each deck of the release -> the learner's name for it (where new cards go)."""
    extra_fields: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    """Fields the learner added to deckbuilder's note types, by note type id: kept."""

    @property
    def nothing(self) -> bool:
        """No change to make."""
        return not (
            self.add or self.update or self.move or self.remove or self.unsuspend or self.empty or self.models
        )

    def summary(self) -> str:
        suspend = self.options.suspend
        parts = [
            f"{len(self.add)} added",
            f"{len(self.update)} changed",
            f"{len(self.move)} moved",
            f"{len(self.remove)} {'suspended' if suspend else 'deleted'}",
        ]
        if self.unsuspend:
            parts.append(f"{len(self.unsuspend)} unsuspended")
        if self.empty:
            count = sum(len(cards) for _, _, cards in self.empty)
            parts.append(f"{count} card{'s' if count > 1 else ''} of removed gaps gone")
        if self.models:
            parts.append(f"{len(self.models)} note type{'s' if len(self.models) > 1 else ''} updated")
        return ", ".join(parts)

    def lines(self) -> list[str]:
        """One line per change, as ``diff`` prints them."""
        out = [f"  + {n.prompt}" for n in self.add]
        out += [f"  ~ {u.mine.text}" for u in self.update]
        out += [f"  > {m.mine.text} (to {m.target})" for m in self.move]
        mark = "suspended" if self.options.suspend else "deleted"
        out += [f"  - {mine.text} ({mark})" for _, mine in self.remove]
        out += [f"  ^ {mine.text} (back in the deck: unsuspended)" for _, mine in self.unsuspend]
        out += [
            f"  - {mine.text} ({len(cards)} empty card{'s' if len(cards) > 1 else ''}: its gap was removed)"
            for _, mine, cards in self.empty
        ]
        return out

    def notices(self) -> list[str]:
        """What the learner must know whatever the run: kept edits and conflicts."""
        out = [f"  kept your edit: {mine.text}" for _, mine in self.kept]
        out += [f"  ! {c.prompt}: {c.reason}" for c in self.conflicts]
        return out


def tell(found: Sequence[DeckChanges], echo: Callable[[str], None], dry_run: bool) -> None:
    """Print what a sync changes (or, with ``dry_run``, would): a line per deck, every kept edit
    and conflict, and for a dry run every change, then that nothing was changed."""
    for change in found:
        head = f"{change.deck.name} {change.deck.version}: "
        if change.nothing and not change.conflicts:
            status = "up to date"
        elif change.nothing:
            status = "not up to date"
        else:
            status = change.summary()
        if change.kept:
            many = len(change.kept) > 1
            status += f"; {len(change.kept)} note{'s' if many else ''} kept as you edited {'them' if many else 'it'}"
        if change.conflicts:
            status += f"; {len(change.conflicts)} could not be synced"
        echo(head + status)
        for line in change.lines() if dry_run else ():
            echo(line)
        for line in change.notices():
            echo(line)
    if dry_run:
        echo("dry run: nothing was changed")


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
        self.shapes = {mid: _shape(deck, mid, held_models.get(mid), self.conflicts) for mid in deck.models}
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
        fields, edited = _fields(note, mine, names, self.options.overwrite)
        if edited:
            self.kept.append((note.prompt, mine))
        tags = _tags(self.deck, note, mine)
        if fields or tags is not None:
            self.updates.append(Update(note, mine, fields, tags))
        if _marked(mine) and any(c.suspended for c in mine.cards):
            self.back.append((note, mine))
        target = self.places[deck_name(note.deck)]
        stray = tuple(
            c.card_id
            for c in mine.cards
            if deck_key(c.deck) != deck_key(target) and (self.options.reset or deck_key(c.deck) in self.ours)
        )
        if stray:
            self.moves.append(Move(note, mine, stray, target))
        gone = () if edited else _empty_cards(note, mine)
        if gone:
            self.empty.append((note, mine, gone))

    def removal(self, removal: Removal) -> None:
        """A note removed from the source: deleted (or suspended) when it is the deck's own."""
        mine = self.held.get(removal.guid)
        if mine is None or mine.model_id not in self.deck.models:
            return
        reason = _refusal(
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
        elif not (self.options.suspend and _suspended_by_us(mine)):
            self.remove.append((removal, mine))

    def changes(self) -> DeckChanges:
        deck = self.deck
        models = tuple(
            mid for mid in deck.models if _model_differs(deck.models[mid], self.held_models.get(mid))
        )
        extra = {
            mid: tuple(n for n in names if n not in _release_names(deck, mid))
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


def layout(deck: WantedDeck, held: Mapping[str, HeldNote], reset: bool = False) -> dict[str, str]:
    """Each deck of the release -> where the learner keeps it.

    The deck's place is where its notes' cards are: a card of a note of ``Deck::Sub`` in the
    learner's ``School::Deck::Sub`` says the deck is ``School::Deck``; where no card says so
    (the release brought new subdecks), the deck most of its cards are in. Its subdecks lie
    under it. With ``reset``, or for a deck no learner's card is in, the release's names."""
    main = deck.name
    relative = {deck_name(n.deck): _below(main, deck_name(n.deck)) for n in deck.notes}
    strong: Counter[str] = Counter()
    weak: Counter[str] = Counter()
    for note in deck.notes:
        mine = held.get(note.guid)
        rel = relative[deck_name(note.deck)]
        for card in mine.cards if mine is not None and not reset else ():
            name = deck_name(card.deck)
            if not rel:
                strong[name] += 1
            elif deck_key(name).endswith("::" + deck_key(rel)):
                strong[name[: -len(rel) - 2]] += 1
            else:
                weak[name] += 1
    votes = strong or weak
    # Most cards decide; a tie goes to the release's own name, then to the first name.
    place = min(votes, key=lambda n: (-votes[n], deck_key(n) != deck_key(main), n)) if votes else main
    return {main: place} | {name: f"{place}::{rel}" if rel else place for name, rel in relative.items()}


def _below(main: str, name: str) -> str:
    """``name``'s path under the deck ``main`` ("" for the deck itself)."""
    if deck_key(name) == deck_key(main):
        return ""
    if deck_key(name).startswith(deck_key(main) + "::"):
        return name[len(main) + 2 :]
    return name  # not under the deck: a deck of its own


def _shape(
    deck: WantedDeck, mid: int, theirs: Mapping[str, object] | None, out: list[Conflict]
) -> tuple[str, ...] | None:
    """The learner's field names of a note type of the release (the release's when they have
    none yet); None, with a conflict, when it lacks a field or card type of the release."""
    wanted = _release_names(deck, mid)
    if theirs is None:
        return wanted
    names = tuple(str(f["name"]) for f in _items(theirs, "flds"))
    name = str(theirs.get("name") or deck.models[mid].get("name"))
    missing = [n for n in wanted if n not in names]
    if missing:
        out.append(
            Conflict(f"note type “{name}”", f"it has no field “{missing[0]}”, so its notes cannot be updated")
        )
        return None
    cards = {str(t["name"]) for t in _items(theirs, "tmpls")}
    absent = [str(t["name"]) for t in _items(deck.models[mid], "tmpls") if str(t["name"]) not in cards]
    if absent:
        out.append(Conflict(f"note type “{name}”", f"it has no card type “{absent[0]}”"))
        return None
    return names


def _release_names(deck: WantedDeck, mid: int) -> tuple[str, ...]:
    return tuple(str(f["name"]) for f in _items(deck.models[mid], "flds"))


def _items(model: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    items = model.get(key) or []
    assert isinstance(items, list)
    return items


def _fields(
    note: WantedNote, mine: HeldNote, names: Sequence[str], overwrite: bool
) -> tuple[tuple[tuple[str, str], ...], bool]:
    """The fields to set (name, value) on the learner's note, and whether the learner edited
    it (then nothing is set, unless ``overwrite``)."""
    theirs = dict(zip(names, mine.fields, strict=False))
    current = tuple(theirs.get(name, "") for name in note.field_names)
    if current == note.fields:
        return (), False
    if fields_hash(current) not in note.shipped and not overwrite:
        return (), True
    changed = tuple(
        (name, value)
        for name, value, now in zip(note.field_names, note.fields, current, strict=False)
        if value != now
    )
    return changed, False


def _tags(deck: WantedDeck, note: WantedNote, mine: HeldNote) -> tuple[str, ...] | None:
    """The note's tags after the sync: the learner's own, then the release's; None when the
    learner's note has them already."""
    own = [t for t in mine.tags if not deck.owns(t)]
    keys = {tag_key(t) for t in own}
    after = (*own, *(t for t in note.tags if tag_key(t) not in keys))
    if {tag_key(t) for t in after} == {tag_key(t) for t in mine.tags}:
        return None
    return after


def _marked(mine: HeldNote) -> bool:
    """Whether a sync suspended the note (and tagged it so)."""
    return tag_key(SUSPENDED_TAG) in {tag_key(t) for t in mine.tags}


def _suspended_by_us(mine: HeldNote) -> bool:
    return _marked(mine) and all(c.suspended for c in mine.cards)


def _refusal(
    deck: WantedDeck,
    removal: Removal,
    mine: HeldNote,
    names: tuple[str, ...] | None,
    ours: set[str],
    foreign: Callable[[str], bool],
    others: Mapping[str, str],
    overwrite: bool,
) -> str:
    """Why a removed note is not deleted ("" when it is; "edited" when the learner edited it).

    It must be this deck's: not a note another deck of the decks folder ships, and made by this
    deck, under one of its titles when it is in the deck's place, under its title now when the
    learner moved it elsewhere (a former title is only the manifest's word), and never among
    another deck's notes."""
    owner = others.get(removal.guid)
    if owner is not None and owner != deck.name:
        return f"not deleted: it is a note of “{owner}”, though {deck.name}'s manifest lists it as removed"
    inside = any(deck_key(c.deck) in ours for c in mine.cards) or not mine.cards
    if not deck.made(removal, former=inside):
        return f"not deleted: {deck.name} did not make this note, though its manifest lists it as removed"
    outside = [c.deck for c in mine.cards if deck_key(c.deck) not in ours]
    if not inside and any(foreign(name) for name in outside):
        return f"not deleted: it is in “{outside[0]}”, with notes of other decks"
    if names is not None and not overwrite:
        theirs = dict(zip(names, mine.fields, strict=False))
        current = tuple(theirs.get(n, "") for n in _release_names(deck, mine.model_id))
        if fields_hash(current) not in removal.shipped | {removal.tombstone}:
            return "edited"
    return ""


def _model_differs(release: Mapping[str, object], theirs: Mapping[str, object] | None) -> bool:
    """Whether the learner's copy of a note type lacks the release's templates or CSS."""
    if theirs is None:
        return True
    mine = {str(t["name"]): (t.get("qfmt"), t.get("afmt")) for t in _items(theirs, "tmpls")}
    return release.get("css") != theirs.get("css") or any(
        mine.get(str(t["name"])) != (t.get("qfmt"), t.get("afmt")) for t in _items(release, "tmpls")
    )


_CLOZE = re.compile(r"\{\{c(\d+)::")


def _empty_cards(note: WantedNote, mine: HeldNote) -> tuple[int, ...]:
    """The learner's cards of a cloze note whose number the release's text no longer has (a
    suspended one is left: AnkiConnect, which cannot delete a card, suspends it)."""
    if not note.cloze:
        return ()
    numbers = {int(n) for value in note.fields for n in _CLOZE.findall(value)}
    return tuple(c.card_id for c in mine.cards if c.ord + 1 not in numbers and not c.suspended)


def plain(html: str, limit: int = 100) -> str:
    """A field's text without markup, on one line, shortened to ``limit`` characters."""
    text = "".join(c if c.isprintable() else " " for c in shown_text(html, between=" "))
    return text if len(text) <= limit else text[: limit - 1] + "…"
