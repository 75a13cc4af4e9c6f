from __future__ import annotations

from pathlib import Path

import pytest

from builder.build import notes_of
from builder.extract import extract
from builder.model import Document, Note
from builder.read import read

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"


@pytest.fixture(scope="session")
def seed_document() -> Document:
    return read(SEED, "source/rust-web3-interview.md")


@pytest.fixture(scope="session")
def seed_notes(seed_document: Document) -> list[Note]:
    return notes_of("Seed", extract(seed_document).cards)
