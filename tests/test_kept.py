"""Decks kept as they are: a build compares only the decks whose inputs changed since a build
released them or found them unchanged, and says and writes what comparing every deck does."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from support import errors, run

DECKS = {
    "a.md": "# Alpha\n\n## Part\n\n- **One:** first\n- **Two:** second\n",
    "b.md": "# Beta\n\n## Part\n\n- **Three:** third\n- **Four:** fourth\n",
    "c.md": "# Gamma\n\n## Part\n\n- **Five:** fifth\n- **Six:** sixth\n",
}


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``work/``: decks Alpha, Beta and Gamma released into ``decks/``, the current folder,
    with a cache folder of its own."""
    folder = tmp_path / "work"
    (folder / "source").mkdir(parents=True)
    for name, text in DECKS.items():
        (folder / "source" / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("DECKBUILDER_CACHE", str(tmp_path / "cache"))
    assert run("build").exit_code == 0
    return folder


def compared(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The decks a build compares with their releases from now on, by slug."""
    from builder.release import folder

    seen: list[str] = []
    real = folder.release
    monkeypatch.setattr(folder, "release", lambda deck, *rest: seen.append(deck.slug) or real(deck, *rest))
    return seen


def state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def edit(folder: Path) -> None:
    """Beta gains a fact."""
    path = folder / "source" / "b.md"
    path.write_text(path.read_text(encoding="utf-8") + "- **Seven:** seventh\n", encoding="utf-8")


def test_one_edited_source_compares_one_deck_and_the_build_says_and_writes_what_comparing_all_does(
    work, tmp_path, monkeypatch
):
    twin = tmp_path / "twin"
    shutil.copytree(work, twin)
    edit(work)
    edit(twin)
    seen = compared(monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000100")
    kept = run("build")
    assert kept.exit_code == 0, kept.output
    assert seen == ["beta"]
    assert "Beta: 3 notes (fact 3) -> decks/beta-1.1.0.apkg (1.0.0 -> 1.1.0, minor: 1 added" in kept.stdout
    seen.clear()
    monkeypatch.chdir(twin)
    monkeypatch.setenv("DECKBUILDER_CACHE", str(tmp_path / "empty cache"))  # nothing remembered
    full = run("build")
    assert sorted(seen) == ["alpha", "beta", "gamma"]
    assert (kept.stdout, errors(kept), kept.exit_code) == (full.stdout, errors(full), full.exit_code)
    assert state(work / "decks") == state(twin / "decks")


def test_the_next_build_with_nothing_changed_repeats_what_a_build_keeping_decks_said(work, monkeypatch):
    edit(work)
    seen = compared(monkeypatch)
    first = run("build")
    assert seen == ["beta"]
    again = run("build")  # the no-change stamp: nothing planned or compared
    assert seen == ["beta"]
    assert again.stdout == first.stdout.replace(
        "1.0.0 -> 1.1.0, minor: 1 added, 0 changed, 0 removed", "1.1.0, unchanged"
    )
    assert again.stdout.count("unchanged") == 3


@pytest.mark.parametrize("change", ["package", "manifest", "older version", "leftover"])
def test_a_kept_deck_whose_files_changed_is_compared_again(work, monkeypatch, change):
    """Any byte of a deck's manifest or package, another package version or a temporary file a
    killed build left beside them: the deck is compared (and checked) in full again."""
    decks = work / "decks"
    edit(work)
    assert run("build").exit_code == 0  # Alpha and Gamma kept, Beta released and remembered
    if change == "package":
        package = decks / "gamma-1.0.0.apkg"
        with zipfile.ZipFile(package, "a") as archive:
            archive.writestr("extra.txt", "added after the build")
    elif change == "manifest":
        path = decks / "gamma.manifest.json"
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    elif change == "older version":
        shutil.copy(decks / "gamma-1.0.0.apkg", decks / "gamma-0.9.0.apkg")
    else:
        (decks / ".gamma-1.0.0.apkg.x1.tmp").write_bytes(b"half written")
    seen = compared(monkeypatch)
    result = run("build", "source", "--out", "decks")
    assert seen == ["gamma"]
    if change in ("package", "manifest"):
        assert result.exit_code == 1
        assert "decks/gamma" in errors(result) and "differs from what its sources build" in errors(result)
    else:  # what a build of that deck does: the older version and the leftover are removed
        assert result.exit_code == 0, result.output
        assert sorted(p.name for p in decks.glob("*gamma*")) == [
            "gamma-1.0.0.apkg",
            "gamma.changelog.md",
            "gamma.manifest.json",
        ]


def test_a_file_changed_while_a_build_runs_is_not_remembered_as_checked(work, tmp_path, monkeypatch):
    """A deck the build checked and left as it was is remembered by its files as they were
    checked: a package changed after the check (while other decks are packaged) is caught by
    the next build, as by one that remembers nothing."""
    from builder.release import write

    monkeypatch.setenv("DECKBUILDER_CACHE", str(tmp_path / "fresh cache"))  # every deck compared
    real = write.packages_of
    package = work / "decks" / "gamma-1.0.0.apkg"

    def meanwhile(rels, *rest):
        with zipfile.ZipFile(package, "a") as archive:
            archive.writestr("extra.txt", "written while the build ran")
        return real(rels, *rest)

    monkeypatch.setattr(write, "packages_of", meanwhile)
    edit(work)
    assert run("build").exit_code == 0
    monkeypatch.setattr(write, "packages_of", real)
    path = work / "source" / "a.md"
    path.write_text(path.read_text(encoding="utf-8") + "- **Eight:** eighth\n", encoding="utf-8")
    result = run("build")
    assert result.exit_code == 1
    assert "decks/gamma-1.0.0.apkg: error: differs from what its sources build" in errors(result)


VOCAB = """\
name: Team vocabulary
fields: [Word, Meaning]
templates:
  - name: Recognise
    front: '{{Word}}'
    back: '{{FrontSide}}<hr id="answer">{{Meaning}}'
"""

WORDS = """\
deck: Spanish
cards:
  - id: gato
    note_type: vocab
    fields:
      Word: gato
      Meaning: cat
  - id: hola
    front: Hola?
    back: hello
"""


def test_a_deck_whose_removed_notes_alone_use_a_team_note_type_is_compared_every_time(work, monkeypatch):
    """Its release reads that note type's file, which no current note names: a change there
    changes its package, so the deck is never kept; the others are."""
    source = work / "source"
    (source / "notetypes").mkdir()
    (source / "notetypes" / "vocab.yaml").write_text(VOCAB, encoding="utf-8")
    (source / "words.yaml").write_text(WORDS, encoding="utf-8")
    assert run("build").exit_code == 0
    (source / "words.yaml").write_text(
        WORDS.replace(WORDS[WORDS.index("  - id: gato") : WORDS.index("  - id: hola")], "")
    )
    assert run("build").exit_code == 0  # gato removed: a tombstone of the team's note type
    seen = compared(monkeypatch)
    edit(work)
    assert run("build").exit_code == 0
    assert sorted(seen) == ["beta", "spanish"]


def test_a_deck_another_deckbuilder_released_is_compared(work, monkeypatch):
    from builder import cache

    edit(work)
    monkeypatch.setattr(cache, "fingerprint", lambda: "another deckbuilder")
    seen = compared(monkeypatch)
    assert run("build").exit_code == 0
    assert sorted(seen) == ["alpha", "beta", "gamma"]
