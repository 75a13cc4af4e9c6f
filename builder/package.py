"""Stage 6: an ``.apkg`` file, written with genanki, atomically and deterministically.

genanki fills the collection; the zip is written here so that its entry times come from the
release time (``SOURCE_DATE_EPOCH``) and not from a temp file's mtime. The deck is written to a
temporary file beside the target and renamed over it, so a failed build leaves the old deck.
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import genanki

from .identify import deck_id
from .model import Note
from .notetypes import MODELS


def build_time() -> int:
    """The release time: ``SOURCE_DATE_EPOCH`` when set, else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return int(epoch)
        except ValueError:
            pass
    return int(time.time())


def genanki_deck(name: str, description: str, notes: Sequence[Note]) -> genanki.Deck:
    """The genanki deck holding ``notes`` in order."""
    models = {kind: factory() for kind, factory in MODELS.items()}
    deck = genanki.Deck(deck_id(name), name, description=description)
    for note in notes:
        deck.add_note(
            genanki.Note(
                model=models[note.model],
                fields=list(note.fields.values()),
                sort_field=note.prompt,
                tags=list(note.tags),
                guid=note.guid,
            )
        )
    return deck


def write_apkg(
    path: Path, name: str, description: str, notes: Sequence[Note], timestamp: int
) -> None:
    """Write the deck to ``path`` via a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    deck = genanki_deck(name, description, notes)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    db_fd, db_path = tempfile.mkstemp(suffix=".anki2")
    os.close(db_fd)
    try:
        conn = sqlite3.connect(db_path)
        try:
            ids = itertools.count(timestamp * 1000)
            genanki.Package(deck).write_to_db(conn.cursor(), float(timestamp), ids)
            conn.commit()
        finally:
            conn.close()
        stamp = time.gmtime(max(timestamp, 315532800))[:6]  # zip dates start in 1980
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            _add(zf, "collection.anki2", Path(db_path).read_bytes(), stamp)
            _add(zf, "media", json.dumps({}).encode(), stamp)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        Path(db_path).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _add(zf: zipfile.ZipFile, name: str, data: bytes, stamp: tuple[int, ...]) -> None:
    info = zipfile.ZipInfo(name, date_time=stamp)  # type: ignore[arg-type]
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    info.create_system = 3
    zf.writestr(info, data)
