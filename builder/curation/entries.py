"""The curation entries the preview's buttons copy and ``pull`` writes: the line that drops a
card, and the entry that rewrites one, as YAML a curation file reads back.
"""

from __future__ import annotations

import json
import re

import yaml

from ..model import Note


def drop_entry(note: Note) -> str:
    """The curation line that drops ``note``."""
    return f"{_key(note.key)}: drop\n"


def rewrite_entry(note: Note) -> str:
    """The curation entry that starts a rewrite of ``note``, with its current text; '' when
    the note has no draft (see :mod:`.drafts`). Raises :class:`ValueError` for a note
    built without its draft (see :func:`builder.build.notes_of`)."""
    if note.draft is None:
        raise ValueError(f"{note.key}: the note was built without its rewrite draft")
    if not note.draft:
        return ""
    return rewrite_text(note.key, dict(note.draft), note.generated)


def rewrite_text(key: str, fields: dict[str, str], was: str) -> str:
    """The curation entry that rewrites the card ``key`` with ``fields`` (Markdown), made from
    the generated card whose fingerprint is ``was``."""
    body = _dump({**fields, "was": was})
    return f"{_key(key)}:\n" + "".join(f"  {line}\n" for line in body.splitlines())


_PLAIN_KEY = re.compile(r"\w[\w/:~.-]*", re.UNICODE)


def _key(key: str) -> str:
    """A key as a YAML mapping key: plain when it reads back the same, else quoted."""
    return key if _PLAIN_KEY.fullmatch(key) and not key.endswith(":") else json.dumps(key, ensure_ascii=False)


def _dump(data: dict[str, str]) -> str:
    class _Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        # YAML reads NEL and the Unicode line and paragraph separators as line breaks, unless
        # they are escapes in a double-quoted scalar.
        style = '"' if any(c in value for c in "\x85\u2028\u2029") else "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, text)
    dumped: str = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    return dumped
