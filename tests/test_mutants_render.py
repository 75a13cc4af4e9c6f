"""Rendering that only a learner's Anki would show wrong: a heading that reads as a cloze
deletion, a wide table that does not scroll."""

from __future__ import annotations

from pathlib import Path

from anki.collection import Collection

from builder.notetypes import css

from support import cards_json, import_apkg, notes_from, outcome, write

HEADING = "# D\n\n## Templates like {{c2::x}} and a::b\n\nThe quorum of five nodes is {{c1::three}}.\n"


def test_a_heading_above_a_cloze_never_reads_as_a_deletion():
    [note] = notes_from(HEADING)
    text = note.fields["Text"]
    assert text.count("{{c") == 1 and "{{c2" not in text
    assert '<div class="crumb">Templates like &#123;&#123;c2::x&#125;&#125; and a::b</div>' in text


def test_anki_makes_one_card_of_a_cloze_under_such_a_heading(tmp_path, monkeypatch):
    """The real build imported into a real collection: the heading gives no second card."""
    monkeypatch.chdir(tmp_path)
    write({"src/d.md": HEADING})
    code, _, stderr = outcome("build", "src", "--out", "decks")
    assert code == 0, stderr
    [built] = cards_json("src", "--out", "decks")
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_apkg(col, Path("decks/d-1.0.0.apkg"))
        [nid] = col.find_notes("")
        note = col.get_note(nid)
        assert note.guid == built["guid"]
        [card] = note.cards()
        assert card.ord == 0
        assert "Templates like &#123;&#123;c2::x&#125;&#125; and a::b" in card.question()
    finally:
        col.close()


def test_a_table_in_an_answer_sits_in_a_box_that_scrolls_sideways():
    source = "# D\n\n## Which port does each service use?\n\n| Service | Port |\n|---|---|\n| SSH | 22 |\n"
    [note] = notes_from(source)
    assert note.fields["Answer"] == (
        '<div class="table"><table><thead><tr><th>Service</th><th>Port</th></tr></thead>'
        "<tbody><tr><td>SSH</td><td>22</td></tr></tbody></table></div>"
    )
    assert ".table { display: block; overflow-x: auto;" in css()
