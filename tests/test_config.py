"""Deck configuration: subdecks, and decks folders inside the sources."""

from __future__ import annotations

from click.testing import CliRunner

from builder.build import plan
from builder.cli import main

SOURCE = """---
subdecks: true
---
# Notes

## Q1: Consensus

**Question:** How does Raft pick a leader?

### Election
- **Vote:** majority of the cluster
"""


def test_every_card_of_a_top_section_goes_to_its_subdeck(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.md").write_text(SOURCE, encoding="utf-8")
    planned = plan(["notes.md"])
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
