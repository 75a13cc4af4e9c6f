"""The source cache: a rebuild reads only what changed; parallel reading changes nothing."""

from __future__ import annotations

import pytest

from builder import build, cache, usecase
from builder.build import plan_decks
from builder.cache import Cache

SOURCE = "# Deck {n}\n\n## Part\n\n- **Alpha:** one\n- **Beta:** two ![pic](pic.png)\n"


@pytest.fixture
def corpus(tmp_path, monkeypatch):
    folder = tmp_path / "src"
    folder.mkdir()
    for n in range(5):
        (folder / f"d{n}.md").write_text(SOURCE.format(n=n), encoding="utf-8")
    (folder / "pic.png").write_bytes(b"\x89PNG first")
    monkeypatch.chdir(tmp_path)
    return folder


@pytest.fixture
def reads(monkeypatch):
    """The sources actually parsed (not taken from the cache)."""
    seen: list[str] = []
    real = build._load

    def counting(source, *rest):
        seen.append(source.path.name)
        return real(source, *rest)

    monkeypatch.setattr(build, "_load", counting)
    monkeypatch.setattr(build, "PARALLEL_FROM", 10**6)  # in-process, so the counter sees it
    return seen


def notes(planned):
    return [n for deck in planned.decks for n in deck.notes]


def test_unchanged_sources_are_not_read_again(corpus, reads, tmp_path):
    store = Cache(tmp_path / "cache")
    first = plan_decks(["src"], cache=store)
    assert sorted(reads) == [f"d{n}.md" for n in range(5)]
    reads.clear()
    again = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert reads == []
    assert notes(again) == notes(first)
    assert again.diagnostics == first.diagnostics


def test_a_changed_source_is_read_again_alone(corpus, reads, tmp_path):
    plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    reads.clear()
    (corpus / "d3.md").write_text(SOURCE.format(n=3).replace("one", "uno"), encoding="utf-8")
    changed = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert reads == ["d3.md"]
    assert "uno" in {n.answer for n in notes(changed)}


def test_a_changed_image_is_read_again(corpus, reads, tmp_path):
    first = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    reads.clear()
    (corpus / "pic.png").write_bytes(b"\x89PNG second")
    second = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert sorted(reads) == [f"d{n}.md" for n in range(5)]
    assert {f.name for d in first.decks for f in d.media} != {f.name for d in second.decks for f in d.media}


def test_another_deckbuilder_does_not_trust_the_cache(corpus, reads, tmp_path, monkeypatch):
    plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    reads.clear()
    monkeypatch.setattr(cache, "fingerprint", lambda: "another-version")
    plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert len(reads) == 5


def test_a_broken_cache_entry_is_ignored(corpus, reads, tmp_path):
    plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    for entry in (tmp_path / "cache").glob("*.pickle"):
        entry.write_text("{broken", encoding="utf-8")
    reads.clear()
    result = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert len(reads) == 5 and len(notes(result)) == 10


def test_parallel_reading_gives_the_same_plan(corpus, monkeypatch):
    monkeypatch.setattr(build, "PARALLEL_FROM", 10**6)
    serial = plan_decks(["src"])
    monkeypatch.setattr(build, "PARALLEL_FROM", 2)
    parallel = plan_decks(["src"])
    assert notes(parallel) == notes(serial)
    assert [d.name for d in parallel.decks] == [d.name for d in serial.decks]


def test_a_build_with_nothing_to_do_reads_nothing(corpus, monkeypatch, tmp_path):
    """The second build finds the stamp of the first: same report, no source parsed."""
    from click.testing import CliRunner

    from builder import cli

    runner = CliRunner()
    first = runner.invoke(cli.main, ["build", "src", "--out", "decks"])
    assert first.exit_code == 0, first.output

    def no_planning(*args, **kwargs):
        raise AssertionError("planned although nothing changed")

    monkeypatch.setattr(usecase, "plan_decks", no_planning)
    again = runner.invoke(cli.main, ["build", "src", "--out", "decks"])
    assert again.exit_code == 0, again.output
    assert again.stdout == first.stdout.replace("first release", "unchanged")
    assert again.stderr == first.stderr

    # Any change to a source, an image or the decks folder means a real build again.
    for touch in (
        lambda: (corpus / "d1.md").write_text(SOURCE.format(n=1) + "- **Gamma:** three\n", encoding="utf-8"),
        lambda: (corpus / "pic.png").write_bytes(b"\x89PNG other"),
        lambda: next((tmp_path / "decks").glob("*.apkg")).unlink(),
    ):
        touch()
        result = runner.invoke(cli.main, ["build", "src", "--out", "decks"])
        assert result.exception is not None and "planned although nothing changed" in str(result.exception)


def test_a_source_with_errors_is_read_again(tmp_path, monkeypatch):
    """A missing image is an error; once the image exists, the next build sees it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "d.md").write_text("# D\n\n## S\n- **Pic:** ![d](d.png)\n", encoding="utf-8")
    first = plan_decks(["src"], cache=Cache(tmp_path / "cache"))
    assert [d.message for d in first.errors] == ["image “d.png” not found"]
    (tmp_path / "src" / "d.png").write_bytes(b"\\x89PNG")
    assert plan_decks(["src"], cache=Cache(tmp_path / "cache")).errors == []
