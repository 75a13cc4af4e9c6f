"""Releases with a real Anki collection: a rebuilt deck updates the notes learners have.

Release 1 of the seed is imported and studied; the source is then edited (an answer changed,
a fact added, a table row removed with its three cells, a heading renamed, a metric changed)
and release 2 is imported over it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from anki.collection import Collection
from click.testing import CliRunner

from builder.cli import main

from support import import_apkg, study

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"
DECK = "Senior Rust Developer (Web3 Infrastructure) – Interview Q&A (Kimi)"
SLUG = "senior-rust-developer-web3-infrastructure-interview-q-a-kimi"
T1, T2 = 1_750_000_000, 1_760_000_000

EDITS = [
    # an answer changed
    (
        "- **Problem:** Linear memory growth under sustained load, indicating unbounded state accumulation or memory leak",
        "- **Problem:** Stepwise memory growth after each reorg, pointing at a cache that is never pruned",
    ),
    # a fact added
    (
        "- **Stakeholders:** Client/validator operators, on-call SREs, protocol engineering team",
        "- **Stakeholders:** Client/validator operators, on-call SREs, protocol engineering team\n"
        "- **Escalation:** page the client team lead after 30 minutes",
    ),
    # a table row removed (its three cells)
    (
        "| **State Trie Cache** | `captor_trie_nodes > 1M` | `Arc`-based cache without LRU | Medium: `moka::sync::Cache` with size limit |\n",
        "",
    ),
    # a heading renamed
    ("### **Tokio vs async-std Trade-off Matrix**", "### **Runtime Comparison**"),
    # a metric changed
    ("| **P99 Latency** | 50μs | 8μs | 6.25× |", "| **P99 Latency** | 50μs | 7μs | 7.1× |"),
]


def build(workdir: Path, epoch: int, monkeypatch) -> None:
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    result = CliRunner().invoke(main, ["build", "source", "--out", "decks"])
    assert result.exit_code == 0, result.output


def cards_json(workdir: Path, monkeypatch) -> list[dict]:
    """Every note the release ships, the removed ones (tombstones) included."""
    monkeypatch.chdir(workdir)
    result = CliRunner().invoke(main, ["cards", "source", "--out", "decks", "--json", "--removed"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def notes_by_guid(col: Collection) -> dict[str, object]:
    return {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    """Release 1 imported and studied, then release 2 imported over it."""
    work = tmp_path_factory.mktemp("release")
    (work / "source").mkdir()
    shutil.copy(SEED, work / "source" / SEED.name)
    monkeypatch = pytest.MonkeyPatch()
    try:
        build(work, T1, monkeypatch)
        first = cards_json(work, monkeypatch)
        col = Collection(str(work / "collection.anki2"))
        import_apkg(col, work / "decks" / f"{SLUG}-1.0.0.apkg")
        before = notes_by_guid(col)
        nids = {guid: note.id for guid, note in before.items()}

        # Study: the cards of the notes about to change, and a few others.
        studied = {cid: state[:4] for cid, state in study(col, DECK, 12, ease=4).items()}
        revlog = col.db.scalar("select count() from revlog")

        text = (work / "source" / SEED.name).read_text(encoding="utf-8")
        for old, new in EDITS:
            assert old in text, old
            text = text.replace(old, new, 1)
        (work / "source" / SEED.name).write_text(text, encoding="utf-8")
        build(work, T2, monkeypatch)
        second = cards_json(work, monkeypatch)
        import_apkg(col, work / "decks" / f"{SLUG}-1.1.0.apkg")
        yield {
            "work": work,
            "col": col,
            "first": first,
            "second": second,
            "nids": nids,
            "studied": studied,
            "revlog": revlog,
        }
        col.close()
    finally:
        monkeypatch.undo()


def test_every_old_note_keeps_its_note_id(round_trip):
    col, nids = round_trip["col"], round_trip["nids"]
    after = notes_by_guid(col)
    assert {guid: after[guid].id for guid in nids} == nids


def test_no_duplicates_one_note_added(round_trip):
    col, first = round_trip["col"], round_trip["first"]
    guids = [col.get_note(nid).guid for nid in col.find_notes("")]
    assert len(guids) == len(set(guids)) == len(first) + 1


def note_of(round_trip, *parts: str):
    """The collection's note for the one release-2 card whose prompt has all ``parts``."""
    found = [n for n in round_trip["second"] if all(p in n["prompt"] for p in parts)]
    assert len(found) == 1, [n["prompt"] for n in found]
    return notes_by_guid(round_trip["col"])[found[0]["guid"]]


def test_changed_fields_arrive(round_trip):
    problem = note_of(round_trip, "Context & Scope — Problem?")
    assert "Stepwise memory growth after each reorg" in problem["Answer"]
    assert "Linear memory growth" not in problem["Answer"]
    assert "{{c1::7μs}}" in note_of(round_trip, "Performance Metrics — P99 Latency:")["Text"]
    prompts = [n.fields[0] for n in notes_by_guid(round_trip["col"]).values()]
    assert len([p for p in prompts if "Runtime Comparison" in p]) == 12  # four rows × three columns
    assert not [p for p in prompts if "Tokio vs async-std" in p]


def test_renamed_heading_keeps_the_notes(round_trip):
    first = {n["guid"] for n in round_trip["first"] if "Tokio vs async-std Trade-off Matrix" in n["prompt"]}
    second = {n["guid"] for n in round_trip["second"] if "Runtime Comparison" in n["prompt"]}
    assert len(first) == 12 and first == second


def test_added_and_removed_notes(round_trip):
    col = round_trip["col"]
    added = note_of(round_trip, "Context & Scope — Escalation?")
    assert "changed::1.1.0" in added.tags
    removed = [col.get_note(nid) for nid in col.find_notes("tag:removed")]
    assert len(removed) == 3  # the removed row's three cells
    for note in removed:
        assert "State Trie Cache" in note["Prompt"] and "Removed in version 1.1.0" in note["Prompt"]
    columns = ("Diagnostic Signal?", "Rust Pattern?", "Fix Complexity?")
    assert sorted(c for c in columns for n in removed if c in n["Prompt"]) == sorted(columns)


def test_review_history_and_intervals_are_kept(round_trip):
    col, studied = round_trip["col"], round_trip["studied"]
    assert col.db.scalar("select count() from revlog") == round_trip["revlog"]
    for cid, (ivl, due, kind, queue) in studied.items():
        card = col.get_card(cid)
        assert (card.ivl, card.due, card.type, card.queue) == (ivl, due, kind, queue)
        assert ivl > 0
    # The changed answer was among the cards studied: its edit kept its schedule.
    assert note_of(round_trip, "Context & Scope — Problem?").id in {col.get_card(c).nid for c in studied}


def test_version_and_changelog_record_all_five_edits(round_trip):
    decks = round_trip["work"] / "decks"
    manifest = json.loads((decks / f"{SLUG}.manifest.json").read_text(encoding="utf-8"))
    assert (manifest["version"], manifest["released"]) == ("1.1.0", T2)
    assert not (decks / f"{SLUG}-1.0.0.apkg").exists()
    log = (decks / f"{SLUG}.changelog.md").read_text(encoding="utf-8")
    latest = log.split("## 1.1.0 (", 1)[1].split("\n## ", 1)[0]
    added, rest = latest.split("### Added", 1)[1].split("### Changed", 1)
    changed, removed = rest.split("### Removed", 1)
    assert "Escalation?" in added
    assert "Context & Scope — Problem?" in changed
    assert "P99 Latency: 50μs → \\[...\\]" in changed
    for column in ("Tokio", "async-std", "Recommendation"):
        assert f"Runtime Comparison — Memory: {column}?" in changed
    for column in ("Diagnostic Signal", "Rust Pattern", "Fix Complexity"):
        assert f"State Trie Cache: {column}?" in removed
    assert "Tokio vs async-std" not in latest and "Unbounded Mempool" not in latest
    assert "## 1.0.0 (" in log


def test_collection_equals_cards_json_after_the_update(round_trip):
    col, second = round_trip["col"], round_trip["second"]
    after = notes_by_guid(col)
    assert set(after) == {n["guid"] for n in second}
    for record in second:
        note = after[record["guid"]]
        assert dict(note.items()) == record["fields"]
        assert set(note.tags) == set(record["tags"])


def test_changed_css_reaches_the_collection(tmp_path, monkeypatch):
    """A styling change is a minor release, and Anki's import takes the new note type CSS."""
    from builder import cache, notetypes

    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "d.md").write_text("# D\n\n## S\n- **Alpha:** one\n", encoding="utf-8")
    build(tmp_path, T1, monkeypatch)
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        import_apkg(col, tmp_path / "decks" / "d-1.0.0.apkg")
        # Another deckbuilder, with other CSS (its fingerprint differs, as its code would).
        monkeypatch.setattr(notetypes, "_BASE_CSS", notetypes._BASE_CSS + "\n.marker { color: red; }\n")
        monkeypatch.setattr(cache, "fingerprint", lambda: "deckbuilder with other CSS")
        notetypes.css.cache_clear()
        notetypes.builtin.cache_clear()
        build(tmp_path, T2, monkeypatch)
        import_apkg(col, tmp_path / "decks" / "d-1.1.0.apkg")
        assert ".marker" in col.models.by_name("deckbuilder prompt/answer")["css"]
    finally:
        col.close()
        notetypes.css.cache_clear()
        notetypes.builtin.cache_clear()


def test_new_id_scheme_over_a_release_with_genankis_ids(tmp_path, monkeypatch):
    """A learner who imported a release numbered the old way (genanki's counter from the release
    time, every card at position 0) takes the next release, numbered in the deck's own range,
    without a duplicate: notes are matched by GUID, and their ids and reviews stay."""
    import sqlite3
    import zipfile

    from builder import package

    (tmp_path / "source").mkdir()
    shutil.copy(SEED, tmp_path / "source" / SEED.name)
    with monkeypatch.context() as old_ids:
        old_ids.setattr(package, "_order", lambda cursor, name, notes: None)
        build(tmp_path, T1, monkeypatch)
    first = tmp_path / "decks" / f"{SLUG}-1.0.0.apkg"
    with zipfile.ZipFile(first) as zf:
        (tmp_path / "old.anki2").write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "old.anki2")
    assert conn.execute("SELECT min(id) FROM notes").fetchone() == (T1 * 1000,)
    conn.close()
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_apkg(col, first)
        nids = {guid: note.id for guid, note in notes_by_guid(col).items()}
        col.decks.select(col.decks.id_for_name(DECK))
        studied = {}
        for _ in range(8):
            card = col.sched.getCard()
            col.sched.answerCard(card, 3)
            card.load()
            studied[card.id] = (card.ivl, card.due, card.type, card.queue)

        text = (tmp_path / "source" / SEED.name).read_text(encoding="utf-8")
        old, new = EDITS[1]  # a fact added
        (tmp_path / "source" / SEED.name).write_text(text.replace(old, new, 1), encoding="utf-8")
        build(tmp_path, T2, monkeypatch)
        second = cards_json(tmp_path, monkeypatch)
        import_apkg(col, tmp_path / "decks" / f"{SLUG}-1.1.0.apkg")

        after = notes_by_guid(col)
        assert col.note_count() == len(after) == len(second) == len(nids) + 1
        assert {guid: after[guid].id for guid in nids} == nids
        for cid, state in studied.items():
            card = col.get_card(cid)
            assert (card.ivl, card.due, card.type, card.queue) == state
        [added] = [n for n in second if n["guid"] not in nids]
        assert "Escalation" in added["prompt"]
        [card] = after[added["guid"]].cards()
        place = [n["guid"] for n in second].index(added["guid"])
        assert (card.type, card.due) == (0, place + 1)  # new, at its place in the source
    finally:
        col.close()


def test_a_manifest_nested_too_deep_is_one_line(tmp_path):
    from builder.errors import SourceError
    from builder.release.manifest import load_manifest

    manifest = tmp_path / "deck.manifest.json"
    manifest.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(SourceError, match="nested too deep"):
        load_manifest(manifest)


@pytest.mark.parametrize(
    "corrupt",
    [
        lambda m: m.update(released=1e300),
        lambda m: m.update(released=10**30),
        lambda m: m.update(version="1" * 5000 + ".0.0"),
        lambda m: m["models"].update(prompt=["a", "list"]),
        lambda m: m["notes"][0].update(key=["a", "list"]),
        lambda m: m["history"][0].update(released="x"),
        lambda m: m["history"][0].update(bump=None),
        lambda m: m.update(notes={"not": "a list"}),
        lambda m: m.update(removed=[["a"]]),
        lambda m: m.update(sources=[1, 2]),
        lambda m: m.update(grammar=True),
    ],
)
def test_every_manifest_field_is_checked(tmp_path, corrupt):
    from support import run

    source = tmp_path / "deck.md"
    source.write_text("# Deck\n\n## Part\n\n- **Alpha:** one\n- **Beta:** two\n", encoding="utf-8")
    out = tmp_path / "decks"
    assert run("build", str(source), "--out", str(out)).exit_code == 0
    path = out / "deck.manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    corrupt(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")
    source.write_text("# Deck\n\n## Part\n\n- **Alpha:** uno\n", encoding="utf-8")
    before = sorted(p.name for p in out.iterdir())
    for command in ("build", "diff"):
        result = run(command, str(source), "--out", str(out))
        assert result.exit_code == 1, result.output
        (line,) = result.stderr.splitlines()
        assert line.startswith(f"{path}: error: manifest is malformed (") and line.endswith(
            "restore it from git"
        )
    assert sorted(p.name for p in out.iterdir()) == before


def test_a_renamed_file_and_title_keep_every_note_and_its_history(tmp_path, monkeypatch):
    """mv notes.md study.md and a new title: the same notes, the same GUIDs, the reviews in Anki
    on the same facts; the deck's old files go, and the changelog says it was renamed."""
    from support import import_apkg, run

    src, out = tmp_path / "src", tmp_path / "decks"
    src.mkdir()
    text = "# Databases\n\n## Storage\n\n- **Engine:** RocksDB\n- **Capacity:** 2TB per node\n- **Codec:** zstd\n"
    (src / "notes.md").write_text(text, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run("build", str(src), "--out", str(out)).exit_code == 0
    first = {n["prompt"].split(" — ")[-1]: n["guid"] for n in cards_of(src, out)}
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        import_apkg(col, next(out.glob("*.apkg")))
        col.decks.select(col.decks.id("Databases"))
        for _ in range(3):
            col.sched.answerCard(col.sched.getCard(), 3)
        reviews = dict(
            col.db.all(
                "select n.guid, count() from revlog r join cards c on c.id = r.cid join notes n on n.id = c.nid group by n.guid"
            )
        )
        (src / "notes.md").rename(src / "study.md")
        (src / "study.md").write_text(
            text.replace("# Databases", "# Storage systems").replace("zstd", "lz4"), encoding="utf-8"
        )
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700100000")
        result = run("build", str(src), "--out", str(out))
        assert result.exit_code == 0, result.output
        assert "0 added, 3 changed, 0 removed" in result.stdout
        second = {n["prompt"].split(" — ")[-1]: n["guid"] for n in cards_of(src, out)}
        assert second == first
        assert sorted(p.name for p in out.iterdir()) == [
            "storage-systems-1.0.1.apkg",
            "storage-systems.changelog.md",
            "storage-systems.manifest.json",
        ]
        assert "Why: the deck was renamed from “Databases”" in (
            out / "storage-systems.changelog.md"
        ).read_text(encoding="utf-8")
        import_apkg(col, out / "storage-systems-1.0.1.apkg")
        assert col.note_count() == 3
        after = dict(
            col.db.all(
                "select n.guid, count() from revlog r join cards c on c.id = r.cid join notes n on n.id = c.nid group by n.guid"
            )
        )
        assert after == reviews
        codec = col.get_note(col.db.scalar("select id from notes where guid = ?", first["Codec?"]))
        assert "lz4" in codec["Answer"]
    finally:
        col.close()


def cards_of(src, out):
    from support import cards_json

    return cards_json(str(src), "--out", str(out))


def test_history_stays_with_its_fact_when_which_note_continues_it_is_unclear(tmp_path, monkeypatch):
    """Studied in release 1, then a repeated label inserted before the studied one while it is
    edited, and a heading renamed while two cards that teach the same are swapped: in the
    collection, each review stays on the note of the fact it was about (or its tombstone)."""
    source = tmp_path / "source" / "d.md"
    source.parent.mkdir()
    source.write_text(
        "# D\n\n## Habits\n- **Tip:** always set timeouts\n\n"
        "## Storage\n- **Engine:** RocksDB\n- **Store:** RocksDB\n",
        encoding="utf-8",
    )
    build(tmp_path, T1, monkeypatch)
    first = {n["prompt"]: n["guid"] for n in cards_json(tmp_path, monkeypatch)}
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        import_apkg(col, tmp_path / "decks" / "d-1.0.0.apkg")
        notes = notes_by_guid(col)
        studied = {}
        for prompt in ("Habits — Tip?", "Storage — Engine?"):
            card = notes[first[prompt]].cards()[0]
            card.start_timer()
            col.sched.answerCard(card, 4)
            studied[prompt] = card.id
        source.write_text(
            "# D\n\n## Habits\n- **Tip:** prefer bounded channels\n- **Tip:** always set timeouts on calls\n\n"
            "## Storage layer\n- **Store:** RocksDB\n- **Engine:** RocksDB\n",
            encoding="utf-8",
        )
        build(tmp_path, T2, monkeypatch)
        (apkg,) = (tmp_path / "decks").glob("d-*.apkg")
        import_apkg(col, apkg)

        def reviews(text: str) -> int:
            """The reviews of the one note that says ``text``."""
            (nid,) = col.find_notes(f'"{text}"')
            return col.db.scalar(
                f"select count() from revlog where cid in (select id from cards where nid = {nid})"
            )

        # The timeouts tip is a tombstone with its review; neither new tip took it.
        timeouts = col.get_card(studied["Habits — Tip?"]).note()
        assert "removed" in timeouts.tags and "Habits — Tip?" in timeouts["Prompt"]
        assert reviews("prefer bounded channels") == 0
        assert (reviews("always set timeouts on calls"), reviews("Store?")) == (0, 0)
        # The engine card, renamed and moved below its twin, kept its review and its note.
        engine = col.get_card(studied["Storage — Engine?"]).note()
        assert (
            "Storage layer" in engine["Prompt"] and "Engine?" in engine["Prompt"] and reviews("Engine?") == 1
        )
    finally:
        col.close()
