"""A team's styles and note types: a deck's CSS file, ``notetypes/`` YAML, text-to-speech, in a
real Anki collection, through import and through sync, with the learner's reviews kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support import build_at, cards_json, import_apkg, outcome, run, study, write

anki_collection = pytest.importorskip("anki.collection")
Collection = anki_collection.Collection

NOTES = """\
---
title: Team notes
style: team.css
---
# Team notes

## HTTP
- **Port:** 80 by default
- **Secure port:** 443
- **Status for not found:** 404
"""

TEAM_QA = """\
name: Team Q&A
fields: [Prompt, Answer, Source]
templates:
  - name: Card 1
    front: '<div class="q">{{Prompt}}</div>'
    back: '{{FrontSide}}<hr id="answer"><div class="a">{{Answer}}</div>'
css: team-qa.css
"""


@pytest.fixture(autouse=True)
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return tmp_path


def manifest(slug: str) -> dict:
    return json.loads(Path(f"decks/{slug}.manifest.json").read_text(encoding="utf-8"))


def test_a_style_change_updates_the_note_type_in_place_and_keeps_reviews(tmp_path, monkeypatch):
    write({"source/notes.md": NOTES, "source/team.css": ".card { font-family: Georgia, serif; }\n"})
    build_at(1_700_000_000, monkeypatch)
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        import_apkg(col, Path("decks/team-notes-1.0.0.apkg"))
        model = col.models.by_name("deckbuilder prompt/answer (team)")
        assert model is not None and "Georgia" in model["css"] and ".crumb" in model["css"]
        studied = study(col, "Team notes", 3, ease=4)

        Path("source/team.css").write_text(".card { font-family: Palatino, serif; }\n", encoding="utf-8")
        said = build_at(1_700_100_000, monkeypatch)
        assert "(1.0.0 -> 1.1.0, minor: 0 added, 0 changed, 0 removed, 3 note types restyled)" in said
        log = Path("decks/team-notes.changelog.md").read_text(encoding="utf-8")
        assert "## 1.1.0" in log and "Note types changed (templates or styling)" in log
        import_apkg(col, Path("decks/team-notes-1.1.0.apkg"))
        col.close()  # the Python side keeps note types it has read: read them again
        col = Collection(str(tmp_path / "c.anki2"))
        after = col.models.by_name("deckbuilder prompt/answer (team)")
        assert after["id"] == model["id"] and "Palatino" in after["css"] and "Georgia" not in after["css"]
        assert col.note_count() == 3
        for cid, schedule in studied.items():
            card = col.get_card(cid)
            assert (card.ivl, card.due, card.type, card.queue, card.factor, card.reps) == schedule
    finally:
        col.close()


def test_a_style_can_replace_the_default_one_and_other_decks_keep_theirs(monkeypatch):
    write(
        {
            "source/notes.md": NOTES.replace("style: team.css", "style: {css: team.css, replace: true}"),
            "source/team.css": ".card { color: black; }\n",
            "source/plain.md": "# Plain\n\n## A\n- **B:** c\n",
        }
    )
    build_at(1_700_000_000, monkeypatch)
    styled = manifest("team-notes")["models"]["prompt"]
    assert styled["name"] == "deckbuilder prompt/answer (team)"
    assert "id" not in manifest("plain")["models"]["prompt"]  # the built-in note type, unchanged
    notes = {n["deck"]: n for n in cards_json("source")}
    assert notes["Plain"]["model"] == notes["Team notes"]["model"] == "prompt"


def test_a_team_note_type_stands_for_a_built_in_one(tmp_path, monkeypatch):
    write(
        {
            "source/decks.yaml": "decks:\n  - deck: Team\n    sources: [a.md]\n    note_types: {prompt: team-qa}\n",
            "source/a.md": "# A\n\n## DNS\n- **Port:** 53\n",
            "source/notetypes/team-qa.yaml": TEAM_QA,
            "source/notetypes/team-qa.css": ".q { font-weight: bold; }\n",
        }
    )
    build_at(1_700_000_000, monkeypatch)
    state = manifest("team")["models"]["prompt"]
    assert state["name"] == "Team Q&A"
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        import_apkg(col, Path("decks/team-1.0.0.apkg"))
        (nid,) = col.find_notes("")
        note = col.get_note(nid)
        assert note.note_type()["name"] == "Team Q&A" and int(state["id"]) == note.mid
        assert '<div class="q">' in note.cards()[0].question()
        assert ".q { font-weight: bold; }" in note.note_type()["css"]
    finally:
        col.close()


def test_the_notetypes_folder_is_never_read_for_cards(monkeypatch):
    write({"source/a.md": "# A\n\n## S\n- **K:** v\n", "source/notetypes/team-qa.yaml": TEAM_QA})
    Path("source/notetypes/team-qa.css").write_text("", encoding="utf-8")
    assert {n["deck"] for n in cards_json("source")} == {"A"}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"source/notetypes/x.yaml": TEAM_QA.replace("{{Prompt}}", "{{Prompt}}<script>alert(1)</script>")},
            "source/notetypes/x.yaml:3: error: template 1: “<script” could run a script on a learner's device",
        ),
        (
            {
                "source/notetypes/x.yaml": TEAM_QA.replace(
                    "css: team-qa.css", "css: '.a { background: url(javascript:x) }'"
                )
            },
            "source/notetypes/x.yaml:7: error: “javascript:” in CSS could run a script or load a file; remove it",
        ),
        (
            {"source/notetypes/x.yaml": TEAM_QA.replace("{{Answer}}", "{{Answr}}")},
            "source/notetypes/x.yaml:3: error: template 1 shows “Answr”, which is not one of the fields",
        ),
        (
            {"source/team.css": "@import url(https://example.com/x.css);\n"},
            "source/team.css:1: error: “@import” in CSS could run a script or load a file; remove it",
        ),
    ],
)
def test_unsafe_or_wrong_note_types_are_refused_at_their_line(files, expected):
    write(
        {
            "source/a.md": "---\nstyle: team.css\nnote_types: {prompt: x}\n---\n# A\n\n## S\n- **K:** v\n",
            "source/team.css": ".card { color: red; }\n",
            "source/notetypes/x.yaml": TEAM_QA.replace("css: team-qa.css", "css: '.a { color: red; }'"),
            **files,
        }
    )
    code, _, err = outcome("build", "source", "--out", "decks")
    assert code == 1
    assert expected in err.splitlines(), err
    assert not Path("decks").exists() or not any(Path("decks").iterdir())


def test_a_team_note_type_must_have_the_fields_of_the_one_it_stands_for():
    write(
        {
            "source/a.md": "---\nnote_types: {prompt: vocab}\n---\n# A\n\n## S\n- **K:** v\n",
            "source/notetypes/vocab.yaml": TEAM_QA.replace(
                "[Prompt, Answer, Source]", "[Prompt, Answer]"
            ).replace("css: team-qa.css", "css: ''"),
        }
    )
    code, _, err = outcome("build", "source", "--out", "decks")
    assert code == 1
    assert (
        "source/a.md:2: error: note type “vocab” cannot stand for “prompt”: it needs the fields Prompt, Answer, Source"
        in err.splitlines()
    ), err


def test_a_style_outside_the_source_folder_is_refused(tmp_path):
    write({"source/a.md": "---\nstyle: ../x.css\n---\n# A\n\n## S\n- **K:** v\n", "x.css": ".card {}\n"})
    code, _, err = outcome("build", "source", "--out", "decks")
    assert code == 1
    assert (
        "source/a.md:2: error: the style source/../x.css must be inside the source folder source/" in err
    ), err


def test_text_to_speech_reads_the_prompt_aloud(tmp_path, monkeypatch):
    write({"source/a.md": "---\ntts: en_US\n---\n# A\n\n## S\n- **Port:** 53\n"})
    build_at(1_700_000_000, monkeypatch)
    col = Collection(str(tmp_path / "c.anki2"))
    try:
        import_apkg(col, Path("decks/a-1.0.0.apkg"))
        (nid,) = col.find_notes("")
        note = col.get_note(nid)
        assert note.note_type()["name"] == "deckbuilder prompt/answer (tts en_US)"
        assert "{{tts en_US:Prompt}}" in note.note_type()["tmpls"][0]["qfmt"]
        (voice,) = note.cards()[0].question_av_tags()
        assert voice.lang == "en_US" and "Port?" in voice.field_text
    finally:
        col.close()


def test_sync_updates_a_changed_style_in_place(tmp_path, monkeypatch):
    write({"source/notes.md": NOTES, "source/team.css": ".card { font-family: Georgia, serif; }\n"})
    build_at(1_700_000_000, monkeypatch)
    collection = str(tmp_path / "c.anki2")
    Collection(collection).close()
    assert run("sync", "--decks", "decks", "--collection", collection).exit_code == 0
    col = Collection(collection)
    try:
        studied = study(col, "Team notes", 2, ease=4)
    finally:
        col.close()
    Path("source/team.css").write_text(".card { font-family: Palatino, serif; }\n", encoding="utf-8")
    build_at(1_700_100_000, monkeypatch)
    result = run("sync", "--decks", "decks", "--collection", collection)
    assert result.exit_code == 0, result.output
    col = Collection(collection)
    try:
        model = col.models.by_name("deckbuilder prompt/answer (team)")
        assert "Palatino" in model["css"] and "Georgia" not in model["css"]
        for cid, schedule in studied.items():
            card = col.get_card(cid)
            assert (card.ivl, card.due, card.type, card.queue, card.factor, card.reps) == schedule
    finally:
        col.close()


def test_the_preview_shows_each_deck_with_its_own_note_types():
    write(
        {
            "source/notes.md": NOTES,
            "source/team.css": ".card { font-family: Georgia, serif; }\n",
            "source/plain.md": "# Plain\n\n## A\n- **B:** c\n",
            "source/typed.md": "---\ntts: en_US\n---\n# Typed\n\n## Ports\n\nT: Which port does DNS use?\nA: 53\n",
        }
    )
    result = run("preview", "source", "--out", "page.html")
    assert result.exit_code == 0, result.output
    page = Path("page.html").read_text(encoding="utf-8")
    scopes = re.findall(r"@scope \(\.(note-type-\d+)\) \{", page)
    assert scopes and all(
        f'class="card front {s}"' in page or f'class="card back {s}"' in page for s in scopes
    )
    assert "font-family: Georgia, serif;" in page.split("@scope", 1)[1]
    plain = page.split('<h2 class="deck-title">Plain', 1)[1].split("</article>", 1)[0]
    assert 'class="card front"' in plain  # the built-in note type: the page's own style only
    typed = page.split('<h2 class="deck-title">Typed', 1)[1].split("</article>", 1)[0]
    assert 'class="typeans"' in typed and "🔊" in typed and "{{" not in typed


def test_a_note_type_s_templates_are_a_layout_not_a_book():
    write(
        {
            "source/a.md": "---\nnote_types: {prompt: big}\n---\n# A\n\n## S\n- **K:** v\n",
            "source/notetypes/big.yaml": TEAM_QA.replace("css: team-qa.css", "css: ''").replace(
                "{{FrontSide}}", "{{FrontSide}}" + "{{#Answer}}x" * 5000
            ),
        }
    )
    code, _, err = outcome("build", "source", "--out", "decks")
    assert code == 1
    assert (
        "source/notetypes/big.yaml:3: error: a note type has at most 20 templates of 20,000 characters" in err
    ), err
