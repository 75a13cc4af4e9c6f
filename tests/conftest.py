from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import notes_of
from builder.extract import Extraction, extract
from builder.model import Document, Note
from builder.read import read

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"


@pytest.fixture(scope="session")
def seed_document() -> Document:
    return read(SEED, "source/rust-web3-interview.md")


@pytest.fixture(scope="session")
def seed_extraction(seed_document: Document) -> Extraction:
    return extract(seed_document)


@pytest.fixture(scope="session")
def seed_notes(seed_extraction: Extraction) -> list[Note]:
    return notes_of("Seed", seed_extraction.cards)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Keep the build cache of the tests out of the user's cache folder, and make a cache
    entry that is not what deckbuilder writes an error rather than a silent miss."""
    import os

    folder = tmp_path_factory.mktemp("cache")
    settings = {"DECKBUILDER_CACHE": str(folder), "DECKBUILDER_CACHE_STRICT": "1"}
    old = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    yield folder
    for name, value in old.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture
def collection(tmp_path):
    """An empty Anki collection (the real ``anki`` library), in its own folder of ``tmp_path``
    (its media folder beside it), closed after the test."""
    anki_collection = pytest.importorskip("anki.collection")
    (tmp_path / "anki").mkdir()
    col = anki_collection.Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()
