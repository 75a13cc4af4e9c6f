"""``deckbuilder pull``: a learner's edits made in Anki written back as curation rewrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from support import outcome as run

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection

SOURCE = """\
---
deck: Pull Test
---
# Pull test

## Storage

- **Engine:** B-tree pages of 4 KiB
- **Log:** write-ahead, fsync on commit
"""


def test_an_edit_made_in_anki_becomes_a_rewrite_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    Path("source").mkdir()
    Path("source/notes.md").write_text(SOURCE, encoding="utf-8")
    assert run("build", "source", "--out", "decks")[0] == 0
    Collection("collection.anki2").close()
    assert run("sync", "--decks", "decks", "--collection", "collection.anki2", "--no-backup")[0] == 0
    col = Collection("collection.anki2")
    try:
        [nid] = col.find_notes('"Prompt:*Engine*"')
        note = col.get_note(nid)
        note["Answer"] += "<br>Mnemonic: <b>B</b> for block"
        col.update_note(note)
    finally:
        col.close()
    before = Path("collection.anki2").read_bytes()

    args = ["pull", "source", "--decks", "decks", "--collection", "collection.anki2"]
    code, stdout, stderr = run(*args)
    assert code == 0, stderr
    assert stdout.endswith("1 edit pulled\n")
    curation = Path("source/notes.curation.yaml").read_text(encoding="utf-8")
    assert curation.startswith("notes/storage/fact:engine:\n  prompt: Engine?\n  answer: |-\n")
    assert "    B-tree pages of 4 KiB\n    Mnemonic: **B** for block\n  was: " in curation
    # Anki is only read.
    assert Path("collection.anki2").read_bytes() == before

    code, stdout, _ = run(*args)
    assert code == 0 and stdout.endswith("no edits to pull\n")
    assert Path("source/notes.curation.yaml").read_text(encoding="utf-8") == curation

    # The next release carries the learner's text; the other note is untouched.
    code, stdout, stderr = run("build", "source", "--out", "decks")
    assert code == 0, stderr
    assert "1 changed" in stdout
    cards = run("cards", "source", "--json")[1]
    assert "Mnemonic: <strong>B</strong> for block" in cards
    assert "write-ahead, fsync on commit" in cards
