"""Reading a curation file: card keys mapped to drop, restore or a rewrite, checked line by line."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode

from .. import keys
from ..errors import SourceError
from ..model import Origin
from ..sources import curation_path
from ..text import read_text
from ..yamlload import CURATION_FILE, compose

ACTIONS = ("drop", "restore")
REWRITE_KEYS = ("prompt", "answer", "cloze", "was")


@dataclass(frozen=True)
class Entry:
    """One line (or block) of a curation file."""

    key: str
    line: int
    action: str
    """``drop``, ``restore`` or ``rewrite``."""
    prompt: str | None = None
    answer: tuple[str, int] | None = None
    """The answer's Markdown and the line it starts on."""
    cloze: str | None = None
    was: str | None = None
    written: str = ""
    """The key as the file writes it, when it is read under another name (see
    :meth:`Curation.under`); '' when it is ``key``."""

    @property
    def named(self) -> str:
        """The key as the file writes it: what messages quote."""
        return self.written or self.key


@dataclass(frozen=True)
class Curation:
    """A loaded curation file."""

    path: str
    """As shown in messages."""
    entries: tuple[Entry, ...]

    @property
    def wanted(self) -> frozenset[str]:
        """Keys of skipped cards the author wants back (restored, or rewritten)."""
        return frozenset(e.key for e in self.entries if e.action in ("restore", "rewrite"))

    def origin(self, entry: Entry) -> Origin:
        return Origin(self.path, entry.line)

    def under(self, document: str) -> Curation:
        """The curation with every Markdown key read under ``document``, the key of the source
        it curates. A curation file curates one source, so a key naming another document names
        this one under an old name: the source (and its curation file with it) was renamed, and
        its keys still start with the old stem. They are read under the new one, as the release
        reads a renamed file's manifest keys (:func:`builder.keys.moved`). Two entries that
        become one key are an error at the second."""
        entries: dict[str, Entry] = {}
        for entry in self.entries:
            moved = _under(entry, document)
            first = entries.setdefault(moved.key, moved)
            if first is not moved:
                raise SourceError(
                    self.origin(moved),
                    f"“{moved.named}” is curated twice (first at line {first.line}, as “{first.named}”):"
                    f" keys under the source's old name are read under its name “{document}”; keep one",
                )
        return replace(self, entries=tuple(entries.values()))


def _under(entry: Entry, document: str) -> Entry:
    """The entry with its key read under ``document`` when it names another document."""
    old = keys.document_of(entry.key)
    if keys.yaml_id(entry.key) is not None or "/" not in entry.key or old == document:
        return entry
    return replace(entry, key=keys.moved(entry.key, {old: document}), written=entry.key)


def load_curation(source: Path, shown: str) -> Curation | None:
    """The curation file of the source at ``source`` (``shown`` in messages), if it has one."""
    path = curation_path(source)
    if not path.is_file():
        return None
    where = str(Path(shown).with_name(path.name))
    return parse_curation(read_text(path, where), where)


def parse_curation(text: str, shown: str) -> Curation:
    """Curation text, checked: a problem is an error at its line."""
    root = compose(text, shown, CURATION_FILE)
    if root is None:
        return Curation(shown, ())
    if not isinstance(root, MappingNode):
        raise SourceError(Origin(shown, 1), "a curation file maps card keys to drop, restore or a rewrite")
    entries: dict[str, Entry] = {}
    for key_node, value in root.value:
        line = key_node.start_mark.line + 1
        key = str(key_node.value).strip() if isinstance(key_node, ScalarNode) else ""
        if not key:
            raise SourceError(Origin(shown, line), "a curation entry is named by a card key")
        if key in entries:
            raise SourceError(
                Origin(shown, line), f"“{key}” is curated twice (first at line {entries[key].line})"
            )
        entries[key] = _entry(key, line, value, shown)
    return Curation(shown, tuple(entries.values()))


def _entry(key: str, line: int, value: Node, shown: str) -> Entry:
    if isinstance(value, ScalarNode) and str(value.value).strip().lower() in ACTIONS:
        return Entry(key, line, str(value.value).strip().lower())
    if not isinstance(value, MappingNode):
        raise SourceError(
            Origin(shown, line),
            f"“{key}”: write drop, restore, or a rewrite (prompt:, answer:, cloze:, was:)",
        )
    found: dict[str, tuple[str, int]] = {}
    for name_node, text_node in value.value:
        name = str(name_node.value) if isinstance(name_node, ScalarNode) else "…"
        at = name_node.start_mark.line + 1
        if name not in REWRITE_KEYS:
            raise SourceError(
                Origin(shown, at), f"“{key}”: unknown key “{name}” (known: {', '.join(REWRITE_KEYS)})"
            )
        if not isinstance(text_node, ScalarNode) or text_node.tag.endswith(":null"):
            raise SourceError(Origin(shown, at), f"“{key}”: {name} must be text")
        block = text_node.style in ("|", ">")
        found[name] = (str(text_node.value), text_node.start_mark.line + 1 + (1 if block else 0))
    if not {"prompt", "answer", "cloze"} & set(found):
        raise SourceError(Origin(shown, line), f"“{key}”: a rewrite needs prompt:, answer: or cloze:")
    if "cloze" in found and {"prompt", "answer"} & set(found):
        raise SourceError(Origin(shown, line), f"“{key}”: a rewrite is either cloze: or prompt:/answer:")
    for name in ("prompt", "answer", "cloze"):
        if name in found and not found[name][0].strip():
            raise SourceError(Origin(shown, found[name][1]), f"“{key}”: {name} is empty")
    return Entry(
        key,
        line,
        "rewrite",
        prompt=found["prompt"][0] if "prompt" in found else None,
        answer=found.get("answer"),
        cloze=found["cloze"][0] if "cloze" in found else None,
        was=found["was"][0].strip() if "was" in found else None,
    )
