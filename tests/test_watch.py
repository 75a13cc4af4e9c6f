"""watch rebuilds on save and survives bad edits; progress shows while several sources are read."""

from __future__ import annotations

import io
import queue
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from builder import progress as progress_module
from builder.cli import main
from builder.watch import watch

SOURCE = "# Deck\n\n## Part\n\n- **Alpha:** one\n- **Beta:** two\n"


class Lines:
    """Collects what watch prints, and waits for a line."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()

    def __call__(self, text: str) -> None:
        for line in text.splitlines():
            self._queue.put(line)

    def wait_for(self, wanted: str, timeout: float = 20.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.1)
            except queue.Empty:
                continue
            self.seen.append(line)
            if wanted in line:
                return line
        raise AssertionError(f"no line with {wanted!r}; seen: {self.seen}")


@pytest.fixture
def watching(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A released deck, watched: saves make drafts, never releases."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "deck.md").write_text(SOURCE, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out, drafts = tmp_path / "decks", tmp_path / "drafts"
    built = CliRunner().invoke(main, ["build", str(source), "--out", str(out)])
    assert built.exit_code == 0, built.output
    released = {p.name: p.read_bytes() for p in out.iterdir()}
    lines, stop = Lines(), threading.Event()
    worker = threading.Thread(target=watch, args=([str(source)], out, lines, stop, drafts), daemon=True)
    worker.start()
    lines.wait_for(f"Deck: 1.0.0, no change since the release -> {drafts / 'deck-draft.apkg'}")
    lines.wait_for("watching")
    time.sleep(0.3)  # let the watcher settle before the first edit
    yield source / "deck.md", lines, out, drafts
    stop.set()
    worker.join(timeout=10)
    assert not worker.is_alive()
    # Whatever was saved, the decks folder is as the release left it.
    assert {p.name: p.read_bytes() for p in out.iterdir()} == released


def test_watch_drafts_on_save_and_prints_what_a_release_would_change(watching):
    deck, lines, _, drafts = watching
    deck.write_text(SOURCE.replace("one", "uno") + "- **Gamma:** three\n", encoding="utf-8")
    lines.wait_for("changed: deck.md")
    head = lines.wait_for("Deck: draft, 1.0.0 -> 1.1.0 (minor) if released now")
    assert head.endswith(str(drafts / "deck-draft.apkg"))
    lines.wait_for("  + Part — Gamma?")
    lines.wait_for("  ~ Part — Alpha?")
    assert sorted(p.name for p in drafts.iterdir()) == ["deck-draft.apkg", "deck.preview.html"]
    assert "Gamma" in (drafts / "deck.preview.html").read_text(encoding="utf-8")


def test_watch_survives_a_bad_edit(watching):
    deck, lines, _, _ = watching
    deck.write_text("---\ntitle: [unclosed\n---\n" + SOURCE, encoding="utf-8")
    assert "front matter" in lines.wait_for(f"{deck}:2: error:")
    lines.wait_for("build stopped")
    deck.write_text(SOURCE.replace("- **Beta:** two\n", ""), encoding="utf-8")
    lines.wait_for("Deck: draft, 1.0.0 -> 1.1.0 (minor) if released now")
    lines.wait_for("  - Part — Beta?")


def test_a_writing_session_ends_in_one_release(tmp_path, monkeypatch):
    """Several saves drafted, then one build: one new version, one changelog entry."""
    source = tmp_path / "source"
    source.mkdir()
    deck = source / "deck.md"
    deck.write_text(SOURCE, encoding="utf-8")
    out, drafts = tmp_path / "decks", tmp_path / "drafts"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert CliRunner().invoke(main, ["build", str(source), "--out", str(out)]).exit_code == 0
    text = SOURCE
    for n, extra in enumerate(("Gamma", "Delta", "Epsilon"), start=1):
        text += f"- **{extra}:** {n}\n"
        deck.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(
            main, ["build", str(source), "--out", str(out), "--draft", "--drafts", str(drafts)]
        )
        assert result.exit_code == 0, result.output
        assert "Deck: draft, 1.0.0 -> 1.1.0 (minor) if released now" in result.stdout
        assert sorted(p.name for p in out.glob("*.apkg")) == ["deck-1.0.0.apkg"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700001000")
    result = CliRunner().invoke(main, ["build", str(source), "--out", str(out)])
    assert "1.0.0 -> 1.1.0, minor: 3 added, 0 changed, 0 removed" in result.stdout
    changelog = (out / "deck.changelog.md").read_text(encoding="utf-8")
    assert changelog.count("## 1.") == 2


def two_sources(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    (source / "a.md").write_text(SOURCE, encoding="utf-8")
    (source / "b.md").write_text(SOURCE.replace("# Deck", "# Other"), encoding="utf-8")
    return source


def test_progress_lines_off_a_terminal(tmp_path):
    source = two_sources(tmp_path)
    result = CliRunner().invoke(main, ["build", str(source), "--out", str(tmp_path / "decks"), "--progress"])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [f"[1/2] {source / 'a.md'}", f"[2/2] {source / 'b.md'}"]


def test_quick_builds_off_a_terminal_print_no_progress(tmp_path):
    source = two_sources(tmp_path)
    result = CliRunner().invoke(main, ["build", str(source), "--out", str(tmp_path / "decks")])
    assert result.exit_code == 0 and result.stderr == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal(monkeypatch):
    screen = Terminal()
    monkeypatch.setattr(progress_module.sys, "stderr", screen)
    with progress_module.progress_reporter() as report:
        for done in range(3):
            report(done, 3, f"source/{done}.md")
    shown = screen.getvalue()
    assert "reading sources" in shown and "100%" in shown and "#" in shown
