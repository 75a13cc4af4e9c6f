"""Curation: the author's word on the generated cards, kept beside the source.

``notes.md`` is curated by ``notes.curation.yaml`` in the same folder (a YAML card file
``cards.yaml`` by ``cards.curation.yaml``). It maps card keys (``deckbuilder cards --json``, the
preview, ``cards --skipped``) to what the author wants::

    # A generated card that teaches nothing:
    notes/storage/cell:innodb:best-for: drop
    # A part the rules skipped, wanted after all:
    notes/failover/cell:split-brain:likelihood: restore
    # A card said better by hand; ``was`` is the generated card's fingerprint:
    notes/storage/fact:root-cause:
      prompt: What made the mempool grow without bound?
      answer: transactions were never evicted
      was: 3f2a9c1b

A rewrite keeps the card's key, so its note (and the learner's history) stays; a cloze card
is rewritten with ``cloze:`` (Anki's ``{{c1::…}}`` marks) and a prompt/answer card with
``prompt:`` and/or ``answer:`` (Markdown), because a note that changed type would be a new note.
The breadcrumb stays. Every build applies the file again, so the curation survives any
regeneration; an entry whose key no longer exists is a warning at its line, and so is a
rewrite whose generated card changed since ``was`` was written: the author reviews it and
updates ``was``.

Keys follow the source through a rename: a key written under the file's old name is read under
its new one (:meth:`.Curation.under`). A curation file left behind when its source was renamed or
moved stops the build with the command that puts it back beside its source (:mod:`.orphans`), and
two sources of one name beside one curation file (``foo.md`` and ``foo.yaml``) are an error
(:mod:`builder.sources`): a curation file curates one source.

Four jobs, a module each: :mod:`.load` reads and checks the file, :mod:`.apply` applies it to
a source's cards, :mod:`.orphans` finds the source of a curation file left behind, and
:mod:`.drafts` writes the entries the preview's buttons copy.
"""

from __future__ import annotations

from .apply import curate, fingerprint
from .drafts import draft, drop_entry, rewrite_entry
from .load import ACTIONS, REWRITE_KEYS, Curation, Entry, load_curation, parse_curation
from .orphans import orphaned

__all__ = [
    "ACTIONS",
    "REWRITE_KEYS",
    "Curation",
    "Entry",
    "curate",
    "draft",
    "drop_entry",
    "fingerprint",
    "load_curation",
    "orphaned",
    "parse_curation",
    "rewrite_entry",
]
