"""YAML errors through the real command line: the file's own line, and the usual fix.

Card files, front matter and ``decks.yaml`` report a YAML error as one line,
``path:line: error: invalid YAML: <what PyYAML found>; <hint>``, the hint showing the fix on the
author's own key and text where the cause is recognisable. Front matter lines are lines of the
Markdown file (its YAML starts on line 2, after the opening ``---``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from builder.cli import main

from support import run

BODY = "# Notes\n\n## Part\n\n- **Alpha:** one\n"
"""A Markdown body that gives a card, under the front matter of each test."""


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(files: dict[str, str]) -> None:
    for name, content in files.items():
        path = Path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")


def assert_one_error(result: Result, line: str) -> None:
    """Exit status 1, exactly ``line`` on stderr, nothing on stdout, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.stderr.splitlines() == [line]
    assert result.exit_code == 1
    assert result.stdout == ""


def front_matter(*lines: str) -> str:
    return "---\n" + "".join(f"{line}\n" for line in lines) + "---\n" + BODY


# --- Front matter -------------------------------------------------------------------------------

FRONT_MATTER = [
    pytest.param(
        front_matter("deck: Rust", "title: Rust: the hard parts"),
        '3: error: front matter: invalid YAML: mapping values are not allowed here; quote the value: title: "Rust: the hard parts"',
        id="colon-in-value",
    ),
    pytest.param(
        front_matter("title: @alice notes"),
        "2: error: front matter: invalid YAML: found character '@' that cannot start any token;"
        ' quote the value: title: "@alice notes"',
        id="at-sign",
    ),
    pytest.param(
        front_matter("title: `unsafe` Rust"),
        "2: error: front matter: invalid YAML: found character '`' that cannot start any token;"
        ' quote the value: title: "`unsafe` Rust"',
        id="backtick",
    ),
    pytest.param(
        front_matter("deck: D", "title: %TODO notes"),
        "3: error: front matter: invalid YAML: found character '%' that cannot start any token;"
        ' quote the value: title: "%TODO notes"',
        id="percent",
    ),
    pytest.param(
        front_matter("title: !important facts"),
        "2: error: front matter: invalid YAML: could not determine a constructor for the tag '!important';"
        ' quote the value: title: "!important facts"',
        id="exclamation-mark",
    ),
    pytest.param(
        front_matter("title: | Rust"),
        "2: error: front matter: invalid YAML: expected a comment or a line break, but found 'R';"
        ' quote the value: title: "| Rust"',
        id="bar",
    ),
    pytest.param(
        front_matter("title: - notes"),
        "2: error: front matter: invalid YAML: sequence entries are not allowed here;"
        ' quote the value: title: "- notes"',
        id="dash",
    ),
    pytest.param(
        front_matter("title: ? notes"),
        "2: error: front matter: invalid YAML: mapping keys are not allowed here;"
        ' quote the value: title: "? notes"',
        id="question-mark",
    ),
    pytest.param(
        front_matter("deck: D", "tags: [rust, web3", "subdecks: true"),
        "4: error: front matter: invalid YAML: expected ',' or ']', but got ':';"
        ' close the “[” opened on line 3, or quote the value: tags: "[rust, web3"',
        id="unclosed-bracket",
    ),
    pytest.param(
        front_matter("title: [draft] Rust"),
        "2: error: front matter: invalid YAML: expected <block end>, but found '<scalar>';"
        ' quote the value: title: "[draft] Rust"',
        id="bracket-then-text",
    ),
    pytest.param(
        front_matter('title: "Rust" in practice'),
        "2: error: front matter: invalid YAML: expected <block end>, but found '<scalar>';"
        " quote the value: title: '\"Rust\" in practice'",
        id="quoted-then-text",
    ),
    pytest.param(
        front_matter("title: 'Rust's traits'"),
        "2: error: front matter: invalid YAML: expected <block end>, but found '<scalar>';"
        ' quote the value: title: "Rust\'s traits"',
        id="quote-inside-single-quotes",
    ),
    pytest.param(
        front_matter('title: "Notes from C:\\work"'),
        "2: error: front matter: invalid YAML: found unknown escape character 'w';"
        " inside double quotes write \\ as \\\\, or use single quotes: title: 'Notes from C:\\work'",
        id="unknown-escape",
    ),
    pytest.param(
        front_matter('title: "Rust', "deck: D"),
        "3: error: front matter: invalid YAML: found unexpected end of stream;"
        ' the “"” opened on line 2 is never closed',
        id="unclosed-quote",
    ),
    pytest.param(
        front_matter("tags:", "\t- rust"),
        "3: error: front matter: invalid YAML: found character '\\t' that cannot start any token;"
        " indent with spaces, not tabs",
        id="tab-indent",
    ),
    pytest.param(
        front_matter("title:\tNotes"),
        "2: error: front matter: invalid YAML: found character '\\t' that cannot start any token;"
        " put a space, not a tab, after “title:”",
        id="tab-after-colon",
    ),
    pytest.param(
        front_matter("title: Notes on", "Rust async", "deck: D"),
        "4: error: front matter: invalid YAML: could not find expected ':';"
        " line 3 is not key: value; indent it to go on with the value of “title”",
        id="value-over-two-lines",
    ),
]


@pytest.mark.parametrize(("text", "message"), FRONT_MATTER)
def test_front_matter_error_names_the_markdown_line_and_the_fix(text, message):
    """Through ``lint`` with no path: the default ``source`` folder."""
    write({"source/x.md": text})
    assert_one_error(run("lint"), f"source/x.md:{message}")


def test_front_matter_error_is_the_same_in_build(workdir):
    write({"source/x.md": front_matter("deck: Rust", "title: Rust: the hard parts")})
    result = run("build")
    assert_one_error(
        result,
        "source/x.md:3: error: front matter: invalid YAML: mapping values are not allowed here;"
        ' quote the value: title: "Rust: the hard parts"',
    )
    assert not (workdir / "decks").exists()


# --- Card files ---------------------------------------------------------------------------------


def card(**fields: str) -> str:
    """A card file with one card, its fields written as given (``front`` first)."""
    return "cards:\n  - id: a\n" + "".join(f"    {key}: {value}\n" for key, value in fields.items())


CARD_FILES = [
    pytest.param(
        card(front="Proof size: MPT vs Verkle?", back="about 3 KB"),
        '3: error: invalid YAML: mapping values are not allowed here; quote the value: front: "Proof size: MPT vs Verkle?"',
        id="colon-in-value",
    ),
    pytest.param(
        card(front="**Tokio** runs the tasks", back="yes"),
        "3: error: invalid YAML: expected alphabetic or numeric character, but found '*';"
        ' quote the value: front: "**Tokio** runs the tasks"',
        id="markdown-bold",
    ),
    pytest.param(
        card(front="Indent?", back="&nbsp;four spaces"),
        "4: error: invalid YAML: expected alphabetic or numeric character, but found ';';"
        ' quote the value: back: "&nbsp;four spaces"',
        id="html-entity",
    ),
    pytest.param(
        card(cloze="{{c1::Sealevel}} schedules by account locks"),
        "3: error: invalid YAML: expected <block end>, but found '<scalar>';"
        ' quote the value: cloze: "{{c1::Sealevel}} schedules by account locks"',
        id="cloze-first",
    ),
    pytest.param(
        card(front="First step?", back="- run cargo new"),
        '4: error: invalid YAML: sequence entries are not allowed here; quote the value: back: "- run cargo new"',
        id="dash",
    ),
    pytest.param(
        card(front="Proof size?", back="> 3 KB"),
        "4: error: invalid YAML: expected a comment or a line break, but found '3';"
        ' quote the value: back: "> 3 KB"',
        id="greater-than",
    ),
    pytest.param(
        card(front="Config path?", back='"C:\\Users\\me"'),
        "4: error: invalid YAML: expected escape sequence of 8 hexadecimal numbers, but found 's';"
        " inside double quotes write \\ as \\\\, or use single quotes: back: 'C:\\Users\\me'",
        id="escape",
    ),
    pytest.param(
        "cards:\n  - id: a\n\tfront: q\n    back: a\n",
        "3: error: invalid YAML: found character '\\t' that cannot start any token; indent with spaces, not tabs",
        id="tab-indent",
    ),
    pytest.param(
        card(front="[Q", back="A"),
        "4: error: invalid YAML: expected ',' or ']', but got ':';"
        ' close the “[” opened on line 3, or quote the value: front: "[Q"',
        id="unclosed-bracket",
    ),
    pytest.param(
        "cards:\n  - id: a\n    front: q\n    back: [a, b\n",
        "4: error: invalid YAML: expected ',' or ']', but got '<stream end>';"
        ' close the “[” opened on line 4, or quote the value: back: "[a, b"',
        id="unclosed-bracket-at-the-end",
    ),
]


@pytest.mark.parametrize(("text", "message"), CARD_FILES)
def test_card_file_error_names_its_line_and_the_fix(text, message):
    write({"cards.yaml": text})
    assert_one_error(run("cards", "cards.yaml"), f"cards.yaml:{message}")


# --- decks.yaml ---------------------------------------------------------------------------------

DECKS_FILES = [
    pytest.param(
        "decks:\n  - deck: Rust: the hard parts\n    sources: [a.md]\n",
        '2: error: invalid YAML: mapping values are not allowed here; quote the value: - deck: "Rust: the hard parts"',
        id="colon-in-value",
    ),
    pytest.param(
        "decks:\n  - deck: D\n\t  sources: [a.md]\n",
        "3: error: invalid YAML: found character '\\t' that cannot start any token; indent with spaces, not tabs",
        id="tab-indent",
    ),
    pytest.param(
        "decks:\n  - deck: D\n    sources: [a.md\n",
        "3: error: invalid YAML: expected ',' or ']', but got '<stream end>';"
        ' close the “[” opened on line 3, or quote the value: sources: "[a.md"',
        id="unclosed-bracket",
    ),
    pytest.param(
        "decks:\n  - deck: @rust\n    sources: [a.md]\n",
        "2: error: invalid YAML: found character '@' that cannot start any token;"
        ' quote the value: - deck: "@rust"',
        id="at-sign",
    ),
]


@pytest.mark.parametrize(("text", "message"), DECKS_FILES)
def test_decks_yaml_error_names_its_line_and_the_fix(text, message):
    write({"src/decks.yaml": text, "src/a.md": BODY})
    assert_one_error(run("lint", "src"), f"src/decks.yaml:{message}")


# --- No hint when the cause is not clear --------------------------------------------------------


def test_an_error_without_a_known_cause_has_no_hint():
    """A value going on over lines that holds ``: ``: where to quote is not clear."""
    write({"cards.yaml": "cards:\n  - id: a\n    front: some text\n      continues: here\n"})
    assert_one_error(
        run("cards", "cards.yaml"), "cards.yaml:4: error: invalid YAML: mapping values are not allowed here"
    )


def test_a_date_that_does_not_exist_is_text(tmp_path):
    """YAML would make ``2024-02-30`` a date, and fail; deckbuilder reads it as the title."""
    source = tmp_path / "notes.md"
    source.write_text("---\ntitle: 2024-02-30\n---\n# X\n\n- **Alpha:** one\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["cards", str(source), "--out", str(tmp_path / "decks"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["deck"] == "2024-02-30"
