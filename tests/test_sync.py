"""``deckbuilder sync --collection``: real collections, with reviews and notes of their own."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from support import outcome as run

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection

FIRST = """\
# Databases

## Storage

- **Engine:** RocksDB with one column family per table
- **Capacity:** 2TB per node
- **Replicas:** three per region

## Network

- **Transport:** QUIC between regions
- **Port:** 7000 for gossip
"""

# Changed (Engine), removed (Replicas), added (Codec); with subdecks every card moves.
SECOND = "---\nsubdecks: true\n---\n" + FIRST.replace("RocksDB with one", "LevelDB with one").replace(
    "- **Replicas:** three per region\n", ""
).replace("- **Port:** 7000 for gossip\n", "- **Port:** 7000 for gossip\n- **Codec:** zstd on the wire\n")
DECK = "Databases"


def release(work: Path, text: str, epoch: int, monkeypatch: pytest.MonkeyPatch) -> dict:
    (work / "source").mkdir(exist_ok=True)
    (work / "source" / "db.md").write_text(text, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    code, _, stderr = run("build", str(work / "source"), "--out", str(work / "decks"))
    assert code == 0, stderr
    return json.loads((work / "decks" / "databases.manifest.json").read_text(encoding="utf-8"))


def sync(work: Path, *extra: str) -> tuple[int, str, str]:
    return run("sync", "--decks", str(work / "decks"), "--collection", str(work / "collection.anki2"), *extra)


def state(work: Path) -> dict:
    """Everything a sync must keep or change, read from the collection on disk."""
    col = Collection(str(work / "collection.anki2"))
    try:
        names = {int(d.id): d.name for d in col.decks.all_names_and_ids()}
        notes = {
            guid: (mid, flds, tags, mod)
            for guid, mid, flds, tags, mod in col.db.all("select guid, mid, flds, tags, mod from notes")
        }
        cards = {
            cid: (guid, names[did], ivl, due, queue, reps)
            for cid, guid, did, ivl, due, queue, reps in col.db.all(
                "select c.id, n.guid, c.did, c.ivl, c.due, c.queue, c.reps from cards c join notes n on n.id = c.nid"
            )
        }
        return {"notes": notes, "cards": cards, "revlog": col.db.scalar("select count() from revlog")}
    finally:
        col.close()


@pytest.fixture
def studied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """Release 1 synced into a collection with a note of its own, and four cards reviewed."""
    first = release(tmp_path, FIRST, 1_700_000_000, monkeypatch)
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        own = col.new_note(col.models.by_name("Basic"))
        own["Front"], own["Back"] = "my own question", "my own answer"
        col.add_note(own, col.decks.id("Mine", create=True))
        foreign_guid = own.guid
    finally:
        col.close()
    code, stdout, stderr = sync(tmp_path)
    assert code == 0, stderr
    assert f"{DECK} 1.0.0: 5 added, 0 changed, 0 moved, 0 deleted" in stdout
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        col.decks.select(col.decks.id(DECK))
        for _ in range(4):
            card = col.sched.getCard()
            col.sched.answerCard(card, 3)
    finally:
        col.close()
    return {"work": tmp_path, "first": first, "foreign": foreign_guid, "before": state(tmp_path)}


def test_first_sync_gives_the_release_and_leaves_the_collection_its_own(studied):
    before, first = studied["before"], studied["first"]
    ours = {n["guid"] for n in first["notes"]}
    assert {g for g in before["notes"] if g != studied["foreign"]} == ours
    assert studied["foreign"] in before["notes"]
    assert (studied["work"] / "backups").is_dir() and list((studied["work"] / "backups").glob("*.colpkg"))


def test_a_new_release_is_synced_and_reviews_and_foreign_notes_stay(studied, monkeypatch):
    work, before = studied["work"], studied["before"]
    second = release(work, SECOND, 1_700_100_000, monkeypatch)
    code, stdout, stderr = sync(work)
    assert code == 0, stderr
    assert f"{DECK} 1.1.0: 1 added, 4 changed, 4 moved, 1 deleted" in stdout, stdout
    after = state(work)
    ours = {n["guid"] for n in second["notes"]}
    assert {g for g in after["notes"] if g != studied["foreign"]} == ours
    removed = {t["guid"] for t in second["removed"]}
    assert not removed & set(after["notes"])
    # The learner's own note, and every review: untouched.
    assert after["notes"][studied["foreign"]] == before["notes"][studied["foreign"]]
    assert after["revlog"] == before["revlog"] == 4
    for cid, (guid, _, ivl, due, queue, reps) in before["cards"].items():
        if guid in ours:
            assert after["cards"][cid][2:] == (ivl, due, queue, reps)
    # Every card of the deck is in its subdeck now; the learner's deck is where it was.
    decks = {guid: deck for guid, deck, *_ in after["cards"].values()}
    assert all(decks[g].startswith(f"{DECK}::") for g in ours)
    assert decks[studied["foreign"]] == "Mine"
    changed = next(n for n in second["notes"] if n["prompt"].endswith("Engine?"))
    assert "LevelDB" in after["notes"][changed["guid"]][1]


def test_a_second_sync_changes_nothing(studied, monkeypatch):
    work = studied["work"]
    release(work, SECOND, 1_700_100_000, monkeypatch)
    assert sync(work)[0] == 0
    once = state(work)
    code, stdout, _ = sync(work)
    assert code == 0 and stdout == f"{DECK} 1.1.0: up to date\n"
    assert state(work) == once


def test_dry_run_lists_the_changes_and_makes_none(studied, monkeypatch):
    work, before = studied["work"], studied["before"]
    release(work, SECOND, 1_700_100_000, monkeypatch)
    backups = set((work / "backups").iterdir())
    code, stdout, _ = sync(work, "--dry-run")
    assert code == 0
    assert "  + Storage — Codec?" not in stdout  # prompts as the release words them
    assert "  + Network — Codec?" in stdout
    # A learner's notes are named by their own text (crumb, then prompt).
    assert "  ~ Storage Engine?" in stdout
    assert "  - Storage Replicas? (deleted)" in stdout
    assert "  > Network Transport? (to Databases::Network)" in stdout
    assert stdout.endswith("dry run: nothing was changed\n")
    assert state(work) == before
    assert set((work / "backups").iterdir()) == backups


def test_suspend_removed_keeps_the_note_suspended(studied, monkeypatch):
    work = studied["work"]
    second = release(work, SECOND, 1_700_100_000, monkeypatch)
    code, stdout, _ = sync(work, "--suspend-removed")
    assert code == 0 and "1 suspended" in stdout
    after = state(work)
    (removed,) = [t["guid"] for t in second["removed"]]
    assert removed in after["notes"]
    assert [queue for guid, _, _, _, queue, _ in after["cards"].values() if guid == removed] == [-1]
    assert sync(work, "--suspend-removed")[1] == f"{DECK} 1.1.0: up to date\n"


def test_a_sync_that_fails_midway_leaves_the_collection_as_it_was(studied, monkeypatch):
    """The import and the moves are made, then the deletion fails: all of it is undone."""
    work, before = studied["work"], studied["before"]
    release(work, SECOND, 1_700_100_000, monkeypatch)

    def broken(self, note_ids):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Collection, "remove_notes", broken)
    code, _, stderr = sync(work, "--no-backup")
    assert code == 1
    assert stderr == "deckbuilder: sync failed, the collection is as it was: RuntimeError: disk full\n"
    after = state(work)
    assert after["cards"] == before["cards"] and after["revlog"] == before["revlog"]
    assert {g: n[:3] for g, n in after["notes"].items()} == {g: n[:3] for g, n in before["notes"].items()}


def test_a_collection_open_elsewhere_is_one_line_and_untouched(studied, monkeypatch):
    work = studied["work"]
    release(work, SECOND, 1_700_100_000, monkeypatch)
    before = (work / "collection.anki2").read_bytes()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from anki.collection import Collection;"
            " col = Collection(sys.argv[1]); print('open', flush=True); time.sleep(60)",
            str(work / "collection.anki2"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        code, stdout, stderr = sync(work)
    finally:
        holder.kill()
        holder.wait()
    assert code == 1 and stdout == ""
    assert (
        stderr
        == f"deckbuilder: {work / 'collection.anki2'} is open in another program (close Anki first, or use --anki-connect)\n"
    )
    assert (work / "collection.anki2").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "deckbuilder: sync needs one of --collection PATH or --anki-connect [URL]\n"),
        (("--collection", "nowhere.anki2"), "deckbuilder: no collection at nowhere.anki2\n"),
    ],
)
def test_bad_sync_arguments_are_one_line(tmp_path, monkeypatch, args, message):
    release(tmp_path, FIRST, 1_700_000_000, monkeypatch)
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run("sync", *args)
    assert code in (1, 2) and stderr == message


def test_sync_without_releases_says_to_build(tmp_path):
    (tmp_path / "collection.anki2").write_bytes(b"")
    code, _, stderr = run(
        "sync", "--decks", str(tmp_path / "decks"), "--collection", str(tmp_path / "collection.anki2")
    )
    assert (
        code == 1 and stderr == f"{tmp_path / 'decks'}: error: no decks folder here; build the decks first\n"
    )


def test_a_backup_that_fails_halfway_leaves_no_backup_and_syncs_nothing(studied, monkeypatch):
    """A full disk: Anki's backup writes part of a package and returns; a crash: it raises."""
    work, before = studied["work"], studied["before"]
    release(work, SECOND, 1_700_100_000, monkeypatch)
    backups = work / "backups"
    kept = sorted(backups.iterdir())

    def truncated(self, backup_folder, force, wait_for_completion):
        (Path(backup_folder) / "backup-2026-12-07-10.00.00.colpkg").write_bytes(b"PK\x03\x04 half a zip")

    def crashed(self, backup_folder, force, wait_for_completion):
        truncated(self, backup_folder, force, wait_for_completion)
        raise RuntimeError("No space left on device")

    for broken, message in (
        (truncated, f"the backup written to {backups} is incomplete; nothing was synced"),
        (crashed, f"cannot write a backup to {backups}: No space left on device; nothing was synced"),
    ):
        monkeypatch.setattr(Collection, "create_backup", broken)
        code, _, stderr = sync(work)
        assert code == 1 and stderr == f"deckbuilder: {message}\n"
        assert sorted(backups.iterdir()) == kept
        assert state(work) == before


def test_what_a_killed_backup_left_is_cleared_by_the_next_sync(studied, monkeypatch):
    work = studied["work"]
    release(work, SECOND, 1_700_100_000, monkeypatch)
    left = work / "backups" / ".deckbuilder-backup-killed"
    left.mkdir()
    (left / "backup-2026-12-07-10.00.00.colpkg").write_bytes(b"PK\x03\x04 half a zip")
    code, stdout, stderr = sync(work)
    assert code == 0, stderr
    assert not left.exists()
    made = Path(stdout.split("backup: ")[1].split("\n")[0])
    assert made.parent == work / "backups" and zipfile.ZipFile(made).testzip() is None
