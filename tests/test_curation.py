"""Curation files: an author drops, restores or rewrites generated cards by key, and the
curation survives regeneration (the seed in a real Anki collection, and small sources)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from builder.curation import parse_curation

from support import outcome as run

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"

SMALL = """\
# Databases

## Storage engines

| Engine | Locking | Best for |
|---|---|---|
| InnoDB | row-level | OLTP |
| MyISAM | table-level | reads |

## Failover

**Question:** Which replica should we promote after the primary dies?

- **Owner:** the SRE team
- **Root:** replication lag of **30 s**
"""


def cards(src: Path, out: Path) -> dict[str, dict]:
    code, stdout, stderr = run("cards", str(src), "--out", str(out), "--json")
    assert code == 0, stderr
    return {n["key"]: n for n in map(json.loads, stdout.splitlines())}


def skipped(src: Path, out: Path) -> dict[str, str]:
    """Key -> the ``--skipped`` line of each skipped part that can be restored."""
    code, stdout, stderr = run("cards", str(src), "--out", str(out), "--skipped")
    assert code == 0, stderr
    return {m.group(1): line for line in stdout.splitlines() if (m := re.search(r" \[([^\]]+)\]$", line))}


@pytest.fixture
def small(tmp_path) -> tuple[Path, Path]:
    src = tmp_path / "src"
    src.mkdir()
    (src / "db.md").write_text(SMALL, encoding="utf-8")
    return src, tmp_path / "decks"


def test_drop_restore_and_rewrite_by_key(small):
    src, out = small
    before = cards(src, out)
    owner = "db/failover/fact:owner"
    assert owner in skipped(src, out) and owner not in before
    (src / "db.curation.yaml").write_text(
        "db/storage-engines/cell:myisam:best-for: drop\n"
        f"{owner}: restore\n"
        "db/failover/fact:root:\n"
        "  prompt: What made the replicas fall behind?\n"
        "  answer: replication lag of **30 s**\n",
        encoding="utf-8",
    )
    after = cards(src, out)
    assert set(after) == set(before) - {"db/storage-engines/cell:myisam:best-for"} | {owner}
    assert after[owner]["answer"] == "the SRE team"
    root = after["db/failover/fact:root"]
    assert root["prompt"] == "Failover — What made the replicas fall behind?"
    assert "<strong>30 s</strong>" in root["fields"]["Answer"]
    assert root["guid"] == before["db/failover/fact:root"]["guid"]
    assert owner not in skipped(src, out)
    code, stdout, _ = run("cards", str(src), "--out", str(out), "--skipped")
    assert code == 0
    assert "db.md:8: dropped by " in stdout and "db.curation.yaml:1" in stdout


def test_curation_file_is_no_deck_of_its_own(small):
    src, out = small
    (src / "db.curation.yaml").write_text("db/storage-engines/cell:myisam:best-for: drop\n", encoding="utf-8")
    code, _, stderr = run("build", str(src), "--out", str(out))
    assert code == 0, stderr
    assert [p.name for p in out.glob("*.apkg")] == ["databases-1.0.0.apkg"]


def test_editing_the_curation_file_rebuilds(small):
    """The cache and the no-change stamp know the curation file."""
    src, out = small
    assert run("build", str(src), "--out", str(out))[0] == 0
    (src / "db.curation.yaml").write_text("db/storage-engines/cell:myisam:best-for: drop\n", encoding="utf-8")
    code, stdout, _ = run("build", str(src), "--out", str(out))
    assert code == 0 and "1.0.0 -> 1.1.0, minor: 0 added, 0 changed, 1 removed" in stdout


def test_stale_and_reviewed_entries_are_lint_warnings(small):
    src, _ = small
    (src / "db.curation.yaml").write_text(
        "db/nowhere/fact:x: drop\ndb/failover/fact:root:\n  answer: lag\n  was: 00000000\n",
        encoding="utf-8",
    )
    code, _, stderr = run("lint", str(src))
    assert code == 0
    lines = stderr.splitlines()
    assert any(
        line.startswith(f"{src}/db.curation.yaml:1: warning: no card has the key “db/nowhere/fact:x”")
        for line in lines
    ), stderr
    changed = [
        line for line in lines if line.startswith(f"{src}/db.curation.yaml:2: warning: the generated card")
    ]
    assert changed and "changed since it was rewritten (was 00000000, now " in changed[0], stderr
    now = re.search(r"set was: (\w+)", changed[0]).group(1)
    (src / "db.curation.yaml").write_text(
        f"db/failover/fact:root:\n  answer: lag\n  was: {now}\n", encoding="utf-8"
    )
    code, _, stderr = run("lint", str(src), "--strict")
    assert (code, stderr) == (0, "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "db/failover/fact:root:\n  cloze: the {{c1::lag}}\n",
            "db.curation.yaml:1: error: “db/failover/fact:root” is a prompt/answer card: rewrite it with prompt: and answer:",
        ),
        (
            "db/failover/fact:root: keep\n",
            "db.curation.yaml:1: error: “db/failover/fact:root”: write drop, restore, or a rewrite",
        ),
        ("a: drop\na: restore\n", "db.curation.yaml:2: error: “a” is curated twice (first at line 1)"),
        (
            "db/failover/fact:root:\n  answr: x\n",
            "db.curation.yaml:2: error: “db/failover/fact:root”: unknown key “answr”",
        ),
    ],
)
def test_bad_entries_are_errors_at_their_line(small, text, message):
    src, out = small
    (src / "db.curation.yaml").write_text(text, encoding="utf-8")
    code, _, stderr = run("build", str(src), "--out", str(out))
    assert code == 1
    assert f"{src}/{message}" in stderr, stderr
    assert "Traceback" not in stderr and not out.exists()


# --- The seed, curated, edited, and studied in Anki ----------------------------------------

anki_collection = pytest.importorskip("anki.collection")


def test_seed_curation_survives_an_edit_and_keeps_review_history(tmp_path, monkeypatch):
    src, out = tmp_path / "source", tmp_path / "decks"
    src.mkdir()
    shutil.copy(SEED, src / SEED.name)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert run("build", str(src), "--out", str(out))[0] == 0
    first = cards(src, out)
    drop = next(k for k, n in first.items() if n["kind"] == "table-cell")
    rewrite = next(k for k, n in first.items() if n["kind"] == "fact")
    restore = next(iter(skipped(src, out)))

    # Study the card about to be rewritten.
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        request = anki_collection.ImportAnkiPackageRequest(
            package_path=str(next(out.glob("*.apkg"))), options=anki_collection.ImportAnkiPackageOptions()
        )
        col.import_anki_package(request)
        nid = col.db.scalar("select id from notes where guid = ?", first[rewrite]["guid"])
        (cid,) = col.find_cards(f"nid:{nid}")
        col.sched.set_due_date([cid], "5")
        card = col.get_card(cid)
        studied = (card.ivl, card.due, card.type)

        # The author curates, reading the entries as the preview copies them.
        from builder.build import plan_decks
        from builder.curation import drop_entry, rewrite_entry

        notes = {n.key: n for d in plan_decks([str(src)]).decks for n in d.notes}
        entry = yaml.safe_load(rewrite_entry(notes[rewrite]))
        entry[rewrite]["answer"] = "Written by the author."
        text = drop_entry(notes[drop]) + f"{restore}: restore\n" + yaml.safe_dump(entry, allow_unicode=True)
        curation = src / "rust-web3-interview.curation.yaml"
        curation.write_text(text, encoding="utf-8")
        assert len(parse_curation(text, "c.yaml").entries) == 3

        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700100000")
        code, _, stderr = run("build", str(src), "--out", str(out))
        assert code == 0 and "curation.yaml" not in stderr, stderr
        second = cards(src, out)
        assert drop not in second and restore in second
        assert second[rewrite]["guid"] == first[rewrite]["guid"]
        assert second[rewrite]["answer"] == "Written by the author."

        # The seed is edited: the text under the rewrite, and a heading the drop stands under.
        seed = (src / SEED.name).read_text(encoding="utf-8")
        line = first[rewrite]["source"].rsplit(":", 1)[1]
        lines = seed.splitlines(keepends=True)
        lines[int(line) - 1] = lines[int(line) - 1].rstrip("\n") + " (edited)\n"
        (src / SEED.name).write_text("".join(lines), encoding="utf-8")
        monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700200000")
        code, _, stderr = run("build", str(src), "--out", str(out))
        assert code == 0
        third = cards(src, out)
        assert drop not in third and restore in third
        assert third[rewrite]["answer"] == "Written by the author."
        assert third[rewrite]["guid"] == first[rewrite]["guid"]
        assert "rust-web3-interview.curation.yaml:3: warning: the generated card" in stderr, stderr

        for apkg in sorted(out.glob("*.apkg")):
            col.import_anki_package(
                anki_collection.ImportAnkiPackageRequest(
                    package_path=str(apkg), options=anki_collection.ImportAnkiPackageOptions()
                )
            )
        assert col.db.list("select id from notes where guid = ?", first[rewrite]["guid"]) == [nid]
        note = col.get_note(nid)
        assert "Written by the author." in note["Answer"]
        card = col.get_card(cid)
        assert (card.ivl, card.due, card.type) == studied
    finally:
        col.close()

    # A key that no longer exists is a lint warning at its line.
    curation.write_text(
        f"{drop}: drop\n{rewrite.replace('/fact:', '/fact:renamed-')}: drop\n", encoding="utf-8"
    )
    code, _, stderr = run("lint", str(src))
    assert "rust-web3-interview.curation.yaml:2: warning: no card has the key" in stderr, stderr


def test_a_curation_file_without_its_source_is_a_warning(small):
    src, _ = small
    (src / "db.md").rename(src / "databases.md")
    (src / "db.curation.yaml").write_text("db/x/fact:y: drop\n", encoding="utf-8")
    code, _, stderr = run("lint", str(src))
    assert code == 0
    assert stderr.startswith(
        f"{src}/db.curation.yaml: warning: no source is named “db” beside this curation file"
    )


def test_a_rewrite_pasted_unedited_changes_nothing(tmp_path):
    """The entry the preview copies is the card's own text: pasted as it is, for every card of
    the seed (tables, lists, code, clozes, metrics), no field changes and nothing warns."""
    from builder.build import plan_decks
    from builder.curation import rewrite_entry

    src = tmp_path / "source"
    src.mkdir()
    shutil.copy(SEED, src / SEED.name)
    before = {n.key: n for d in plan_decks([str(src)]).decks for n in d.notes}
    curation = src / "rust-web3-interview.curation.yaml"
    curation.write_text("".join(rewrite_entry(n) for n in before.values()), encoding="utf-8")
    planned = plan_decks([str(src)])
    assert [str(d) for d in planned.diagnostics if "curation" in str(d)] == []
    after = {n.key: n for d in planned.decks for n in d.notes}
    assert {k: n.fields for k, n in after.items()} == {k: n.fields for k, n in before.items()}
    assert {k: n.guid for k, n in after.items()} == {k: n.guid for k, n in before.items()}


def test_a_listed_cloze_rewrite_stays_a_list(small):
    src, out = small
    (src / "db.md").write_text(
        "# Databases\n\n## Engines\n\n- **InnoDB** keeps rows\n- **MyISAM** keeps tables\n- **RocksDB** keeps keys\n",
        encoding="utf-8",
    )
    (key,) = cards(src, out)
    (src / "db.curation.yaml").write_text(
        f"{key}:\n  cloze: |\n    Engines by unit:\n    - InnoDB locks {{{{c1::rows}}}}\n"
        "    - MyISAM locks {{c2::tables::unit}}\n",
        encoding="utf-8",
    )
    note = cards(src, out)[key]
    assert note["fields"]["Text"].endswith(
        "<p>Engines by unit:</p><ul><li>InnoDB locks {{c1::rows}}</li><li>MyISAM locks {{c2::tables::unit}}</li></ul></div>"
    ), note["fields"]["Text"]
    (src / "db.curation.yaml").write_text(f"{key}:\n  cloze: InnoDB locks {{{{c1::rows\n", encoding="utf-8")
    code, _, stderr = run("cards", str(src), "--out", str(out))
    assert code == 1 and f"db.curation.yaml:1: error: “{key}”: cloze: " in stderr, stderr


def test_a_cloze_rewrite_of_one_item_is_a_list_of_one(small):
    """A ``- `` line is a list's item, alone or after an intro: the rewrite of a list item's
    cloze reads back as the one-item list it was."""
    src, out = small
    (src / "db.md").write_text("# Databases\n\n## Engines\n\n- **InnoDB** keeps rows\n", encoding="utf-8")
    (key,) = cards(src, out)
    for cloze, intro in (
        ("- InnoDB keeps {{c1::rows}}", ""),
        ("Engines:\n- InnoDB keeps {{c1::rows}}", "<p>Engines:</p>"),
    ):
        (src / "db.curation.yaml").write_text(
            f"{key}:\n  cloze: |\n" + "".join(f"    {line}\n" for line in cloze.split("\n")), encoding="utf-8"
        )
        text = cards(src, out)[key]["fields"]["Text"]
        assert text.endswith(f"{intro}<ul><li>InnoDB keeps {{{{c1::rows}}}}</li></ul></div>"), text
    # Escaped, a line starting with a dash is text.
    (src / "db.curation.yaml").write_text(
        f"{key}:\n  cloze: '\\- InnoDB keeps {{{{c1::rows}}}}'\n", encoding="utf-8"
    )
    assert cards(src, out)[key]["fields"]["Text"].endswith(
        '<div class="ask">- InnoDB keeps {{c1::rows}}</div>'
    )


def test_inline_cards_are_curated_like_generated_ones(small):
    src, out = small
    (src / "db.md").write_text(
        "# Databases\n\n## Locks\n\nInnoDB locks {{c1::rows}} at a time.\n\nQ: What does MyISAM lock?\nA: Whole tables.\n",
        encoding="utf-8",
    )
    before = cards(src, out)
    cloze = next(k for k, n in before.items() if n["model"] == "cloze")
    question = next(k for k, n in before.items() if n["kind"] == "question")
    (src / "db.curation.yaml").write_text(
        f"{cloze}:\n  cloze: InnoDB takes {{{{c1::row}}}} locks.\n{question}: drop\n", encoding="utf-8"
    )
    after = cards(src, out)
    assert list(after) == [cloze]
    assert after[cloze]["guid"] == before[cloze]["guid"]
    assert "InnoDB takes {{c1::row}} locks." in after[cloze]["fields"]["Text"]
