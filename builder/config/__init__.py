"""Deck configuration: a Markdown source's front matter, and ``decks.yaml``.

Front matter keys (all optional)::

    title: Distributed systems notes   # the document's title
    deck: Systems::Notes               # the deck's name (default: title)
    tags: [systems, raft]              # added to every card
    subdecks: true                     # top sections become subdecks (Deck::Section)
    skip: [Scratch, Further reading]   # section titles that give no card
    exclude: [code]                    # card kinds to leave out
    fetch_images: true                 # pack remote images (as --fetch-images does)
    style: team.css                    # CSS added after the default style ({css: …, replace: true}: instead of it)
    note_types: {prompt: team-qa}      # a team's note type (notetypes/team-qa.yaml) for a kind of card
    tts: en_US                         # Anki reads the prompt aloud (its text-to-speech, this language)
    folders: [subdecks, tags]          # a/b/x.md goes to Deck::a::b and gets the tag a::b
    source_link: https://github.com/team/notes/blob/main/{path}#L{line}   # the Source field links there

Front matter is shared with the site generators (Hugo, MkDocs, Docusaurus, VuePress, Jekyll,
Obsidian): their keys (``weight``, ``slug``, ``sidebar_position``, ``date``…) are theirs and
left alone, except a key close to one of deckbuilder's (``tittle``), which is taken for a
misspelling. Of theirs, deckbuilder reads the page's language (``lang`` or ``language``) and
the tags (``categories``, ``category`` and ``tag`` add to ``tags``). Tags may be a list or a
text (split at commas, else at white space, as Jekyll does); inside a tag, white space becomes
``_`` (``Getting started`` is the Anki tag ``Getting_started``), a leading ``#`` goes, an
Obsidian nested tag ``area/topic`` is Anki's hierarchical ``area::topic``, and a Docusaurus tag
object gives its ``label``. Those keys (``title``, ``tags``, ``lang``…) are read whatever their
case (``Title``); the front matter may be YAML, TOML or Logseq properties
(:mod:`builder.read.frontmatter`).

``decks.yaml``, beside the sources, gathers several sources into one deck::

    decks:
      - deck: Rust Web3 Interview
        sources: [rust-web3-interview.md, extras/*.yaml]   # relative to decks.yaml; globs allowed
        tags: [rust]                                       # subdecks and exclude work too
        fetch_images: true                                 # fetch and pack remote images

The keys are named in :mod:`.keys`, checked and read in :mod:`.validate`, and what they say
kept in :mod:`.records`; :mod:`.decksfile` reads ``decks.yaml``.
"""

from __future__ import annotations

from .decksfile import read_decks_file
from .keys import (
    CLOSE,
    DECKS_FILE,
    FOLDERS,
    FRONT_MATTER_KEYS,
    GROUP_KEYS,
    LANGUAGE_KEYS,
    LINK_SCHEMES,
    LOOK_KEYS,
    SHARED,
    TAG_KEYS,
    THEIRS,
)
from .records import DeckConfig, Group, Style
from .validate import read_config

__all__ = [
    "CLOSE",
    "DECKS_FILE",
    "FOLDERS",
    "FRONT_MATTER_KEYS",
    "GROUP_KEYS",
    "LANGUAGE_KEYS",
    "LINK_SCHEMES",
    "LOOK_KEYS",
    "SHARED",
    "TAG_KEYS",
    "THEIRS",
    "DeckConfig",
    "Group",
    "Style",
    "read_config",
    "read_decks_file",
]
