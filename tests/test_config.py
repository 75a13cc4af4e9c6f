"""Deck configuration: subdecks, and decks folders inside the sources."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from builder.build import plan_decks
from builder.cli import main

SOURCE = """---
subdecks: true
---
# Notes

## Q1: Consensus

**Question:** How does Raft pick a leader?

**Answer:** By election: a candidate needs the votes of a majority.

### Election
- **Vote:** majority of the cluster
"""


def test_every_card_of_a_top_section_goes_to_its_subdeck(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text(SOURCE, encoding="utf-8")
    planned = plan_decks(["notes.md"])
    assert {(n.kind, n.deck) for n in planned.decks[0].notes} == {
        ("question", "Notes::Q1: Consensus"),
        ("fact", "Notes::Q1: Consensus"),
    }


def test_moving_notes_between_subdecks_is_a_release(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text(SOURCE.replace("subdecks: true", "subdecks: false"), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["build", "notes.md"]).exit_code == 0
    (tmp_path / "notes.md").write_text(SOURCE, encoding="utf-8")
    result = runner.invoke(main, ["build", "notes.md"])
    assert result.exit_code == 0
    assert "(1.0.0 -> 1.0.1, patch: 0 added, 2 changed, 0 removed)" in result.stdout


def test_a_decks_folder_inside_the_sources_is_not_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "d.md").write_text("# D\n\n## S\n- **A:** one\n", encoding="utf-8")
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(main, ["build", "src", "--out", "src/decks"])
        assert result.exit_code == 0, result.output
        assert result.stdout.count("\n") == 1  # one deck, never its changelog
    assert sorted(p.name for p in (tmp_path / "src" / "decks").iterdir()) == [
        "d-1.0.0.apkg",
        "d.changelog.md",
        "d.manifest.json",
    ]


def test_a_deck_from_several_sources_is_built_from_all_of_them(tmp_path, monkeypatch):
    """Building one source of a decks.yaml deck must not remove the other source's notes."""
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text("# A\n\n## S\n- **Alpha:** one\n", encoding="utf-8")
    (src / "extras.yaml").write_text(
        "cards:\n  - id: beta\n    front: Beta?\n    back: two\n", encoding="utf-8"
    )
    (src / "decks.yaml").write_text(
        "decks:\n  - deck: Raft\n    sources: [a.md, extras.yaml]\n", encoding="utf-8"
    )
    runner = CliRunner()
    assert runner.invoke(main, ["build", "src"]).exit_code == 0
    partial = runner.invoke(main, ["build", "src/a.md"])
    assert partial.exit_code == 1
    assert partial.stderr == (
        "src/extras.yaml: error: deck “Raft” is also built from this file, which this build did"
        " not read; build all the deck's sources together\n"
    )
    again = runner.invoke(main, ["build", "src"])
    assert again.exit_code == 0 and "(1.0.0, unchanged)" in again.stdout


def test_a_decks_file_nested_thousands_deep_is_refused_at_once(tmp_path):
    """Nesting is checked on the parser's events, before anything is built: one line, no crash,
    no minutes of parsing."""
    from builder.config import read_decks_file
    from builder.errors import SourceError

    decks = tmp_path / "decks.yaml"
    decks.write_text("decks: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    with pytest.raises(SourceError) as error:
        read_decks_file(decks, "decks.yaml")
    assert str(error.value.format_message()) == "decks.yaml:1: error: YAML nested more than 32 levels deep"


def test_front_matter_nested_thousands_deep_is_refused_at_once(tmp_path):
    from support import run

    source = tmp_path / "notes.md"
    source.write_text("---\ntitle: " + "[" * 20_000 + "]" * 20_000 + "\n---\n# X\n", encoding="utf-8")
    result = run("lint", str(source))
    assert result.exit_code == 1
    assert result.stderr == f"{source}:2: error: YAML nested more than 32 levels deep\n"
