"""The front matter of a Markdown source, and the line of each of its keys.

Three dialects are read, at the very top of the file:

- YAML between ``---`` lines (Jekyll, MkDocs, Docusaurus, Obsidian, Hugo);
- TOML between ``+++`` lines (Hugo), read with ``tomllib`` (``tomli`` before Python 3.11);
- a Logseq page's properties: ``key:: value`` lines up to the first line that is none
  (``title:: Raft``, ``tags:: consensus, [[distributed systems]]``), when one of them at least
  is a key deckbuilder reads or ``alias``.

The generators' keys deckbuilder reads (:data:`READ_WITHOUT_CASE`: ``Title``, ``Tags``,
``Lang`` as Hugo, Jekyll and Obsidian write them) are matched without regard to case; every
other key is kept as written. The markdown-it rule :func:`front_matter_dialects` makes a
``front_matter`` token of the TOML and Logseq forms (its ``markup`` says which), as
mdit-py-plugins' rule does of the YAML one.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token

from ..errors import SourceError
from ..model import Origin
from ..yamlload import FRONT_MATTER, key_lines, load

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 (mypy checks this branch: tomli may be absent here)
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

__all__ = ["LOGSEQ", "READ_WITHOUT_CASE", "TOML", "front_matter", "front_matter_dialects"]

TOML = "+++"
"""The ``markup`` of a TOML front matter token, and its fence."""
LOGSEQ = "::"
"""The ``markup`` of a front matter token made of Logseq page properties."""
READ_WITHOUT_CASE = ("title", "tags", "tag", "categories", "category", "lang", "language")
"""The keys matched without regard to case (``Title`` is ``title``): the generators' keys
deckbuilder reads (see :mod:`builder.config`)."""

_TOML_WHERE = re.compile(r"\s*\(at (?:line (\d+), column \d+|end of document)\)\s*$")
_TOML_KEY = re.compile(r"""^\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*[=.]""")
_TABLE = re.compile(r"^\s*\[")
_PROPERTY = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)::(?:[ \t]+(.*?))?[ \t]*$")
_LINK = re.compile(r"\[\[([^\]]*)\]\]")
_PAGE_KEYS = frozenset(
    (*READ_WITHOUT_CASE, "alias", "aliases", "deck", "exclude", "fetch_images", "skip", "subdecks")
)
"""Keys of which one at least makes ``key:: value`` lines at the top of a file page properties
(``Raft:: a consensus algorithm`` alone is a line of text, as a flashcard plugin writes it)."""


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
        found = _PROPERTY.match(text)
        if found is None or found.group(1) in data:
            continue
        key, value = found.group(1), (found.group(2) or "").strip()
        if key.lower() in ("tags", "tag", "alias", "aliases"):
            data[key] = [_LINK.sub(r"\1", part).strip() for part in value.split(",") if part.strip()]
        else:
            data[key] = _LINK.sub(r"\1", value)
        lines[key] = number
    return data, lines


# --- Finding the front matter: the markdown-it rule ------------------------------------------


def front_matter_dialects(md: MarkdownIt) -> None:
    """Read TOML front matter (``+++``) and Logseq page properties at the top of a file as a
    ``front_matter`` token, as mdit-py-plugins' ``front_matter_plugin`` reads YAML's."""
    md.block.ruler.before(
        "table", "front_matter_dialects", _rule, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )


def _line(state: StateBlock, number: int) -> str:
    return state.src[state.bMarks[number] + state.tShift[number] : state.eMarks[number]]


def _rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    if start != 0 or state.sCount[0] != 0:
        return False
    first = _line(state, 0)
    if first.rstrip() == TOML:
        close = next(
            (n for n in range(1, end) if state.sCount[n] == 0 and _line(state, n).rstrip() == TOML), None
        )
        if close is None:
            return False
        after, content, markup = close + 1, (1, close), TOML
    elif (found := _PROPERTY.match(first)) is not None:
        keys = {found.group(1).lower()}
        last = 0
        while last + 1 < end and state.sCount[last + 1] == 0:
            found = _PROPERTY.match(_line(state, last + 1))
            if found is None:
                break
            keys.add(found.group(1).lower())
            last += 1
        if keys.isdisjoint(_PAGE_KEYS):
            return False
        after, content, markup = last + 1, (0, last + 1), LOGSEQ
    else:
        return False
    if silent:
        return True
    token = state.push("front_matter", "", 0)
    token.hidden = True
    token.block = True
    token.markup = markup
    begin, stop = content
    token.content = state.src[state.bMarks[begin] : state.bMarks[stop]]
    token.map = [0, after]
    state.line = after
    return True
