"""A renamed note is found again only among the notes of its own document.

Two documents of one deck may teach the same thing. When a card leaves one of them and a card
that teaches the same appears in the other, the new card is a new note and the old one a
tombstone: a learner's history never moves from one document's fact to another's. A card
renamed within its document keeps its note, in the same release.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from anki.collection import Collection

from builder.build import notes_of
from builder.extract import extract
from builder.extract.scope import slug
from builder.model import DeckPlan
from builder.read import parse
from builder.release.deck import Release, release

from support import cards_json, import_apkg, outcome, study, write

DECKS_YAML = "decks:\n  - deck: Storage\n    sources: [engines.md, databases.md]\n"
ENGINES = "# Engines\n\n## Storage\n- **Engine:** RocksDB with one column family per table\n- **Cache:** a block cache of 512 MB\n"
DATABASES = "# Databases\n\n## Storage\n- **Backend:** Postgres with logical replication\n"

# The engine card leaves engines.md and databases.md gains a card that teaches the same; the
# cache card is renamed within engines.md.
ENGINES_2 = "# Engines\n\n## Storage\n- **Block cache:** a block cache of 512 MB\n"
DATABASES_2 = DATABASES + "- **Store:** RocksDB with one column family per table\n"


def plan(engines: str, databases: str) -> DeckPlan:
    """One deck of the two documents, built as a build builds notes."""
    notes = [
        *notes_of("Storage", extract(parse(engines, "engines.md")).cards),
        *notes_of("Storage", extract(parse(databases, "databases.md")).cards),
    ]
    return DeckPlan("Storage", slug("Storage"), tuple(notes), ("engines.md", "databases.md"))


def by_prompt(rel: Release) -> dict[str, str]:
    return {n.prompt.split(" — ")[-1]: n.guid for n in rel.plan.notes}


def test_a_note_of_another_document_that_teaches_the_same_takes_no_history():
    first = release(plan(ENGINES, DATABASES), None, 1_000)
    second = release(plan(ENGINES_2, DATABASES_2), first.manifest, 2_000)
    old, new = by_prompt(first), by_prompt(second)
    assert new["Store?"] not in old.values()
    assert [t.guid for t in second.removed] == [old["Engine?"]]
    assert new["Block cache?"] == old["Cache?"]
    assert new["Backend?"] == old["Backend?"]
    assert (second.bump, second.version) == ("minor", "1.1.0")
    assert [n.prompt for n in second.added] == ["Storage — Store?"]
    assert second.unsure == ()


def test_within_its_document_a_moved_note_is_found_again():
    """The same move inside one document keeps the note: the limit is the document, not the
    section."""
    first = release(plan(ENGINES, DATABASES), None, 1_000)
    moved = ENGINES_2 + "\n## Layout\n- **Store:** RocksDB with one column family per table\n"
    second = release(plan(moved, DATABASES), first.manifest, 2_000)
    assert by_prompt(second)["Store?"] == by_prompt(first)["Engine?"]
    assert second.added == () and second.removed == ()


@pytest.fixture
def collection(tmp_path) -> Iterator[Collection]:
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


def test_a_learner_keeps_each_document_s_history_apart(tmp_path, monkeypatch, collection):
    """The real build and a real collection: release 1 studied, release 2 imported over it.
    The engine card's reviews stay with its note, now a tombstone; the card new to
    databases.md has none; the renamed cache card keeps its reviews."""
    monkeypatch.chdir(tmp_path)
    write({"src/decks.yaml": DECKS_YAML, "src/engines.md": ENGINES, "src/databases.md": DATABASES})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1750000000")
    code, _, stderr = outcome("build", "src", "--out", "decks")
    assert code == 0, stderr
    first = {n["prompt"]: n["guid"] for n in cards_json("src", "--out", "decks")}
    import_apkg(collection, Path("decks/storage-1.0.0.apkg"))
    study(collection, "Storage", 3, ease=4)

    write({"src/engines.md": ENGINES_2, "src/databases.md": DATABASES_2})
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1760000000")
    code, stdout, stderr = outcome("build", "src", "--out", "decks")
    assert code == 0, stderr
    second = {n["prompt"]: n["guid"] for n in cards_json("src", "--out", "decks")}
    [package] = Path("decks").glob("*.apkg")
    import_apkg(collection, package)
    notes = {note.guid: note for note in map(collection.get_note, collection.find_notes(""))}

    def reviews(guid: str) -> tuple[int, list[str]]:
        note = notes[guid]
        return sum(card.reps for card in note.cards()), note.tags

    engine, engine_tags = reviews(first["Storage — Engine?"])
    assert engine == 1 and "removed" in engine_tags
    store, store_tags = reviews(second["Storage — Store?"])
    assert store == 0 and "removed" not in store_tags
    assert second["Storage — Store?"] != first["Storage — Engine?"]
    assert second["Storage — Block cache?"] == first["Storage — Cache?"]
    assert reviews(second["Storage — Block cache?"])[0] == 1
    assert len(notes) == 4
    assert "storage-1.1.0.apkg (1.0.0 -> 1.1.0, minor: 1 added, 1 changed, 1 removed)" in stdout, stdout


def test_a_renamed_file_with_half_its_notes_edited_keeps_every_note():
    """A source file renamed while one of its two cards is edited: at least half of its notes
    teach what they did, so it is the same document and both notes keep their GUIDs."""

    def alone(text: str, path: str) -> DeckPlan:
        notes = notes_of("Storage", extract(parse(text, path)).cards)
        return DeckPlan("Storage", slug("Storage"), tuple(notes), (path,))

    first = release(alone(ENGINES, "engines.md"), None, 1_000)
    second = release(alone(ENGINES.replace("512 MB", "1 GB"), "storage.md"), first.manifest, 2_000)
    assert by_prompt(second) == by_prompt(first)
    assert (second.bump, second.added, second.removed) == ("patch", (), ())
    # Both changed: the Source field names the new file.
    assert sorted(n.prompt for n in second.changed) == ["Storage — Cache?", "Storage — Engine?"]
