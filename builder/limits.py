"""Limits no study document reaches, checked before the work they bound.

markdown-it-py is linear on what people write, but some inputs cost far more than their size:
a run of thousands of unclosed ``[`` (each starts a link label scanned to the end of its
paragraph) or a table of thousands of columns (a cell token each, row after row). Such a
source is refused at once, with one line naming its file and line, rather than read for
minutes.

Cloze deletions are bounded the same way (:data:`MAX_CLOZE_NUMBER`, :data:`MAX_DELETIONS`):
:mod:`builder.extract.clozescan` checks them as it reads a deletion, for Markdown, YAML cards
and curation files alike.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import SourceError
from .model import Origin

MAX_SOURCE_BYTES = 5 * 1024 * 1024
"""The largest file deckbuilder reads (sources, card, curation and deck files): 5 MB."""
MAX_IMAGE_BYTES = 10 * 1024 * 1024
"""The largest image a deck packs: 10 MB (every learner downloads it, on every device)."""
MAX_SOUND_BYTES = 10 * 1024 * 1024
"""The largest sound a deck packs (``.mp3``, ``.ogg``, ``.wav``…): 10 MB, as an image."""
MAX_VIDEO_BYTES = 50 * 1024 * 1024
"""The largest video a deck packs (``.mp4``, ``.webm``, ``.ogv``, ``.mov``): 50 MB; a clip of a
few minutes at a phone's resolution, cut shorter when it is more."""
MAX_REMOTE_IMAGE_BYTES = 5 * 1024 * 1024
"""The largest remote image a build fetches (``--fetch-images``): 5 MB; the download stops
there."""
FETCH_TIMEOUT = 10.0
"""How long a build waits for one remote image, in seconds, from asking to its last byte."""
MAX_TABLE_COLUMNS = 64
"""The most columns a table row may have."""
MAX_OPEN_BRACKETS = 256
"""The most ``[`` a paragraph may leave open at once."""
MAX_CLOZE_NUMBER = 500
"""The highest cloze number, ``{{c500::…}}``: a note has a card per number it uses, and Anki
refuses a whole deck past ``c65536``."""
MAX_DELETIONS = 500
"""The most cloze deletions one sentence may hold (or one labelled line, list item, table
cell, or line of a curation file's ``cloze:``)."""

_BRACKET = re.compile(r"\\.|[\[\]]")


def check_size(size: int, shown: str) -> None:
    """Refuse a file larger than :data:`MAX_SOURCE_BYTES` (from its ``stat``, before reading)."""
    if size > MAX_SOURCE_BYTES:
        raise SourceError(
            shown,
            f"file is {size / 1024 / 1024:.1f} MB, more than the {MAX_SOURCE_BYTES // 1024 // 1024} MB"
            " a file may be; split it",
        )


def read_bounded(path: Path) -> bytes | None:
    """A file's bytes, or None when it is larger than :data:`MAX_SOURCE_BYTES` (then it is not
    read: hashing a file of gigabytes would take as long as reading it)."""
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size > MAX_SOURCE_BYTES:
            return None
        data = file.read(MAX_SOURCE_BYTES + 1)
    return None if len(data) > MAX_SOURCE_BYTES else data


def check_markdown(text: str, shown: str, first_line: int = 1) -> None:
    """Refuse Markdown whose parsing would cost far more than its size: a line of more than
    :data:`MAX_TABLE_COLUMNS` cells, or a paragraph (lines up to a blank one) leaving more than
    :data:`MAX_OPEN_BRACKETS` ``[`` open. One pass over the text, before it is parsed; the
    front matter is YAML or TOML, with limits of its own (:mod:`builder.yamlload`)."""
    depth = 0
    lines = text.split("\n")
    skip = _front_matter_end(lines) if first_line == 1 else 0
    for number, line in enumerate(lines[skip:], start=first_line + skip):
        if not line.strip():
            depth = 0
            continue
        if "|" in line and line.count("|") - line.count("\\|") > MAX_TABLE_COLUMNS + 1:
            raise SourceError(
                Origin(shown, number),
                f"a table row of more than {MAX_TABLE_COLUMNS} columns; split the table",
            )
        if "[" in line:
            for match in _BRACKET.finditer(line):
                mark = match.group()
                if mark == "[":
                    depth += 1
                    if depth > MAX_OPEN_BRACKETS:
                        raise SourceError(
                            Origin(shown, number),
                            f"more than {MAX_OPEN_BRACKETS} “[” left open in one paragraph;"
                            " close them or escape them as \\[",
                        )
                elif mark == "]" and depth:
                    depth -= 1
        elif "]" in line and depth:
            depth = max(0, depth - line.count("]"))


def _front_matter_end(lines: list[str]) -> int:
    """How many lines the front matter takes (``---`` to ``---``, or TOML's ``+++`` to
    ``+++``); 0 without one."""
    if not lines or lines[0].rstrip() not in ("---", "+++"):
        return 0
    fence = lines[0].rstrip()
    return next((n + 1 for n in range(1, len(lines)) if lines[n].rstrip() == fence), 0)
