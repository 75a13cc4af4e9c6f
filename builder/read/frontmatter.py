"""The front matter of a Markdown source, and the line of each of its keys.

Three dialects are read, at the very top of the file:

- YAML between ``---`` lines (Jekyll, MkDocs, Docusaurus, Obsidian, Hugo);
- TOML between ``+++`` lines (Hugo), read with ``tomllib`` (``tomli`` before Python 3.11);
- a Logseq page's properties: ``key:: value`` lines up to the first line that is none
  (``title:: Raft``, ``tags:: consensus, [[distributed systems]]``), when one of them at least
  is a key deckbuilder reads or ``alias``.

The generators' keys deckbuilder reads (:data:`READ_WITHOUT_CASE`: ``Title``, ``Tags``,
``Lang`` as Hugo, Jekyll and Obsidian write them) are matched without regard to case; every
other key is kept as written. The markdown-it rule
:func:`builder.markdown.frontmatter.front_matter_dialects` makes a
``front_matter`` token of the TOML and Logseq forms (its ``markup`` says which), as
mdit-py-plugins' rule does of the YAML one.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from markdown_it.token import Token

from ..errors import SourceError
from ..markdown.frontmatter import LOGSEQ, PROPERTY, READ_WITHOUT_CASE, TOML
from ..model import Origin
from ..yamlload import FRONT_MATTER, key_lines, load

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 (mypy checks this branch: tomli may be absent here)
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["LOGSEQ", "READ_WITHOUT_CASE", "TOML", "front_matter"]

_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)\s*$")
_TOML_KEY = re.compile(r"""^\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*[=.]""")
_TABLE = re.compile(r"^\s*\[")
_LINK = re.compile(r"\[\[([^\]]*)\]\]")


def front_matter(token: Token, path: str) -> tuple[dict[str, Any], dict[str, int]]:
    """The front matter mapping and the line of each of its keys."""
    if token.markup == TOML:
        data, lines = _toml(token, path)
    elif token.markup == LOGSEQ:
        data, lines = _logseq(token.content)
    else:
        node, loaded = load(token.content, path, FRONT_MATTER, first_line=2)
        if loaded is None:
            return {}, {}
        if not isinstance(loaded, dict):
            raise SourceError(f"{path}:1", "front matter must be a mapping of keys to values")
        data, lines = loaded, key_lines(node, 2)
    return _without_case(data, lines)


def _without_case(data: dict[str, Any], lines: dict[str, int]) -> tuple[dict[str, Any], dict[str, int]]:
    """``Title`` read as ``title`` (the keys of :data:`READ_WITHOUT_CASE`), unless the front
    matter gives ``title`` too: then ``Title`` stays, an unknown key close to ``title``."""
    out: dict[str, Any] = {}
    out_lines: dict[str, int] = {}
    for key, value in data.items():
        name = key.lower() if isinstance(key, str) and key.lower() in READ_WITHOUT_CASE else key
        if name != key and (name in data or name in out):
            name = key
        out[name] = value
        if key in lines:
            out_lines[str(name)] = lines[key]
    return out, out_lines


def _toml(token: Token, path: str) -> tuple[dict[str, Any], dict[str, int]]:
    """A TOML front matter's mapping and its top-level keys' lines; an error at its line."""
    first = (token.map[0] if token.map else 0) + 2
    try:
        data = tomllib.loads(token.content)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        where = _TOML_WHERE.search(message)
        if where is None:
            line = first
        elif where.group(1):
            line = first + int(where.group(1)) - 1
        else:  # at the end of the document: the closing +++
            line = token.map[1] if token.map else first
        reason = message[: where.start()] if where else message
        raise SourceError(Origin(path, line), f"front matter: invalid TOML: {reason}") from None
    lines: dict[str, int] = {}
    for number, text in enumerate(token.content.split("\n"), start=first):
        if _TABLE.match(text):
            break  # the keys of a [table] are not the front matter's own
        key = _TOML_KEY.match(text)
        if key is not None:
            name = next(group for group in key.groups() if group is not None)
            lines.setdefault(name, number)
    return data, lines


def _logseq(content: str) -> tuple[dict[str, Any], dict[str, int]]:
    """A Logseq page's properties: ``tags`` and ``alias`` are lists (at commas, ``[[…]]``
    links made their text), every other value is its text."""
    data: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for number, text in enumerate(content.split("\n"), start=1):
        found = PROPERTY.match(text)
        if found is None or found.group(1) in data:
            continue
        key, value = found.group(1), (found.group(2) or "").strip()
        if key.lower() in ("tags", "tag", "alias", "aliases"):
            data[key] = [_LINK.sub(r"\1", part).strip() for part in value.split(",") if part.strip()]
        else:
            data[key] = _LINK.sub(r"\1", value)
        lines[key] = number
    return data, lines
