"""Where the learner keeps a deck: its place read from where its notes' cards are, and each of
its decks under it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from ..names import deck_key, deck_name
from .changes import HeldNote
from .wanted import WantedDeck


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
