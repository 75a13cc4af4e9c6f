"""The command line, as a user meets it: output lines, exit codes, messages, files on disk."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from builder import __version__
from builder.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"
SEED_RELATIVE = "source/rust-web3-interview.md"

SUMMARY = re.compile(
    r"^(?P<deck>.+): (?P<n>\d+) notes "
    r"\((?P<counts>[a-z-]+ \d+(?:, [a-z-]+ \d+)*)\) -> (?P<path>.+)$"
)

GOOD_SOURCE = "# Good\n\n## Part\n\n- **Alpha:** first letter\n- **Beta:** second letter\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def errors(result: Result) -> str:
    """What the command wrote to stderr (click 8.2+), else its mixed output."""
    try:
        return result.stderr
    except ValueError:  # click < 8.2 without mix_stderr=False
        return result.output


def assert_clean_failure(result: Result) -> None:
    """Exit status 1 through click's own exit, not an uncaught exception."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def cards_json(*paths: str) -> list[dict]:
    result = run("cards", *paths, "--json")
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


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
    path = Path(match["path"])
    assert path.is_file()
    assert path.parent == tmp_path / "decks"
    assert path.suffix == ".apkg"


def test_build_is_byte_identical_with_source_date_epoch(tmp_path, monkeypatch):
    """Two builds of the same sources into different folders give the same bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for out in ("one", "two"):
        result = run("build", str(SEED), "--out", str(tmp_path / out))
        assert result.exit_code == 0, result.output
    one, two = folder_state(tmp_path / "one"), folder_state(tmp_path / "two")
    assert list(one) == list(two)
    assert len(one) == 1
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
    assert len(outputs[0]) == 1
    assert outputs[0] == outputs[1]


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
    assert_clean_failure(result)
    assert errors(result).splitlines() == ["nope.md: error: no such file or folder"]
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
    assert len(before) == 1

    changed = GOOD_SOURCE + "- **Gamma:** third letter\n"
    (sources / "a-good.md").write_text(changed, encoding="utf-8")
    (sources / "z-bad.md").write_bytes(b"# Bad\n\n- **A:** \xff\n")
    second = run("build", str(sources), "--out", str(out))
    assert_clean_failure(second)
    assert "invalid UTF-8" in errors(second)
    assert folder_state(out) == before


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
