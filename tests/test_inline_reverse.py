"""Questions asked both ways (``QA:``, ``{.reverse}``) and with a typed answer (``T:``,
YAML ``type_in``): one note each, of the ``reverse`` or ``typein`` note type, as the real Anki
library imports them."""

from __future__ import annotations

import json
import re
from pathlib import Path
from textwrap import dedent

from click.testing import CliRunner

from builder.cli import main
from builder.model import Answered, Written
from builder.notetypes import REVERSE_MODEL_ID, TYPEIN_MODEL_ID
from builder.render import render
from builder.yamlcards import parse_cards

from support import import_apkg

NOTES = """\
# Networks

## Names

Q: Default port of PostgreSQL?
A: 5432

QA: Which protocol resolves host names to addresses?
A: DNS

T: Default port of SSH?
A: 22

## Databases

- QA: What is MVCC?
  A: Multi-version concurrency control

## What is a write-ahead log? {.reverse}

A log that records every change before it reaches the data files.
"""

CARDS = """\
deck: Extras
cards:
  - id: redis-port
    front: Default port of Redis?
    back: "6379"
    type_in: true
"""


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def cards_json(path: Path, out: Path | None = None) -> list[dict]:
    """``cards --json`` on ``path``, against the releases in ``out`` (else a folder beside it)."""
    out = out or path.parent / "decks"
    result = CliRunner().invoke(main, ["cards", str(path), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def build(source: Path, out: Path) -> list[Path]:
    result = CliRunner().invoke(main, ["build", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return sorted(out.glob("*.apkg"))


def models(notes: list[dict]) -> list[tuple[str, str, str]]:
    return [(n["key"], n["model"], n["prompt"]) for n in notes]


# --- cards --json ------------------------------------------------------------------------


def test_markers_choose_the_note_type_and_a_plain_pair_stays_prompt(tmp_path):
    notes = cards_json(write(tmp_path, "networks.md", NOTES))
    assert models(notes) == [
        ("networks/names/question", "prompt", "Default port of PostgreSQL?"),
        ("networks/names/question~2", "reverse", "Which protocol resolves host names to addresses?"),
        ("networks/names/question~3", "typein", "Default port of SSH?"),
        ("networks/databases/question", "reverse", "What is MVCC?"),
        ("networks/what-is-a-write-ahead-log/question", "reverse", "What is a write-ahead log?"),
    ]
    assert [n["answer"] for n in notes[:3]] == ["5432", "DNS", "22"]
    assert {n["kind"] for n in notes} == {"question"}
    assert [n["source"].rsplit("/", 1)[-1] for n in notes[1:3]] == ["networks.md:8", "networks.md:11"]


def test_yaml_type_in_is_a_typein_note(tmp_path):
    [note] = cards_json(write(tmp_path, "extras.yaml", CARDS))
    assert (note["key"], note["kind"], note["model"], note["answer"]) == (
        "card:redis-port",
        "fact",
        "typein",
        "6379",
    )
    assert set(note["fields"]) == {"Prompt", "Answer", "Source"}


def test_marks_without_an_answer_line_right_after_are_text(tmp_path):
    """``T:`` and ``QA:`` ask only with an ``A:`` line right after them: otherwise they are read
    as before (prose, or a bold label's fact), and a cloze line marked ``T:`` (as AnkiOps writes
    one) stays a cloze."""
    source = write(
        tmp_path,
        "notes.md",
        dedent("""\
            # Notes

            ## Heat

            T: The room is kept at **293 K** all year.

            T: AnkiOps writes a {{c1::cloze}} note this way.

            QA: Not a question without its answer line.
        """),
    )
    notes = cards_json(source)
    assert {n["model"] for n in notes} == {"cloze"}
    assert [n["answer"] for n in notes] == [
        "T: The room is kept at 293 K all year.",
        "T: AnkiOps writes a cloze note this way.",
    ]


# --- Warnings ----------------------------------------------------------------------------


def test_a_long_or_listed_typed_answer_is_a_warning_at_its_line(tmp_path):
    source = write(
        tmp_path,
        "notes.md",
        dedent("""\
            # Databases

            ## ACID

            T: What does ACID stand for?
            A: Atomicity, consistency, isolation and durability: what a transaction guarantees

            T: Which isolation levels does PostgreSQL offer?
            A:

            - Read committed
            - Repeatable read
            - Serializable

            T: Default port?
            A: 5432
        """),
    )
    result = CliRunner().invoke(main, ["lint", str(source)])
    lines = [line for line in result.output.splitlines() if "typed answer" in line]
    assert lines == [
        f"{source}:5: warning: the typed answer of “What does ACID stand for?” is 79 characters long"
        " (at most 60 type well): Anki compares what the learner types with the answer's text, so keep"
        " it one short line of plain text, or ask with Q:",
        f"{source}:8: warning: the typed answer of “Which isolation levels does PostgreSQL offer?”"
        " holds a list: Anki compares what the learner types with the answer's text, so keep it one"
        " short line of plain text, or ask with Q:",
    ]
    # The build says so too, and still makes the notes.
    assert [n["model"] for n in cards_json(source)] == ["typein", "typein", "typein"]


def test_reverse_on_a_heading_that_asks_nothing_is_a_warning(tmp_path):
    source = write(
        tmp_path,
        "notes.md",
        dedent("""\
            # Storage

            ## Pages {.reverse}

            The **page** size is 8 KB.
        """),
    )
    result = CliRunner().invoke(main, ["lint", str(source)])
    assert (
        f"{source}:3: warning: {{.reverse}} on “Pages” asks nothing both ways: the heading asks no"
        " question (end it with “?”)"
    ) in result.output.splitlines()


def test_yaml_flags_checked_at_their_lines():
    text = dedent("""\
        cards:
          - id: both
            front: Port of SSH?
            back: "22"
            reverse: true
            type_in: true
          - id: cloze
            cloze: SSH listens on port {{c1::22}}
            type_in: true
          - id: word
            front: Port of SSH?
            back: "22"
            type_in: "yes please"
          - id: long
            front: What does ACID stand for?
            back: Atomicity, consistency, isolation and durability, in a transaction
            type_in: true
    """)
    loaded, found = parse_cards(text, "cards.yaml")
    assert [str(p) for p in found] == [
        "cards.yaml:6: error: card “both” has both reverse and type_in: a typed answer is asked one"
        " way only (keep one of them)",
        "cards.yaml:9: warning: card “cloze”: type_in does nothing on a cloze card",
        "cards.yaml:13: error: card “word”: type_in must be true or false",
        "cards.yaml:16: warning: card “long”: its typed back is 66 characters long (at most 60 type"
        " well): Anki compares what the learner types with the back's text, so keep it one short"
        " line of plain text, or drop type_in",
    ]
    assert [(c.key, type(c.form)) for c in loaded.cards] == [("card:cloze", Written), ("card:long", Answered)]
    assert [render(c).model for c in loaded.cards] == ["cloze", "typein"]


# --- Identity ----------------------------------------------------------------------------


def test_a_pair_that_becomes_qa_keeps_its_key_and_becomes_a_new_note(tmp_path, monkeypatch, collection):
    """The key is structural, so ``Q:`` → ``QA:`` keeps it; the note type changes, which Anki's
    import cannot apply to a learner's note, so it is a new note and the old one a tombstone."""
    source = tmp_path / "src" / "names.md"
    out = tmp_path / "decks"
    seen = []
    for epoch, mark in ((1_750_000_000, "Q:"), (1_750_100_000, "QA:")):
        write(
            source.parent, "names.md", f"# Names\n\n## DNS\n\n{mark} Which protocol resolves names?\nA: DNS\n"
        )
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
        result = CliRunner().invoke(main, ["build", str(source.parent), "--out", str(out)])
        assert result.exit_code == 0, result.output
        log = import_apkg(collection, sorted(out.glob("*.apkg"))[-1])
        assert list(log.conflicting) == []
        seen.append(cards_json(source.parent, out))
    [before], [after] = seen
    assert (after["key"], after["model"]) == (before["key"], "reverse")
    assert after["guid"] != before["guid"]
    by_guid = {note.guid: note for note in (collection.get_note(i) for i in collection.find_notes(""))}
    assert set(by_guid) == {before["guid"], after["guid"]}
    assert "removed" in by_guid[before["guid"]].tags
    assert len(by_guid[after["guid"]].cards()) == 2


# --- Into Anki ---------------------------------------------------------------------------


def test_imported_notes_have_their_note_types_and_cards(tmp_path, collection):
    source = write(tmp_path / "src", "networks.md", NOTES)
    [apkg] = build(source, tmp_path / "decks")
    notes = {n["prompt"]: n for n in cards_json(source, tmp_path / "decks")}
    import_apkg(collection, apkg)
    by_guid = {note.guid: note for note in (collection.get_note(i) for i in collection.find_notes(""))}

    def note(prompt: str):
        return by_guid[notes[prompt]["guid"]]

    plain = note("Default port of PostgreSQL?")
    assert (plain.note_type()["name"], len(plain.cards())) == ("deckbuilder prompt/answer", 1)

    for prompt, answer in (
        ("Which protocol resolves host names to addresses?", "DNS"),
        ("What is MVCC?", "Multi-version concurrency control"),
        ("What is a write-ahead log?", "A log that records every change"),
    ):
        both = note(prompt)
        assert (both.note_type()["id"], both.note_type()["name"]) == (
            REVERSE_MODEL_ID,
            "deckbuilder prompt/answer+reverse",
        )
        forward, backward = sorted(both.cards(), key=lambda card: card.ord)
        assert prompt in forward.question() and answer not in forward.question()
        assert answer in backward.question() and prompt not in backward.question()
        assert prompt in backward.answer()

    typed = note("Default port of SSH?")
    assert (typed.note_type()["id"], typed.note_type()["name"]) == (TYPEIN_MODEL_ID, "deckbuilder type-in")
    [card] = typed.cards()
    question = card.question()
    # Anki fills its type-in box (id "typeans") in here when the card is shown.
    assert "[[type:Answer]]" in question
    assert "Default port of SSH?" in question and ">22<" not in question
    # What Anki compares the typed text with: the field's text, its HTML taken off.
    expected = re.sub(r"<[^>]+>", "", typed["Answer"])
    assert expected == "22"
    assert (
        collection.compare_answer(expected, "22") == "<code id=typeans><span class=typeGood>22</span></code>"
    )


def test_imported_yaml_type_in_asks_for_a_typed_answer(tmp_path, collection):
    [apkg] = build(write(tmp_path / "src", "extras.yaml", CARDS), tmp_path / "decks")
    import_apkg(collection, apkg)
    [nid] = collection.find_notes("")
    note = collection.get_note(nid)
    assert note.note_type()["name"] == "deckbuilder type-in"
    [card] = note.cards()
    assert "[[type:Answer]]" in card.question()
    assert "6379" in card.answer()


def test_bold_marks_and_a_typed_answer_of_its_own(tmp_path):
    """``**QA:**`` reads as ``QA:``; a ``T:`` answer is its ``A:`` line only, never the section's
    sub-headings (which stay cards of their own)."""
    source = write(
        tmp_path,
        "notes.md",
        dedent("""\
            # Notes

            ## Names

            **QA:** Which protocol resolves host names?
            **A:** DNS

            ## Shell

            T: Default port of SSH?
            A: 22

            ### Client

            The **client** reads its config file.

            ### Server

            The **server** reads its own.

            ## Which port does HTTPS use? {.reverse}

            Q: Which port does HTTP use?
            A: 80
        """),
    )
    notes = cards_json(source)
    assert [(n["key"], n["model"], n["answer"]) for n in notes if n["kind"] == "question"] == [
        ("notes/names/question", "reverse", "DNS"),
        ("notes/shell/question", "typein", "22"),
        ("notes/which-port-does-https-use/question", "prompt", "80"),
    ]
    result = CliRunner().invoke(main, ["lint", str(source)])
    assert (
        f"{source}:21: warning: {{.reverse}} on “Which port does HTTPS use?” asks nothing both ways:"
        " the section asks with its own Q: lines (write QA: to ask one both ways)"
    ) in result.output.splitlines()
