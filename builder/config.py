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
from .model.document import NOWHERE
from .names import nested_tag
from .text import read_text
from .yamlload import DECKS_YAML, key_lines, load

DECKS_FILE = "decks.yaml"
LOOK_KEYS = ("folders", "note_types", "source_link", "style", "tts")
"""Keys that decide how a deck's cards look and where they go, in front matter and ``decks.yaml``."""
FRONT_MATTER_KEYS = ("deck", "exclude", "fetch_images", "skip", "subdecks", "tags", "title", *LOOK_KEYS)
GROUP_KEYS = ("deck", "exclude", "fetch_images", "sources", "subdecks", "tags", *LOOK_KEYS)
FOLDERS = ("subdecks", "tags")
"""What a source's folders inside its source folder may become (``folders:``)."""
LINK_SCHEMES = ("http", "https", "obsidian", "vscode", "vscode-insiders", "vscodium", "idea", "zed", "file")
"""The addresses a ``source_link`` may open: web pages and editors, never a script."""
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
class Style:
    """A deck's CSS file (``style:``)."""

    path: str
    """The file, as the configuration names it, from the folder of the file that names it."""
    replace: bool = False
    """The file is the whole style; else it is added after the default one."""


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
    style: Style | None = None
    """The deck's own CSS (``style:``), None: the default style."""
    note_types: tuple[tuple[str, str], ...] = ()
    """(a built-in note type's key, the team's note type its cards use instead), sorted."""
    tts: str | None = None
    """The language Anki's text-to-speech reads prompts in (``en_US``); None: not read aloud."""
    folders: tuple[str, ...] = ()
    """What the source's folders inside its source folder become: ``subdecks``, ``tags``."""
    looks_at: Origin = NOWHERE
    """Where it first asks for a look (``style``, ``note_types`` or ``tts``), for messages."""
    source_link: str | None = None
    """A link template (``{path}``, ``{name}``, ``{line}``) the Source field opens; None: the
    plain path."""

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
            style=group.style or self.style,
            note_types=tuple(sorted({**dict(self.note_types), **dict(group.note_types)}.items())),
            tts=group.tts or self.tts,
            folders=group.folders or self.folders,
            source_link=group.source_link or self.source_link,
            looks_at=group.looks_at if group.looks_at.path else self.looks_at,
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
    _unknown_keys(data, known, what, shared, bad)
    deck = _deck(data, bad)
    tags = _all_tags(data, shared, bad)
    subdecks = _flag(data, "subdecks", bad)
    skip = _titles(data.get("skip", []))
    if skip is None:
        bad("skip", "“skip” must be a list of section titles")
    config = DeckConfig(
        deck=deck.strip() if deck and deck.strip() else None,
        tags=tags,
        subdecks=subdecks,
        skip=skip or (),
        exclude=_exclude(data, bad),
        language=_language(data) if shared else None,
        fetch_images=_flag(data, "fetch_images", bad),
        # A page's own ``style: wide`` (a site generator's) is theirs: only a .css file is ours.
        style=_style(data, Path(path).parent, (lambda key, message: None) if shared else bad),
        note_types=_note_types(data, bad),
        tts=_tts(data, bad),
        folders=_folders(data, bad),
        source_link=_source_link(data, bad),
        looks_at=next(
            (Origin(path, lines.get(k, 1)) for k in ("style", "note_types", "tts") if k in data),
            NOWHERE,
        ),
    )
    return config, problems


def _unknown_keys(
    data: Mapping[str, Any], known: tuple[str, ...], what: str, shared: bool, bad: _Bad
) -> None:
    """A key not in ``known`` is an error; where other tools' keys are allowed (``shared``), only
    one close to a known key is (a misspelling)."""
    for key in data:
        if key in known or (shared and key in THEIRS):
            continue
        close = difflib.get_close_matches(str(key).lower(), known, n=1, cutoff=CLOSE)
        if close:
            bad(str(key), f"unknown {what} key “{key}”: did you mean “{close[0]}”?")
        elif not shared:
            bad(str(key), f"unknown {what} key “{key}” (known: {', '.join(known)})")


def _all_tags(data: Mapping[str, Any], shared: bool, bad: _Bad) -> tuple[str, ...]:
    """``tags``, and (front matter, ``shared``) the generators' ``categories``, ``tag``…"""
    tags = _tags(data.get("tags", []))
    if tags is None:
        bad("tags", "“tags” must be a list of tags or a text of them, separated by commas")
    if not shared:
        return tags or ()
    theirs = (tag for key in TAG_KEYS for tag in _tags(data.get(key, [])) or ())
    return tuple(dict.fromkeys((*(tags or ()), *theirs)))


def _style(data: Mapping[str, Any], folder: Path, bad: _Bad) -> Style | None:
    """``style: team.css`` or ``style: {css: team.css, replace: true}``."""
    value = data.get("style")
    if value is None:
        return None
    replace = False
    if isinstance(value, dict):
        unknown = sorted(str(k) for k in value if k not in ("css", "replace"))
        if unknown:
            bad("style", f"unknown “style” key “{unknown[0]}” (known: css, replace)")
        replace = value.get("replace", False)
        if not isinstance(replace, bool):
            bad("style", "“style: replace” must be true or false")
            replace = False
        value = value.get("css")
    if not isinstance(value, str) or not value.strip().lower().endswith(".css"):
        bad("style", "“style” must name a .css file (or be {css: file.css, replace: true})")
        return None
    return Style((folder / value.strip()).as_posix(), replace)


def _note_types(data: Mapping[str, Any], bad: _Bad) -> tuple[tuple[str, str], ...]:
    """``note_types: {prompt: team-qa}``: which team note type a kind of built-in one becomes."""
    value = data.get("note_types", {})
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        bad("note_types", "“note_types” must map a built-in note type (prompt, cloze…) to a note type's name")
        return ()
    return tuple(sorted((k.strip(), v.strip()) for k, v in value.items()))


_TTS = re.compile(r"[a-z]{2,3}(?:[_-][A-Za-z0-9]{2,8})*")
"""A language code as Anki's text-to-speech takes it (``en_US``, ``ja_JP``, ``de``)."""


def _tts(data: Mapping[str, Any], bad: _Bad) -> str | None:
    value = data.get("tts")
    if value is None or value is False:
        return None
    if not isinstance(value, str) or not _TTS.fullmatch(value.strip()):
        bad("tts", "“tts” must be a language code such as en_US or ja_JP")
        return None
    return value.strip().replace("-", "_")


def _folders(data: Mapping[str, Any], bad: _Bad) -> tuple[str, ...]:
    value = data.get("folders", [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(v in FOLDERS for v in value):
        bad("folders", "“folders” must be subdecks, tags or both ([subdecks, tags])")
        return ()
    return tuple(v for v in FOLDERS if v in value)


def _source_link(data: Mapping[str, Any], bad: _Bad) -> str | None:
    """A link template whose address opens in a browser or an editor, never a script."""
    value = data.get("source_link")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        bad("source_link", "“source_link” must be a link such as https://…/{path}#L{line}")
        return None
    scheme = value.strip().split(":", 1)[0].lower()
    if ":" not in value or scheme not in LINK_SCHEMES:
        bad("source_link", f"“source_link” must start with one of {', '.join(s + ':' for s in LINK_SCHEMES)}")
        return None
    try:
        value.format(path="", name="", line=0)
    except (KeyError, IndexError, ValueError):
        bad("source_link", "“source_link” may hold only {path}, {name} and {line}")
        return None
    return value.strip()


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
