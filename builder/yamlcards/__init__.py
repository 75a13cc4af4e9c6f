"""Hand-written cards: a YAML file (``.yaml``/``.yml``) becomes :class:`Card` records.

For cards no Markdown source holds, or that read better written out by hand::

    deck: Rust Web3 Interview::Extras     # optional; else the caller names it from the file name
    tags: [rust]                          # optional; added to every card
    cards:
      - id: tokio-runtime                 # required, unique in the file: the note's identity
        front: Which async runtime do most Rust Web3 crates assume?
        back: "**Tokio**"                 # Markdown, rendered like a Markdown source's answers
        tags: [async]                     # optional; this card's own tags
      - id: sealevel-locks
        cloze: Sealevel schedules transactions by {{c1::account}} locks
      - id: mpt-vs-verkle
        front: Proof size, Merkle Patricia Trie vs Verkle?
        back: about 3 KB against about 200 B
        reverse: true                     # also asks back -> front
      - id: postgres-port
        front: Default port of PostgreSQL?
        back: "5432"
        type_in: true                     # the learner types the back
      - id: gato
        note_type: vocab                  # the team's notetypes/vocab.yaml
        fields:                           # its fields, each Markdown rendered like a back
          Word: gato
          Meaning: "**cat**"

A card is either ``front`` and ``back`` (a ``fact`` card, keyed ``card:<id>``) or ``cloze`` (a
``cloze`` card with Anki's ``{{c1::…}}`` marks). ``reverse: true`` does not make a second note: the
card's note uses the ``prompt/answer+reverse`` note type, whose second card asks back -> front, so
Anki buries the sibling (see :mod:`builder.notetypes`). ``type_in: true`` makes the card's note
of the ``type-in`` note type: the learner types the back, and Anki shows what differs, so a back
longer than a short line of plain text gets a warning. A card is asked one way or the other:
both flags together are an error; on a cloze card either does nothing (a warning).

``note_type: <key>`` makes the card's note of a team's note type, ``notetypes/<key>.yaml`` in its
source folder (see :mod:`builder.read.notetypes`), and ``fields:`` gives its fields by name, each
Markdown rendered as a back is. A field the card leaves out is empty; ``Source`` is filled with
the card's file, as on every note. The first field is the card's prompt (and the note's sort
field), the second its answer. Such a card has no ``front``, ``back``, ``cloze``, ``reverse`` or
``type_in``; a field the note type does not have is an error at its line. A note type that
cannot be found is reported when the deck's note types are gathered (:mod:`builder.build`).

The file is read as a YAML node tree (never constructed into Python objects), so every problem
names its line. Anchors and aliases are refused before anything else: they are how a small file
expands into a huge one. A problem in one card is an error diagnostic and skips that card only;
a file that is not YAML, or not a mapping, is a :class:`SourceError`.

The work is split by job: :mod:`.cardfile` reads a file and its keys, :mod:`.loader` makes each
entry a card, :mod:`.team` a card of a team's note type, on the node reading and problem
collecting of :mod:`.nodes`. Import from here: ``from builder.yamlcards import load_cards``.
"""

from __future__ import annotations

from .cardfile import CardFile, load_cards, parse_cards

__all__ = ["CardFile", "load_cards", "parse_cards"]
