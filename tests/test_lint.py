"""``deckbuilder lint``: what fails ``--strict`` (what a team fails a pull request for) and what
is advice, the code width as a setting, and ``build`` showing lint's warnings (also when it
has nothing to do and says what the last build said)."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder import stamp
from builder.lint import CODE_WIDTH

from support import run, write

LINE = "x = " + "a" * 56  # 60 columns
CODE = f"# Code\n\n## Shell\n\n```python\n# Name it\n{LINE}\n```\n"
WIDE = (
    "src/code.md:6: warning: code line of 60 columns is wider than 40 (--code-width): it scrolls"
    " sideways; break it, or allow it with --code-width 60"
)
LONG = " ".join(["word"] * 130)  # 649 characters
ESSAY = f"# Essay\n\n## Long\n\n- **Essay:** {LONG}\n"
NOTE = "src/essay.md:5: note: answer of “Long — Essay?” is 649 characters, over the budget of 600: split it"
TWICE = "## Storage\n\n- **Engine:** RocksDB\n\n"
TWIN = (
    "src/dup.md:13: warning: “Storage — Engine?” is the same card as at src/dup.md:5"
    " (a duplicated section?): learners would study it twice"
)


@pytest.fixture(autouse=True)
def _workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_the_default_width_is_80_columns():
    assert CODE_WIDTH == 80


def test_a_60_column_code_line_passes_strict_by_default():
    write({"src/code.md": CODE})
    result = run("lint", "src", "--strict")
    assert (result.exit_code, result.stderr) == (0, "")


def test_a_60_column_code_line_fails_strict_with_a_width_of_40():
    write({"src/code.md": CODE})
    result = run("lint", "src", "--strict", "--code-width", "40")
    assert (result.exit_code, result.stderr.splitlines()) == (1, [WIDE])
    result = run("lint", "src", "--code-width", "40")  # a warning alone fails only --strict
    assert (result.exit_code, result.stderr.splitlines()) == (0, [WIDE])
    result = run("lint", "src", "--strict", "--code-width", "60")  # as wide as the width: fine
    assert (result.exit_code, result.stderr) == (0, "")


@pytest.mark.parametrize("width", ["0", "-1", "wide"])
def test_a_width_that_is_not_a_positive_number_is_refused(width):
    write({"src/code.md": CODE})
    result = run("lint", "src", "--code-width", width)
    assert result.exit_code == 2
    assert "Invalid value for '--code-width'" in result.stderr


def test_an_answer_over_the_budget_is_a_note_that_never_fails():
    write({"src/essay.md": ESSAY})
    result = run("lint", "src", "--strict")
    assert (result.exit_code, result.stderr.splitlines()) == (0, [NOTE])


def test_a_duplicated_card_fails_strict():
    write({"src/dup.md": "# Dup\n\n" + TWICE + "## Other\n\n- **Port:** 80\n\n" + TWICE})
    result = run("lint", "src", "--strict")
    assert (result.exit_code, result.stderr.splitlines()) == (1, [TWIN])


def test_a_warning_found_while_reading_still_fails_strict():
    write({"src/draft.md": "# Draft\n\n## Ideas\n\n**Work in progress**\n\n## Facts\n\n- **K:** v\n"})
    result = run("lint", "src", "--strict")
    assert (result.exit_code, result.stderr) == (1, "src/draft.md:3: warning: section “Ideas” gave no card\n")


def test_the_help_says_what_fails_strict():
    shown = run("lint", "--help").stdout
    assert "Warnings (exit 1 with --strict)" in " ".join(shown.split())
    assert "Notes (advice, never exit 1)" in " ".join(shown.split())
    assert "--code-width COLUMNS" in shown and "[default: 80; x>=1]" in shown
    assert "--code-width COLUMNS" in run("build", "--help").stdout


def test_build_shows_the_warning_lint_shows_also_when_it_has_nothing_to_do():
    write({"src/code.md": CODE, "src/essay.md": ESSAY})
    lint = run("lint", "src", "--code-width", "40")
    assert lint.stderr.splitlines() == [WIDE, NOTE]
    first = run("build", "src", "--out", "decks", "--code-width", "40")
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines() == [WIDE]  # the warning; notes are advice, for lint
    assert run("build", "src", "--out", "decks").stderr == ""  # 80 columns: no warning
    # The same build again: nothing to do, and it says what it said.
    assert run("build", "src", "--out", "decks").stderr == ""
    again = run("build", "src", "--out", "decks", "--code-width", "40")
    assert (again.exit_code, again.stderr.splitlines()) == (0, [WIDE])
    kept = stamp.load(["src"], Path("decks"))
    assert kept is not None and [str(d) for d in kept.warnings] == [WIDE]  # what the shortcut says again
    repeated = run("build", "src", "--out", "decks", "--code-width", "40")
    assert (repeated.exit_code, repeated.stderr.splitlines()) == (0, [WIDE])
    assert repeated.stdout == again.stdout == first.stdout.replace("first release", "unchanged")
    assert run("build", "src", "--out", "decks").stderr == ""  # and the default's own report
