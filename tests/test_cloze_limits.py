"""Cloze deletions that cost far more than their size (issue 19): a deletion number sized the
memory a build took (a prompt was made for every number up to the highest), a number past
Anki's made a deck Anki refuses whole, and deletions nested or by the thousand were read in
quadratic time. Each is now one line at its file and line, found before the expensive step, in
Markdown, YAML cards and curation files alike.

The wall-clock bounds are only a guard against the old behaviour (tens of seconds to minutes);
they are no benchmark.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from builder.limits import MAX_CLOZE_NUMBER, MAX_DELETIONS
from builder.model import Clozed, ClozeText, Gap, Inline, Origin
from builder.model.cards import Card
from builder.plaintext import cloze_prompts

from support import run

FAST = 5.0
"""Seconds: each source here took from 30 s to minutes (or all the memory) before."""

KEY = "db/locks/cloze:innodb-locks-at-a-time"
"""The key of the cloze card ``SOURCE`` gives, which the curation tests rewrite."""
SOURCE = "# Databases\n\n## Locks\n\nInnoDB locks {{c1::rows}} at a time.\n"


def command(*args: str) -> tuple[int, str, str, float]:
    """The command line's exit status, standard output and error, and how long it took."""
    start = time.monotonic()
    result = run(*args)
    took = time.monotonic() - start
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr, took


def refused(tmp_path: Path, files: dict[str, str], *, build: bool = False) -> list[str]:
    """Write ``files`` under ``src/`` and run ``cards`` (or ``build``) on it: it must fail fast,
    without a traceback; the error lines it printed."""
    src = tmp_path / "src"
    for name, text in files.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(text, encoding="utf-8")
    out = tmp_path / "decks"
    args = ("build", str(src), "--out", str(out)) if build else ("cards", str(src), "--json")
    code, stdout, stderr, took = command(*args)
    assert code == 1, (stdout, stderr)
    assert "Traceback" not in stderr and "Error:" not in stderr.replace("error:", ""), stderr
    assert took < FAST, took
    assert not out.exists() or not any(out.rglob("*.apkg"))
    return [line for line in stderr.splitlines() if ": error: " in line]


def only(lines: list[str], where: str, message: str) -> None:
    """Exactly one error, at ``where`` (``path:line``), holding ``message``."""
    assert len(lines) == 1, lines
    assert lines[0].endswith(message) or message in lines[0], lines
    assert lines[0].split(": error: ")[0].endswith(where), lines


TOO_HIGH = f"deletions are numbered from c1 to c{MAX_CLOZE_NUMBER}"


# --- The number ---------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["10000000", "65537", "123456789012345678901", "9" * 5000])
def test_a_number_past_the_maximum_is_one_line_in_markdown(tmp_path, number):
    lines = refused(tmp_path, {"a.md": f"# T\n\nThe answer is {{{{c{number}::53}}}} here.\n"})
    only(lines, "a.md:3", TOO_HIGH)


def test_the_maximum_itself_is_a_card_with_one_prompt(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text(
        f"# T\n\nThe answer is {{{{c{MAX_CLOZE_NUMBER}::53}}}} and {{{{c2::54}}}} here.\n", encoding="utf-8"
    )
    code, stdout, stderr, took = command("cards", str(src), "--json")
    assert code == 0, stderr
    assert took < FAST
    (note,) = [json.loads(line) for line in stdout.splitlines()]
    # One prompt for each number used (2 and 500), not one for each number up to 500.
    assert note["cards"] == ["T — The answer is 53 and [...] here.", "T — The answer is [...] and 54 here."]


@pytest.mark.parametrize("number", ["123456789012345678901", "65537"])
def test_a_number_past_the_maximum_is_one_line_in_a_yaml_card(tmp_path, number):
    text = f"cards:\n  - id: big\n    cloze: The answer is {{{{c{number}::53}}}}\n"
    lines = refused(tmp_path, {"cards.yaml": text}, build=True)
    only(lines, "cards.yaml:3", f"cloze card “big”: malformed cloze: “{{{{c{number}::53}}}}”: {TOO_HIGH}")


@pytest.mark.parametrize("number", ["10000000", "65537"])
def test_a_number_past_the_maximum_is_one_line_in_a_curation_file(tmp_path, number):
    curation = f"{KEY}:\n  cloze: InnoDB locks {{{{c{number}::rows}}}} at a time.\n"
    lines = refused(tmp_path, {"db.md": SOURCE, "db.curation.yaml": curation}, build=True)
    only(
        lines, "db.curation.yaml:1", f"“{KEY}”: cloze: malformed cloze: “{{{{c{number}::rows}}}} at a time.”"
    )
    assert TOO_HIGH in lines[0]


def test_a_number_past_the_maximum_in_math_is_one_line(tmp_path):
    lines = refused(tmp_path, {"a.md": "# T\n\nThe power is $x^{ {{c65537::2}} }$ here.\n"})
    only(lines, "a.md:3", TOO_HIGH)


def test_prompts_are_made_for_the_numbers_used_only():
    where = Origin("a.md", 3)
    gaps = tuple(Gap(n, Inline((), where)) for n in (3, 400))
    card = Card("cloze", "k", (), "", Clozed(ClozeText((gaps,))), where)
    assert card.form.cloze.numbers == (3, 400)
    assert len(cloze_prompts(card)) == 2


# --- Nesting and numbers of deletions ------------------------------------------------------------


def test_nested_deletions_stop_at_the_first_level(tmp_path):
    deep = 10_000
    text = "# T\n\nThe answer is " + "{{c1::" * deep + "x" + "}}" * deep + " here.\n"
    lines = refused(tmp_path, {"a.md": text})
    only(lines, "a.md:3", "nested deletions are not supported")
    assert len(lines[0]) < 300, lines[0]


def test_more_deletions_than_the_maximum_in_one_sentence_is_one_line(tmp_path):
    words = " ".join(f"{{{{c1::w{n}}}}}" for n in range(30_000))
    lines = refused(tmp_path, {"a.md": f"# T\n\nThe answer {words} here.\n"})
    only(
        lines, "a.md:3", f"too many cloze deletions: more than {MAX_DELETIONS} in one sentence, line or cell"
    )


def test_the_maximum_of_deletions_is_a_card(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    words = " ".join(f"{{{{c1::w{n}}}}}" for n in range(MAX_DELETIONS))
    (src / "a.md").write_text(f"# T\n\nThe answer {words} here.\n", encoding="utf-8")
    code, stdout, stderr, _ = command("cards", str(src), "--json")
    assert code == 0, stderr
    assert len(stdout.splitlines()) == 1


def test_too_many_deletions_in_a_yaml_card_and_a_curation_file(tmp_path):
    words = " ".join(f"{{{{c1::w{n}}}}}" for n in range(MAX_DELETIONS + 1))
    lines = refused(tmp_path, {"cards.yaml": f"cards:\n  - id: many\n    cloze: 'It locks {words}'\n"})
    only(lines, "cards.yaml:3", "too many cloze deletions")
    lines = refused(
        tmp_path / "curated", {"db.md": SOURCE, "db.curation.yaml": f"{KEY}:\n  cloze: 'It locks {words}'\n"}
    )
    only(lines, "db.curation.yaml:1", "too many cloze deletions")


def test_too_many_deletions_in_math_is_one_line(tmp_path):
    math = " + ".join("{{c1::x}}" for _ in range(MAX_DELETIONS + 1))
    lines = refused(tmp_path, {"a.md": f"# T\n\nThe sum is $ {math} $ here.\n"})
    only(lines, "a.md:3", "too many cloze deletions")


def test_an_unclosed_deletion_before_many_sentences_is_read_once(tmp_path):
    text = "# T\n\nIt opens {{c1::here. " + "Word then more. " * 20_000 + "\n"
    lines = refused(tmp_path, {"a.md": text})
    only(lines, "a.md:3", "unbalanced cloze: “{{c1::here. Word then more. …” has no closing }}")


@pytest.mark.parametrize(
    "text",
    [
        "{{c1::x}} + {{c2::y::h}}",
        "{{c1::{{c2::x}} }}",
        "{{c1:::x}} {{c0::y}} {{c01::z}}",
        "{{c1::x ",
        "{{c1::a::b::c}}}} {{c3::d}}",
        "{{c1::" * 50 + "x",
    ],
)
def test_deletions_in_math_are_found_in_one_pass_as_the_pattern_finds_them(text):
    from builder.extract.clozescan import _whole_starts, holds_whole
    from builder.markdown import CLOZE

    assert _whole_starts(text) == {m.start() for m in CLOZE.finditer(text)}
    assert holds_whole(text) == (CLOZE.search(text) is not None)


def test_prompts_are_each_card_s_prompt(seed_extraction):
    from builder.plaintext import prompt_text

    clozes = [
        c for c in seed_extraction.cards if isinstance(c.form, Clozed) and len(c.form.cloze.numbers) > 1
    ]
    assert clozes
    for card in clozes:
        assert cloze_prompts(card) == tuple(prompt_text(card, n) for n in card.form.cloze.numbers)


def test_a_long_list_cloze_makes_its_prompts_in_linear_steps(tmp_path):
    items = "\n".join(f"- **Engine{n}** keeps rows" for n in range(100))
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text(f"# T\n\n## Engines\n\n{items}\n", encoding="utf-8")
    code, stdout, stderr, took = command("cards", str(src), "--json")
    assert code == 0, stderr
    assert took < FAST * 2, took
    (note,) = [json.loads(line) for line in stdout.splitlines()]
    assert len(note["cards"]) == 100


def test_a_list_too_long_for_one_note_is_listed_not_numbered_past_the_limit(tmp_path: Path) -> None:
    """A list makes one gap per item; 3,000 items would number a note past c500 (and build
    3,000 prompts of 3,000 lines): it is a catalogue, listed by ``cards --skipped``."""
    source = tmp_path / "big.md"
    items = "".join(f"- item number {i} is short\n" for i in range(3000))
    source.write_text(f"# L\n\n## Many\n\n{items}", encoding="utf-8")
    result = run("cards", str(source), "--skipped")
    assert result.exit_code == 0
    assert (
        f"{source}:5: a list of 3000 items: a catalogue to look up, not one note: item number 0 is short"
        in result.stdout
    )
    assert run("cards", str(source), "--json").stdout == ""
