"""Bad, odd and hostile input through the real command line.

Every test runs ``builder.cli.main`` in its own working folder on sources it writes, and checks
what a user sees: the exact lines on standard error, the exit status, no traceback, and (for bad
input) that the decks an earlier build left in ``--out`` are untouched, with no file added.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from builder import progress
from builder.cli import main

from support import import_apkg, png, run

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "source" / "rust-web3-interview.md"
WRITING = ROOT / "docs" / "writing.md"

EPOCH = 1_700_000_000

GOOD = "# Good\n\n## Part\n\n- **Alpha:** one\n- **Beta:** two\n"
"""The deck every bad-input test builds first: ``good/good.md`` into ``decks/``."""

LAUGHS = "\n".join(
    ['lol0: &lol0 "lol"'] + [f"lol{n}: &lol{n} [{', '.join([f'*lol{n - 1}'] * 9)}]" for n in range(1, 10)]
)
"""Billion laughs: ten lines that expand into 9**9 strings when aliases are followed."""


# --- Helpers ----------------------------------------------------------------------------------


def write(files: dict[str, str | bytes]) -> None:
    """Write files (relative to the working folder), making their folders."""
    for name, content in files.items():
        path = Path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def snapshot(folder: str | Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden ones too), by relative path, with its bytes."""
    base = Path(folder)
    return {str(p.relative_to(base)): p.read_bytes() for p in sorted(base.rglob("*")) if p.is_file()}


def assert_no_traceback(result: Result) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output


def assert_fails_with(result: Result, lines: list[str]) -> None:
    """Exit status 1, exactly ``lines`` on stderr, nothing on stdout, no traceback."""
    assert_no_traceback(result)
    assert result.stderr.splitlines() == lines
    assert result.exit_code == 1
    assert result.stdout == ""


def assert_builds(result: Result) -> None:
    """Exit status 0, nothing on stderr, no traceback."""
    assert_no_traceback(result)
    assert result.stderr == ""
    assert result.exit_code == 0, result.output


def cards_json(*paths: str) -> list[dict]:
    """The notes ``cards --json`` prints (the command must succeed quietly)."""
    result = run("cards", *paths, "--json")
    assert_builds(result)
    return [json.loads(line) for line in result.stdout.splitlines()]


def apkg_notes(apkg: Path, scratch: Path) -> dict[str, dict]:
    """The notes inside an .apkg by GUID: fields (in order), tags and the deck of its cards."""
    scratch.mkdir(parents=True, exist_ok=True)
    db = scratch / "collection.anki2"
    with zipfile.ZipFile(apkg) as zf:
        db.write_bytes(zf.read("collection.anki2"))
    conn = sqlite3.connect(db)
    try:
        (decks_json,) = conn.execute("SELECT decks FROM col").fetchone()
        names = {int(did): deck["name"] for did, deck in json.loads(decks_json).items()}
        notes = {}
        for guid, flds, tags, did in conn.execute(
            "SELECT n.guid, n.flds, n.tags, c.did FROM notes n JOIN cards c ON c.nid = n.id"
        ):
            notes[guid] = {"fields": flds.split("\x1f"), "tags": tags.split(), "deck": names[did]}
    finally:
        conn.close()
    return notes


def docs_yaml_example() -> str:
    """The card file docs/writing.md shows under "Hand-written cards (YAML)"."""
    text = WRITING.read_text(encoding="utf-8")
    section = text.split("## Hand-written cards (YAML)", 1)[1]
    return section.split("```yaml\n", 1)[1].split("```", 1)[0]


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test in its own folder, with a fixed release time.

    Off a terminal, a build reading several sources prints ``[n/N] path`` progress lines on
    stderr once it has taken a second; on a slow machine they would mix with the exact lines
    checked here, so they are held off.
    """
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.setattr(progress, "QUIET_SECONDS", math.inf)
    return tmp_path


@pytest.fixture
def before() -> dict[str, bytes]:
    """A deck built into ``decks/``, whose source then changed (a build would write 1.1.0).

    Returns the files of ``decks/``: a failed build must leave them exactly so.
    """
    write({"good/good.md": GOOD})
    assert_builds(run("build", "good", "--out", "decks"))
    write({"good/good.md": GOOD + "- **Gamma:** three\n"})
    state = snapshot("decks")
    assert sorted(state) == ["good-1.0.0.apkg", "good.changelog.md", "good.manifest.json"]
    return state


def build_bad(before: dict[str, bytes], lines: list[str], *paths: str) -> None:
    """``build good <paths> --out decks`` fails with exactly ``lines``; ``decks/`` is as it was."""
    result = run("build", "good", *(paths or ("src",)), "--out", "decks")
    assert_fails_with(result, lines)
    assert snapshot("decks") == before


# --- 1. Bad input: one line each, exit 1, nothing written --------------------------------------


BAD_INPUT = [
    pytest.param(
        {"src/bad.md": b"# Bad\n\n## S\n\n- **Coffee:** caf\xe9\n"},
        ["src/bad.md:5: error: invalid UTF-8 (byte 0xe9); save the file as UTF-8"],
        id="invalid-utf8",
    ),
    pytest.param(
        {"src/bad.md": png()},
        ["src/bad.md: error: binary file, not text"],
        id="binary-named-md",
    ),
    pytest.param(
        {"src/bad.md": "---\ntitle: Notes\ntags: [a, b\ndeck: Systems\n---\n# Notes\n"},
        [
            "src/bad.md:4: error: front matter: invalid YAML: expected ',' or ']', but got ':';"
            ' close the “[” opened on line 3, or quote the value: tags: "[a, b"'
        ],
        id="front-matter-malformed",
    ),
    pytest.param(
        {"src/bad.md": "---\n- title\n- deck\n---\n# Notes\n"},
        ["src/bad.md:1: error: front matter must be a mapping of keys to values"],
        id="front-matter-list",
    ),
    pytest.param(
        {"src/bad.md": "---\ntitle: Notes\n\ndek: Systems\n---\n# Notes\n\n## S\n\n- **A:** b\n"},
        ["src/bad.md:4: error: unknown front matter key “dek”: did you mean “deck”?"],
        id="front-matter-unknown-key",
    ),
    pytest.param(
        {"src/bad.yaml": "cards:\n  - id: a\n    front: [Q\n    back: A\n"},
        [
            "src/bad.yaml:4: error: invalid YAML: expected ',' or ']', but got ':';"
            ' close the “[” opened on line 3, or quote the value: front: "[Q"'
        ],
        id="yaml-syntax",
    ),
    pytest.param(
        {"src/bad.yaml": "cards: []\n" + LAUGHS + "\n"},
        ["src/bad.yaml:2: error: YAML aliases are not allowed in card files"],
        id="yaml-alias-bomb",
    ),
    pytest.param(
        {"src/bad.md": "---\ntitle: Laughs\n" + LAUGHS + "\n---\n# Laughs\n"},
        ["src/bad.md:3: error: YAML aliases and anchors are not allowed here"],
        id="front-matter-alias-bomb",
    ),
    pytest.param(
        {"src/decks.yaml": "decks:\n  - deck: &name D\n    sources: [a.md]\n", "src/a.md": GOOD},
        ["src/decks.yaml:2: error: YAML aliases and anchors are not allowed here"],
        id="decks-yaml-alias",
    ),
    pytest.param(
        {
            "src/bad.yaml": (
                "cards:\n  - id: fine\n    front: Q?\n    back: A\n"
                "  - id: mpt-vs-verkle\n    front: Proof size?\n"
            )
        },
        ["src/bad.yaml:5: error: card “mpt-vs-verkle” has a front but no back"],
        id="card-without-back",
    ),
    pytest.param(
        {
            "src/a.yaml": "deck: Shared\ncards:\n  - id: x\n    front: Q?\n    back: A\n",
            "src/b.yaml": (
                "deck: Shared\ncards:\n  - id: y\n    front: R?\n    back: B\n  - id: x\n    front: S?\n    back: C\n"
            ),
        },
        ["src/b.yaml:6: error: card id “x” is already used at src/a.yaml:3"],
        id="same-id-in-two-files-of-one-deck",
    ),
    pytest.param(
        {"src/decks.yaml": "decks:\n  - deck: D\n    sources: [a.md, missing.md]\n", "src/a.md": GOOD},
        ["src/decks.yaml:2: error: “missing.md” matches no source file"],
        id="decks-yaml-missing-file",
    ),
    pytest.param(
        {
            "src/decks.yaml": "decks:\n  - deck: D\n    sources: [a.md]\n  - deck: E\n    sources: [a.md]\n",
            "src/a.md": GOOD,
        },
        ["src/decks.yaml:4: error: “a.md” is listed in two decks (“D” and “E”)"],
        id="decks-yaml-source-in-two-decks",
    ),
]


@pytest.mark.parametrize(("files", "lines"), BAD_INPUT)
def test_bad_input_is_one_line_and_writes_nothing(before, files, lines):
    write(files)
    build_bad(before, lines)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        pytest.param(
            "bad.yaml",
            "cards: []\n" + LAUGHS + "\n",
            "YAML aliases are not allowed in card files",
            id="card-file",
        ),
        pytest.param(
            "bad.md",
            "---\ntitle: Laughs\n" + LAUGHS + "\n---\n# Laughs\n",
            "YAML aliases and anchors are not allowed here",
            id="front-matter",
        ),
    ],
)
def test_alias_bomb_is_refused(before, name, text, message):
    """Refused before anything expands: one line, exit 1."""
    write({f"src/{name}": text})
    result = run("build", "good", "src", "--out", "decks")
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert re.fullmatch(rf"src/{re.escape(name)}:\d+: error: {message}\n", result.stderr), result.stderr
    assert snapshot("decks") == before


@pytest.mark.parametrize(
    "named",
    [
        pytest.param("src", id="found-in-folder"),
        pytest.param(
            "src/locked.md",
            id="named-on-command-line",
        ),
    ],
)
def test_unreadable_file_is_one_line(before, named):
    write({"src/locked.md": GOOD})
    locked = Path("src/locked.md")
    locked.chmod(0)
    try:
        try:
            locked.read_bytes()
        except PermissionError:
            pass
        else:
            pytest.skip("this user can read a file with mode 000 (root)")
        build_bad(before, ["src/locked.md: error: cannot read file: Permission denied"], named)
    finally:
        locked.chmod(0o644)


def test_output_folder_that_cannot_be_written(before):
    write({"blocker": "a plain file\n"})
    result = run("build", "good", "--out", "blocker/decks")
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert re.fullmatch(r"blocker/decks(/[^:\n]+)?: error: cannot write: Not a directory\n", result.stderr), (
        result.stderr
    )
    assert Path("blocker").read_text(encoding="utf-8") == "a plain file\n"
    assert snapshot("decks") == before


SEVERAL = {
    "src/a.md": (
        "---\n"  # 1
        "title: A\n"  # 2
        "dek: x\n"  # 3
        "---\n"  # 4
        "# A\n"  # 5
        "\n"  # 6
        "## S\n"  # 7
        "\n"  # 8
        "- **One:** ![x](nope.png)\n"  # 9
        "- **Two:** fine\n"  # 10
        "- **Three:** ![y](gone.png)\n"  # 11
    ),
    "src/b.yaml": "deck: Shared\ncards:\n  - id: x\n    front: Q?\n    back: A\n  - id: y\n    front: Only?\n",
    "src/c.md": b"# C\n\n- **Bad:** \xff\n",
    "src/d.yaml": "deck: Shared\ncards:\n  - id: x\n    front: Again?\n    back: B\n",
}
SEVERAL_LINES = [
    "src/a.md:3: error: unknown front matter key “dek”: did you mean “deck”?",
    "src/a.md:9: error: image “nope.png” not found",
    "src/a.md:11: error: image “gone.png” not found",
    "src/b.yaml:6: error: card “y” has a front but no back",
    "src/c.md:3: error: invalid UTF-8 (byte 0xff); save the file as UTF-8",
    "src/d.yaml:3: error: card id “x” is already used at src/b.yaml:3",
]


def test_several_problems_are_reported_in_one_run_sorted(before):
    """Every problem of every file, sorted by file then line (9 before 11), one stop."""
    write(SEVERAL)
    build_bad(before, SEVERAL_LINES, "src/c.md", "src")


@pytest.mark.parametrize("command", ["cards", "diff", "lint"])
def test_other_commands_report_the_same_problems(before, command):
    write(SEVERAL)
    result = run(command, "good", "src/c.md", "src", *(("--out", "decks") if command != "lint" else ()))
    assert_fails_with(result, SEVERAL_LINES)
    assert snapshot("decks") == before


# --- 1b. A path that does not exist: one line, exit 2, before any work ---------------------------

COMMANDS = ["build", "cards", "diff", "preview", "lint", "watch"]
"""Every command that takes source paths."""


def assert_no_such_path(result: Result, shown: str) -> None:
    """Exactly the one line naming ``shown`` on stderr, exit status 2, nothing else."""
    assert_no_traceback(result)
    assert result.stderr == f"deckbuilder: no such file or folder: {shown}\n"
    assert result.exit_code == 2
    assert result.stdout == ""


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_path_is_one_line_exit_2(workdir, command):
    result = run(command, "notez")
    assert_no_such_path(result, "notez")
    assert sorted(os.listdir(workdir)) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_path_beside_a_good_one_stops_before_any_work(before, command):
    """``good`` exists and has changes to build; ``notez`` stops the command before it reads them."""
    decks = {"lint": [], "preview": ["--decks", "decks"]}.get(command, ["--out", "decks"])
    result = run(command, "good", "notez", *decks)
    assert_no_such_path(result, "notez")
    assert snapshot("decks") == before
    assert sorted(os.listdir()) == ["decks", "good"]


@pytest.mark.parametrize("command", COMMANDS)
def test_missing_default_source_folder_is_named(workdir, command):
    """No path given and no ``source/`` here: the same line, naming ``source``."""
    result = run(command)
    assert_no_such_path(result, "source")
    assert sorted(os.listdir(workdir)) == []


def test_watch_on_a_missing_path_exits_at_once():
    """The real program: watch does not start watching, says one line and exits 2."""
    process = subprocess.run(
        [sys.executable, "-m", "builder", "watch", "notez"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert process.stderr == "deckbuilder: no such file or folder: notez\n"
    assert process.stdout == ""
    assert process.returncode == 2


# --- 2. Odd but valid input builds -------------------------------------------------------------


def test_ragged_table_rows_build():
    """A short row leaves its missing cells out; a long row's extra cell is dropped (GFM)."""
    write(
        {
            "ragged.md": "# Ragged\n\n## Ports\n\n| Service | Port | Proto |\n|---|---|---|\n"
            "| web | 80 |\n| db | 5432 | tcp | extra |\n| dns | 53 | udp |\n"
        }
    )
    assert_builds(run("build", "ragged.md", "--out", "decks"))
    notes = cards_json("ragged.md")
    assert [(n["prompt"], n["answer"]) for n in notes] == [
        ("Ports — web: Port?", "80"),
        ("Ports — db: Port?", "5432"),
        ("Ports — db: Proto?", "tcp"),
        ("Ports — dns: Port?", "53"),
        ("Ports — dns: Proto?", "udp"),
    ]


def test_list_nested_300_deep_builds_and_what_follows_is_read():
    nested = "".join("  " * depth + f"- level {depth}\n" for depth in range(300))
    write({"nested.md": "# Nested\n\n## Deep\n\n" + nested + "\n## After\n\n- **K:** v\n"})
    assert_builds(run("build", "nested.md", "--out", "decks"))
    notes = cards_json("nested.md")
    after = [n for n in notes if n["prompt"] == "After — K?"]
    assert [(n["answer"], n["source"]) for n in after] == [("v", f"nested.md:{4 + 300 + 4}")]
    levels = [n["answer"] for n in notes if n["prompt"] != "After — K?"]
    assert any("level 0" in a for a in levels) and any("level 299" in a for a in levels)


def test_line_of_two_megabytes_builds():
    blob = "x" * (2 * 1024 * 1024)
    write({"blob.md": f"# Blob\n\n## Big\n\n**Start:** {blob} end\n"})
    assert_builds(run("build", "blob.md", "--out", "decks"))
    [note] = cards_json("blob.md")
    assert note["prompt"] == "Big — Start?"
    assert note["answer"] == f"{blob} end"


def test_raw_html_is_shown_escaped():
    write(
        {
            "raw.md": "# Raw\n\n## Markup\n\n<script>alert(1)</script>\n\n"
            '<div onclick="steal()">click</div>\n\n'
            '- **Tag:** <script>alert(2)</script>\n- **Div:** <div onclick="x()">y</div>\n'
        }
    )
    assert_builds(run("build", "raw.md", "--out", "decks"))
    notes = cards_json("raw.md")
    answers = {n["prompt"]: n["fields"]["Answer"] for n in notes}
    assert answers == {
        "Markup — Tag?": "<p>&lt;script&gt;alert(2)&lt;/script&gt;</p>",
        "Markup — Div?": "<p>&lt;div onclick=&quot;x()&quot;&gt;y&lt;/div&gt;</p>",
    }
    for note in notes:
        for value in note["fields"].values():
            assert "<script" not in value
            assert not re.search(r"<[^<>]*\sonclick\s*=", value), value


@pytest.mark.parametrize(
    ("name", "text", "deck"),
    [
        pytest.param("empty.md", "", "empty", id="empty-file"),
        pytest.param("titled.md", "# Only a title\n", "Only a title", id="title-only"),
    ],
)
def test_source_without_cards_builds_an_empty_deck(name, text, deck):
    write({name: text})
    result = run("build", name, "--out", "decks")
    assert_builds(result)
    assert result.stdout.startswith(f"{deck}: 0 notes")
    assert cards_json(name) == []
    [apkg] = Path("decks").glob("*.apkg")
    with zipfile.ZipFile(apkg) as zf:
        assert "collection.anki2" in zf.namelist()


# --- 3. Nested deeper than the reader goes ------------------------------------------------------


DEEP_MESSAGE = "error: nested more than 2000 levels deep; the rest cannot be read"


def test_quote_nested_3000_deep_is_one_line_error(before):
    write({"src/deep.md": "# Deep\n\n## S\n\n" + ">" * 3000 + " bottom\n"})
    build_bad(before, [f"src/deep.md:5: {DEEP_MESSAGE}"])


def test_list_nested_2100_deep_is_one_line_error(before):
    """Deeper than 2000 levels (an indented list 2,100 deep is 4.4 MB: under the size limit)."""
    nested = "".join("  " * depth + f"- level {depth}\n" for depth in range(2100))
    write({"src/deep.md": "# Deep\n\n## S\n\n" + nested})
    result = run("build", "good", "src", "--out", "decks")
    assert_no_traceback(result)
    assert result.exit_code == 1
    match = re.fullmatch(rf"src/deep\.md:(\d+): {DEEP_MESSAGE}\n", result.stderr)
    assert match, result.stderr
    assert 5 <= int(match[1]) <= 2104  # a line of the list
    assert snapshot("decks") == before


def test_quote_nested_exactly_2000_deep_builds():
    write({"deep.md": "# Deep\n\n## S\n\n" + ">" * 2000 + " bottom\n\n## After\n\n- **K:** v\n"})
    assert_builds(run("build", "deep.md", "--out", "decks"))
    assert "After — K?" in [n["prompt"] for n in cards_json("deep.md")]


# --- 4. lint ------------------------------------------------------------------------------------


LONG_VALUE = " ".join(["word"] * 130)  # 649 characters

LINT_SOURCE = f"""\
# Lint

## Code

A long line:

```python
x = "{"a" * 76}"
```

## Long

- **Essay:** {LONG_VALUE}

## Draft

**Work in progress**

## Twice

- **K:** one
- **K:** two

## Header only

| A | B |
|---|---|
"""
LINT_WARNINGS = [
    "src/lint.md:8: warning: code line of 82 columns is wider than 80 (--code-width): it scrolls sideways;"
    " break it, or allow it with --code-width 82",
    "src/lint.md:13: note: answer of “Long — Essay?” is 649 characters, over the budget of 600: split it",
    "src/lint.md:15: warning: section “Draft” gave no card",
    "src/lint.md:22: warning: ambiguous prompt “Twice — K?”: also asked at line 21 with another answer;"
    " numbered (2) to tell them apart",
    "src/lint.md:24: warning: section “Header only” gave no card",
]


def test_lint_with_only_warnings_exits_0():
    write({"src/lint.md": LINT_SOURCE})
    result = run("lint", "src")
    assert_no_traceback(result)
    assert result.stderr.splitlines() == LINT_WARNINGS
    assert result.exit_code == 0


def test_lint_strict_exits_1_on_warnings():
    write({"src/lint.md": LINT_SOURCE})
    assert_fails_with(run("lint", "src", "--strict"), LINT_WARNINGS)


def test_lint_names_both_places_of_a_duplicated_card():
    """A section pasted twice gives two identical notes; lint names each copy's place."""
    section = "## Storage\n\n- **Engine:** RocksDB\n- **Replicas:** three\n\n"
    write({"src/dup.md": "# Dup\n\n" + section + "## Network\n\n- **Transport:** QUIC\n\n" + section})
    result = run("lint", "src")
    assert_no_traceback(result)
    assert result.stderr.splitlines() == [
        f"src/dup.md:{line}: warning: “Storage — {ask}?” is the same card as at src/dup.md:{was}"
        " (a duplicated section?): learners would study it twice"
        for line, ask, was in ((14, "Engine", 5), (15, "Replicas", 6))
    ]
    assert result.exit_code == 0


def test_lint_output_is_sorted_by_file_then_line():
    """Files named in reverse order come out in file order; line 9 before line 103 (numbers, not text)."""
    pad = "\n" * 90
    write(
        {
            "src/a.md": f"# A\n\n## S\n\n```sh\n# one\n{'a' * 81}\n```\n\n## B\n\n**Only bold**\n{pad}\n## C\n\n**Bold**\n",
            "src/b.md": "# B\n\n## T\n\n```sh\n# one\n" + "b" * 90 + "\n```\n",
        }
    )
    result = run("lint", "src/b.md", "src/a.md")
    assert_no_traceback(result)
    assert result.stderr.splitlines() == [
        "src/a.md:6: warning: code line of 81 columns is wider than 80 (--code-width): it scrolls sideways;"
        " break it, or allow it with --code-width 81",
        "src/a.md:10: warning: section “B” gave no card",
        "src/a.md:104: warning: section “C” gave no card",
        "src/b.md:6: warning: code line of 90 columns is wider than 80 (--code-width): it scrolls sideways;"
        " break it, or allow it with --code-width 90",
    ]
    assert result.exit_code == 0


def test_missing_image_is_the_same_error_in_lint_and_build(before):
    write({"src/lint.md": LINT_SOURCE + "\n## Picture\n\n- **Diagram:** ![arch](img/a.png)\n"})
    error = "src/lint.md:31: error: image “img/a.png” not found"
    assert_fails_with(run("lint", "src"), [*LINT_WARNINGS, error])
    build_warnings = [line for line in LINT_WARNINGS if "gave no card" in line or "ambiguous" in line]
    build_bad(before, [*build_warnings, error])


# --- 5. Images ----------------------------------------------------------------------------------


def test_image_is_packed_under_its_content_hash(workdir):
    picture = png()
    name = hashlib.sha256(picture).hexdigest()[:20] + ".png"
    write(
        {
            "src/pics.md": "# Pics\n\n## Design\n\n- **Architecture:** ![arch](img/a.png)\n",
            "src/img/a.png": picture,
        }
    )
    assert_builds(run("build", "src", "--out", "decks"))
    [note] = cards_json("src")
    assert note["fields"]["Answer"] == f'<p><img src="{name}" alt="arch" /></p>'
    apkg = Path("decks/pics-1.0.0.apkg")
    with zipfile.ZipFile(apkg) as zf:
        assert sorted(zf.namelist()) == ["0", "collection.anki2", "media"]
        assert json.loads(zf.read("media")) == {"0": name}
        assert zf.read("0") == picture
    packed = apkg_notes(apkg, workdir / "scratch")
    assert packed[note["guid"]]["fields"] == list(note["fields"].values())


def test_packing_images_gives_new_cards_and_leaves_the_read_ones_alone(workdir):
    """Images are pointed at their packed names in new cards; the cards read stay as written,
    so reading them again (or rendering them without packing) never sees a packed name."""
    from builder.extract import extract
    from builder.media import attach, images
    from builder.read import read

    write(
        {
            "src/pics.md": "# Pics\n\n## Design\n\n- **Architecture:** ![arch](img/a.png)\n",
            "src/img/a.png": png(),
        }
    )
    cards = list(extract(read(Path("src/pics.md"), "src/pics.md")).cards)
    packed, files, problems = attach(cards, Path("src/pics.md"), Path("src"))
    assert problems == [] and [f.name for f in files] == [hashlib.sha256(png()).hexdigest()[:20] + ".png"]
    assert [tok.attrs["src"] for card in cards for tok, _ in images(card)] == ["img/a.png"]
    assert [tok.attrs["src"] for card in packed for tok, _ in images(card)] == [files[0].name]
    assert attach(cards, Path("src/pics.md"), Path("src"))[0] == packed


@pytest.mark.parametrize(
    ("src", "message"),
    [
        pytest.param("../../x.png", "image “../../x.png” is outside the source folder src/", id="outside"),
        pytest.param(
            "/abs/x.png",
            "image “/abs/x.png” has an absolute path; give it relative to the source",
            id="absolute",
        ),
        pytest.param("img/missing.png", "image “img/missing.png” not found", id="missing"),
    ],
)
def test_image_that_cannot_be_packed_names_file_and_line(before, src, message):
    write(
        {
            "x.png": png(),
            "src/pics.md": f"# Pics\n\n## Design\n\nThe design:\n\n- **Architecture:** ![arch]({src})\n",
        }
    )
    build_bad(before, [f"src/pics.md:7: error: {message}"])


# --- 6. Deck configuration ----------------------------------------------------------------------


CONFIGURED = """\
---
title: Distributed systems notes
{key}
---

## 1) Consensus

- **Quorum:** a majority of nodes

```sh
# Start a node
raft start
```

## Scratch

- **Todo:** tidy up

## Storage

- **WAL:** write-ahead log
"""


def configured(key: str) -> list[dict]:
    """Build ``notes.md`` (``CONFIGURED`` with one front matter line) and return its notes."""
    write({"notes.md": CONFIGURED.format(key=key)})
    assert_builds(run("build", "notes.md", "--out", "decks"))
    return cards_json("notes.md")


def test_front_matter_deck_names_the_deck_and_its_file():
    notes = configured("deck: Systems::Notes")
    assert {n["deck"] for n in notes} == {"Systems::Notes"}
    assert [p.name for p in Path("decks").glob("*.apkg")] == ["systems-notes-1.0.0.apkg"]


def test_front_matter_tags_are_on_every_note(workdir):
    notes = configured("tags: [systems, raft]")
    assert len(notes) == 4
    for note in notes:
        assert {"systems", "raft"} <= set(note["tags"]), note["prompt"]
    [apkg] = Path("decks").glob("*.apkg")
    for packed in apkg_notes(apkg, workdir / "scratch").values():
        assert {"systems", "raft"} <= set(packed["tags"])


def test_front_matter_subdecks_put_notes_in_their_top_section(workdir):
    notes = configured("deck: Systems\nsubdecks: true")
    decks = {n["prompt"]: n["deck"] for n in notes}
    assert decks == {
        "Consensus — Quorum?": "Systems::1) Consensus",
        "Consensus — Start a node: command?": "Systems::1) Consensus",
        "Scratch — Todo?": "Systems::Scratch",
        "Storage — WAL?": "Systems::Storage",
    }
    packed = apkg_notes(Path("decks/systems-1.0.0.apkg"), workdir / "scratch")
    assert {guid: n["deck"] for guid, n in packed.items()} == {n["guid"]: n["deck"] for n in notes}


def test_front_matter_skip_leaves_a_section_out():
    notes = configured("skip: [Scratch]")
    assert [n["prompt"] for n in notes] == [
        "Consensus — Quorum?",
        "Consensus — Start a node: command?",
        "Storage — WAL?",
    ]


def test_front_matter_exclude_leaves_a_kind_out():
    notes = configured("exclude: [code]")
    assert [n["prompt"] for n in notes] == ["Consensus — Quorum?", "Scratch — Todo?", "Storage — WAL?"]
    assert "code" not in {n["kind"] for n in notes}


def test_decks_yaml_gathers_markdown_and_yaml_into_one_deck(workdir):
    write(
        {
            "src/notes.md": "# Notes\n\n## Part\n\n- **Alpha:** one\n",
            "src/extra.yaml": "tags: [mine]\ncards:\n  - id: x\n    front: Q?\n    back: A\n",
            "src/decks.yaml": "decks:\n  - deck: Combined\n    sources: [notes.md, extra.yaml]\n    tags: [group]\n",
        }
    )
    result = run("build", "src", "--out", "decks")
    assert_builds(result)
    assert sorted(p.name for p in Path("decks").iterdir()) == [
        "combined-1.0.0.apkg",
        "combined.changelog.md",
        "combined.manifest.json",
    ]
    notes = cards_json("src")
    assert sorted((n["deck"], n["prompt"], n["source"]) for n in notes) == [
        ("Combined", "Part — Alpha?", "src/notes.md:5"),
        ("Combined", "Q?", "src/extra.yaml:3"),
    ]
    for note in notes:
        assert "group" in note["tags"], note["prompt"]
    packed = apkg_notes(Path("decks/combined-1.0.0.apkg"), workdir / "scratch")
    assert set(packed) == {n["guid"] for n in notes}
    assert all("group" in n["tags"] for n in packed.values())


# --- 7. YAML decks in a real Anki collection ----------------------------------------------------


@pytest.fixture
def docs_yaml_deck() -> tuple[Path, list[dict]]:
    """The card file of docs/writing.md, built: its .apkg and its ``cards --json`` notes."""
    write({"src/extras.yaml": docs_yaml_example()})
    assert_builds(run("build", "src", "--out", "decks"))
    [apkg] = Path("decks").glob("*.apkg")
    return apkg, cards_json("src")


def test_docs_card_file_builds(docs_yaml_deck):
    apkg, notes = docs_yaml_deck
    assert apkg.name == "rust-web3-interview-extras-1.0.0.apkg"
    assert [(n["key"], n["kind"], n["model"]) for n in notes] == [
        ("card:tokio-runtime", "fact", "prompt"),
        ("card:sealevel-locks", "cloze", "cloze"),
        ("card:mpt-vs-verkle", "fact", "reverse"),
        ("card:postgres-port", "fact", "typein"),
    ]


def test_yaml_deck_imports_as_exactly_the_notes_of_cards_json(docs_yaml_deck, collection):
    apkg, notes = docs_yaml_deck
    import_apkg(collection, apkg)
    imported = {collection.get_note(nid).guid: collection.get_note(nid) for nid in collection.find_notes("")}
    assert set(imported) == {n["guid"] for n in notes}
    for expected in notes:
        note = imported[expected["guid"]]
        assert dict(note.items()) == expected["fields"], expected["key"]
        assert list(note.keys()) == list(expected["fields"]), expected["key"]
        assert set(note.tags) == set(expected["tags"]), expected["key"]
        assert {collection.decks.name(card.did) for card in note.cards()} == {expected["deck"]}


def test_yaml_cloze_note_generates_a_card(docs_yaml_deck, collection):
    apkg, notes = docs_yaml_deck
    import_apkg(collection, apkg)
    [cloze] = [n for n in notes if n["kind"] == "cloze"]
    [note] = [n for n in map(collection.get_note, collection.find_notes("")) if n.guid == cloze["guid"]]
    assert len(note.card_ids()) == 1


def test_yaml_deck_reimport_adds_nothing(docs_yaml_deck, collection):
    apkg, notes = docs_yaml_deck
    first = import_apkg(collection, apkg)
    assert len(first.new) == len(notes)
    counts = (collection.note_count(), collection.card_count())
    second = import_apkg(collection, apkg)
    assert list(second.new) == []
    assert (collection.note_count(), collection.card_count()) == counts


# --- A killed build -----------------------------------------------------------------------------


COPIES = 8


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """``COPIES`` copies of the seed (``# Title N``) released as 1.0.0, then each given one more fact."""
    base = tmp_path_factory.mktemp("killed")
    body = SEED.read_text(encoding="utf-8").split("\n", 1)[1]
    sources = base / "src"
    sources.mkdir()
    for n in range(1, COPIES + 1):
        (sources / f"seed-{n:02}.md").write_text(f"# Title {n}\n{body}", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(sources), "--out", str(base / "decks")])
    assert result.exit_code == 0, result.output
    for source in sources.iterdir():
        source.write_text(
            source.read_text(encoding="utf-8") + "\n## Added\n\n- **New:** fact\n", encoding="utf-8"
        )
    return base


def staged(out: Path) -> bool:
    return any(name.endswith(".tmp") for name in os.listdir(out))


@pytest.mark.parametrize(
    ("when", "delay"),
    [
        pytest.param("start", 0.3, id="0.3s-after-start"),
        pytest.param("writing", 0.0, id="first-staged-file"),
        pytest.param("writing", 0.01, id="0.01s-into-writing"),
        pytest.param("writing", 0.03, id="0.03s-into-writing"),
    ],
)
def test_killed_build_leaves_valid_decks(released, workdir, monkeypatch, when, delay):
    work = workdir / "work"
    shutil.copytree(released, work)
    out = work / "decks"
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "build", "src", "--out", "decks"],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if when == "writing":
            deadline = time.monotonic() + 60
            while process.poll() is None and not staged(out) and time.monotonic() < deadline:
                time.sleep(0.002)
        time.sleep(delay)
        if process.poll() is not None:
            pytest.skip("the build finished before it could be killed")
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait()
    assert process.returncode == -signal.SIGKILL

    for apkg in out.glob("*.apkg"):
        with zipfile.ZipFile(apkg) as zf:
            assert zf.testzip() is None, apkg.name
            assert "collection.anki2" in zf.namelist(), apkg.name
    manifests = sorted(out.glob("*.manifest.json"))
    assert len(manifests) == COPIES
    for path in manifests:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        slug = path.name.removesuffix(".manifest.json")
        assert (out / f"{slug}-{manifest['version']}.apkg").is_file(), path.name

    monkeypatch.chdir(work)
    again = run("build", "src", "--out", "decks")
    assert_no_traceback(again)
    assert again.exit_code == 0, again.output
    assert not staged(out)
    versions = {json.loads(p.read_text(encoding="utf-8"))["version"] for p in out.glob("*.manifest.json")}
    assert versions == {"1.1.0"}


def test_build_after_a_kill_removes_the_previous_apkg_left_behind(before):
    assert_builds(run("build", "good", "--out", "decks"))
    (Path("decks") / "good-1.0.0.apkg").write_bytes(before["good-1.0.0.apkg"])  # as a kill leaves it
    assert_builds(run("build", "good", "--out", "decks"))
    assert sorted(p.name for p in Path("decks").iterdir()) == [
        "good-1.1.0.apkg",
        "good.changelog.md",
        "good.manifest.json",
    ]


def test_control_characters_never_reach_a_field(tmp_path):
    """U+001F separates Anki's fields: one in a source made the whole deck unimportable."""
    anki_collection = pytest.importorskip("anki.collection")
    from support import import_apkg, run

    source = tmp_path / "s.md"
    source.write_text("# S\n\n- **A:** b\x1fc\n- **D:** e\x07f\x85g\n", encoding="utf-8")
    result = run("build", str(source), "--out", str(tmp_path / "decks"))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"{source}:3: warning: control character U+001F removed (it cannot stand in a card)",
        f"{source}:4: warning: control character U+0007 removed (it cannot stand in a card)",
    ]
    col = anki_collection.Collection(str(tmp_path / "c.anki2"))
    try:
        import_apkg(col, next((tmp_path / "decks").glob("*.apkg")))
        answers = sorted(col.get_note(nid)["Answer"] for nid in col.find_notes(""))
    finally:
        col.close()
    assert answers == ["<p>bc</p>", "<p>efg</p>"]


def test_a_killed_build_leaves_no_worker(tmp_path):
    """Workers end with their parent, however it ends (here: SIGKILL mid-build)."""
    import signal
    import subprocess
    import sys
    import time

    source = tmp_path / "source"
    source.mkdir()
    rows = "\n".join(f"| key {i} | value {i} |" for i in range(4000))
    for n in range(6):
        (source / f"t{n}.md").write_text(
            f"# T{n}\n\n## Rows\n\n| Key | Value |\n|---|---|\n{rows}\n", encoding="utf-8"
        )
    env = {**os.environ, "DECKBUILDER_CACHE": str(tmp_path / "cache")}
    build = subprocess.Popen(
        [sys.executable, "-m", "builder", "build", str(source), "--out", str(tmp_path / "decks")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    children: set[int] = set()
    deadline = time.monotonic() + 30
    while not children and time.monotonic() < deadline and build.poll() is None:
        time.sleep(0.05)
        for task in Path(f"/proc/{build.pid}/task").glob("*/children"):
            children |= {int(pid) for pid in task.read_text().split()}
    assert children, "the build never started its workers"
    os.kill(build.pid, signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in children):
        for pid in children:  # reap what is a zombie of ours
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, os.WNOHANG)
        time.sleep(0.1)
    alive = [
        pid
        for pid in children
        if Path(f"/proc/{pid}/status").exists() and "zombie" not in Path(f"/proc/{pid}/status").read_text()
    ]
    assert alive == []


def test_a_null_byte_in_an_image_path_is_one_line(tmp_path):
    from support import run

    source = tmp_path / "s.md"
    source.write_text("# S\n\n## P\n\n- **A:** ![a](in%00.png) b\n", encoding="utf-8")
    result = run("build", str(source), "--out", str(tmp_path / "decks"))
    assert result.exit_code == 1
    assert result.stderr == f"{source}:5: error: image path “in\\x00.png” holds a control character\n"


def test_a_full_temporary_folder_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    """The package's collection is made in the temporary folder; a full disk there is named."""
    from builder import package

    from support import run

    source = tmp_path / "s.md"
    source.write_text("# S\n\n## P\n\n- **A:** b\n", encoding="utf-8")
    real = package.sqlite3.connect

    def full(path, *args, **kwargs):
        conn = real(path, *args, **kwargs)
        conn.execute("PRAGMA max_page_count = 1")
        return conn

    monkeypatch.setattr(package.sqlite3, "connect", full)
    result = run("build", str(source), "--out", str(tmp_path / "decks"))
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("cannot make the package of “S” (temporary folder ") and line.endswith(
        "database or disk is full"
    )
    assert not (tmp_path / "decks").exists() or list((tmp_path / "decks").iterdir()) == []


# --- Limits: input no study document reaches fails at once -----------------------------------

OPEN_BRACKETS = "more than 256 “[” left open in one paragraph; close them or escape them as \\["


@pytest.mark.parametrize("name", ["src/big.md", "src/big.yaml", "src/big.curation.yaml", "src/decks.yaml"])
def test_file_over_5_mb_is_refused_before_it_is_read(before, name):
    write({"src/big.md": GOOD} if name != "src/big.md" else {})
    Path(name).parent.mkdir(exist_ok=True)
    with open(name, "wb") as sparse:  # 1 GB of nothing: reading it would take seconds and memory
        sparse.truncate(1 << 30)
    build_bad(before, [f"{name}: error: file is 1024.0 MB, more than the 5 MB a file may be; split it"])


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param("[" * 50_000, 5, id="brackets"),
        pytest.param("![" * 50_000, 5, id="image-brackets"),
        pytest.param("- **K:** " + "[x" * 50_000, 5, id="in-a-labelled-item"),
        pytest.param("[\n" * 300, 5 + 256, id="over-lines-of-one-paragraph"),
    ],
)
def test_thousands_of_open_brackets_fail_at_once(before, text, line):
    write({"src/bad.md": "# Bad\n\n## S\n\n" + text + "\n"})
    build_bad(before, [f"src/bad.md:{line}: error: {OPEN_BRACKETS}"])


def test_brackets_closed_escaped_or_in_separate_paragraphs_build():
    text = "[a] " * 5_000 + "\n\n" + "\\[" * 5_000 + "\n\n" + "\n\n".join(["[" * 200] * 50)
    write({"ok.md": "# Ok\n\n## S\n\n" + text + "\n"})
    assert_builds(run("build", "ok.md", "--out", "decks"))


@pytest.mark.parametrize("opener", ["[", "!["])
def test_parsing_unclosed_brackets_is_linear(opener):
    """The parser itself (below the limit's guard) reads 20,000 unclosed brackets at once:
    inline markup nests only 20 deep, so each link label scan stops soon."""
    from builder.markdown import parser

    [_, inline, _] = parser().parse(opener * 20_000 + "\n")
    assert inline.children and "".join(t.content for t in inline.children) == opener * 20_000


def test_table_of_65_columns_is_refused_at_its_row(before):
    row = "|" + " a |" * 65 + "\n"
    write({"src/wide.md": "# Wide\n\n## S\n\n" + "|" + " h |" * 64 + "\n" + "|---" * 64 + "|\n" + row})
    build_bad(before, ["src/wide.md:7: error: a table row of more than 64 columns; split the table"])


def test_table_of_64_columns_builds():
    header = "| Row |" + "".join(f" c{n} |" for n in range(63))
    write({"wide.md": "# Wide\n\n## S\n\n" + header + "\n" + "|---" * 64 + "|\n| r |" + " v |" * 63 + "\n"})
    assert_builds(run("build", "wide.md", "--out", "decks"))
    assert len(cards_json("wide.md")) == 63


def test_front_matter_is_not_held_to_the_markdown_limits():
    write({"fm.md": "---\ntitle: '" + "[" * 300 + "'\n---\n# T\n\n## S\n\n- **K:** v\n"})
    assert_builds(run("build", "fm.md", "--out", "decks"))


# --- Paths: the decks folder, names on one line -----------------------------------------------

DECKS_FOLDER = "decks are written there, never read; name another --out"


@pytest.mark.parametrize(
    ("paths", "out", "line"),
    [
        pytest.param(
            ["src"], "src", f"src: error: is the decks folder (--out src): {DECKS_FOLDER}", id="same"
        ),
        pytest.param(
            ["src"], ".", f"src: error: is inside the decks folder (--out .): {DECKS_FOLDER}", id="inside"
        ),
        pytest.param(
            ["src/a.md"],
            "src",
            f"src/a.md: error: is inside the decks folder (--out src): {DECKS_FOLDER}",
            id="file",
        ),
    ],
)
@pytest.mark.parametrize("command", ["build", "diff", "cards"])
def test_sources_in_the_decks_folder_are_an_error(workdir, command, paths, out, line):
    write({"src/a.md": GOOD})
    state = snapshot(".")
    result = run(command, *paths, "--out", out)
    assert_fails_with(result, [line])
    assert snapshot(".") == state


def test_a_decks_folder_among_the_sources_is_never_read_as_sources():
    """A folder holding a deck manifest is a decks folder: its changelogs never become a deck,
    whichever --out a later build names (a warning says so)."""
    write({"src/a.md": GOOD})
    assert_builds(run("build", "src", "--out", "src/decks"))
    result = run("build", "src", "--out", "elsewhere")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "src/decks: warning: holds deck manifests (good.manifest.json): a decks folder, not read for sources\n"
    )
    assert sorted(p.name for p in Path("elsewhere").iterdir()) == [
        "good-1.0.0.apkg",
        "good.changelog.md",
        "good.manifest.json",
    ]


def test_a_path_with_a_newline_is_shown_on_one_line():
    write(
        {
            "src/a\nb.md": "# A\n\n## S\n\n- **K:** v ![x](missing.png)\n",
            "src/c\nd.md": GOOD.replace("# Good\n\n", ""),
        }
    )
    result = run("build", "src", "--out", "decks")
    assert_fails_with(result, ["src/a\\nb.md:5: error: image “missing.png” not found"])
    write({"src/a\nb.md": "# A\n\n## S\n\n- **K:** v\n"})
    result = run("build", "src", "--out", "decks")
    assert result.exit_code == 0, result.stderr
    assert [n["deck"] for n in cards_json("src")] == ["A", "c d", "c d"]


# --- Links and SVG: what a deck packs stays inside the source folder and never runs ----------

LINKED_OUT = (
    "is a link to a file outside the source folder src/;"
    " sources, like images, must be inside the folder they are found in: copy it in"
)


@pytest.mark.parametrize("named", ["src", "src/linked.md"])
def test_a_source_linked_from_outside_the_source_folder_is_refused(before, named):
    write({"secret/notes.md": "# Secret\n\n## S\n\n- **Key:** hunter2\n", "src/a.md": GOOD})
    os.symlink("../secret/notes.md", "src/linked.md")
    build_bad(before, [f"src/linked.md: error: {LINKED_OUT}"], named)


def test_an_image_linked_from_outside_the_source_folder_is_refused_as_a_source_is(before):
    write({"secret/x.png": png(), "src/pics.md": "# Pics\n\n## S\n\n- **Arch:** ![arch](x.png)\n"})
    os.symlink("../secret/x.png", "src/x.png")
    build_bad(before, ["src/pics.md:5: error: image “x.png” is outside the source folder src/"])


def test_links_inside_the_source_folder_are_followed():
    write({"src/a.md": "## S\n\n- **K:** ![p](pics/p.png)\n", "src/pics/real.png": png()})
    os.symlink("real.png", "src/pics/p.png")
    os.symlink("a.md", "src/b.md")
    assert_builds(run("build", "src", "--out", "decks"))
    assert len(cards_json("src")) == 2


SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="4" height="4">{}</svg>'
SCRIPT = "holds a script ({}); decks show pictures, never run them: remove it"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param('<script>alert("x")</script><circle r="2"/>', SCRIPT.format("<script>"), id="script"),
        pytest.param(
            '<circle r="2" onclick="alert(1)"/>', SCRIPT.format("an onclick= attribute"), id="on-attribute"
        ),
        pytest.param(
            '<a xlink:href=" Java&#9;Script:alert(1)"><circle r="2"/></a>',
            SCRIPT.format("a javascript: value in href="),
            id="javascript-href",
        ),
        pytest.param(
            "<foreignObject><div xmlns='http://www.w3.org/1999/xhtml'>x</div></foreignObject>",
            SCRIPT.format("<foreignObject>"),
            id="foreign-object",
        ),
        pytest.param(
            '<svg:script xmlns:svg="http://www.w3.org/2000/svg"/>', SCRIPT.format("<script>"), id="prefixed"
        ),
        pytest.param("<circle>", "is not well-formed SVG (mismatched tag at its line 1)", id="malformed"),
    ],
)
def test_an_svg_that_could_run_a_script_is_refused_at_its_line(before, body, problem):
    write({"src/pics.md": "# Pics\n\n## S\n\n- **Arch:** ![arch](x.svg)\n", "src/x.svg": SVG.format(body)})
    build_bad(before, [f"src/pics.md:5: error: image “x.svg” {problem}"])


def test_an_svg_with_a_doctype_is_refused_before_its_entities_expand(before):
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "aaaaaaaaaa">\n'
        + "".join(
            f'<!ENTITY {c} "{("&" + p + ";") * 10}">\n' for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + ']>\n<svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>\n'
    )
    write({"src/pics.md": "# Pics\n\n## S\n\n- **Arch:** ![arch](x.svg)\n", "src/x.svg": bomb})
    build_bad(
        before,
        [
            "src/pics.md:5: error: image “x.svg” holds a DOCTYPE (its entities can expand without bound): remove it"
        ],
    )


def test_an_svg_naming_its_dtd_and_declaring_nothing_is_packed(workdir):
    """Graphviz and Inkscape write the SVG 1.1 DOCTYPE: it declares no entity, and is read."""
    picture = (
        '<?xml version="1.0" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"\n'
        ' "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + SVG.format('<circle r="2"/>')
    )
    write({"pics.md": "# Pics\n\n## S\n\n- **Arch:** ![arch](x.svg)\n", "x.svg": picture})
    assert_builds(run("build", "pics.md", "--out", "decks"))
    [apkg] = Path("decks").glob("*.apkg")
    with zipfile.ZipFile(apkg) as package:
        assert picture.encode() in {package.read(name) for name in package.namelist()}


def test_a_plain_svg_is_packed_as_it_is(workdir):
    picture = SVG.format('<a xlink:href="#c"><circle id="c" r="2" fill="red"/></a>')
    write({"pics.md": "# Pics\n\n## S\n\n- **Arch:** ![arch](x.svg)\n", "x.svg": picture})
    assert_builds(run("build", "pics.md", "--out", "decks"))
    [apkg] = Path("decks").glob("*.apkg")
    with zipfile.ZipFile(apkg) as packed:
        media = json.loads(packed.read("media"))
        assert [packed.read(number).decode() for number in media] == [picture]


def test_an_image_over_the_limit_is_one_line_and_not_read(tmp_path):
    from support import run

    source = tmp_path / "s.md"
    source.write_text("# S\n\n## P\n\n- **A:** ![a](big.png) b\n", encoding="utf-8")
    with (tmp_path / "big.png").open("wb") as big:
        big.truncate(64 * 1024 * 1024)  # sparse: no disk, 64 MB to read
    result = run("build", str(source), "--out", str(tmp_path / "decks"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"{source}:5: error: image “big.png” is 64.0 MB, more than the 10 MB an image may be; make it smaller\n"
    )
