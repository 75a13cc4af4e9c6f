"""The command line, as a user meets it: output lines, exit codes, messages, files on disk."""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from builder import __version__
from builder.cli import main

from support import cards_json, errors, run

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"
SEED_RELATIVE = "source/rust-web3-interview.md"

SUMMARY = re.compile(
    r"^(?P<deck>.+): (?P<n>\d+) notes "
    r"\((?P<counts>[a-z-]+ \d+(?:, [a-z-]+ \d+)*)\) -> (?P<path>.+?\.apkg) \((?P<state>[^()]+)\)$"
)

GOOD_SOURCE = "# Good\n\n## Part\n\n- **Alpha:** first letter\n- **Beta:** second letter\n"

DECK_SOURCE = "# Deck\n\n## Part\n\n- **Alpha:** one\n- **Beta:** two\n"
"""A small deck: ``Deck``, slug ``deck``, two facts whose prompts are ``Part — Alpha?`` and ``Part — Beta?``."""

EPOCH = 1700000000


def assert_clean_failure(result: Result) -> None:
    """Exit status 1 through click's own exit, not an uncaught exception."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def folder_mtimes(folder: Path) -> dict[str, int]:
    return {p.name: os.stat(p).st_mtime_ns for p in sorted(folder.iterdir())}


def deck_files(slug: str, version: str) -> list[str]:
    """The files one deck's build leaves in --out, sorted."""
    return sorted([f"{slug}-{version}.apkg", f"{slug}.changelog.md", f"{slug}.manifest.json"])


def changelog_sections(text: str) -> dict[str, dict[str, list[str]]]:
    """A changelog as {version: {"### heading": [list items]}}; prose goes under ""."""
    sections: dict[str, dict[str, list[str]]] = {}
    heading = ""
    for line in text.splitlines():
        if line.startswith("## "):
            version = line[3:].split(" (", 1)[0]
            current = sections.setdefault(version, {})
            heading = ""
        elif line.startswith("### "):
            heading = line[4:]
            current.setdefault(heading, [])
        elif line.strip() and sections:
            current.setdefault(heading, []).append(line.removeprefix("- "))
    return sections


@pytest.fixture
def seed_copy(tmp_path: Path) -> Path:
    """A working folder holding ``source/rust-web3-interview.md``."""
    target = tmp_path / "work" / SEED_RELATIVE
    target.parent.mkdir(parents=True)
    shutil.copyfile(SEED, target)
    return tmp_path / "work"


# --- build -----------------------------------------------------------------------------


def test_build_prints_one_summary_line_per_deck(tmp_path):
    """``<deck>: <N> notes (<kind> <n>, ...) -> <path>``; N and counts match ``cards --json``."""
    result = run("build", str(SEED), "--out", str(tmp_path / "decks"))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    notes = cards_json(str(SEED))
    assert int(match["n"]) == len(notes)
    assert match["deck"] == notes[0]["deck"]
    counts = {kind: int(n) for kind, n in (c.split(" ") for c in match["counts"].split(", "))}
    assert counts == dict(Counter(note["kind"] for note in notes))
    assert match["state"] == "1.0.0, first release"
    path = Path(match["path"])
    assert path.is_file()
    assert path.parent == tmp_path / "decks"
    assert path.name.endswith("-1.0.0.apkg")
    slug = path.name.removesuffix("-1.0.0.apkg")
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug), slug
    assert sorted(p.name for p in path.parent.iterdir()) == deck_files(slug, "1.0.0")


def test_build_is_byte_identical_with_source_date_epoch(tmp_path, monkeypatch):
    """Two builds of the same sources into different folders give the same bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for out in ("one", "two"):
        result = run("build", str(SEED), "--out", str(tmp_path / out))
        assert result.exit_code == 0, result.output
    one, two = folder_state(tmp_path / "one"), folder_state(tmp_path / "two")
    assert list(one) == list(two)
    assert len(one) == 3
    assert sum(name.endswith("-1.0.0.apkg") for name in one) == 1
    assert one == two


def test_build_is_byte_identical_from_another_working_directory(tmp_path, seed_copy, monkeypatch):
    """The same relative sources, built from two different folders, give the same bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    elsewhere = tmp_path / "elsewhere" / "deeper"
    shutil.copytree(seed_copy, elsewhere)
    outputs = []
    for cwd in (seed_copy, elsewhere):
        monkeypatch.chdir(cwd)
        result = run("build", "source", "--out", "decks")
        assert result.exit_code == 0, result.output
        outputs.append(folder_state(cwd / "decks"))
    assert len(outputs[0]) == 3
    assert sum(name.endswith("-1.0.0.apkg") for name in outputs[0]) == 1
    assert outputs[0] == outputs[1]


# --- versions: manifest, changelog, diff ----------------------------------------------


@pytest.fixture
def deck(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """``DECK_SOURCE`` written to ``src/deck.md`` and built once into ``decks/`` at ``EPOCH``."""
    source, out = tmp_path / "src" / "deck.md", tmp_path / "decks"
    source.parent.mkdir()
    source.write_text(DECK_SOURCE, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    result = run("build", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Deck: 2 notes (fact 2) -> {out / 'deck-1.0.0.apkg'} (1.0.0, first release)\n"
    assert sorted(p.name for p in out.iterdir()) == deck_files("deck", "1.0.0")
    return source, out


def test_manifest_records_deck_version_release_time_and_notes(deck):
    """The manifest: deck, version, released (SOURCE_DATE_EPOCH of the first build), models, notes."""
    source, out = deck
    manifest = json.loads((out / "deck.manifest.json").read_text(encoding="utf-8"))
    assert {"deck", "version", "released", "models", "notes"} <= set(manifest)
    assert manifest["deck"] == "Deck"
    assert manifest["version"] == "1.0.0"
    assert manifest["released"] == EPOCH
    assert isinstance(manifest["models"], dict)
    assert manifest["models"]
    notes = cards_json(str(source), "--out", str(out))
    assert [(n["guid"], n["key"]) for n in manifest["notes"]] == [(n["guid"], n["key"]) for n in notes]
    for note in manifest["notes"]:
        assert {"guid", "key", "hash"} <= set(note)
        assert isinstance(note["hash"], str)
        assert note["hash"]
    assert len({note["hash"] for note in manifest["notes"]}) == len(manifest["notes"])


def test_changelog_of_first_release(deck):
    _, out = deck
    text = (out / "deck.changelog.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog: Deck\n")
    assert "\n## 1.0.0 (2023-11-14)\n" in text
    assert list(changelog_sections(text)) == ["1.0.0"]


def test_build_without_change_rewrites_nothing(deck, monkeypatch):
    """Same source, another day: ``(1.0.0, unchanged)``, every file as it was, ``diff --check`` passes."""
    source, out = deck
    for path in out.iterdir():  # an old mtime, so that any rewrite shows
        os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before, mtimes = folder_state(out), folder_mtimes(out)

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86_400))
    result = run("build", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Deck: 2 notes (fact 2) -> {out / 'deck-1.0.0.apkg'} (1.0.0, unchanged)\n"
    assert folder_state(out) == before
    assert folder_mtimes(out) == mtimes

    check = run("diff", str(source), "--out", str(out), "--check")
    assert check.exit_code == 0, check.output
    assert check.stdout == "Deck: 1.0.0, up to date\n"
    assert folder_mtimes(out) == mtimes


def test_lost_apkg_is_rebuilt_with_the_manifest_release_time(deck, monkeypatch):
    """The .apkg of an existing version, built again later, has the same bytes: its time is the manifest's."""
    source, out = deck
    before = folder_state(out)
    (out / "deck-1.0.0.apkg").unlink()

    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 10 * 86_400))
    result = run("build", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    line = SUMMARY.match(result.stdout.rstrip("\n"))
    assert line, result.stdout
    assert Path(line["path"]) == out / "deck-1.0.0.apkg"
    assert line["state"].startswith("1.0.0, unchanged")
    assert folder_state(out) == before


def test_changed_fact_is_a_patch(deck, monkeypatch):
    """One fact's value changed: ``diff`` shows it, ``--check`` fails, ``build`` writes 1.0.1."""
    source, out = deck
    source.write_text(DECK_SOURCE.replace("**Alpha:** one", "**Alpha:** uno"), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 2 * 86_400))

    shown = run("diff", str(source), "--out", str(out))
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines() == ["Deck: 1.0.0 -> 1.0.1 (patch)", "  ~ Part — Alpha?"]
    check = run("diff", str(source), "--out", str(out), "--check")
    assert check.exit_code == 1, check.output
    assert check.stdout == shown.stdout
    assert sorted(p.name for p in out.iterdir()) == deck_files("deck", "1.0.0")  # diff writes nothing

    result = run("build", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Deck: 2 notes (fact 2) -> {out / 'deck-1.0.1.apkg'}"
        " (1.0.0 -> 1.0.1, patch: 0 added, 1 changed, 0 removed)\n"
    )
    assert sorted(p.name for p in out.iterdir()) == deck_files("deck", "1.0.1")
    manifest = json.loads((out / "deck.manifest.json").read_text(encoding="utf-8"))
    assert (manifest["version"], manifest["released"]) == ("1.0.1", EPOCH + 2 * 86_400)

    text = (out / "deck.changelog.md").read_text(encoding="utf-8")
    assert text.startswith("# Changelog: Deck\n")
    assert "\n## 1.0.1 (2023-11-16)\n" in text
    sections = changelog_sections(text)
    assert list(sections) == ["1.0.1", "1.0.0"]
    assert sections["1.0.1"] == {"Changed": ["Part — Alpha?"]}

    again = run("diff", str(source), "--out", str(out), "--check")
    assert again.exit_code == 0, again.output
    assert again.stdout == "Deck: 1.0.1, up to date\n"


@pytest.mark.parametrize(
    ("edit", "mark", "heading", "prompt"),
    [
        pytest.param(lambda text: text + "- **Gamma:** three\n", "+", "Added", "Part — Gamma?", id="added"),
        pytest.param(
            lambda text: text.replace("- **Beta:** two\n", ""), "-", "Removed", "Part — Beta?", id="removed"
        ),
    ],
)
def test_added_or_removed_fact_is_a_minor(deck, monkeypatch, edit, mark, heading, prompt):
    source, out = deck
    source.write_text(edit(DECK_SOURCE), encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH + 86_400))

    shown = run("diff", str(source), "--out", str(out), "--check")
    assert shown.exit_code == 1, shown.output
    assert shown.stdout.splitlines() == ["Deck: 1.0.0 -> 1.1.0 (minor)", f"  {mark} {prompt}"]

    result = run("build", str(source), "--out", str(out))
    assert result.exit_code == 0, result.output
    line = SUMMARY.match(result.stdout.rstrip("\n"))
    assert line, result.stdout
    counts = {"Added": "1 added, 0 changed, 0 removed", "Removed": "0 added, 0 changed, 1 removed"}
    assert line["state"] == f"1.0.0 -> 1.1.0, minor: {counts[heading]}"
    assert Path(line["path"]) == out / "deck-1.1.0.apkg"
    assert sorted(p.name for p in out.iterdir()) == deck_files("deck", "1.1.0")

    sections = changelog_sections((out / "deck.changelog.md").read_text(encoding="utf-8"))
    assert list(sections) == ["1.1.0", "1.0.0"]
    assert sections["1.1.0"] == {heading: [prompt]}
    manifest = json.loads((out / "deck.manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "1.1.0"
    assert (prompt in [n["prompt"] for n in manifest["notes"]]) == (heading == "Added")


# --- cards --json ----------------------------------------------------------------------


def test_cards_json_is_stable_across_runs():
    first = run("cards", str(SEED), "--json")
    second = run("cards", str(SEED), "--json")
    assert first.exit_code == second.exit_code == 0
    assert first.stdout == second.stdout
    assert first.stdout.strip()


def test_cards_json_guids_are_unique():
    guids = [note["guid"] for note in cards_json(str(SEED))]
    duplicates = [guid for guid, n in Counter(guids).items() if n > 1]
    assert duplicates == []


def test_cards_json_has_no_empty_prompt_or_answer():
    for note in cards_json(str(SEED)):
        assert note["prompt"].strip(), note["key"]
        assert note["answer"].strip(), note["key"]


def test_cards_json_same_prompt_means_same_answer():
    """A learner cannot tell two cards with one prompt apart, so their answers must agree."""
    answers: dict[tuple[str, str], set[str]] = {}
    for note in cards_json(str(SEED)):
        answers.setdefault((note["deck"], note["prompt"]), set()).add(note["answer"])
    conflicts = {prompt: found for prompt, found in answers.items() if len(found) > 1}
    assert conflicts == {}


# --- errors ----------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["build", "cards"])
def test_missing_path_is_one_line_error(tmp_path, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    result = run(command, "nope.md")
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert errors(result).splitlines() == ["deckbuilder: no such file or folder: nope.md"]
    assert not (tmp_path / "decks").exists()


@pytest.mark.parametrize("command", ["build", "cards"])
def test_invalid_utf8_names_file_and_line(tmp_path, command):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"# T\n\n- **A:** \xff\n")
    out = ["--out", str(tmp_path / "decks")] if command == "build" else []
    result = run(command, str(bad), *out)
    assert_clean_failure(result)
    lines = errors(result).splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{bad}:3: error: invalid UTF-8"), lines[0]


def test_failed_build_leaves_existing_deck_untouched(tmp_path):
    """A bad source added later stops the build before any file in --out changes."""
    sources, out = tmp_path / "src", tmp_path / "decks"
    sources.mkdir()
    (sources / "a-good.md").write_text(GOOD_SOURCE, encoding="utf-8")
    first = run("build", str(sources), "--out", str(out))
    assert first.exit_code == 0, first.output
    before = folder_state(out)
    assert list(before) == deck_files("good", "1.0.0")
    mtimes = folder_mtimes(out)

    changed = GOOD_SOURCE + "- **Gamma:** third letter\n"
    (sources / "a-good.md").write_text(changed, encoding="utf-8")
    (sources / "z-bad.md").write_bytes(b"# Bad\n\n- **A:** \xff\n")
    second = run("build", str(sources), "--out", str(out))
    assert_clean_failure(second)
    assert "invalid UTF-8" in errors(second)
    assert folder_state(out) == before
    assert folder_mtimes(out) == mtimes


def test_unwritable_out_is_one_line_error(tmp_path):
    """--out below a plain file cannot be created: a one-line error, no traceback."""
    source = tmp_path / "good.md"
    source.write_text(GOOD_SOURCE, encoding="utf-8")
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = run("build", str(source), "--out", str(tmp_path / "file" / "decks"))
    assert_clean_failure(result)
    assert len(errors(result).splitlines()) == 1
    assert "error" in errors(result)


def test_decks_with_the_same_slug_are_not_lost(tmp_path):
    """Two deck names with one file name: the build refuses and writes nothing."""
    sources, out = tmp_path / "src", tmp_path / "decks"
    sources.mkdir()
    (sources / "a.md").write_text("# Rust: Basics\n\n## P\n\n- **A:** one\n", encoding="utf-8")
    (sources / "b.md").write_text("# Rust Basics\n\n## P\n\n- **B:** two\n", encoding="utf-8")
    result = run("build", str(sources), "--out", str(out))
    assert_clean_failure(result)
    assert errors(result) == (
        f"{sources / 'b.md'}: error: deck “Rust Basics” would share the file rust-basics.apkg"
        f" with deck “Rust: Basics” ({sources / 'a.md'}); give one of them another name\n"
    )
    assert not out.exists()


# --- help and version ------------------------------------------------------------------


def test_version():
    result = run("--version")
    assert result.exit_code == 0
    assert result.output == f"deckbuilder, version {__version__}\n"


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_help_on_main(flag):
    result = run(flag)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")
    for command in main.commands:
        assert command in result.output


@pytest.mark.parametrize("command", sorted(main.commands))
def test_help_on_every_command(command):
    result = run(command, "-h")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Usage: ")
    assert command in result.output.splitlines()[0]


def test_diff_check_reports_a_missing_deck_file(deck):
    """The manifest is current but its .apkg is gone: out of date until the next build."""
    source, out = deck
    (out / "deck-1.0.0.apkg").unlink()
    result = run("diff", str(source), "--out", str(out), "--check")
    assert result.exit_code == 1
    assert result.stdout == f"Deck: 1.0.0, {out / 'deck-1.0.0.apkg'} is missing\n"


def test_diff_and_build_warn_before_history_is_lost_and_strict_refuses(tmp_path):
    src, out = tmp_path / "src", tmp_path / "decks"
    src.mkdir()
    deck = src / "d.md"
    deck.write_text("# Deck\n\n## Storage\n\n- **Engine:** RocksDB with column families\n", encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["build", str(src), "--out", str(out)]).exit_code == 0
    deck.write_text(
        "# Deck\n\n## Storage engines\n\n- **Engine:** LevelDB with column families\n", encoding="utf-8"
    )
    warning = (
        f"{deck}:5: warning: “Storage engines — Engine?” will replace “Storage — Engine?” as a new note:"
        " its key and its answer changed in one release, so learners lose its review history; to keep it,"
        " pin the renamed heading with {#storage}, or rename and edit in two builds"
    )
    diff = runner.invoke(main, ["diff", str(src), "--out", str(out)])
    assert warning in diff.stderr.splitlines()
    before = sorted(p.name for p in out.iterdir())
    strict = runner.invoke(main, ["build", str(src), "--out", str(out), "--strict"])
    assert strict.exit_code == 1 and warning in strict.stderr.splitlines()
    assert sorted(p.name for p in out.iterdir()) == before
    # Pinned as the warning says, the note keeps its GUID: no warning, a patch release.
    deck.write_text(
        "# Deck\n\n## Storage engines {#storage}\n\n- **Engine:** LevelDB with column families\n",
        encoding="utf-8",
    )
    pinned = runner.invoke(main, ["build", str(src), "--out", str(out), "--strict"])
    assert pinned.exit_code == 0 and "1.0.0 -> 1.0.1, patch" in pinned.stdout, pinned.output
