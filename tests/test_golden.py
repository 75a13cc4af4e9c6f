"""Golden fixtures: each ``fixtures/*.md`` beside the cards it must give (``*.cards.yaml``):
plain prompt and answer, and the note's rendered HTML fields, so that a change of escaping or
markup shows up as a diff too.

Run with ``DECKBUILDER_UPDATE_GOLDEN=1`` to rewrite the expected files after a deliberate rule
change, then read the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from builder.build import notes_of
from builder.extract import extract
from builder.read import read

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = sorted(FIXTURES.glob("*.md"))


def cards_of(source: Path) -> list[dict[str, object]]:
    document = read(source, f"fixtures/{source.name}")
    notes = notes_of("Golden", extract(document).cards)
    return [
        {
            "kind": n.kind,
            "key": n.key,
            "prompt": n.prompt,
            "answer": n.answer,
            "source": str(n.origin),
            "fields": {name: value for name, value in n.fields.items() if name != "Source"},
        }
        for n in notes
    ]


@pytest.mark.parametrize("source", SOURCES, ids=[s.stem for s in SOURCES])
def test_fixture(source: Path) -> None:
    expected_file = source.with_suffix(".cards.yaml")
    actual = cards_of(source)
    if os.environ.get("DECKBUILDER_UPDATE_GOLDEN"):
        expected_file.write_text(
            yaml.safe_dump(actual, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8"
        )
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    assert actual == expected
