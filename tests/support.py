"""Helpers shared by tests: building notes the way a build does, running the command line,
reading its JSON, importing packages into Anki."""

from __future__ import annotations

import json
import os
import struct
import tempfile
import zlib
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from builder.build import read_source
from builder.cli import main
from builder.model import Note
from builder.sources import Source


def notes_from(text: str, path: str = "notes.md") -> list[Note]:
    """Notes of a small source written in a test, built as a build builds them
    (:func:`builder.build.read_source`: configuration, curation, images, rendering)."""
    here = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)
        try:
            source = Path(path)
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_text(text, encoding="utf-8")
            return list(read_source(Source(source, Path("."))).notes)
        finally:
            os.chdir(here)


def run(*args: str) -> Result:
    """The command line, as ``deckbuilder <args>``; stdout and stderr kept apart."""
    return CliRunner().invoke(main, list(args))


def build_at(epoch: int, monkeypatch: Any) -> str:
    """``deckbuilder build source --out decks`` released at ``epoch`` (``SOURCE_DATE_EPOCH``),
    which must succeed: what it printed."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    result = run("build", "source", "--out", "decks")
    assert result.exit_code == 0, result.output
    return result.stdout


def outcome(*args: str) -> tuple[int, str, str]:
    """The command line's exit status, standard output and standard error."""
    result = run(*args)
    return result.exit_code, result.stdout, result.stderr


def errors(result: Result) -> str:
    """What the command wrote to stderr (click 8.2+), else its mixed output."""
    try:
        return result.stderr
    except ValueError:  # click < 8.2 without mix_stderr=False
        return result.output


def cards_json(*args: str) -> list[dict[str, Any]]:
    """The notes ``deckbuilder cards <args> --json`` prints (the command must succeed)."""
    result = run("cards", *args, "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def import_apkg(col: Any, apkg: Path) -> Any:
    """Import one package into an Anki collection, without scheduling; returns the import log."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(
        package_path=str(apkg.resolve()), options=ImportAnkiPackageOptions(with_scheduling=False)
    )
    return col.import_anki_package(request).log


def study(col: Any, deck: str, cards: int, ease: int = 3) -> dict[int, tuple[int, ...]]:
    """Answer the next ``cards`` cards of ``deck`` with ``ease``; each card's schedule after it
    (interval, due, type, queue, factor, reviews), by card id."""
    col.decks.select(col.decks.id_for_name(deck))
    studied = {}
    for _ in range(cards):
        card = col.sched.getCard()
        col.sched.answerCard(card, ease)
        card.load()
        studied[card.id] = (card.ivl, card.due, card.type, card.queue, card.factor, card.reps)
    return studied


def png(width: int = 2, height: int = 1) -> bytes:
    """A small, valid RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def write(files: dict[str, str]) -> None:
    """Write each file (folders made), relative to the current folder."""
    for name, text in files.items():
        path = Path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
