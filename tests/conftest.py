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
    """Keep the build cache of the tests out of the user's cache folder."""
    import os

    folder = tmp_path_factory.mktemp("cache")
    old = os.environ.get("DECKBUILDER_CACHE")
    os.environ["DECKBUILDER_CACHE"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("DECKBUILDER_CACHE", None)
    else:
        os.environ["DECKBUILDER_CACHE"] = old
