"""Hand-written cards of a team's note type: a card file's ``note_type:`` and ``fields:``, built
into a package, imported into a real Anki collection and synced, updated in place, removed as a
tombstone of that note type; and the errors at the card's lines."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from textwrap import dedent

import pytest

from builder.build import notes_of, read_source
from builder.config import DeckConfig
from builder.model import Blocks, NoteType, OwnFields
from builder.read.notetypes import read_note_type
from builder.render import render, tombstone_fields
from builder.sources import Source
from builder.yamlcards import load_cards, parse_cards
from tests.support import build_at, cards_json, import_apkg, outcome, png, run, study, write

VOCAB = """\
name: Team vocabulary
fields: [Word, Meaning, Example, Source]
templates:
  - name: Recognise
    front: '<div class="word">{{Word}}</div>'
    back: '{{FrontSide}}<hr id="answer">{{Meaning}}{{#Example}}<div class="ex">{{Example}}</div>{{/Example}}'
css: '.word { font-size: 2em; }'
"""

CARDS = """\
deck: Spanish
tags: [es]
cards:
  - id: gato
    note_type: vocab
    tags: [animal]
    fields:
      Word: gato
      Meaning: "**cat**, as in `Felis catus`"
      Example: El gato duerme.
  - id: perro
    note_type: vocab
    fields:
      Meaning: dog ![](dog.png)
      Word: perro
  - id: hola
    front: Hola?
    back: hello
"""


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write({"source/notetypes/vocab.yaml": VOCAB, "source/words.yaml": CARDS})
    Path("source/dog.png").write_bytes(png())
    return tmp_path


def manifest() -> dict:
    return json.loads(Path("decks/spanish.manifest.json").read_text(encoding="utf-8"))


def edit(old: str, new: str) -> None:
    path = Path("source/words.yaml")
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_notes_have_the_team_note_type_with_every_field_in_its_order():
    notes = {n["key"]: n for n in cards_json("source")}
    gato, perro = notes["card:gato"], notes["card:perro"]
    assert gato["model"] == perro["model"] == "vocab" and notes["card:hola"]["model"] == "prompt"
    assert list(gato["fields"]) == list(perro["fields"]) == ["Word", "Meaning", "Example", "Source"]
    assert gato["fields"] == {
        "Word": "<p>gato</p>",
        "Meaning": "<p><strong>cat</strong>, as in <code>Felis catus</code></p>",
        "Example": "<p>El gato duerme.</p>",
        "Source": "words.yaml",
    }
    assert perro["fields"]["Example"] == ""  # not given: empty
    assert '<img src="' in perro["fields"]["Meaning"] and "dog.png" not in perro["fields"]["Meaning"]
    assert (gato["prompt"], gato["answer"]) == ("gato", "cat, as in Felis catus")
    assert (perro["prompt"], perro["answer"]) == ("perro", "dog")
    assert gato["tags"][:3] == ["kind::fact", "es", "animal"]


def test_a_custom_card_has_no_draft_and_its_source_field_links_to_its_line():
    (gato, perro, hola) = read_source(Source(Path("source/words.yaml"), Path("source"))).notes
    assert gato.draft == perro.draft == () and hola.draft
    config = DeckConfig(source_link="https://example.com/{name}#L{line}")
    team = partial(read_note_type, Path("source/notetypes"))
    cards = load_cards(Path("source/words.yaml"), "source/words.yaml", team)[0].cards
    gato = notes_of("Spanish", cards, config, "words.yaml")[0]
    assert gato.fields["Source"] == '<a href="https://example.com/words.yaml#L4">words.yaml:4</a>'


def test_a_note_type_without_a_source_field_gets_none():
    write({"source/notetypes/vocab.yaml": VOCAB.replace(", Source]", "]")})
    gato = next(n for n in cards_json("source") if n["key"] == "card:gato")
    assert list(gato["fields"]) == ["Word", "Meaning", "Example"]


def test_imported_into_anki_then_edited_in_place_with_its_reviews_kept(tmp_path, monkeypatch):
    anki_collection = pytest.importorskip("anki.collection")
    Collection = anki_collection.Collection
    build_at(1_700_000_000, monkeypatch)
    path = str(tmp_path / "c.anki2")
    col = Collection(path)
    try:
        log = import_apkg(col, Path("decks/spanish-1.0.0.apkg"))
        assert list(log.conflicting) == []
        (nid,) = col.find_notes("Word:*gato*")
        note = col.get_note(nid)
        kind = note.note_type()
        assert kind["name"] == "Team vocabulary" and kind["id"] == int(manifest()["models"]["vocab"]["id"])
        assert [f["name"] for f in kind["flds"]] == ["Word", "Meaning", "Example", "Source"]
        assert note.fields == [
            "<p>gato</p>",
            "<p><strong>cat</strong>, as in <code>Felis catus</code></p>",
            "<p>El gato duerme.</p>",
            "words.yaml",
        ]
        assert '<div class="word"><p>gato</p></div>' in note.cards()[0].question()
        guid = note.guid
        studied = study(col, "Spanish", 3, ease=4)
    finally:
        col.close()

    edit("Example: El gato duerme.", "Example: El gato come.")
    said = build_at(1_700_100_000, monkeypatch)
    assert "(1.0.0 -> 1.0.1, patch: 0 added, 1 changed, 0 removed)" in said
    col = Collection(path)
    try:
        log = import_apkg(col, Path("decks/spanish-1.0.1.apkg"))
        assert list(log.conflicting) == [] and len(log.updated) == 1
    finally:
        col.close()
    col = Collection(path)  # the Python side keeps note types it has read: read them again
    try:
        (nid,) = col.find_notes("Word:*gato*")
        note = col.get_note(nid)
        assert note.guid == guid and note["Example"] == "<p>El gato come.</p>"
        assert col.note_count() == 3
        for cid, schedule in studied.items():
            card = col.get_card(cid)
            assert (card.ivl, card.due, card.type, card.queue, card.factor, card.reps) == schedule
    finally:
        col.close()


def test_a_removed_card_ships_on_as_a_tombstone_of_its_note_type(tmp_path, monkeypatch):
    anki_collection = pytest.importorskip("anki.collection")
    Collection = anki_collection.Collection
    build_at(1_700_000_000, monkeypatch)
    path = str(tmp_path / "c.anki2")
    col = Collection(path)
    try:
        import_apkg(col, Path("decks/spanish-1.0.0.apkg"))
        mid = col.models.by_name("Team vocabulary")["id"]
    finally:
        col.close()

    def imported(version: str) -> None:
        col = Collection(path)
        try:
            log = import_apkg(col, Path(f"decks/spanish-{version}.apkg"))
            assert list(log.conflicting) == [], version
        finally:
            col.close()

    # gato goes first; then perro, the last card of the note type.
    edit(CARDS.split("  - id: gato\n")[1].split("  - id: perro\n")[0], "")
    edit("  - id: gato\n", "")
    assert "(1.0.0 -> 1.1.0, minor: 0 added, 0 changed, 1 removed)" in build_at(1_700_100_000, monkeypatch)
    imported("1.1.0")
    edit(CARDS.split("  - id: perro\n")[1].split("  - id: hola\n")[0], "")
    edit("  - id: perro\n", "")
    assert "(1.1.0 -> 1.2.0, minor: 0 added, 0 changed, 1 removed)" in build_at(1_700_200_000, monkeypatch)
    imported("1.2.0")
    removed = {t["key"]: t for t in manifest()["removed"]}
    assert removed["card:perro"]["fields"] == ["Word", "Meaning", "Example", "Source"]
    assert "vocab" in manifest()["models"]
    col = Collection(path)
    try:
        assert col.note_count() == 3
        for word in ("gato", "perro"):
            (nid,) = col.find_notes(f"Word:*{word}*")
            note = col.get_note(nid)
            assert note.mid == mid and "removed" in note.tags
            assert "Removed from the deck in version" in note["Word"]
            assert note["Meaning"] == note["Example"] == note["Source"] == ""
    finally:
        col.close()
    # The next build has nothing to do, and the package it checks is the same.
    assert "(1.2.0, unchanged)" in build_at(1_700_300_000, monkeypatch)


def test_sync_of_a_deck_with_a_team_note_type(tmp_path, monkeypatch):
    anki_collection = pytest.importorskip("anki.collection")
    Collection = anki_collection.Collection
    build_at(1_700_000_000, monkeypatch)
    collection = str(tmp_path / "c.anki2")
    Collection(collection).close()
    result = run("sync", "--decks", "decks", "--collection", collection)
    assert result.exit_code == 0, result.output
    col = Collection(collection)
    try:
        studied = study(col, "Spanish", 1, ease=4)  # gato's card, the deck's first
    finally:
        col.close()
    edit('Meaning: "**cat**', 'Meaning: "**a cat**')
    edit(CARDS.split("  - id: perro\n")[1].split("  - id: hola\n")[0], "")
    edit("  - id: perro\n", "")
    build_at(1_700_100_000, monkeypatch)
    result = run("sync", "--decks", "decks", "--collection", collection)
    assert result.exit_code == 0, result.output
    col = Collection(collection)
    try:
        (nid,) = col.find_notes("Word:*gato*")
        note = col.get_note(nid)
        assert note.note_type()["name"] == "Team vocabulary"
        assert note["Meaning"].startswith("<p><strong>a cat</strong>")
        for cid, schedule in studied.items():
            card = col.get_card(cid)
            assert (card.ivl, card.due, card.type, card.queue, card.factor, card.reps) == schedule
    finally:
        col.close()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "note_type: vocab\n    tags",
            "note_type: vocabulary\n    tags",
            "source/words.yaml:4: error: no note type “vocabulary” in notetypes/ (there: vocab)",
        ),
        (
            "      Example: El gato",
            "      Exmple: El gato",
            "source/words.yaml:10: error: card “gato”: note type “vocab” has no field “Exmple”"
            " (its fields: Word, Meaning, Example, Source)",
        ),
        (
            "    note_type: vocab\n    tags",
            "    tags",
            "source/words.yaml:6: error: card “gato” has fields but no note_type: name the note type they fill",
        ),
        (
            "    note_type: vocab\n    tags",
            "    note_type: vocab\n    front: x\n    tags",
            "source/words.yaml:6: error: card “gato” has a note_type and front: a card of a team's note type"
            " gives only fields",
        ),
        (
            "    note_type: vocab\n    tags",
            "    note_type: Vocab!\n    tags",
            "source/words.yaml:5: error: card “gato”: note_type must be a note type's key (a file name of"
            " notetypes/: a-z, 0-9, - and _)",
        ),
        (
            "      Word: gato\n",
            "      Source: mine\n",
            "source/words.yaml:8: error: card “gato”: the Source field is filled with the card's file",
        ),
        (
            "      Word: gato\n",
            "",
            "source/words.yaml:4: error: card “gato” gives no Word: the first field of note type “vocab”"
            " is the note's prompt and sort field",
        ),
    ],
)
def test_errors_at_the_cards_lines(old, new, expected):
    edit(old, new)
    code, _, err = outcome("build", "source", "--out", "decks")
    assert code == 1
    assert expected in err.splitlines(), err
    assert not Path("decks").exists()


def test_without_its_note_types_a_card_file_takes_the_fields_as_given():
    loaded, problems = parse_cards(dedent(CARDS), "cards.yaml")
    assert problems == []
    perro = loaded.cards[1]
    assert isinstance(perro.form, OwnFields)
    assert (perro.form.note_type, [name for name, _ in perro.form.fields], perro.ask) == (
        "vocab",
        ["Meaning", "Word"],
        "dog",
    )
    vocab = read_note_type(Path("source/notetypes"), "vocab")
    assert isinstance(vocab, NoteType) and read_note_type(Path("source/notetypes"), "nope") is None
    loaded, problems = parse_cards(dedent(CARDS), "cards.yaml", {"vocab": vocab}.get)
    perro = loaded.cards[1]
    assert isinstance(perro.form, OwnFields)
    assert (tuple(name for name, _ in perro.form.fields), perro.ask) == (vocab.fields, "perro")
    assert perro.form.fields[2][1] == perro.form.fields[3][1] == Blocks(())
    assert list(render(perro).fields) == list(vocab.fields)


def test_a_tombstone_of_a_team_note_type_fills_its_first_field():
    fields = tombstone_fields("vocab", "gato", "1.1.0", "removed", ("Word", "Meaning", "Source"))
    assert list(fields) == ["Word", "Meaning", "Source"]
    assert "gato" in fields["Word"] and "Removed from the deck in version 1.1.0" in fields["Word"]
    assert fields["Meaning"] == fields["Source"] == ""


def test_a_curation_file_may_drop_such_a_card_but_not_rewrite_it():
    write({"source/words.curation.yaml": "card:gato:\n  prompt: cat?\n  answer: gato\ncard:perro: drop\n"})
    code, _, err = outcome("build", "source", "--out", "decks")
    assert code == 1
    assert err.splitlines() == [
        "source/words.curation.yaml:1: error: “card:gato” is a card of a team's note type: edit its fields"
        " in its card file, not by a rewrite"
    ], err
    write({"source/words.curation.yaml": "card:perro: drop\n"})
    assert {n["key"] for n in cards_json("source")} == {"card:gato", "card:hola"}


def test_a_changed_note_type_is_read_again_not_taken_from_the_cache(monkeypatch):
    build_at(1_700_000_000, monkeypatch)
    Path("source/notetypes/vocab.yaml").write_text(
        VOCAB.replace("[Word, Meaning, Example, Source]", "[Word, Example, Meaning, Source]"),
        encoding="utf-8",
    )
    build_at(1_700_100_000, monkeypatch)
    (gato,) = [n for n in cards_json("source") if n["key"].endswith("gato")]
    assert list(gato["fields"]) == ["Word", "Example", "Meaning", "Source"]
    assert manifest()["version"] == "2.0.0"  # its shape changed


def test_an_edit_of_such_a_card_in_anki_is_not_pulled_as_a_rewrite(tmp_path, monkeypatch):
    anki_collection = pytest.importorskip("anki.collection")
    Collection = anki_collection.Collection
    build_at(1_700_000_000, monkeypatch)
    Collection("c.anki2").close()
    assert run("sync", "--decks", "decks", "--collection", "c.anki2", "--no-backup").exit_code == 0
    col = Collection("c.anki2")
    try:
        (nid,) = col.find_notes("Word:*gato*")
        note = col.get_note(nid)
        note["Meaning"] += " (a pet)"
        col.update_note(note)
    finally:
        col.close()
    code, stdout, stderr = outcome("pull", "source", "--decks", "decks", "--collection", "c.anki2")
    assert code == 0, stderr
    assert (
        "source/words.yaml:4: your edit of card:gato cannot be written as a rewrite; edit the card there"
        in stdout
    )
    assert not Path("source/words.curation.yaml").exists()
