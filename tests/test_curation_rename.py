"""A curation follows its source through renames and moves, or the build stops naming both
files: a released, curated deck is never released uncurated because a file changed its name.
And a curation file curates one source: ``foo.md`` and ``foo.yaml`` never share one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_curation import SMALL as NOTES

from support import outcome as run

CURATION = """\
notes/storage-engines/cell:myisam:best-for: drop
notes/failover/fact:owner: restore
notes/failover/fact:root:
  prompt: What made the replicas fall behind?
  answer: replication lag of **30 s**
  was: 1862a1b2
"""

OTHER = "# Other\n\n## Part\n\n- **Fact:** a value\n"

DROPPED = "storage-engines/cell:myisam:best-for"
RESTORED = "failover/fact:owner"
REWRITTEN = "failover/fact:root"
PROMPT = "Failover — What made the replicas fall behind?"


def cards(src: Path, out: Path) -> dict[str, dict]:
    code, stdout, stderr = run("cards", str(src), "--out", str(out), "--json")
    assert code == 0, stderr
    return {n["key"]: n for n in map(json.loads, stdout.splitlines())}


def decks_folder(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture
def released(tmp_path, monkeypatch) -> tuple[Path, Path, dict[str, dict]]:
    """``source/notes.md`` curated by ``source/notes.curation.yaml``, released once."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    src, out = tmp_path / "source", tmp_path / "decks"
    src.mkdir()
    (src / "notes.md").write_text(NOTES, encoding="utf-8")
    (src / "notes.curation.yaml").write_text(CURATION, encoding="utf-8")
    code, _, stderr = run("build", str(src), "--out", str(out))
    assert (code, stderr) == (0, "")
    before = cards(src, out)
    assert f"notes/{DROPPED}" not in before and f"notes/{RESTORED}" in before
    assert before[f"notes/{REWRITTEN}"]["prompt"] == PROMPT
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700100000")
    return src, out, before


def assert_curated(src: Path, out: Path, before: dict[str, dict], document: str) -> None:
    """The deck built now is the curated one released before, under ``document``'s keys: the
    drop, restore and rewrite hold and every note keeps its GUID."""
    now = cards(src, out)
    assert {k.split("/", 1)[1]: n["guid"] for k, n in now.items()} == {
        k.split("/", 1)[1]: n["guid"] for k, n in before.items()
    }
    assert all(key.startswith(f"{document}/") for key in now)
    assert now[f"{document}/{REWRITTEN}"]["prompt"] == PROMPT


def test_a_source_renamed_with_its_curation_file_stays_curated(released):
    """Both files renamed; the keys inside still name ``notes``: they are read as ``ideas``."""
    src, out, before = released
    (src / "notes.md").rename(src / "ideas.md")
    (src / "notes.curation.yaml").rename(src / "ideas.curation.yaml")
    code, stdout, stderr = run("build", str(src), "--out", str(out))
    assert (code, stderr) == (0, ""), stderr
    assert "0 added" in stdout and "0 removed" in stdout, stdout
    assert_curated(src, out, before, "ideas")


def test_old_and_new_keys_mix_in_a_renamed_curation_file(released):
    """Entries the preview copies after the rename (new keys) sit beside the old ones; one card
    curated under both names is an error at the second entry."""
    src, out, _ = released
    (src / "notes.md").rename(src / "ideas.md")
    curation = src / "ideas.curation.yaml"
    (src / "notes.curation.yaml").rename(curation)
    curation.write_text(CURATION + "ideas/storage-engines/cell:innodb:best-for: drop\n", encoding="utf-8")
    now = cards(src, out)
    assert f"ideas/{DROPPED}" not in now and "ideas/storage-engines/cell:innodb:best-for" not in now
    assert now[f"ideas/{REWRITTEN}"]["prompt"] == PROMPT

    curation.write_text(CURATION + f"ideas/{DROPPED}: drop\n", encoding="utf-8")
    written = decks_folder(out)
    code, _, stderr = run("build", str(src), "--out", str(out))
    assert code == 1
    assert stderr.splitlines() == [
        f"{curation}:7: error: “ideas/{DROPPED}” is curated twice (first at line 1, as “notes/{DROPPED}”):"
        " keys under the source's old name are read under its name “ideas”; keep one"
    ]
    assert decks_folder(out) == written


def test_a_source_renamed_without_its_curation_file_stops_the_build(released):
    """The curation file left as ``notes.curation.yaml``: an error naming both files and the
    command that renames it; nothing is written. The command's fix then builds it curated."""
    src, out, before = released
    (src / "notes.md").rename(src / "ideas.md")
    written = decks_folder(out)
    invocations = [
        ("build", str(src), "--out", str(out)),
        ("build", str(src / "ideas.md"), "--out", str(out)),
        ("cards", str(src), "--out", str(out)),
        ("lint", str(src)),
    ]
    for command in invocations:
        code, _, stderr = run(*command)
        assert code == 1, command
        assert stderr.splitlines() == [
            f"{src}/notes.curation.yaml: error: no source is named “notes” beside this curation file"
            f" any more, and its entries are the cards of {src}/ideas.md (renamed or moved), which"
            " would be built uncurated: rename it with its source:"
            f" git mv {src}/notes.curation.yaml {src}/ideas.curation.yaml"
        ], (command, stderr)
        assert "Traceback" not in stderr
    assert decks_folder(out) == written

    (src / "notes.curation.yaml").rename(src / "ideas.curation.yaml")
    code, _, stderr = run("build", str(src), "--out", str(out))
    assert (code, stderr) == (0, "")
    assert_curated(src, out, before, "ideas")


@pytest.mark.parametrize("where", ["a/notes.md", "a/b/ideas.md"])
def test_a_source_moved_into_a_folder_without_its_curation_file_stops_the_build(released, where):
    src, out, before = released
    moved = src / where
    moved.parent.mkdir(parents=True)
    (src / "notes.md").rename(moved)
    target = moved.with_name(moved.stem + ".curation.yaml")
    written = decks_folder(out)
    code, _, stderr = run("build", str(src), "--out", str(out))
    assert code == 1
    assert stderr.splitlines() == [
        f"{src}/notes.curation.yaml: error: no source is named “notes” beside this curation file"
        f" any more, and its entries are the cards of {moved} (renamed or moved), which would be"
        f" built uncurated: rename it with its source: git mv {src}/notes.curation.yaml {target}"
    ]
    assert decks_folder(out) == written

    (src / "notes.curation.yaml").rename(target)
    code, _, stderr = run("build", str(src), "--out", str(out))
    assert (code, stderr) == (0, "")
    assert_curated(src, out, before, moved.stem)


def test_a_source_moved_with_its_curation_file_stays_curated(released):
    src, out, before = released
    (src / "a").mkdir()
    (src / "notes.md").rename(src / "a" / "notes.md")
    (src / "notes.curation.yaml").rename(src / "a" / "notes.curation.yaml")
    code, _, stderr = run("build", str(src), "--out", str(out))
    assert (code, stderr) == (0, "")
    assert_curated(src, out, before, "notes")


def test_a_curation_file_left_behind_beside_a_new_one_stops_the_build(released):
    """Renamed, and a curation file started under the new name (from the preview): the old
    file's entries would be lost; the error says to move them."""
    src, out, _ = released
    (src / "notes.md").rename(src / "ideas.md")
    (src / "ideas.curation.yaml").write_text(
        "ideas/storage-engines/cell:innodb:best-for: drop\n", encoding="utf-8"
    )
    code, _, stderr = run("build", str(src), "--out", str(out))
    assert code == 1
    assert stderr.splitlines() == [
        f"{src}/notes.curation.yaml: error: no source is named “notes” beside this curation file"
        f" any more, and its entries are the cards of {src}/ideas.md (renamed or moved), which has"
        f" a curation file of its own: move the entries into {src}/ideas.curation.yaml and delete this file"
    ]


def test_a_curation_file_whose_source_was_deleted_only_warns(released):
    """No source gives its cards any more: nothing is built uncurated, it applies to nothing."""
    src, out, _ = released
    (src / "notes.md").unlink()
    (src / "other.md").write_text(OTHER, encoding="utf-8")
    code, _, stderr = run("build", str(src), "--out", str(out))
    assert code == 0
    assert stderr.startswith(f"{src}/notes.curation.yaml: warning: no source is named “notes”"), stderr


# --- One curation file, one source ---------------------------------------------------------

CARD_FILE = "cards:\n  - id: tokio\n    front: Which runtime?\n    back: Tokio\n"


@pytest.mark.parametrize("other", ["foo.yaml", "foo.markdown"])
def test_two_sources_of_one_name_never_share_a_curation_file(tmp_path, other):
    """``foo.md`` and ``foo.yaml`` would both be curated by ``foo.curation.yaml``: an error at
    it, whether the folder or one of the files is built; nothing is written."""
    src, out = tmp_path / "source", tmp_path / "decks"
    src.mkdir()
    (src / "foo.md").write_text(NOTES, encoding="utf-8")
    (src / other).write_text(CARD_FILE if other.endswith(".yaml") else OTHER, encoding="utf-8")
    assert run("build", str(src), "--out", str(out))[0] == 0  # without a curation file: fine
    written = decks_folder(out)
    (src / "foo.curation.yaml").write_text(
        "foo/storage-engines/cell:myisam:best-for: drop\n", encoding="utf-8"
    )
    listed = " and ".join(sorted(["foo.md", other]))
    for named in (src, src / other, src / "foo.md"):
        code, _, stderr = run("build", str(named), "--out", str(out))
        assert code == 1
        assert stderr.splitlines() == [
            f"{src}/foo.curation.yaml: error: {listed} share the name “foo”, so this file would"
            " curate both, and a curation file curates one source: rename one of them (its entries"
            " go in the curation file of its new name)"
        ], stderr
    assert decks_folder(out) == written

    (src / other).rename(src / f"extras{Path(other).suffix}")
    code, _, stderr = run("build", str(src), "--out", str(out))
    assert (code, stderr) == (0, "")
    assert "foo/storage-engines/cell:myisam:best-for" not in cards(src, out)


def test_a_card_file_alone_keeps_its_curation_file(tmp_path):
    """The rule is unchanged for a card file with no Markdown namesake: ``extras.yaml`` is
    curated by ``extras.curation.yaml``."""
    src, out = tmp_path / "source", tmp_path / "decks"
    src.mkdir()
    (src / "extras.yaml").write_text(CARD_FILE, encoding="utf-8")
    (src / "extras.curation.yaml").write_text("card:tokio:\n  answer: '**Tokio**'\n", encoding="utf-8")
    code, stdout, stderr = run("cards", str(src), "--out", str(out), "--json")
    assert code == 0, stderr
    assert "<strong>Tokio</strong>" in json.loads(stdout)["fields"]["Answer"]
