"""The ``.tsv`` output: Anki's own text-import format, which Anki imports (File > Import) and
spreadsheets and scripts read.

The file starts with Anki's file headers: tab-separated, fields are HTML, and which columns
hold each note's GUID, note type (by name), deck and tags. Then one line per note, in deck
order: its GUID, its note type's name, its deck, its fields in the note type's order (empty
cells after them when another note type of the file has more fields), and its tags separated
by spaces. A cell holding a tab, a line break or a ``"``, or starting with ``#`` (which would
make a line a comment), is quoted: written between ``"``, with each ``"`` in it doubled.

What Anki's text import cannot carry is left out: note types (the learner needs the deck's,
which its ``.apkg`` brings), removed notes (only a package can tell a learner's Anki to drop
them) and media files, which are written beside the file for the learner to copy into their
collection's media folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Output

if TYPE_CHECKING:
    from ..model import MediaFile, Note, NoteType
    from ..release.deck import Release

HEADERS = ("#separator:tab", "#html:true", "#guid column:1", "#notetype column:2", "#deck column:3")
"""The file headers every file starts with; the tags column's comes after, its place depending
on how many fields the widest note type of the deck has."""

FIRST_FIELD = 4
"""The column (counted from 1) of each note's first field."""

_QUOTED = ("\t", "\n", "\r", '"')


class Tsv(Output):
    """Anki's text-import format, one line per current note."""

    name = "tsv"
    suffix = ".tsv"

    def data(self, rel: Release) -> bytes:
        return text(rel).encode("utf-8")

    def beside(self, rel: Release) -> tuple[MediaFile, ...]:
        return rel.plan.media


def text(rel: Release) -> str:
    """The deck's current notes in Anki's text-import format (see the module's description)."""
    from ..notetypes import of

    types = of(rel.plan.note_types)
    notes = rel.notes
    width = max((len(types[note.model].fields) for note in notes), default=0)
    rows = ("\t".join(cell(value) for value in row(note, types[note.model], width)) for note in notes)
    return "\n".join((*HEADERS, f"#tags column:{FIRST_FIELD + width}", *rows)) + "\n"


def row(note: Note, note_type: NoteType, width: int) -> list[str]:
    """A note's cells: GUID, note type, deck, its fields padded to ``width`` cells, tags."""
    values = [note.fields.get(name, "") for name in note_type.fields]
    return [note.guid, note_type.name, note.deck, *values, *[""] * (width - len(values)), " ".join(note.tags)]


def cell(value: str) -> str:
    """A cell as Anki's text import reads it back: quoted when it must be."""
    if value.startswith("#") or any(char in value for char in _QUOTED):
        return '"' + value.replace('"', '""') + '"'
    return value
