"""A list cloze synced across releases that remove, insert and reorder its items: each reviewed
gap keeps its card and history, and the card of a removed gap is deleted, never left empty."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from support import outcome as run
from support import study

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection

ITEMS = (
    "Keep the log on its own disk",
    "Vacuum tables that see many deletes",
    "Index the columns you filter on",
)
NEW = "Batch small writes into transactions"


def source(*items: str) -> str:
    return "---\ndeck: Gaps\n---\n# Storage\n\n## Rules of thumb\n\nRules of thumb:\n\n" + "".join(
        f"- {item}\n" for item in items
    )


def release(work: Path, text: str, epoch: int, monkeypatch: pytest.MonkeyPatch) -> None:
    (work / "source").mkdir(exist_ok=True)
    (work / "source" / "rules.md").write_text(text, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    code, _, stderr = run("build", str(work / "source"), "--out", str(work / "decks"))
    assert code == 0, stderr


def sync(work: Path) -> tuple[int, str, str]:
    return run("sync", "--decks", str(work / "decks"), "--collection", str(work / "c.anki2"), "--no-backup")


def gaps(work: Path) -> dict[str, tuple[int, int]]:
    """What each card of the cloze note hides -> (card id, reviews)."""
    col = Collection(str(work / "c.anki2"))
    try:
        out = {}
        for cid in col.find_cards('"note:deckbuilder cloze"'):
            card = col.get_card(cid)
            hidden = re.findall(r'<span class="cloze"[^>]*>([^<]*)<', card.answer())
            assert len(hidden) <= 1, card.answer()
            out[hidden[0] if hidden else f"empty {card.ord}"] = (cid, card.reps)
        return out
    finally:
        col.close()


def test_removed_inserted_and_reordered_items_keep_each_gaps_history(tmp_path, monkeypatch):
    release(tmp_path, source(*ITEMS), 1_700_000_000, monkeypatch)
    Collection(str(tmp_path / "c.anki2")).close()
    assert sync(tmp_path)[0] == 0
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        study(col, "Gaps", 3)
    finally:
        col.close()
    before = gaps(tmp_path)
    assert set(before) == set(ITEMS) and all(reps == 1 for _, reps in before.values())

    # The first item removed, a new one inserted first, the other two swapped.
    release(tmp_path, source(NEW, ITEMS[2], ITEMS[1]), 1_700_100_000, monkeypatch)
    code, stdout, stderr = sync(tmp_path)
    assert code == 0, stderr
    assert "1 card of removed gaps gone" in stdout, stdout
    after = gaps(tmp_path)
    assert set(after) == {NEW, ITEMS[1], ITEMS[2]}, after  # no empty card left
    for item in ITEMS[1:]:
        assert after[item] == before[item]  # the same card, with its review
    assert after[NEW][1] == 0
    assert sync(tmp_path)[1] == "Gaps 1.1.0: up to date\n"
