"""Deck configuration: a Markdown source's front matter, and ``decks.yaml``.

Front matter keys (all optional)::

    title: Distributed systems notes   # the document's title
    deck: Systems::Notes               # the deck's name (default: title)
    tags: [systems, raft]              # added to every card
    subdecks: true                     # top sections become subdecks (Deck::Section)
    skip: [Scratch, Further reading]   # section titles that give no card
    exclude: [code]                    # card kinds to leave out
    fetch_images: true                 # pack remote images (as --fetch-images does)

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
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from . import deep
from .errors import SourceError
from .model import KINDS, Diagnostic, Origin
from .names import nested_tag
from .text import read_text
from .yamlload import DECKS_YAML, key_lines, load

DECKS_FILE = "decks.yaml"
FRONT_MATTER_KEYS = ("deck", "exclude", "fetch_images", "skip", "subdecks", "tags", "title")
GROUP_KEYS = ("deck", "exclude", "fetch_images", "sources", "subdecks", "tags")
SHARED = ("front matter",)
"""Where other tools' keys are allowed beside deckbuilder's: front matter belongs to the site
generator (or the note app) first."""
LANGUAGE_KEYS = ("lang", "language")
"""The generators' keys for the page's language; the first one given is read."""
TAG_KEYS = ("categories", "category", "tag")
"""The generators' keys whose words are tags too (Hugo, Jekyll, VuePress)."""
THEIRS = (*LANGUAGE_KEYS, *TAG_KEYS, "desc", "math", "nav_exclude", "subtitle")
"""The generators' keys close to one of deckbuilder's that are never taken for a misspelling."""
CLOSE = 0.75
"""How alike (:class:`difflib.SequenceMatcher` ratio) a key must be to one of deckbuilder's to
be taken for its misspelling: ``tgas`` is, ``site`` and ``images`` are not."""


@dataclass(frozen=True)
class DeckConfig:
    """How a source's cards are gathered into a deck."""

    deck: str | None = None
    """The deck's name; None: the source's title or file name."""
    tags: tuple[str, ...] = ()
    """Tags every card gets."""
    subdecks: bool = False
    """Top sections become subdecks."""
    skip: tuple[str, ...] = ()
    """Section titles that give no card."""
    exclude: tuple[str, ...] = ()
    """Card kinds left out."""
    language: str | None = None
    """The source's language as its front matter gives it (``lang``/``language``: ``en``,
    ``pt-BR``); None when it gives none."""
    fetch_images: bool = False
    """Remote images are fetched and packed (see :mod:`builder.media`), not shown as their alt
    text."""

    def under(self, group: DeckConfig | None) -> DeckConfig:
        """This source's configuration inside a ``decks.yaml`` group (the group's name wins)."""
        if group is None:
            return self
        return DeckConfig(
            deck=group.deck or self.deck,
            tags=(*group.tags, *(t for t in self.tags if t not in group.tags)),
            subdecks=group.subdecks or self.subdecks,
            skip=self.skip,
            exclude=(*group.exclude, *(k for k in self.exclude if k not in group.exclude)),
            language=self.language,
            fetch_images=group.fetch_images or self.fetch_images,
        )


@dataclass(frozen=True)
class Group:
    """One deck of ``decks.yaml``."""

    config: DeckConfig
    sources: tuple[Path, ...]
    """Resolved source files (a deck's notes follow the sorted order of its files)."""
    origin: Origin
    """Where the group starts in decks.yaml."""


_SPACE = re.compile(r"\s+")


def _tags(value: Any) -> tuple[str, ...] | None:
    """The tags a ``tags`` value gives (None when it is no list or text of tags): a text is
    split at commas (else at white space), and inside a tag white space becomes ``_``."""
    if value is None:  # ``tags:`` left empty, as note templates do
        return ()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        value = value.split(",") if "," in value else value.split()
    if not isinstance(value, list):
        return None
    out: list[str] = []
    for item in value:
        if isinstance(item, dict) and isinstance(item.get("label"), str):
            item = item["label"]  # Docusaurus: {label: Getting started, permalink: /start}
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            return None
        tag = nested_tag(_SPACE.sub("_", str(item).strip().lstrip("#").strip()))
        if tag and tag not in out:
            out.append(tag)
    return tuple(out)


def _titles(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        return None
    return tuple(str(v) for v in value)


_Bad = Callable[[str, str], None]
"""Reports a problem with a key: ``bad(key, message)``."""


def read_config(
    data: Mapping[str, Any], lines: Mapping[str, int], path: str, known: tuple[str, ...], what: str
) -> tuple[DeckConfig, list[Diagnostic]]:
    """Validate configuration keys; problems are error diagnostics naming the key's line.

    A key that is not in ``known`` is an error, except where other tools' keys are allowed
    (``what`` in :data:`SHARED`): there only one close to a known key is (a misspelling).
    """
    problems: list[Diagnostic] = []

    def bad(key: str, message: str) -> None:
        problems.append(Diagnostic(Origin(path, lines.get(key, 1)), "error", message))

    shared = what in SHARED
    for key in data:
        if key in known or (shared and key in THEIRS):
            continue
        close = difflib.get_close_matches(str(key).lower(), known, n=1, cutoff=CLOSE)
        if close:
            bad(str(key), f"unknown {what} key “{key}”: did you mean “{close[0]}”?")
        elif not shared:
            bad(str(key), f"unknown {what} key “{key}” (known: {', '.join(known)})")
    deck = _deck(data, bad)
    tags = _tags(data.get("tags", []))
    if tags is None:
        bad("tags", "“tags” must be a list of tags or a text of them, separated by commas")
    if shared:
        theirs = (tag for key in TAG_KEYS for tag in _tags(data.get(key, [])) or ())
        tags = tuple(dict.fromkeys((*(tags or ()), *theirs)))
    subdecks = _flag(data, "subdecks", bad)
    skip = _titles(data.get("skip", []))
    if skip is None:
        bad("skip", "“skip” must be a list of section titles")
    config = DeckConfig(
        deck=deck.strip() if deck and deck.strip() else None,
        tags=tags or (),
        subdecks=subdecks,
        skip=skip or (),
        exclude=_exclude(data, bad),
        language=_language(data) if shared else None,
        fetch_images=_flag(data, "fetch_images", bad),
    )
    return config, problems


def _language(data: Mapping[str, Any]) -> str | None:
    """The page's language (``lang`` or ``language``), None when none is given as text."""
    for key in LANGUAGE_KEYS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _deck(data: Mapping[str, Any], bad: _Bad) -> str | None:
    """The ``deck`` name as given (None when there is none), once ``deck`` and ``title`` are checked."""
    deck = data.get("deck")
    if deck is not None and not isinstance(deck, str):
        bad("deck", "“deck” must be text")
        deck = None
    # ``title:`` left empty (a note template's) is no title: the document's heading names it.
    if data.get("title") is not None and not isinstance(data["title"], (str, int, float)):
        bad("title", "“title” must be text")
    return deck


def _flag(data: Mapping[str, Any], key: str, bad: _Bad) -> bool:
    """A true-or-false key (``subdecks``, ``fetch_images``); false when not given."""
    value = data.get(key, False)
    if not isinstance(value, bool):
        bad(key, f"“{key}” must be true or false")
        return False
    return value


def _exclude(data: Mapping[str, Any], bad: _Bad) -> tuple[str, ...]:
    """The card kinds ``exclude`` names; a name that is no card kind is reported and left out."""
    exclude = _titles(data.get("exclude", []))
    if exclude is None:
        bad("exclude", "“exclude” must be a list of card kinds")
    for kind in exclude or ():
        if kind not in KINDS:
            bad("exclude", f"“exclude” names an unknown card kind “{kind}” (kinds: {', '.join(KINDS)})")
    return tuple(k for k in exclude or () if k in KINDS)


def read_decks_file(path: Path, shown: str) -> tuple[list[Group], list[Diagnostic]]:
    """The groups of a ``decks.yaml``; problems are error diagnostics."""
    entries, nodes = _decks_list(read_text(path, shown), shown)
    groups: list[Group] = []
    problems: list[Diagnostic] = []
    for entry, node in zip(entries, nodes.value, strict=True):
        group = _group(entry, node, path.parent, shown, problems)
        if group is not None:
            groups.append(group)
    return groups, problems


def _decks_list(text: str, shown: str) -> tuple[list[Any], yaml.SequenceNode]:
    """The entries of the file's ``decks`` list, and their nodes."""
    # Parsed where deeply nested input has room, like a source (see builder.deep).
    root, data = deep.run(lambda: load(text, shown, DECKS_YAML))
    if not isinstance(data, dict) or not isinstance(data.get("decks"), list):
        raise SourceError(Origin(shown, 1), "decks.yaml must hold a “decks” list")
    assert isinstance(root, yaml.MappingNode)
    if [k.value for k, _ in root.value].count("decks") > 1:
        raise SourceError(Origin(shown, 1), "decks.yaml has more than one “decks” list")
    nodes = next(v for k, v in root.value if k.value == "decks")
    assert isinstance(nodes, yaml.SequenceNode)
    return data["decks"], nodes


def _group(entry: Any, node: yaml.Node, folder: Path, shown: str, problems: list[Diagnostic]) -> Group | None:
    """The group one entry of ``decks`` gives; None (its problems added) when it gives none."""
    origin = Origin(shown, node.start_mark.line + 1)
    if not isinstance(entry, dict):
        problems.append(Diagnostic(origin, "error", "each deck is a mapping with deck and sources"))
        return None
    config, found = read_config(entry, key_lines(node, 1), shown, GROUP_KEYS, "deck")
    problems += found
    if not config.deck:
        problems.append(Diagnostic(origin, "error", "a deck needs a “deck” name"))
        return None
    listed = _titles(entry.get("sources"))
    if not listed:
        problems.append(Diagnostic(origin, "error", f"deck “{config.deck}” lists no sources"))
        return None
    files = [file for pattern in listed for file in _matches(pattern, folder, origin, problems)]
    return Group(config, tuple(dict.fromkeys(files)), origin)


def _matches(pattern: str, folder: Path, origin: Origin, problems: list[Diagnostic]) -> list[Path]:
    """The files a ``sources`` pattern matches in ``folder``, sorted; [] (and a problem) for none."""
    if not pattern.strip() or Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        message = f"“{pattern}”: give sources relative to decks.yaml, inside its folder"
        problems.append(Diagnostic(origin, "error", message))
        return []
    matches = sorted(p for p in folder.glob(pattern) if p.is_file())
    if not matches:
        problems.append(Diagnostic(origin, "error", f"“{pattern}” matches no source file"))
    return matches
