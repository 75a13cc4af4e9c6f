"""``decks.yaml``: the decks it gathers, each a :class:`~.records.Group` of the source files
its patterns match beside it, with the deck's configuration."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .. import deep
from ..errors import SourceError
from ..model import Diagnostic, Origin
from ..text import read_text
from ..yamlload import DECKS_YAML, key_lines, load
from .keys import GROUP_KEYS
from .records import Group
from .validate import read_config, titles


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
    listed = titles(entry.get("sources"))
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
