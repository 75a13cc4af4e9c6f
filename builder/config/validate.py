"""Configuration keys checked and read (front matter's, or one deck's of ``decks.yaml``):
:func:`read_config` turns them into a :class:`~.records.DeckConfig`, each problem an error at
its key's line (an unknown key, a misspelling, a value of the wrong kind)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..model import KINDS, Diagnostic, Origin
from ..model.document import NOWHERE
from ..names import nested_tag
from .keys import CLOSE, FOLDERS, LANGUAGE_KEYS, LINK_SCHEMES, SHARED, TAG_KEYS, THEIRS
from .records import DeckConfig, Style

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


def titles(value: Any) -> tuple[str, ...] | None:
    """The texts a list of titles (``skip``, ``exclude``, ``sources``) gives, a lone text a list
    of one; None when it is no such list."""
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
    skip = titles(data.get("skip", []))
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
    exclude = titles(data.get("exclude", []))
    if exclude is None:
        bad("exclude", "“exclude” must be a list of card kinds")
    for kind in exclude or ():
        if kind not in KINDS:
            bad("exclude", f"“exclude” names an unknown card kind “{kind}” (kinds: {', '.join(KINDS)})")
    return tuple(k for k in exclude or () if k in KINDS)
